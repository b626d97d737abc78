"""The funding breakdown: who pays for the deals, with what kind of money, and whether it adds up.

One function, `breakdown`, feeds the chart, its CSV and `lodestone stats`, so a figure on screen
and a figure printed can never differ. Sums are integer minor units computed by SQL GROUP BY,
one currency at a time (or converted with recorded rates): amounts in different currencies are
never added. A deal whose tranches fall short of its headline adds an "unallocated" segment, so
each bar shows everything announced; over-allocation is reported, never hidden.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field, replace
from typing import Any

from lodestone.core.funding.amounts import Amounts, converted_to, in_currency
from lodestone.core.funding.dimensions import GROUPINGS, STACKINGS
from lodestone.core.funding.facts import Facts, currencies_present, load_facts
from lodestone.core.funding.frame import (
    Frame,
    bar_rows,
    chosen,
    frame,
    gap_rows,
    left_out_ids,
    segment_deals,
    segment_rows,
)
from lodestone.core.funding.labels import (
    OTHERS,
    UNALLOCATED,
    UNALLOCATED_LABEL,
    company_names,
    group_label,
    stack_labels,
    stack_rank,
)
from lodestone.core.lists.queries import ListQuery
from lodestone.core.records.money import Money, money_sum
from lodestone.core.records.reconciliation import Reconciliation

__all__ = [
    "GROUPINGS", "OTHERS", "STACKINGS", "UNALLOCATED", "Bar", "Breakdown", "DealGap",
    "FundingQuery", "Segment", "Unconvertible", "breakdown", "currencies_present",
    "segment_deal_ids",
]  # fmt: skip

Key = str | int | None


@dataclass(frozen=True)
class FundingQuery:
    """What the chart shows. `top` keeps only the largest bars (by company or deal) and
    `top_stacks` the largest stack keys (the rest become one OTHERS segment); `gap_limit` caps
    the reconciliation and unconvertible lists (their counts stay exact)."""

    by: str = "year"
    stack: str = "instrument"
    currency: str | None = None
    reporting: str | None = None
    filters: ListQuery = ListQuery("deal")
    top: int | None = None
    top_stacks: int | None = None
    gap_limit: int | None = None


@dataclass(frozen=True)
class Segment:
    key: Key  # instrument, funder type, funder company id, or UNALLOCATED
    label: str
    amount: Money
    count: int  # tranches summed (for UNALLOCATED: deals short of their headline)


@dataclass(frozen=True)
class Bar:
    key: Key  # "2025", "2025-Q4", recipient company id, deal id, "" for all; None = unknown
    label: str
    segments: tuple[Segment, ...]
    deals: int
    headline: Money  # the deals' headline amounts
    over_allocated: Money  # tranches beyond their deal's headline
    unheadlined: Money  # tranches of deals with no headline in this currency

    @property
    def total(self) -> Money:
        """Always headline + over_allocated + unheadlined: every bar reconciles."""
        return money_sum((s.amount for s in self.segments), self.headline.currency)


@dataclass(frozen=True)
class Breakdown:
    query: FundingQuery
    currency: str | None  # of every amount; None when no deal has an amount
    bars: tuple[Bar, ...]
    stacks: tuple[tuple[Key, str], ...]  # legend order: (segment key, label)
    folded: tuple[Key, ...] | None  # the stack keys kept when others were folded into OTHERS
    bar_count: int  # before `top`
    gaps: tuple[DealGap, ...]
    gap_count: int
    unconvertible: tuple[Unconvertible, ...]
    unconvertible_count: int
    # what the figures were computed from: a click on a segment lists the deals summed into it
    facts: Facts | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class DealGap:
    deal_id: int
    title: str
    reconciliation: Reconciliation


@dataclass(frozen=True)
class Unconvertible:
    deal_id: int
    title: str
    reason: str


def _checked(query: FundingQuery) -> FundingQuery:
    if query.by not in GROUPINGS:
        raise ValueError(f"cannot group by {query.by!r}: choose one of {', '.join(GROUPINGS)}")
    if query.stack not in STACKINGS:
        raise ValueError(f"cannot stack by {query.stack!r}: choose one of {', '.join(STACKINGS)}")
    if query.filters.kind != "deal":
        raise ValueError(f"the funding chart filters deals, not {query.filters.kind}s")
    if query.currency is not None and query.reporting is not None:
        raise ValueError("give either a currency or a reporting currency, not both")
    for limit in (query.top, query.top_stacks, query.gap_limit):
        if limit is not None and limit < 0:
            raise ValueError("a limit cannot be negative")
    return replace(query, filters=replace(query.filters, deleted=False, sort=""))


def _resolved(query: FundingQuery, facts: Facts) -> FundingQuery:
    """No currency given: the most used one (None when no deal has an amount)."""
    if query.reporting is not None or query.currency is not None:
        return query
    present = currencies_present(facts)
    return replace(query, currency=present[0]) if present else query


def _amounts(facts: Facts, query: FundingQuery) -> Amounts | None:
    if query.reporting is not None:
        return converted_to(facts, query.reporting)
    return None if query.currency is None else in_currency(facts, query.currency)


def _frame(conn: sqlite3.Connection, query: FundingQuery, facts: Facts) -> Frame | None:
    amounts = _amounts(facts, query)
    if amounts is None:
        return None
    return frame(facts, amounts, chosen(conn, facts, query.filters), query.by)


def breakdown(conn: sqlite3.Connection, query: FundingQuery | None = None, *,
              facts: Facts | None = None, **options: Any) -> Breakdown:  # fmt: skip
    """The chart's data: `breakdown(conn, by="year", stack="instrument", currency="USD")`,
    or with `reporting="USD"` to convert, and `filters=ListQuery("deal", ...)` to narrow.
    `facts` read from the same tracker before (`load_facts`) spare reading them again."""
    query = _checked(replace(query or FundingQuery(), **options))
    facts = load_facts(conn) if facts is None else facts
    query = _resolved(query, facts)
    found = _frame(conn, query, facts)
    if found is None:
        return Breakdown(query, None, (), (), None, 0, (), 0, (), 0, facts)
    code = found.amounts.currency
    kept, gap_count = bar_rows(found, query.top)
    rows, folded = segment_rows(found, query.stack, [row[0] for row in kept], query.top_stacks)
    bars, stacks = _bars(conn, query, code, kept, rows)
    left_out = left_out_ids(found)
    shown = left_out if query.gap_limit is None else left_out[: query.gap_limit]
    return Breakdown(
        query, code, bars, stacks, None if folded is None else tuple(folded),
        len(found.keys), _gaps(conn, gap_rows(found, query.gap_limit), code), gap_count,
        _unconvertible(conn, shown, code), len(left_out), facts,
    )  # fmt: skip


def _titles(conn: sqlite3.Connection, ids: list[int]) -> dict[int, str]:
    rows = conn.execute(
        "SELECT id, title FROM deals WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(ids),),
    )
    return dict(rows.fetchall())


def _bars(conn: sqlite3.Connection, query: FundingQuery, code: str, kept: list[Any],
          rows: list[Any]) -> tuple[tuple[Bar, ...], tuple[tuple[Key, str], ...]]:  # fmt: skip
    """The bars kept, each with its segments in stack order, and the legend."""
    totals: dict[Key, int] = {}
    for _, s, value, _ in rows:
        totals[s] = totals.get(s, 0) + value
    labels = stack_labels(conn, query.stack, totals)
    rank = stack_rank(query.stack, totals)
    by_bar: dict[Key, list[Segment]] = {}
    for g, s, value, count in rows:
        by_bar.setdefault(g, []).append(Segment(s, labels[s], Money(value, code), count))
    names = company_names(conn, (row[0] for row in kept)) if query.by == "company" else {}
    titles = _titles(conn, [row[0] for row in kept]) if query.by == "deal" else {}
    bars = []
    for g, _, deals, head, unallocated, short, over, unheadlined, _ in kept:
        segments = by_bar.get(g, [])
        if unallocated:
            segments.append(Segment(UNALLOCATED, UNALLOCATED_LABEL, Money(unallocated, code),
                                    short))  # fmt: skip
        segments.sort(key=lambda seg: rank[seg.key])
        label = group_label(query.by, g, names, titles.get(g))
        bars.append(Bar(g, label, tuple(segments), deals, Money(head, code), Money(over, code),
                        Money(unheadlined, code)))  # fmt: skip
    used = {seg.key for bar in bars for seg in bar.segments}
    return tuple(bars), tuple((k, labels[k]) for k in sorted(used, key=lambda k: rank[k]))


def _gaps(conn: sqlite3.Connection, rows: list[tuple[int, int | None, int | None]],
          currency: str) -> tuple[DealGap, ...]:  # fmt: skip
    titles = _titles(conn, [deal_id for deal_id, _, _ in rows])
    found = []
    for deal_id, h, a in rows:
        allocated = Money(a or 0, currency)
        headline = None if h is None else Money(h, currency)
        gap = Money.zero(currency) if headline is None else headline - allocated
        reconciliation = Reconciliation(currency, headline, allocated, gap)
        found.append(DealGap(deal_id, titles.get(deal_id, ""), reconciliation))
    return tuple(found)


def _unconvertible(conn: sqlite3.Connection, ids: list[int], currency: str
                   ) -> tuple[Unconvertible, ...]:  # fmt: skip
    """The deals left out, each with the rate it is missing."""
    found = conn.execute(
        "SELECT t.id, t.title, t.announced_start, (SELECT group_concat(c, ', ') FROM "
        "(SELECT DISTINCT currency AS c FROM tranches WHERE deal_id = t.id AND currency IS NOT "
        "NULL UNION SELECT t.currency) WHERE c IS NOT NULL AND c <> ?) "
        "FROM deals t WHERE t.id IN (SELECT value FROM json_each(?))",
        (currency, json.dumps(ids)),
    )
    by_id = {r[0]: r for r in found}
    left_out = []
    for deal_id in ids:
        _, title, day, currencies = by_id.get(deal_id, (deal_id, "", None, ""))
        if day is None:
            reason = "no announced date to choose an exchange rate by"
        else:
            reason = f"no {currencies} to {currency} rate on or before {day}"
        left_out.append(Unconvertible(deal_id, title, reason))
    return tuple(left_out)


def segment_deal_ids(
    conn: sqlite3.Connection, data: Breakdown, bar_key: Key, segment_key: Key
) -> list[int]:
    """The deals summed into one segment of `data`: what a click on it lists. Picked from the
    facts the figures were computed from, by the masks that summed them."""
    facts = load_facts(conn) if data.facts is None else data.facts
    found = _frame(conn, data.query, facts)
    if found is None:
        return []
    return segment_deals(found, data.query.stack, bar_key, segment_key, data.folded)
