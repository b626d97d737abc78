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
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from lodestone.core.exchange_rates import Converter
from lodestone.core.funding_beside import Beside
from lodestone.core.funding_convert import RateBook
from lodestone.core.funding_dimensions import GROUPINGS, STACKINGS
from lodestone.core.funding_labels import (
    OTHERS,
    UNALLOCATED,
    UNALLOCATED_LABEL,
    company_names,
    fold_stacks,
    group_label,
    order_groups,
    stack_labels,
    stack_rank,
)
from lodestone.core.funding_ledger import (
    RANKED,
    DealGap,
    Unconvertible,
    bar_total,
    gaps,
    unconvertible,
    unconvertible_ids,
)
from lodestone.core.funding_parts import (
    Part,
    join_latest,
    join_ledgers,
    join_segments,
    read_part,
    segment_rows,
    spans,
)
from lodestone.core.funding_sql import (
    GROUP_SQL,
    STACK_SQL,
    AmountSql,
    Scope,
    converted_to,
    currencies_present,
    has_deals_index,
    ledger_sql,
    single_currency,
    tranches_sql,
)
from lodestone.core.money import Money, money_sum
from lodestone.core.queries import ListQuery

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


def _amounts(conn: sqlite3.Connection, query: FundingQuery) -> AmountSql | None:
    if query.reporting is not None:
        rates = RateBook.read(conn, query.reporting)
        Converter(query.reporting).register(conn)
        return converted_to(rates)
    currency = query.currency
    if currency is None:
        present = currencies_present(conn)
        currency = present[0] if present else None
    return None if currency is None else single_currency(currency)


def _scope(conn: sqlite3.Connection, query: FundingQuery, amounts: AmountSql) -> Scope:
    """The deals to sum: the filtered ones, less those a converted chart cannot convert."""
    scope = Scope(query.filters, amounts, (), has_deals_index(conn))
    return replace(scope, excluded=tuple(deal_id for _, deal_id in unconvertible_ids(conn, scope)))


def _key_in(group: str, keys: list[Key], params: list[object]) -> str:
    """`group` is one of `keys`, the unknown key (None: no date, no recipient) included."""
    params.append(json.dumps([k for k in keys if k is not None]))
    test = f"{group} IN (SELECT value FROM json_each(?))"
    return f"({test} OR {group} IS NULL)" if None in keys else test


def _deals_of_companies(keys: list[Key], params: list[object]) -> str:
    params.append(json.dumps([k for k in keys if k is not None]))
    sql = (
        "SELECT p.deal_id FROM deal_parties p "
        "WHERE p.company_id IN (SELECT value FROM json_each(?))"
    )
    if None in keys:  # the bar of deals without any party
        sql += (
            " UNION ALL SELECT d.id FROM deals d "
            "WHERE NOT EXISTS (SELECT 1 FROM deal_parties p WHERE p.deal_id = d.id)"
        )
    return sql


def _kept_segments(conn: sqlite3.Connection, query: FundingQuery, scope: Scope,
                   keys: list[Key]) -> list[Any]:  # fmt: skip
    """The segments of the bars kept by `top` only (their deals found from their keys)."""
    params: list[object] = []
    restrict = f" AND {_key_in(GROUP_SQL[query.by], keys, params)}"
    if query.by == "company":
        restrict += f" AND t.id IN ({_deals_of_companies(keys, params)})"
    return segment_rows(conn, scope, query.by, query.stack, restrict, tuple(params))


def breakdown(conn: sqlite3.Connection, query: FundingQuery | None = None, *,
              connect: Callable[[], sqlite3.Connection] | None = None, **options: Any
              ) -> Breakdown:  # fmt: skip
    """The chart's data: `breakdown(conn, by="year", stack="instrument", currency="USD")`,
    or with `reporting="USD"` to convert, and `filters=ListQuery("deal", ...)` to narrow.
    With `connect` (a new read-only connection to the same tracker, for another thread), half
    the deals are read on it while the other half are read on `conn`."""
    query = _checked(replace(query or FundingQuery(), **options))
    amounts = _amounts(conn, query)
    if amounts is None:
        return Breakdown(query, None, (), (), None, 0, (), 0, (), 0)
    whole = Scope(query.filters, amounts, (), has_deals_index(conn))
    # bars by company or deal need the largest ones first; the others need no ledger first
    independent = query.by not in RANKED or query.top is None

    deals = spans(conn, 1 if connect is None else 2)
    # Funders' segments are as many as bars x funders: read by funder rather than by deal,
    # two parts hold no segment in common, and nothing has to be added up in Python.
    funders: list[tuple[int, int] | None] = [None] * len(deals)
    if query.stack == "funder" and not amounts.converted and len(deals) > 1:
        funders = spans(conn, len(deals), "companies", minimum=0)
        funders = funders if len(funders) == len(deals) else [None] * len(deals)

    def read(c: sqlite3.Connection, n: int) -> Part:
        def segments(part: Scope) -> Scope | None:
            if not independent:
                return None
            return part if funders[n] is None else replace(whole, funders=funders[n])

        return read_part(c, replace(whole, span=deals[n]), query.by, query.stack, query.top,
                         query.gap_limit, segments)  # fmt: skip

    beside = Beside(conn, connect, lambda helper: _amounts(helper, query))
    try:
        later = [beside.submit(lambda c, n=n: read(c, n)) for n in range(1, len(deals))]
        parts = [read(conn, 0), *(result() for result in later)]
    finally:
        beside.close()
    left_out = join_latest([p.left_out for p in parts], None)
    scope = replace(whole, excluded=tuple(deal_id for _, deal_id in left_out))
    found = join_ledgers(query.by, [p.bars for p in parts])
    ranked = order_groups(query.by, found.rows, bar_total)
    kept = ranked if query.top is None else ranked[: query.top]
    keys = None if len(kept) == found.bar_count else [row[0] for row in kept]
    if keys is not None:
        rows = _kept_segments(conn, query, scope, keys)
    elif independent:
        rows = join_segments([p.segments or [] for p in parts], funders[0] is not None)
    else:  # every bar by company or deal kept: fewer of them than `top`
        rows = segment_rows(conn, scope, query.by, query.stack)
    bars, stacks, folded = _bars(conn, query, amounts.currency, kept, rows)
    gap_list = gaps(join_latest([p.gaps for p in parts], query.gap_limit), amounts.currency)
    return Breakdown(
        query, amounts.currency, bars, stacks, folded, found.bar_count, gap_list,
        found.gap_count, unconvertible(conn, left_out, amounts.currency, query.gap_limit),
        len(left_out),
    )  # fmt: skip


def _bars(conn: sqlite3.Connection, query: FundingQuery, code: str, kept: list[Any],
          rows: list[Any]) -> tuple[tuple[Bar, ...], tuple[tuple[Key, str], ...], Any]:  # fmt: skip
    """The bars kept, each with its segments in stack order, the legend, and the stack keys
    kept when the rest were folded into OTHERS (None when nothing was folded)."""
    folded_rows, folded = fold_stacks(rows, query.top_stacks)
    totals: dict[Key, int] = {}
    for _, s, value, _ in folded_rows:
        totals[s] = totals.get(s, 0) + value
    labels = stack_labels(conn, query.stack, totals)
    rank = stack_rank(query.stack, totals)
    by_bar: dict[Key, list[Segment]] = {}
    for g, s, value, count in folded_rows:
        by_bar.setdefault(g, []).append(Segment(s, labels[s], Money(value, code), count))
    names = company_names(conn, (row[0] for row in kept)) if query.by == "company" else {}
    bars = []
    for g, title, deals, head, unallocated, short, over, unheadlined, _ in kept:
        segments = by_bar.get(g, [])
        if unallocated:
            segments.append(Segment(UNALLOCATED, UNALLOCATED_LABEL, Money(unallocated, code),
                                    short))  # fmt: skip
        segments.sort(key=lambda seg: rank[seg.key])
        label = group_label(query.by, g, names, title)
        bars.append(Bar(g, label, tuple(segments), deals, Money(head, code), Money(over, code),
                        Money(unheadlined, code)))  # fmt: skip
    used = {seg.key for bar in bars for seg in bar.segments}
    stacks = tuple((k, labels[k]) for k in sorted(used, key=lambda k: rank[k]))
    return tuple(bars), stacks, None if folded is None else tuple(folded)


def segment_deal_ids(
    conn: sqlite3.Connection, data: Breakdown, bar_key: Key, segment_key: Key
) -> list[int]:
    """The deals summed into one segment of `data`: what a click on it lists."""
    query = data.query
    amounts = _amounts(conn, query)
    if amounts is None:
        return []
    scope = _scope(conn, query, amounts)
    if segment_key == UNALLOCATED:
        sql, params = ledger_sql(query.by, scope)
        sql = f"SELECT id FROM ({sql}) WHERE g IS ? AND IFNULL(h, 0) > IFNULL(a, 0) ORDER BY id"
        return [r[0] for r in conn.execute(sql, [*params, bar_key])]
    stack = STACK_SQL[query.stack]
    sql, params = tranches_sql("DISTINCT t.id", scope)
    sql += f" AND {GROUP_SQL[query.by]} IS ?"
    params.append(bar_key)
    if segment_key == OTHERS:  # every key the chart folded away
        sql += f" AND IFNULL({stack}, -1) NOT IN (SELECT value FROM json_each(?))"
        params.append(json.dumps([-1 if k is None else k for k in data.folded or ()]))
    else:
        sql += f" AND {stack} IS ?"
        params.append(segment_key)
    return [r[0] for r in conn.execute(sql + " ORDER BY t.id", params)]
