"""CSV snapshots of a whole tracker: `export_snapshot` here, `import_snapshot` in
`snapshot_restore` (re-exported), the format itself in `snapshot_format`.

Both take an open connection (the GUI thread's own) or a tracker path, from which they open a
connection of their own: a worker thread must never share the GUI's connection. Both report
`progress(done, total)` and stop at `cancelled()`, leaving nothing behind.

Export reads every table inside one read transaction, so the files agree with each other even
while the analyst keeps editing, and streams rows in batches: memory stays flat with a
million events.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lodestone import __version__
from lodestone.core.progress import CancelCheck, Progress, Ticker
from lodestone.core.snapshots.cells import CellFunctions, line_sql, select_lines_sql
from lodestone.core.snapshots.files import HashingSink, SnapshotWriter
from lodestone.core.snapshots.format import (
    FILES,
    OPTIONAL_TABLES,
    FileEntry,
    FileSpec,
    Manifest,
    SnapshotError,
    generic_spec,
)
from lodestone.core.snapshots.report import ImportReport
from lodestone.core.snapshots.restore import import_snapshot
from lodestone.core.storage.db import open_tracker, schema_version

__all__ = ["ImportReport", "Manifest", "SnapshotError", "export_snapshot", "import_snapshot"]

BATCH_ROWS = 20_000
BOM = "\ufeff".encode()


def utc_now() -> str:
    """The manifest's time, in the same form as the records' timestamps."""
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def snapshot_specs(conn: sqlite3.Connection) -> list[FileSpec]:
    """The files to write: every record table, plus the optional ones that exist with rows."""
    specs = list(FILES)
    for table in OPTIONAL_TABLES:
        exists = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
        ).fetchone()
        if exists and conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone():
            info = conn.execute(f"PRAGMA table_info({table})").fetchall()
            specs.append(generic_spec(table, info))
    return specs


@contextmanager
def _reading(conn_or_path: sqlite3.Connection | Path | str) -> Iterator[sqlite3.Connection]:
    """A connection inside one read transaction, returning rows of raw UTF-8 bytes (which
    skips decoding and re-encoding every cell); a given connection is restored afterwards."""
    own = not isinstance(conn_or_path, sqlite3.Connection)
    if isinstance(conn_or_path, sqlite3.Connection):
        conn = conn_or_path
    else:
        conn = open_tracker(conn_or_path, create=False, readonly=True)
    factory = conn.text_factory
    began = not conn.in_transaction
    try:
        if began:
            conn.execute("BEGIN")
        conn.text_factory = bytes
        yield conn
    finally:
        conn.text_factory = factory
        if began and conn.in_transaction:
            conn.execute("ROLLBACK")
        if own:
            conn.close()


def _pages(conn: sqlite3.Connection, spec: FileSpec, newline: bytes) -> Iterator[tuple[int, bytes]]:
    """(rows, CSV text) pages of a table in key order, each page one string built by SQLite.

    A table keyed by an integer id is paged by id (keyset, so each page is an index range)
    and each page is joined into one string by SQLite itself: that saves creating a Python
    object per row, a third of the time on a million events. Other tables are fetched in
    batches of lines.
    """
    cursor = conn.cursor()
    cursor.row_factory = None
    try:
        if spec.key == ("id",):
            separator = "char(13) || char(10)" if newline == b"\r\n" else "char(10)"
            sql = (f"SELECT max(id), count(*), group_concat(line, {separator}) FROM ("
                   f"SELECT id, {line_sql(spec)} AS line FROM {spec.table} WHERE id > ? "
                   f"ORDER BY id LIMIT {BATCH_ROWS})")  # fmt: skip
            first = cursor.execute(f"SELECT min(id) FROM {spec.table}").fetchone()[0]
            last = None if first is None else first - 1
            while last is not None:
                last, count, text = cursor.execute(sql, (last,)).fetchone()
                if count:
                    yield count, text + newline
        else:
            cursor.execute(select_lines_sql(spec))
            while batch := cursor.fetchmany(BATCH_ROWS):
                yield len(batch), newline.join([row[0] for row in batch]) + newline
    finally:
        cursor.close()


def _write_table(conn: sqlite3.Connection, spec: FileSpec, sink: HashingSink, newline: bytes,
                 ticker: Ticker, functions: CellFunctions) -> int:  # fmt: skip
    """Stream one table into `sink` as CSV lines; return the number of rows written."""
    sink.write(",".join(spec.header).encode() + newline)
    rows = 0
    try:
        for count, text in _pages(conn, spec, newline):
            sink.write(text)
            rows += count
            ticker.advance(count)
    except sqlite3.OperationalError as exc:
        raise SnapshotError(f"{spec.name} cannot be written: {functions.error or exc}") from None
    return rows


def export_snapshot(
    conn_or_path: sqlite3.Connection | Path | str,
    dest: Path | str,
    *,
    excel: bool = False,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> Manifest:
    """Write a snapshot of the tracker to `dest`, a new folder or a new `.zip` file.

    `excel` adds a byte-order mark and CRLF line ends (what Excel expects to read UTF-8).
    Raises SnapshotError (one sentence) when `dest` exists or a row cannot be written, and
    Cancelled when `cancelled()` turns true; in both cases `dest` is not created.
    """
    dest = Path(dest)
    newline = b"\r\n" if excel else b"\n"
    with _reading(conn_or_path) as conn, SnapshotWriter(dest) as writer:
        specs = snapshot_specs(conn)
        total = sum(conn.execute(f"SELECT count(*) FROM {s.table}").fetchone()[0] for s in specs)
        ticker = Ticker(total, progress, cancelled, "The export")
        functions = CellFunctions()
        functions.register(conn)
        files: dict[str, FileEntry] = {}
        for spec in specs:
            ticker.check()
            sink = writer.open(spec.name)
            try:
                if excel:
                    sink.write(BOM)
                rows = _write_table(conn, spec, sink, newline, ticker, functions)
            finally:
                sink.close()
            files[spec.name] = FileEntry(rows, sink.hexdigest())
        manifest = Manifest(__version__, schema_version(conn), utc_now(), files, excel)
        writer.commit(manifest)
    ticker.finish()
    return manifest
