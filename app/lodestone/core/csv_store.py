"""Storing the records of a CSV import in bulk, inside the caller's transaction.

`Repository.save` is right for a form (one record, its own transaction) but spends most of its
time on per-record bookkeeping; a hundred thousand rows must go in batches. The rows are still
laid out by `rowmap`, logged in the change log as created and indexed for search by the
repository's own code, so an imported record is indistinguishable from one typed in a form.
Ids are given here (after the tracker's largest), which is safe because the caller holds the
write lock of its `BEGIN IMMEDIATE` transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from lodestone.core import rowmap
from lodestone.core.bulk_indexes import drop_indexes, recreate_indexes, worth_deferring
from lodestone.core.company_match import CompanyMatcher
from lodestone.core.csv_rows import RowResult
from lodestone.core.records import RECORD_TYPES, Company, Deal, Event, Record, Source
from lodestone.core.repository import Repository
from lodestone.core.search_bulk import index_new_records

BATCH = 5000
# Tables whose indexes are rebuilt after a big import, by the kind of record that fills them.
_CHILD_TABLES = {"deals": "deal", "deal_parties": "deal", "tranches": "deal", "events": "event",
                 "event_companies": "event"}  # fmt: skip


def _next_id(conn: sqlite3.Connection, table: str) -> int:
    return int(conn.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}").fetchone()[0])


def _insert_many(conn: sqlite3.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert rows that all have the same columns (as rowmap lays them out), in batches."""
    if not rows:
        return
    columns = list(rows[0])
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    for start in range(0, len(rows), BATCH):
        conn.executemany(sql, [[row[c] for c in columns] for row in rows[start:start + BATCH]])


def _with_id(record: Record) -> dict[str, Any]:
    return {"id": record.id, **rowmap.to_row(record)}


def stored_records(results: list[RowResult]) -> list[Company | Deal | Event]:
    return [r.record for r in results if r.ok and r.record is not None]


def new_companies(records: list[Company | Deal | Event],
                  matcher: CompanyMatcher) -> list[Company]:  # fmt: skip
    """The companies to create because stored rows name them (a recipient, funder, event
    company or parent the tracker lacks), not those that only invalid rows named; a company
    row of the file is a record itself, not one of these."""
    defined = {r.id for r in records if isinstance(r, Company)}
    used: dict[int, None] = {}
    for record in records:
        if isinstance(record, Deal):
            ids: Iterable[int | None] = [p.company_id for p in record.parties]
            ids = [*ids, *(t.funder_id for t in record.tranches)]
        elif isinstance(record, Event):
            ids = record.company_ids
        else:
            ids = [record.parent_id]
        used.update((i, None) for i in ids if i in matcher.new and i not in defined)
    return [Company(matcher.new[i].name, id=i) for i in used]


class CsvStore:
    """Writes the valid rows of one import, with the companies and sources they need."""

    def __init__(self, conn: sqlite3.Connection, tick: Callable[[int], None]) -> None:
        self.conn = conn
        self.repo = Repository(conn)
        self.tick = tick
        self.created: list[Record] = []

    def write(self, results: list[RowResult], records: list[Company | Deal | Event],
              companies: list[Company]) -> None:  # fmt: skip
        """Store the `records` of `results` (`stored_records`) and the new `companies` they
        name (`new_companies`), with the sources the rows cite."""
        self.conn.execute("PRAGMA defer_foreign_keys = ON")  # parents may come later in a file
        big = [table for table, kind in _CHILD_TABLES.items()
               if worth_deferring(self.conn, table, sum(r.KIND == kind for r in records))]
        deferred = drop_indexes(self.conn, big)
        _insert_many(self.conn, "companies", [_with_id(c) for c in companies])
        self.created += companies
        self._records(records)
        self._citations(results)
        recreate_indexes(self.conn, deferred)
        self._finish()


    def _records(self, records: list[Company | Deal | Event]) -> None:
        for kind, table in (("company", "companies"), ("deal", "deals"), ("event", "events")):
            chosen = [r for r in records if r.KIND == kind]
            if not chosen:
                continue
            if kind != "company":  # companies carry the id the matcher gave them
                first = _next_id(self.conn, table)
                for offset, record in enumerate(chosen):
                    record.id = first + offset
            _insert_many(self.conn, table, [_with_id(r) for r in chosen])
            if kind == "deal":
                self._deal_children(chosen)  # type: ignore[arg-type]
            elif kind == "event":
                links = [{"event_id": e.id, "company_id": c, "position": i}
                         for e in chosen for i, c in enumerate(e.company_ids)]  # type: ignore[union-attr]  # fmt: skip
                _insert_many(self.conn, "event_companies", links)
            self.created += chosen

    def _deal_children(self, deals: list[Deal]) -> None:
        parties = [{"deal_id": d.id, "company_id": p.company_id, "role": p.role, "position": i}
                   for d in deals for i, p in enumerate(d.parties)]  # fmt: skip
        _insert_many(self.conn, "deal_parties", parties)
        next_tranche = _next_id(self.conn, "tranches")
        tranches = []
        for deal in deals:
            assert deal.id is not None
            for position, tranche in enumerate(deal.tranches):
                tranche.id, next_tranche = next_tranche, next_tranche + 1
                row = rowmap.tranche_row(tranche, deal.id, position)
                tranches.append({"id": tranche.id, **row})
        _insert_many(self.conn, "tranches", tranches)

    def _citations(self, results: list[RowResult]) -> None:
        """A source per distinct URL (an existing one when the tracker has it), cited by the
        record of each row that gave it."""
        sources: dict[str, int] = {}
        new_sources: list[Source] = []
        citations = []
        next_source = _next_id(self.conn, "sources")
        for result in results:
            record = result.record
            if not (result.ok and record is not None and result.source_url):
                continue
            url = result.source_url
            if url not in sources:
                row = self.conn.execute(
                    "SELECT id FROM sources WHERE url = ? AND deleted_at IS NULL ORDER BY id",
                    (url,)).fetchone()  # fmt: skip
                if row is None:
                    new_sources.append(Source(url=url, id=next_source))
                    row, next_source = (next_source,), next_source + 1
                sources[url] = int(row[0])
            citations.append({"source_id": sources[url], "record_kind": record.KIND,
                              "record_id": record.id, "field": "", "quote": ""})  # fmt: skip
        _insert_many(self.conn, "sources", [_with_id(s) for s in new_sources])
        _insert_many(self.conn, "citations", citations)
        self.created += new_sources

    def _finish(self) -> None:
        """Change log and full-text index of every created record, by the repository."""
        for record in self.created:
            assert record.id is not None
            self.repo.log_change(record.KIND, record.id, "create", None, rowmap.snapshot(record))
        for kind in RECORD_TYPES:
            ids = [r.id for r in self.created if r.KIND == kind and r.id is not None]
            index_new_records(self.repo, kind, ids, self.tick)
