"""What each list shows: its columns (SQL, sort order, display format) and its facets.

One table per kind of record; `lodestone.core.lists.queries` builds the windowed SQL from these.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lodestone.core.records.fuzzydate import FuzzyDate
from lodestone.core.records.money import Money, format_money


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _date(value: Any) -> str:
    return "" if value is None else FuzzyDate.from_iso(value).display()


def _money(value: Any) -> str:
    if value is None:
        return ""
    minor, currency = value.split(" ", 1)
    return format_money(Money(int(minor), currency), short=True)


def _json_list(value: Any) -> str:
    return ", ".join(json.loads(value)) if value else ""


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    expr: str  # SQL for the value, over the kind's table alias `t`
    sort: str = ""  # SQL to order by (defaults to expr)
    format: Callable[[Any], str] = _text
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


_MONEY = "CASE WHEN t.amount_minor IS NULL THEN NULL ELSE t.amount_minor || ' ' || t.currency END"


@dataclass(frozen=True)
class KindSpec:
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


def _tag_facet(kind: str) -> Facet:
    return Facet("tag", "Tags", "f.tag", "tags f", "f.record_id", f"f.record_kind = '{kind}'")


def _company_facet(links: str, owner: str) -> Facet:
    """The companies a record names through its link table."""
    return Facet("company", "Company", "f.name",
                 f"{links} l JOIN companies f ON f.id = l.company_id", f"l.{owner}")  # fmt: skip


def _json_facet(key: str, title: str, column: str) -> Facet:
    return Facet(key, title, "f.value", f"json_each(t.{column}) f")


KINDS: dict[str, KindSpec] = {
    "company": KindSpec(
        "companies",
        (
            Column("name", "Name", "t.name", "t.name COLLATE NOCASE"),
            Column("kind", "Kind", "t.kind"),
            Column(
                "ticker",
                "Ticker",
                "CASE WHEN t.ticker = '' THEN '' WHEN t.exchange = '' "
                "THEN t.ticker ELSE t.exchange || ':' || t.ticker END",
            ),
            Column("country", "Country", "t.country"),
            Column("stages", "Stages", "t.stages", format=_json_list),
            Column("commodities", "Commodities", "t.commodities", format=_json_list),
        ),
        (
            Facet("kind", "Kind", "t.kind"),
            Facet("country", "Country", "t.country"),
            _json_facet("stage", "Stage", "stages"),
            _json_facet("commodity", "Commodity", "commodities"),
            _tag_facet("company"),
        ),
        default_sort="name",
    ),
    "deal": KindSpec(
        "deals",
        (
            Column("title", "Title", "t.title", "t.title COLLATE NOCASE"),
            Column("parties", "Parties", "t.party_names", "t.party_names COLLATE NOCASE"),
            Column("announced", "Announced", "t.announced", "t.announced_start", format=_date),
            Column("amount", "Amount", _MONEY, "t.currency, t.amount_minor", _money, True),
            Column("status", "Status", "t.status"),
            Column("country", "Country", "t.country"),
        ),
        (
            Facet("status", "Status", "t.status"),
            Facet("country", "Country", "t.country"),
            Facet("stage", "Stage", "t.stage"),
            Facet("currency", "Currency", "t.currency"),
            Facet("instrument", "Instrument", "f.instrument", "tranches f", "f.deal_id"),
            _json_facet("commodity", "Commodity", "commodities"),
            _company_facet("deal_parties", "deal_id"),
            _tag_facet("deal"),
        ),
        date_range=("t.announced_start", "t.announced_end"),
        default_sort="announced",
    ),
    "event": KindSpec(
        "events",
        (
            Column("date", "Date", "t.date", "t.start_day", format=_date),
            Column("title", "Title", "t.title", "t.title COLLATE NOCASE"),
            Column("kind", "Kind", "t.kind"),
            Column("companies", "Companies", "t.company_names", "t.company_names COLLATE NOCASE"),
            Column("country", "Country", "t.country"),
        ),
        (
            Facet("kind", "Kind", "t.kind"),
            Facet("country", "Country", "t.country"),
            _company_facet("event_companies", "event_id"),
            _tag_facet("event"),
        ),
        date_range=("t.start_day", "t.end_day"),
        default_sort="date",
    ),
    "source": KindSpec(
        "sources",
        (
            Column("publisher", "Publisher", "t.publisher", "t.publisher COLLATE NOCASE"),
            Column("title", "Title", "t.title", "t.title COLLATE NOCASE"),
            Column("published", "Published", "t.published", format=_date),
            Column("url", "URL", "t.url"),
        ),
        (Facet("publisher", "Publisher", "t.publisher"), _tag_facet("source")),
        default_sort="publisher",
    ),
}
