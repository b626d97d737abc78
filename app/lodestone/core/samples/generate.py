"""Filling a new tracker with synthetic records in bulk, fast enough for a million events.

The repository saves one record per transaction: right for a form, far too slow for a load
test. Here rows go in with `executemany` in large batches, many per transaction, each row
checked by the forms' rules first (on the thread that makes the next batch), and each batch is
handed to the tracker's write layer (`storage.writes`), which logs, indexes and announces it
as it does a record saved from a form: a generated tracker searches like a hand-made one.

Only an empty tracker (or a new file) is filled: generating into an analyst's records would
bury them under invented ones.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from lodestone.core.paths import AppPaths
from lodestone.core.records.kinds import record_kind
from lodestone.core.samples.synthetic import COLUMNS, Batch, SyntheticTracker, batches
from lodestone.core.storage.bulk_indexes import drop_indexes, recreate_indexes
from lodestone.core.storage.check import ensure_no_records
from lodestone.core.storage.row_checks import first_refused
from lodestone.core.storage.stored_names import names_filled_at_end
from lodestone.core.storage.writes import Writes
from lodestone.core.tracker.session import open_for_writing

Progress = Callable[[str, int, int], None]

BATCH_SIZE = 50_000
# A larger page cache keeps the index pages of the growing tables in memory (256 MiB).
CACHE_KIB = 256 * 1024
MAX_COUNT = 50_000_000
# Tables whose secondary indexes are built after the load. Never one that the search-text
# queries look rows up in (tranches, deal_parties): those lookups would become table scans.
DEFERRED_INDEX_TABLES = ("deals", "events", "event_companies")
T = TypeVar("T")


@dataclass(frozen=True)
class GenerateSpec:
    """How many records of each kind, and the seed that makes them reproducible."""

    companies: int
    deals: int
    events: int
    seed: int = 0

    def problems(self) -> list[str]:
        """Why this spec cannot be generated, as sentences; empty when it can."""
        found = []
        for name in ("companies", "deals", "events"):
            value = getattr(self, name)
            if not 0 <= value <= MAX_COUNT:
                found.append(f"the number of {name} must be between 0 and {MAX_COUNT:,}")
        if self.companies == 0 and (self.deals or self.events):
            found.append("deals and events need at least one company to refer to")
        return found


@dataclass
class GenerateSummary:
    path: Path
    counts: dict[str, int]
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)


def _insert_sql(table: str) -> str:
    columns = COLUMNS[table]
    return (f"INSERT INTO {table} ({', '.join(columns)}) "
            f"VALUES ({', '.join('?' * len(columns))})")


def _checked(batch: Batch) -> Batch:
    """The batch, once every row passes the forms' rules (ValueError naming the first that
    does not: a fault of the generator, never of the analyst)."""
    for table, rows in batch.items():
        refused = first_refused(table, COLUMNS[table], rows)
        if refused is not None:
            position, error = refused
            raise ValueError(f"generated {table} row {rows[position][0]} is invalid: "
                             f"{error.field}: {error.message}")  # fmt: skip
    return batch


def _write(conn: sqlite3.Connection, batch: Batch) -> None:
    for table, rows in batch.items():
        conn.executemany(_insert_sql(table), rows)


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _prefetched(items: Iterator[T]) -> Iterator[T]:
    """The items of `items`, each next one made in a worker thread while the caller writes
    the current one: SQLite releases the GIL while it steps, so the two cores both work.
    Only the worker advances `items`, so the order (and the random stream) is unchanged."""
    with ThreadPoolExecutor(1, thread_name_prefix="lodestone-generate") as pool:
        future = pool.submit(next, items, None)
        while (item := future.result()) is not None:
            future = pool.submit(next, items, None)
            yield item


def _fill(conn: sqlite3.Connection, spec: GenerateSpec, timestamp: str,
          progress: Progress | None, phases: dict[str, float]) -> None:
    source = SyntheticTracker(spec.seed, timestamp=timestamp)
    plan = (("company", source.companies, spec.companies),
            ("deal", source.deals, spec.deals),
            ("event", source.events, spec.events))
    work = ((kind, total, first, count, _checked(rows)) for kind, make, total in plan
            for first, count, rows in batches(make, total, BATCH_SIZE))
    writes = Writes(conn)
    origin = f"the generator (seed {spec.seed})"
    phase_start = time.perf_counter()
    for kind, total, first, count, rows in _prefetched(work):
        with writes.transaction():
            _write(conn, rows)
            writes.created_between(kind, first, first + count - 1, origin, announce=False)
        if progress is not None:
            progress(record_kind(kind).table, first + count - 1, total)
        if first + count - 1 == total:
            phases[record_kind(kind).table] = time.perf_counter() - phase_start
            phase_start = time.perf_counter()


def generate_tracker(
    path: Path | str, paths: AppPaths, spec: GenerateSpec, progress: Progress | None = None
) -> GenerateSummary:
    """Create (or fill an empty) tracker at `path` with `spec`'s records; refuse one that
    already holds records (TrackerError) and a spec that cannot be met (ValueError).

    The tracker is opened like any writing command's (writer lock, checks), so a tracker open
    in the app is refused rather than written under it. Batches are committed as they go; if
    generation fails or is interrupted, the indexes are put back so the file is still a sound
    (partly filled) tracker.
    """
    problems = spec.problems()
    if problems:
        raise ValueError("; ".join(problems))
    path = Path(path)
    if path.exists():
        ensure_no_records(path)  # before open_tracker, which would migrate an older file
    started = time.perf_counter()
    timestamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    phases: dict[str, float] = {}
    session = open_for_writing(path, paths, backup_on_open=False)
    conn = session.repo.conn
    try:
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        ensure_no_records(path, conn)
        # sorting a million keys once is several times faster than a million B-tree inserts
        with _transaction(conn):
            indexes = drop_indexes(conn, DEFERRED_INDEX_TABLES, keep_unique=False)
        try:
            with names_filled_at_end(conn):
                _fill(conn, spec, timestamp, progress, phases)
        finally:
            phase_start = time.perf_counter()
            if progress is not None:
                progress("indexes", 0, len(indexes))
            with _transaction(conn):
                recreate_indexes(conn, indexes)
            phases["indexes"] = time.perf_counter() - phase_start
        conn.execute("PRAGMA optimize")
        counts = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                  for table in COLUMNS}
    finally:
        session.close()
    return GenerateSummary(path, counts, time.perf_counter() - started, phases)
