"""What a list of one record kind shows: its columns (SQL, sort order, display format) and its
facets, the parts each record kind's description holds; `lodestone.core.lists.queries` builds
the windowed SQL from them.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lodestone.core.records.fuzzydate import FuzzyDate
from lodestone.core.records.money import Money, format_money


def text_cell(value: Any) -> str:
    return "" if value is None else str(value)


def date_cell(value: Any) -> str:
    return "" if value is None else FuzzyDate.from_iso(value).display()


def money_cell(value: Any) -> str:
    if value is None:
        return ""
    minor, currency = value.split(" ", 1)
    return format_money(Money(int(minor), currency), short=True)


def json_list_cell(value: Any) -> str:
    return ", ".join(json.loads(value)) if value else ""


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    expr: str  # SQL for the value, over the kind's table alias `t`
    sort: str = ""  # SQL to order by (defaults to expr)
    format: Callable[[Any], str] = text_cell
    numeric: bool = False

    @property
    def order_expr(self) -> str:
        return self.sort or self.expr


@dataclass(frozen=True)
class Facet:
    """A filterable property. Scalar facets are a column of `t`; others come from `source`
    whose `value` is the facet value: a related table whose `owner` column holds `t.id` (and
    whose rows are narrowed by `only`), or a JSON list of `t` read with json_each."""

    key: str
    title: str
    value: str
    source: str = ""
    owner: str = ""
    only: str = ""

    @property
    def link(self) -> str:
        """How a source row belongs to `t`, for joining."""
        parts = [f"{self.owner} = t.id"] if self.owner else []
        return " AND ".join(parts + ([self.only] if self.only else [])) or "1"


MONEY_CELL = ("CASE WHEN t.amount_minor IS NULL THEN NULL "
              "ELSE t.amount_minor || ' ' || t.currency END")


@dataclass(frozen=True)
class ListLayout:
    table: str
    columns: tuple[Column, ...]
    facets: tuple[Facet, ...]
    date_range: tuple[str, str] | None = None  # start, end day columns for date filters
    default_sort: str = ""

    def column(self, key: str) -> Column:
        for c in self.columns:
            if c.key == key:
                return c
        raise KeyError(f"no column {key!r} in {self.table}")

    def facet(self, key: str) -> Facet:
        for f in self.facets:
            if f.key == key:
                return f
        raise KeyError(f"no facet {key!r} in {self.table}")


def tag_facet(kind: str) -> Facet:
    return Facet("tag", "Tags", "f.tag", "tags f", "f.record_id", f"f.record_kind = '{kind}'")


def company_facet(links: str, owner: str) -> Facet:
    """The companies a record names through its link table."""
    return Facet("company", "Company", "f.name",
                 f"{links} l JOIN companies f ON f.id = l.company_id", f"l.{owner}")  # fmt: skip


def json_facet(key: str, title: str, column: str) -> Facet:
    return Facet(key, title, "f.value", f"json_each(t.{column}) f")
