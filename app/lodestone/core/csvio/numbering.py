"""Giving the records of each laid-out batch of a CSV import their ids in the tracker.

Batches are parsed and laid out apart from one another (in worker processes, see
`csv_layout`), so only here, on the importing thread and in file order, are the deals, tranches
and events numbered after the batches before, the companies a worker numbered on its own given
the ids the import's matcher gave them, and the companies the file only names laid out, at the
first stored row naming them. The rows of each table then go to SQLite as one JSON text
(encoded in C), with the columns that hold their default in every row left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from lodestone.core.csvio.company_match import CompanyMatcher, NewCompany
from lodestone.core.csvio.layout import ID_COLUMNS, NUMBERED_BY, TABLES, Laid, to_json
from lodestone.core.csvio.rows import RowResult
from lodestone.core.records import rowmap
from lodestone.core.records.model import Company

Defaults = dict[str, dict[str, Any]]  # table -> column -> the constant SQLite fills in


@dataclass(frozen=True)
class Table:
    """The rows of one table in a batch: `columns` to store, read from each row of the JSON
    list `rows` at `positions` (the other values are the columns' defaults)."""

    name: str
    columns: tuple[str, ...]
    positions: tuple[int, ...]
    rows: str


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


class CsvNumbering:
    """Numbers the batches of one import in file order. `writing` turns off the rows (a dry
    run, or an import that has met an invalid row and so will store nothing)."""

    def __init__(self, matcher: CompanyMatcher, next_ids: dict[str, int], writing: bool,
                 defaults: Defaults | None = None) -> None:  # fmt: skip
        self.matcher = matcher
        self.next_ids = dict(next_ids)  # table -> the next id to give (deals, tranches, events)
        self.writing = writing
        self.defaults = defaults or {}
        self.companies: set[int] = set()  # new companies laid out already, or defined by rows
        # A company the file only names is Company(name, id=...): the row of a bare company
        # with its id and name put in (rowmap's work once, not once per company).
        bare = rowmap.company_row(Company(""))
        self._company_columns = ["id", *bare]
        self._bare_company = [None, *bare.values()]
        self._name_at = self._company_columns.index("name")

    def batch(self, laid: Laid, moved: Mapping[int, int], bytes_read: int) -> Batch:
        """The batch `laid` numbered; `moved` maps the ids its parsing matcher gave companies
        to the ids the import's matcher gave them (where they differ)."""
        batch = Batch(laid.results, laid.rows, bytes_read, laid.counts)
        self.companies.update(moved.get(c, c) for c in laid.defines)
        named = []
        for company_id in laid.uses:
            company_id = moved.get(company_id, company_id)
            if company_id in self.matcher.new and company_id not in self.companies:
                self.companies.add(company_id)
                new = self.matcher.new[company_id]
                batch.new_companies.append(new)
                values = list(self._bare_company)
                values[0], values[self._name_at] = company_id, new.name
                named.append(values)
        if not self.writing:
            return batch
        first = {**self.next_ids, "company": 0}
        for table, rows in laid.tables.items():
            _renumber(rows, ID_COLUMNS[table], first, moved)
        if named:
            rows = laid.tables.setdefault("companies", [list(self._company_columns)])
            rows += named
            batch.created["company"] = [(row[0], self.matcher.new[row[0]].row) for row in named]
        for kind, created in laid.created.items():
            ids = _ids(NUMBERED_BY[kind], first, moved)
            batch.created.setdefault(kind, []).extend((ids(i), row) for i, row in created)
        batch.cited = [(kind, _ids(NUMBERED_BY[kind], first, moved)(i), url, row)
                       for kind, i, url, row in laid.cited]  # fmt: skip
        for table, count in laid.given.items():
            self.next_ids[table] = self.next_ids.get(table, 1) + count
        batch.tables = [self._table(table, laid.tables[table]) for table in TABLES
                        if table in laid.tables]  # fmt: skip
        return batch

    def _table(self, table: str, rows: list[list[Any]]) -> Table:
        """The rows of one table, stored without the columns that hold their default in
        every row of the batch (fewer values for SQLite to take apart)."""
        columns, values = rows[0], rows[1:]
        defaults = self.defaults.get(table, {})
        kept = tuple(i for i, name in enumerate(columns)
                     if name not in defaults
                     or set(map(itemgetter(i), values)) != {defaults[name]})  # fmt: skip
        return Table(table, tuple(columns[i] for i in kept), kept, to_json(values))


def _ids(numbering: str, first: dict[str, int], moved: Mapping[int, int]) -> Any:
    """The function giving an id of the batch (numbered from 0, or a company's) its id."""
    if numbering == "company":
        return lambda i: moved.get(i, i)
    offset = first[numbering]
    return lambda i: i + offset


def _renumber(rows: list[list[Any]], id_columns: tuple[tuple[str, str], ...],
              first: dict[str, int], moved: Mapping[int, int]) -> None:  # fmt: skip
    header = rows[0]
    for column, numbering in id_columns:
        if column not in header:
            continue
        at = header.index(column)
        if numbering != "company":
            offset = first[numbering]
            for row in rows[1:]:
                row[at] += offset
        elif moved:
            for row in rows[1:]:
                value = row[at]
                if value in moved:
                    row[at] = moved[value]
