"""Importing a snapshot: an exact restore into an empty tracker, a merge by id into one with
records, all in one transaction.

Merging never overwrites: a row whose id is already in the tracker is compared cell by cell
with what export would write for the tracker's row. Identical rows are skipped; different
ones are reported as conflicts and left as they are (`created_at`/`updated_at` are not
compared: saving a record unchanged must not make it a conflict). A new row that cannot go in
(another company already has its name) is a conflict too, and so is every new row that refers
to it. Anything else wrong in the snapshot refuses the whole import, naming file, line and
column; so does a row the forms would refuse (`storage.row_checks`). The imported records are
logged, indexed for search and announced by the tracker's write layer (`storage.writes`).
"""

from __future__ import annotations

import csv
import io
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from lodestone.core.csv_fields import allow_long_fields
from lodestone.core.progress import CancelCheck, Progress, Ticker, collector_paused
from lodestone.core.records.kinds import RECORD_KINDS
from lodestone.core.snapshots.cells import CellFunctions, derived_columns, line_sql, row_reader
from lodestone.core.snapshots.files import SnapshotReader
from lodestone.core.snapshots.format import (
    FILES,
    RECORD_TABLES,
    FileSpec,
    SnapshotError,
    generic_spec,
)
from lodestone.core.snapshots.report import Conflict, ImportReport
from lodestone.core.storage.bulk_indexes import drop_indexes, recreate_indexes
from lodestone.core.storage.check import count_records
from lodestone.core.storage.db import open_tracker
from lodestone.core.storage.row_checks import first_refused
from lodestone.core.storage.schema import SCHEMA_VERSION
from lodestone.core.storage.stored_names import names_filled_at_end
from lodestone.core.storage.writes import Writes

BATCH_ROWS = 1000
CACHE_KIB = 256 * 1024  # a larger page cache for the duration of an import (256 MiB at most)
DEFERRED_INDEX_TABLES = ("deals", "deal_parties", "tranches", "events", "event_companies")
_UNCOMPARED = ("created_at", "updated_at")
_OWNERS = {child.table: (kind.name, child.owner)  # child table -> (its owner's kind, column)
           for kind in RECORD_KINDS for child in kind.children}  # fmt: skip
_UNIQUE = ("SQLITE_CONSTRAINT_UNIQUE", "SQLITE_CONSTRAINT_PRIMARYKEY")


@contextmanager
def _writing(conn_or_path: sqlite3.Connection | Path | str) -> Iterator[sqlite3.Connection]:
    own = not isinstance(conn_or_path, sqlite3.Connection)
    if isinstance(conn_or_path, sqlite3.Connection):
        conn = conn_or_path
    else:
        conn = open_tracker(conn_or_path)
    try:
        if conn.in_transaction:
            raise SnapshotError("the tracker is in the middle of another change; try again")
        yield conn
    finally:
        if own:
            conn.close()


class _Merger:
    """Loads the files of one snapshot into one tracker, inside one transaction."""

    def __init__(self, conn: sqlite3.Connection, snapshot: SnapshotReader, ticker: Ticker,
                 report: ImportReport) -> None:  # fmt: skip
        self.conn = conn
        self.snapshot = snapshot
        self.ticker = ticker
        self.report = report
        self.missing: dict[str, set[int]] = defaultdict(set)  # new rows that did not go in
        self.disputed: dict[str, set[int]] = defaultdict(set)  # rows that differ from ours
        self.inserted: dict[str, set[int]] = defaultdict(set)  # new records (to index)
        self.touched: dict[str, set[int]] = defaultdict(set)  # records with new children
        self.writes = Writes(conn)
        # Keys of the rows read so far, per file, to refuse a key given twice: into an empty
        # tracker the table itself tells (the key is there), so only a merge keeps them.
        self.seen: dict[str, set[tuple[Any, ...]]] = defaultdict(set)

    def specs(self) -> list[FileSpec]:
        specs = list(FILES)
        for name in self.snapshot.manifest.files:
            if any(spec.name == name for spec in FILES):
                continue
            table = name.removesuffix(".csv")
            info = self.conn.execute(f"PRAGMA table_info({table})").fetchall()
            if not info:
                raise SnapshotError(f"the snapshot holds {table.replace('_', ' ')}, which this "
                                    "tracker cannot store; update Lodestone first")  # fmt: skip
            specs.append(generic_spec(table, info))
        return specs

    def run(self) -> None:
        CellFunctions().register(self.conn)
        cache = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        self.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            self.report.restored = count_records(self.conn) == 0
            self.conn.execute("PRAGMA defer_foreign_keys = ON")
            big = DEFERRED_INDEX_TABLES if self.report.restored else ()
            deferred = drop_indexes(self.conn, big)
            # into an empty tracker: the names lists sort by filled once, not per link
            with names_filled_at_end(self.conn) if self.report.restored else nullcontext():
                for spec in self.specs():
                    self._load(spec)
            recreate_indexes(self.conn, deferred, self.ticker.check)
            self._record_imports()
            self._commit()
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            self.writes.forget()
            raise
        finally:
            self.conn.execute(f"PRAGMA cache_size = {int(cache)}")
        self.writes.deliver()
        self.report.changes = self.writes.committed

    def _commit(self) -> None:
        try:
            self.conn.execute("COMMIT")
        except sqlite3.IntegrityError:
            row = self.conn.execute("PRAGMA foreign_key_check").fetchone()
            where = f" ({row[0]} row {row[1]} refers to a missing {row[2]} record)" if row else ""
            raise SnapshotError(f"the snapshot refers to records it does not hold{where}") from None

    # -- one file -------------------------------------------------------------------------

    def _load(self, spec: FileSpec) -> None:
        read = row_reader(spec)
        expected = self.snapshot.manifest.files[spec.name].rows
        count = 0
        batch: list[tuple[int, list[str], tuple[Any, ...]]] = []
        for line, cells in self.snapshot.rows(spec):
            batch.append((line, cells, read(cells, line)))
            if len(batch) >= BATCH_ROWS:
                self._merge(spec, batch)
                count += len(batch)
                batch = []
        self._merge(spec, batch)
        count += len(batch)
        if count != expected:
            raise SnapshotError(f"{spec.name} has {count:,} rows; its manifest says {expected:,}")

    def _existing(self, spec: FileSpec, keys: list[tuple[Any, ...]]) -> dict[tuple[Any, ...], str]:
        """The tracker's rows with these keys, as the CSV lines export would write."""
        found: dict[tuple[Any, ...], str] = {}
        width = len(spec.key)
        chunk = max(1, 900 // width)
        cols = ", ".join(spec.key)
        for start in range(0, len(keys), chunk):
            part = keys[start:start + chunk]
            marks = ", ".join(["(" + ", ".join("?" * width) + ")"] * len(part))
            where = f"({cols}) IN (VALUES {marks})" if width > 1 else f"{cols} IN ({marks})"
            sql = f"SELECT {cols}, {line_sql(spec)} FROM {spec.table} WHERE {where}"
            cursor = self.conn.cursor()
            cursor.row_factory = None
            for row in cursor.execute(sql, [v for key in part for v in key]):
                found[tuple(row[:width])] = row[width]
        return found

    def _merge(self, spec: FileSpec, batch: list[tuple[int, list[str], tuple[Any, ...]]]) -> None:
        position = {c.name: i for i, c in enumerate(spec.columns)}
        key_at = [position[k] for k in spec.key]
        keyed = [(line, cells, values, tuple(values[i] for i in key_at))
                 for line, cells, values in batch]  # fmt: skip
        self._check(spec, batch)
        existing = self._existing(spec, [k for *_, k in keyed]) if not self.report.restored else {}
        seen = set() if self.report.restored else self.seen[spec.table]
        new = []
        for line, cells, values, key in keyed:
            if key in seen:
                raise _repeated(spec, key, line)
            seen.add(key)
            if key in existing:
                differences = self._differences(spec, existing[key], cells)
                if differences:
                    self._conflict(spec, key, line, differences, self.disputed)
                else:
                    self.report.unchanged[spec.name] += 1
                continue
            kept_out = any(self.missing.values()) or any(self.disputed.values())
            blocker = self._blocker(spec, values, position) if kept_out else ""
            if blocker:
                self._conflict(spec, key, line, blocker, self.missing)
                continue
            new.append((line, key, values))
        self._insert(spec, new, position)
        self.ticker.advance(len(batch))

    def _check(self, spec: FileSpec, batch: list[tuple[int, list[str], tuple[Any, ...]]]) -> None:
        """Refuse the snapshot at the first row the forms would refuse."""
        columns = [c.db for c in spec.columns] + list(derived_columns(spec.table))
        refused = first_refused(spec.table, columns, (values for *_, values in batch))
        if refused is not None:
            position, error = refused
            raise SnapshotError(f"{spec.name} line {batch[position][0]}, field {error.field}: "
                                f"{error.message}")  # fmt: skip

    def _differences(self, spec: FileSpec, line: str, cells: list[str]) -> str:
        ours = next(csv.reader(io.StringIO(line)))
        changed = [f"{c.name} is {_short(mine)} in the tracker, {_short(theirs)} in the snapshot"
                   for c, mine, theirs in zip(spec.columns, ours, cells, strict=True)
                   if mine != theirs and c.name not in _UNCOMPARED]  # fmt: skip
        return "; ".join(changed)

    def _blocker(self, spec: FileSpec, values: tuple[Any, ...], position: dict[str, int]) -> str:
        """Why a new row cannot go in: it refers to a row that did not (the reference would
        dangle), or it is part of a record in conflict (a tag or tranche of a deal that
        differs belongs to that conflict, for the analyst to settle)."""
        owner = _OWNERS.get(spec.table, ("", ""))[1]
        refs = [(table, values[position[column]], column == owner)
                for column, table in spec.refs.items()]  # fmt: skip
        if spec.poly:
            table = RECORD_TABLES[values[position["record_kind"]]]
            refs.append((table, values[position["record_id"]], spec.table == "tags"))
        for table, value, owned in refs:
            if value in self.missing[table]:
                return f"refers to {table} {value}, which was not imported"
            if owned and value in self.disputed[table]:
                return f"belongs to {table} {value}, which conflicts with the tracker"
        return ""

    def _conflict(self, spec: FileSpec, key: tuple[Any, ...], line: int, reason: str,
                  kept_out: dict[str, set[int]]) -> None:  # fmt: skip
        if len(spec.key) == 1:
            kept_out[spec.table].add(key[0])
        self.report.add_conflict(Conflict(spec.name, key, line, reason))

    def _insert(self, spec: FileSpec, new: list[tuple[int, tuple[Any, ...], tuple[Any, ...]]],
                position: dict[str, int]) -> None:  # fmt: skip
        if not new:
            return
        columns = [c.db for c in spec.columns] + list(derived_columns(spec.table))
        sql = (f"INSERT INTO {spec.table} ({', '.join(columns)}) "
               f"VALUES ({', '.join('?' * len(columns))})")  # fmt: skip
        self.conn.execute("SAVEPOINT snapshot_batch")
        try:
            self.conn.executemany(sql, [values for *_, values in new])
            inserted = new
        except sqlite3.IntegrityError:
            self.conn.execute("ROLLBACK TO snapshot_batch")
            inserted = [row for row in new if self._insert_one(spec, sql, *row)]
        self.conn.execute("RELEASE snapshot_batch")
        self.report.added[spec.name] += len(inserted)
        if self.report.restored:
            return
        kind = spec.record_kind
        owner = _OWNERS.get(spec.table)
        for _, key, values in inserted:
            if kind:
                self.inserted[kind].add(key[0])
            elif owner:
                self.touched[owner[0]].add(values[position[owner[1]]])

    def _insert_one(self, spec: FileSpec, sql: str, line: int, key: tuple[Any, ...],
                    values: tuple[Any, ...]) -> bool:  # fmt: skip
        try:
            self.conn.execute(sql, values)
            return True
        except sqlite3.IntegrityError as exc:
            if getattr(exc, "sqlite_errorname", "") not in _UNIQUE:
                raise SnapshotError(f"{spec.name} line {line} cannot be stored: {exc}") from None
            if self.report.restored and self._stored(spec, key):  # an earlier row's key
                raise _repeated(spec, key, line) from None
        what = "a company with this name" if spec.table == "companies" else "the same row"
        self._conflict(spec, key, line, f"{what} is already in the tracker under another id",
                       self.missing)
        return False

    def _stored(self, spec: FileSpec, key: tuple[Any, ...]) -> bool:
        where = " AND ".join(f"{column} = ?" for column in spec.key)
        found = self.conn.execute(f"SELECT 1 FROM {spec.table} WHERE {where}", key).fetchone()
        return found is not None

    # -- the change log, the full-text index and the notices ------------------------------

    def _record_imports(self) -> None:
        """Log, index and announce the imported records through the write layer; the records
        that gained parties, tranches or companies are indexed again and announced."""
        origin = self.snapshot.source.name
        for kind, table in RECORD_TABLES.items():
            if self.report.restored:
                ids = list(self._all_ids(table))
                if ids:
                    self.writes.created_between(kind, ids[0], ids[-1], origin, announce=False)
                    self.writes.changed(kind, "created", ids)
            else:
                self.writes.created(kind, sorted(self.inserted[kind]), origin)
            entry = self.snapshot.manifest.files.get(f"{table}.csv")
            self.ticker.advance(0 if entry is None else entry.rows)
            touched = sorted(self.touched[kind] - self.inserted[kind])
            if touched:
                self.writes.index(kind, touched)
                self.writes.changed(kind, "updated", touched)

    def _all_ids(self, table: str) -> Iterator[int]:
        """Every id of `table`, a page at a time (never the whole table in memory)."""
        first = self.conn.execute(f"SELECT min(id) FROM {table}").fetchone()[0]
        if first is None:
            return
        last = first - 1
        while page := [r[0] for r in self.conn.execute(
                f"SELECT id FROM {table} WHERE id > ? ORDER BY id LIMIT {BATCH_ROWS}", (last,))]:
            yield from page
            last = page[-1]


def _repeated(spec: FileSpec, key: tuple[Any, ...], line: int) -> SnapshotError:
    """The refusal of a row whose key an earlier row of the same file already has: one of the
    two would be dropped, so the snapshot is not one that export writes."""
    if len(spec.key) == 1:
        what = f"the {spec.key[0]} {key[0]}"
    else:
        what = f"the {', '.join(spec.key)} {', '.join(map(str, key))}"
    return SnapshotError(f"{spec.name} line {line} repeats {what} of an earlier row; a snapshot "
                         "holds each row once")


def _short(cell: str) -> str:
    return repr(cell if len(cell) <= 40 else cell[:37] + "...") if cell else "empty"


def import_snapshot(
    conn_or_path: sqlite3.Connection | Path | str,
    source: Path | str,
    *,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
    before_write: Callable[[], None] | None = None,
) -> ImportReport:
    """Restore (into an empty tracker) or merge (by id) the snapshot at `source`.

    Raises SnapshotError (one sentence) for a snapshot that is incomplete, tampered with or
    damaged, and Cancelled on `cancelled()`; either way the tracker is left unchanged.
    `before_write()` runs once the snapshot is verified, before the tracker is touched: the
    place for the backup taken before every import.
    """
    source = Path(source)
    allow_long_fields()
    with SnapshotReader(source) as snapshot:
        manifest = snapshot.manifest
        if manifest.schema_version > SCHEMA_VERSION:
            raise SnapshotError(f"{source} was written by a newer Lodestone (schema "
                                f"{manifest.schema_version}); update Lodestone to import it")
        records = sum(manifest.files[s.name].rows for s in FILES if s.record_kind)
        ticker = Ticker(2 * manifest.total_rows + records, progress, cancelled, "The import")
        snapshot.verify(ticker)
        if before_write is not None:
            before_write()
        report = ImportReport(source, manifest)
        with collector_paused(), _writing(conn_or_path) as conn:
            _Merger(conn, snapshot, ticker, report).run()
    ticker.finish()
    report.added = dict(report.added)
    report.unchanged = dict(report.unchanged)
    return report
