"""What a record kind is, said once: the shape of a description, not the descriptions themselves
(those are in `registry`).

A record kind (company, deal, event, source) is a table of records the analyst edits, lists,
searches, snapshots and cites; a child table (a deal's parties and tranches, an event's
companies, citations, tags) holds rows that belong to a record and are saved with it. Lists,
forms, the repository, snapshots, the generator and the command line read these descriptions
instead of keeping their own tables keyed by a kind's name.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from lodestone.core.records.fieldcheck import FieldError
from lodestone.core.records.kinds.listing import Column, Facet, ListLayout
from lodestone.core.records.model import Record
from lodestone.core.records.rowmap import ChildRows, Row


@dataclass(frozen=True, eq=False)  # one description per table: the same only when it is it
class ChildTable:
    """Rows that belong to one record and are saved, snapshotted and compared with it.

    `owner` is the column holding the owning record's id; a child of any record kind
    (citations, tags) has none and is found by (record_kind, record_id) instead.
    `company_column` names a company the row refers to: those companies' names are part of
    the owner's search text, and (when `names_column` is set) stored in the owner's row for
    sorting its list.
    """

    name: str  # "tranches": how the record's dataclass and the change log call the rows
    table: str
    snapshot_file: str
    owner: str = ""
    record_type: type | None = None
    order_by: str = "position, id"
    company_column: str = ""
    names_column: str = ""  # the owner's column that stores the named companies' names

    @property
    def of_any_record(self) -> bool:
        """True for rows that may belong to a record of any kind (citations, tags)."""
        return not self.owner


@dataclass(frozen=True, eq=False)  # one description per kind: compared and hashed by identity
class RecordKind:
    """One record kind, everything the program knows about it that is not code of its own.

    `name` is what the tracker stores in `record_kind` columns (citations, tags, the change
    log) and what the program passes around; `title` and `plural` are the nouns the analyst
    reads ("New Deal", "No deals yet", "3 deals").
    """

    name: str
    title: str
    plural: str
    table: str
    record_type: type
    label_columns: tuple[str, ...]  # the columns that name a record; the first non-empty wins
    list_columns: tuple[Column, ...]
    facets: tuple[Facet, ...]
    default_sort: str
    search_columns: tuple[str, ...]  # the record's own columns full-text search reads
    validator: Callable[[Any], list[FieldError]]
    to_row: Callable[[Any], Row]  # the record's own columns (children are stored apart)
    from_row: Callable[[Row, ChildRows, list[str]], Record]  # row, its children's rows, tags
    snapshot_file: str
    children: tuple[ChildTable, ...] = ()
    span_columns: tuple[str, str] | None = None  # first and last day, for dates and timeline

    @property
    def title_column(self) -> str:
        """The column a record is picked and sorted by: a company's name, a deal's title."""
        return self.label_columns[0]

    @property
    def search_table(self) -> str:
        """The full-text index of this kind's records (rowid = record id)."""
        return f"{self.table}_fts"

    @cached_property
    def list_layout(self) -> ListLayout:
        date_range = None
        if self.span_columns is not None:
            date_range = (f"t.{self.span_columns[0]}", f"t.{self.span_columns[1]}")
        return ListLayout(self.table, self.list_columns, self.facets, date_range,
                          self.default_sort)  # fmt: skip

    @cached_property
    def search_parts(self) -> tuple[str, ...]:
        """The SQL expressions, over this kind's table, whose non-empty values joined by
        spaces are the text full-text search sees: the record's own columns, then the names
        of the companies its children refer to (a deal's parties, then its funders)."""
        names = tuple(
            f"(SELECT group_concat(c.name, ' ') FROM {child.table} l JOIN companies c "
            f"ON c.id = l.{child.company_column} WHERE l.{child.owner} = {self.table}.id)"
            for child in self.children
            if child.company_column
        )
        return self.search_columns + names

    @cached_property
    def search_text_sql(self) -> str:
        """One record's search-text parts, its id the one parameter."""
        return f"SELECT {', '.join(self.search_parts)} FROM {self.table} WHERE id = ?"

    @property
    def named_companies(self) -> ChildTable | None:
        """The child table naming the companies this kind's list shows and sorts by (a deal's
        parties, an event's companies): their names are stored in the record's row."""
        return next((child for child in self.children if child.names_column), None)

    def child(self, name: str) -> ChildTable:
        for child in self.children:
            if child.name == name:
                return child
        raise KeyError(f"a {self.name} has no {name!r}")

    def children_sql(self, child: ChildTable) -> str:
        """One record's rows of `child`, in order, its id the one parameter."""
        return f"SELECT * FROM {child.table} WHERE {child.owner} = ? ORDER BY {child.order_by}"
