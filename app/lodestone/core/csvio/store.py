"""Storing the batches of a CSV import, inside the caller's transaction.

`Repository.save` is right for a form (one record, its own transaction) but spends most of its
time on per-record bookkeeping; a hundred thousand rows must go in batches. `csv_layout` lays
out each batch's records where it is parsed; here each table's rows of a batch go in
with one statement that reads them from one JSON parameter, so SQLite works with the
interpreter lock released while the next batch is parsed (and the window stays responsive).

Each batch's records are then handed to the tracker's write layer (`storage.writes`), which
logs each one whole with the file and row it was imported from, indexes it for search and
announces it, exactly as for a record saved from a form, with one statement per batch.
The indexes of the tables a big import fills are dropped and
built again at the end, inside the same transaction.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from lodestone.core.csvio.layout import TABLES, to_json
from lodestone.core.csvio.numbering import Batch, Defaults, Table
from lodestone.core.records import rowmap
from lodestone.core.records.model import Source
from lodestone.core.storage.bulk_indexes import (
    Index,
    drop_indexes,
    recreate_indexes,
    worth_deferring,
)
from lodestone.core.storage.writes import Writes

CACHE_KIB = 256 * 1024  # a larger page cache while an import writes (256 MiB at most)
# Tables whose indexes are rebuilt after a big import, by the kind of record that fills them.
_FILLED_BY = {"companies": "company", "deals": "deal", "deal_parties": "deal", "tranches": "deal",
              "events": "event", "event_companies": "event"}  # fmt: skip
# Indexes still read while rows go in: indexing a batch for search reads a deal's tranches, and
# a company stored before its parent is found again by its parent's id when the parent comes.
_READ_BY = {"tranches": "deal_id", "companies": "parent_id"}
_SOURCE_SQL = "SELECT id FROM sources WHERE url = ? AND deleted_at IS NULL ORDER BY id"
_STRING = re.compile(r"'((?:[^']|'')*)'")
_INTEGER = re.compile(r"-?[0-9]+")


def literal_defaults(conn: sqlite3.Connection, tables: Iterable[str]) -> Defaults:
    """The columns of `tables` whose default is a constant (a string, a number, NULL), with
    that value: a batch leaves out a column it would fill with the default in every row."""
    found: Defaults = {}
    for table in tables:
        columns = found.setdefault(table, {})
        for _, name, _, not_null, default, _ in conn.execute(f"PRAGMA table_info({table})"):
            text = "NULL" if default is None and not not_null else str(default)
            if text.upper() == "NULL":
                columns[name] = None
            elif match := _STRING.fullmatch(text):
                columns[name] = match.group(1).replace("''", "'")
            elif _INTEGER.fullmatch(text):
                columns[name] = int(text)
    return found


def insert_sql(table: Table) -> str:
    """An INSERT of the rows of one JSON parameter (a list of lists), each column read from
    its position in a row."""
    values = ", ".join(f"value ->> {i}" for i in table.positions)
    return (f"INSERT INTO {table.name} ({', '.join(table.columns)}) SELECT {values} "
            "FROM json_each(?)")


class CsvStore:
    """Writes the batches of one import into the caller's transaction."""

    def __init__(self, conn: sqlite3.Connection, file_name: str) -> None:
        self.conn = conn
        self.writes = Writes(conn)
        self.file_name = file_name
        self.deferred: list[Index] = []
        self.started = False
        self._cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        self._sources: dict[str, int] = {}
        self._next_source = 0
        self.defaults = literal_defaults(conn, TABLES)

    def next_ids(self) -> dict[str, int]:
        """The first free id of each table the layout numbers."""
        return {table: int(self.conn.execute(
                    f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0])
                for table in ("deals", "tranches", "events")}  # fmt: skip

    def start(self, expected: dict[str, int]) -> None:
        """Before the first batch: `expected` records of each kind are about to come, so the
        indexes of the tables they fill are dropped when rebuilding them is quicker."""
        self.started = True
        self.conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self.conn.execute("PRAGMA defer_foreign_keys = ON")  # parents may come later in a file
        big = [table for table, kind in _FILLED_BY.items()
               if worth_deferring(self.conn, table, expected.get(kind, 0))]  # fmt: skip
        self.deferred = drop_indexes(self.conn, big, keep_leading=_READ_BY)
        self._next_source = int(self.conn.execute(
            "SELECT coalesce(max(id), 0) + 1 FROM sources").fetchone()[0])  # fmt: skip

    def write(self, batch: Batch) -> None:
        for table in batch.tables:
            self.conn.execute(insert_sql(table), (table.rows,))
        self._citations(batch)
        for kind, created in batch.created.items():
            self.writes.created(kind, (), rows=[(record_id, self.origin(row))
                                                for record_id, row in created])  # fmt: skip

    def origin(self, row: int) -> str:
        """Where a record came from, as its change-log entry says it."""
        return f"{self.file_name}, row {row}"

    def _citations(self, batch: Batch) -> None:
        """A source per distinct URL (an existing one when the tracker has it), cited by the
        record of each row that gave it."""
        new: list[list[Any]] = []
        citations = []
        for kind, record_id, url, row in batch.cited:
            if url not in self._sources:
                found = self.conn.execute(_SOURCE_SQL, (url,)).fetchone()
                if found is None:
                    source = Source(url=url, id=self._next_source)
                    self._next_source += 1
                    new.append([source.id, *rowmap.source_row(source).values(), row])
                    found = (source.id,)
                self._sources[url] = int(found[0])
            citations.append([self._sources[url], kind, record_id, "", ""])
        if new:
            columns = ("id", *rowmap.source_row(Source(url="")))
            self._insert("sources", columns, [r[:-1] for r in new])
            batch.created["source"] = [(r[0], r[-1]) for r in new]
        if citations:
            columns = ("source_id", "record_kind", "record_id", "field", "quote")
            self._insert("citations", columns, citations)

    def _insert(self, name: str, columns: tuple[str, ...], rows: list[list[Any]]) -> None:
        table = Table(name, columns, tuple(range(len(columns))), to_json(rows))
        self.conn.execute(insert_sql(table), (table.rows,))

    def finish(self, before_each: Callable[[], None] | None = None) -> None:
        """After the last batch: the dropped indexes built again (`before_each()` may raise
        to cancel)."""
        recreate_indexes(self.conn, self.deferred, before_each)

    def close(self) -> None:
        """Give the connection its own page cache size back, whatever happened."""
        self.conn.execute(f"PRAGMA cache_size = {int(self._cache)}")
