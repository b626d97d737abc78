"""The two sides of a comparison, each a snapshot (folder or zip) or a tracker file, read into
one scratch database where SQL finds what differs.

Both kinds of side are read as the same thing: the cells of a snapshot's CSV files. A snapshot
is read as written (after checking it against its manifest); a tracker is read through the
export's own SQL, so a tracker and a snapshot exported from it are equal cell for cell.

Two trackers of a million events do not fit in memory as Python objects, so each side is
streamed into a private temporary SQLite database (deleted when closed): one row per record
(its cells, timestamps aside) and one row per part of a record kept in another file —
a deal's parties, each tranche, an event's companies, tags, citations. Only what differs is
read back into Python.
"""

from __future__ import annotations

import csv
import json
import sqlite3
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from lodestone.core.missing import missing_file
from lodestone.core.progress import Ticker
from lodestone.core.records.kinds import record_kind
from lodestone.core.records.spreadsheet import unescape_cell
from lodestone.core.snapshots.cells import CellFunctions, select_lines_sql, whole_number
from lodestone.core.snapshots.files import SnapshotReader
from lodestone.core.snapshots.format import FILES, FileSpec, SnapshotError
from lodestone.core.storage.db import TrackerError, open_tracker

BATCH = 5000
SIDES = ("a", "b")
UNCOMPARED = ("created_at", "updated_at", "deleted_at")  # deleted_at decides liveness instead
ITEM_SEPARATOR = "\x1e"  # between the items of a part (each packed, never holding one)
_CELL_SEPARATOR = "\x1f"


def pack(cells: list[str]) -> str:
    """Cells as one string (compared by SQL, unpacked for the few that differ): joined by a
    control character, or as JSON in the rare case a cell holds one of the separators."""
    if any(_CELL_SEPARATOR in c or ITEM_SEPARATOR in c for c in cells):
        return json.dumps(cells)
    return "|" + _CELL_SEPARATOR.join(cells)


def unpack(text: str) -> list[str]:
    cells: list[str] = json.loads(text) if text[:1] == "[" else text[1:].split(_CELL_SEPARATOR)
    return cells

_SCHEMA = """
CREATE TABLE rec_{s} (kind TEXT, id INTEGER, live INTEGER, label TEXT, cells TEXT,
                      PRIMARY KEY (kind, id)) WITHOUT ROWID;
CREATE TABLE raw_{s} (kind TEXT, id INTEGER, part TEXT, sort, value TEXT);
"""


def compared_columns(spec: FileSpec) -> list[str]:
    """The columns of a record file that a comparison looks at, in file order."""
    return [c.name for c in spec.columns if c.name not in UNCOMPARED]


def is_snapshot(path: Path) -> bool:
    """A folder or a zip is a snapshot; any other file is taken for a tracker."""
    return path.is_dir() or (path.is_file() and zipfile.is_zipfile(path))


class Side:
    """One side of a comparison, opened: `rows(spec)` yields each row's cells as written."""

    def __init__(self, path: Path, stack: ExitStack) -> None:
        self.path = path
        if not path.exists():
            raise TrackerError(missing_file(path))
        self.snapshot: SnapshotReader | None = None
        self.conn: sqlite3.Connection | None = None
        if is_snapshot(path):
            self.snapshot = stack.enter_context(SnapshotReader(path))
            self.rows_total = sum(self.snapshot.manifest.files[s.name].rows for s in FILES)
        else:
            conn = open_tracker(path, create=False, readonly=True)
            stack.callback(conn.close)
            CellFunctions().register(conn)
            conn.execute("BEGIN")  # one read transaction: every file from the same moment
            self.conn = conn
            self.rows_total = sum(conn.execute(f"SELECT count(*) FROM {s.table}").fetchone()[0]
                                  for s in FILES)  # fmt: skip

    @property
    def work(self) -> int:
        """Units of progress this side is worth: a snapshot is read twice (checked, loaded)."""
        return self.rows_total * (2 if self.snapshot is not None else 1)

    def verify(self, ticker: Ticker) -> None:
        if self.snapshot is not None:
            self.snapshot.verify(ticker)

    def rows(self, spec: FileSpec) -> Iterator[list[str]]:
        if self.snapshot is not None:
            yield from self._snapshot_rows(spec)
            return
        assert self.conn is not None
        try:
            lines = (row[0] for row in self.conn.execute(select_lines_sql(spec)))
            yield from csv.reader(lines, strict=True)
        except sqlite3.Error as exc:
            raise TrackerError(f"{self.path} cannot be read for comparison ({exc})") from None

    def _snapshot_rows(self, spec: FileSpec) -> Iterator[list[str]]:
        assert self.snapshot is not None
        width = len(spec.header)
        try:
            for line, cells in self.snapshot.rows(spec):
                if len(cells) != width:
                    raise SnapshotError(f"{spec.name} line {line} has {len(cells)} cells, "
                                        f"not {width}")  # fmt: skip
                yield cells
        except SnapshotError as exc:
            raise SnapshotError(f"{self.path}: {exc}") from None


def _route(spec: FileSpec) -> Any:
    """A function cells -> ("rec", row) or ("raw", row) for the scratch tables of one file."""
    at = {name: i for i, name in enumerate(spec.header)}
    if spec.record_kind is not None:
        kind = spec.record_kind
        compared = [at[name] for name in compared_columns(spec)]
        labels = [at[name] for name in record_kind(kind).label_columns]
        deleted = at["deleted_at"]

        def record(cells: list[str]) -> tuple[str, tuple[Any, ...]]:
            label = next((cells[i] for i in labels if cells[i]), "")
            return "rec", (kind, whole_number(cells[at["id"]]), cells[deleted] == "",
                           unescape_cell(label), pack([cells[i] for i in compared]))

        return record
    table = spec.table

    def part(cells: list[str]) -> tuple[str, tuple[Any, ...]]:
        c = dict(zip(spec.header, cells, strict=True))
        row: tuple[str, str, str, int | str, list[str]]  # a tag's position is the tag itself
        if table == "tranches":  # the tranche's cells after its deal, its position last
            row = ("deal", c["deal_id"], f"tranche:{c['id']}", 0, cells[at["funder_id"]:])
        elif table == "deal_parties":
            row = ("deal", c["deal_id"], "parties", whole_number(c["position"]),
                   [c["company_id"], c["role"]])
        elif table == "event_companies":
            row = ("event", c["event_id"], "companies", whole_number(c["position"]),
                   [c["company_id"]])
        elif table == "tags":
            row = (c["record_kind"], c["record_id"], "tags", c["tag"], [c["tag"]])
        else:  # citations
            row = (c["record_kind"], c["record_id"], "citations", whole_number(c["id"]),
                   [c["source_id"], c["field"], c["quote"]])
        return "raw", (row[0], whole_number(row[1]), row[2], row[3], pack(row[4]))

    return part


def scratch_database() -> sqlite3.Connection:
    """A private temporary database (SQLite deletes it on close), spilling to disk when big."""
    conn = sqlite3.connect("", isolation_level=None)
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")  # scratch data: nothing to keep after a crash
    for side in SIDES:
        conn.executescript(_SCHEMA.format(s=side))
    return conn


def load_side(work: sqlite3.Connection, name: str, side: Side, ticker: Ticker) -> None:
    """Stream every file of `side` into the scratch tables `rec_<name>` and `part_<name>`."""
    side.verify(ticker)
    sql = {"rec": f"INSERT INTO rec_{name} VALUES (?, ?, ?, ?, ?)",
           "raw": f"INSERT INTO raw_{name} VALUES (?, ?, ?, ?, ?)"}  # fmt: skip
    work.execute("BEGIN")
    for spec in FILES:
        route = _route(spec)
        batch: dict[str, list[tuple[Any, ...]]] = {"rec": [], "raw": []}
        count = 0
        for cells in side.rows(spec):
            try:
                table, row = route(cells)
            except ValueError as exc:
                raise SnapshotError(f"{side.path}: {spec.name} holds a row that is not a "
                                    f"valid {spec.table} row ({exc})") from None
            batch[table].append(row)
            count += 1
            if count % BATCH == 0:
                _flush(work, sql, batch, ticker, side, spec)
        _flush(work, sql, batch, ticker, side, spec)
    # One value per part of a record: a deal's parties in order, its tags in order, ...
    work.execute(f"CREATE TABLE part_{name} AS SELECT kind, id, part, "
                 f"group_concat(value, char(30)) AS value FROM "
                 f"(SELECT * FROM raw_{name} ORDER BY kind, id, part, sort) "
                 f"GROUP BY kind, id, part")  # fmt: skip
    work.execute(f"CREATE UNIQUE INDEX part_{name}_key ON part_{name} (kind, id, part)")
    work.execute(f"DROP TABLE raw_{name}")
    work.execute("COMMIT")


def _flush(work: sqlite3.Connection, sql: dict[str, str], batch: dict[str, list[Any]],
           ticker: Ticker, side: Side, spec: FileSpec) -> None:  # fmt: skip
    done = 0
    for table, rows in batch.items():
        if rows:
            try:
                work.executemany(sql[table], rows)
            except sqlite3.IntegrityError:  # the key of a record's row
                raise SnapshotError(f"{side.path}: {spec.name} holds the same id twice; a "
                                    "snapshot holds each row once") from None
            done += len(rows)
            rows.clear()
    ticker.advance(done)
