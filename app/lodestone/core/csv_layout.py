"""The records of a batch of CSV rows laid out as table rows, off the thread that writes.

An import parses one batch while the batch before it is stored, and SQLite stores with the
interpreter lock released, so the Python work per row (parsing, checking and this layout) is
what an import of a hundred thousand rows waits for. The layout therefore does only what Python
must: each record's ids and its `rowmap` columns, its links, and the names the links' triggers
would store. The rows of a table go to SQLite as one JSON text (encoded in C), with the columns
that hold their default in every row of the batch left out of the statement.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from lodestone.core import rowmap
from lodestone.core.company_match import CompanyMatcher, NewCompany
from lodestone.core.csv_rows import RowResult
from lodestone.core.records import Company, Deal, Event

# The tables a batch fills, in the order they are filled: links before their owners (see
# `CsvLayout._names`), companies first (a company arriving while a link to it is pending would
# be looked up in link tables whose indexes a big import has dropped).
TABLES = ("companies", "deal_parties", "deals", "tranches", "event_companies", "events")
LINK_COLUMNS = {"deal_parties": ("deal_id", "company_id", "role", "position"),
                "event_companies": ("event_id", "company_id", "position")}  # fmt: skip

Defaults = dict[str, dict[str, Any]]  # table -> column -> the constant SQLite fills in
Rows = dict[str, list[list[Any]]]  # table -> [columns, row, row, ...]


@dataclass(frozen=True)
class Table:
    """The rows of one table in a batch: `columns` to store, read from each row of the JSON
    list `rows` at `positions` (the other values are the columns' defaults)."""

    name: str
    columns: tuple[str, ...]
    positions: tuple[int, ...]
    rows: str


def to_json(rows: Any) -> str:
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Batch:
    """Parsed rows, with their records laid out as table rows when they are to be stored."""

    results: list[RowResult]  # the rows that store nothing: invalid, or skipped with a note
    rows: int = 0
    bytes_read: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # kind -> records of valid rows
    new_companies: list[NewCompany] = field(default_factory=list)  # first needed here
    tables: list[Table] = field(default_factory=list)  # in the order they are filled
    created: dict[str, list[tuple[int, int]]] = field(default_factory=dict)  # kind -> (id, row)
    cited: list[tuple[str, int, str, int]] = field(default_factory=list)  # kind, id, url, row

    @property
    def stored(self) -> int:
        return sum(self.counts.values())


class CsvLayout:
    """Gives the records of each batch their ids and lays them out as table rows; knows no
    connection, so it runs on the thread that parses. `writing` turns off the rows (a dry run,
    or an import that has met an invalid row and so will store nothing)."""

    def __init__(self, matcher: CompanyMatcher, next_ids: dict[str, int], writing: bool,
                 defaults: Defaults | None = None) -> None:  # fmt: skip
        self.matcher = matcher
        self.next_ids = dict(next_ids)  # table -> the next id to give (deals, tranches, events)
        self.writing = writing
        self.defaults = defaults or {}
        self.companies: set[int] = set()  # new companies laid out already, or defined by rows
        # A company the file only names is Company(name, id=...): the row of a bare company
        # with its id and name put in (rowmap's work once, not once per company).
        bare = rowmap.to_row(Company(""))
        self._company_columns = ["id", *bare]
        self._bare_company = [None, *bare.values()]
        self._name_at = self._company_columns.index("name")

    def batch(self, results: list[RowResult], bytes_read: int) -> Batch:
        batch = Batch([r for r in results if not r.ok or r.note], len(results), bytes_read)
        valid = [r for r in results if r.ok and r.record is not None]
        rows: Rows = {}
        self.companies.update(r.record.id for r in valid if isinstance(r.record, Company))  # type: ignore[union-attr]
        for result in valid:
            record = result.record
            kind = record.KIND  # type: ignore[union-attr]
            batch.counts[kind] = batch.counts.get(kind, 0) + 1
            if isinstance(record, Deal):
                self._new_companies(batch, rows, [p.company_id for p in record.parties]
                                    + [t.funder_id for t in record.tranches])  # fmt: skip
                if self.writing:
                    self._deal(batch, rows, record, result.row)
            elif isinstance(record, Event):
                self._new_companies(batch, rows, record.company_ids)
                if self.writing:
                    self._event(batch, rows, record, result.row)
            else:
                self._new_companies(batch, rows, [record.parent_id])  # type: ignore[union-attr]
                if self.writing:
                    self._record(batch, rows, "companies", record, result.row)  # type: ignore[arg-type]
            if result.source_url and self.writing:
                batch.cited.append((kind, record.id, result.source_url, result.row))  # type: ignore[union-attr]
        batch.tables = [self._table(table, rows[table]) for table in TABLES if table in rows]
        return batch

    def _new_companies(self, batch: Batch, rows: Rows, ids: list[int | None]) -> None:
        """The companies a stored row names that the tracker lacks and no row defines (a
        recipient, funder, event company or parent), each once, at the first row using it."""
        for company_id in ids:
            if company_id in self.matcher.new and company_id not in self.companies:
                self.companies.add(company_id)
                new = self.matcher.new[company_id]
                batch.new_companies.append(new)
                if self.writing:
                    self._named(batch, rows, company_id, new)

    def _named(self, batch: Batch, rows: Rows, company_id: int, new: NewCompany) -> None:
        """The row of Company(new.name, id=company_id), as `_record` would lay it out."""
        values = list(self._bare_company)
        values[0], values[self._name_at] = company_id, new.name
        rows.setdefault("companies", [list(self._company_columns)]).append(values)
        batch.created.setdefault("company", []).append((company_id, new.row))

    @staticmethod
    def _record(batch: Batch, rows: Rows, table: str, record: Company | Deal | Event, row: int,
                *extra: tuple[str, Any]) -> None:  # fmt: skip
        """A record's table row (its id, its `rowmap` columns, then `extra`), noted as created
        by file row `row` (for its change-log entry and its search index entry)."""
        columns = rowmap.to_row(record)
        if table not in rows:
            rows[table] = [["id", *columns, *(name for name, _ in extra)]]
        rows[table].append([record.id, *columns.values(), *(value for _, value in extra)])
        batch.created.setdefault(record.KIND, []).append((record.id, row))  # type: ignore[arg-type]

    def _next(self, table: str) -> int:
        self.next_ids[table] += 1
        return self.next_ids[table] - 1

    def _deal(self, batch: Batch, rows: Rows, deal: Deal, row: int) -> None:
        deal.id = self._next("deals")
        links = rows.setdefault("deal_parties", [list(LINK_COLUMNS["deal_parties"])])
        links += [[deal.id, p.company_id, p.role, i] for i, p in enumerate(deal.parties)]
        names = self._names([p.company_id for p in deal.parties])
        self._record(batch, rows, "deals", deal, row, ("party_names", names))
        for position, tranche in enumerate(deal.tranches):
            tranche.id = self._next("tranches")
            columns = rowmap.tranche_row(tranche, deal.id, position)
            rows.setdefault("tranches", [["id", *columns]]).append(
                [tranche.id, *columns.values()])  # fmt: skip

    def _event(self, batch: Batch, rows: Rows, event: Event, row: int) -> None:
        event.id = self._next("events")
        links = rows.setdefault("event_companies", [list(LINK_COLUMNS["event_companies"])])
        links += [[event.id, c, i] for i, c in enumerate(event.company_ids)]
        names = self._names(event.company_ids)
        self._record(batch, rows, "events", event, row, ("company_names", names))

    def _names(self, company_ids: list[int]) -> str:
        """What the links' triggers store in the owner's row (deals.party_names,
        events.company_names): each company's name once, in the order the record lists them.
        The links go in before their owner, so those triggers find no row to update."""
        if len(company_ids) == 1:
            return self.matcher.name_of(company_ids[0])
        return ", ".join(self.matcher.name_of(i) for i in dict.fromkeys(company_ids))

    def _table(self, table: str, rows: list[list[Any]]) -> Table:
        """The rows of one table, stored without the columns that hold their default in
        every row of the batch (fewer values for SQLite to take apart)."""
        columns, values = rows[0], rows[1:]
        defaults = self.defaults.get(table, {})
        kept = tuple(i for i, name in enumerate(columns)
                     if name not in defaults
                     or set(map(itemgetter(i), values)) != {defaults[name]})  # fmt: skip
        return Table(table, tuple(columns[i] for i in kept), kept, to_json(values))
