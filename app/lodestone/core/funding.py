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
from dataclasses import dataclass, replace
from typing import Any

from lodestone.core.exchange_rates import Converter, has_rates_table
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
from lodestone.core.funding_sql import (
    GROUP_SQL,
    STACK_SQL,
    AmountSql,
    converted_to,
    currencies_present,
    ledger_sql,
    single_currency,
    tranches_sql,
)
from lodestone.core.money import Money, money_sum
from lodestone.core.queries import ListQuery, _where
from lodestone.core.reconcile import Reconciliation

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
class DealGap:
    deal_id: int
    title: str
    reconciliation: Reconciliation


@dataclass(frozen=True)
class Unconvertible:
    deal_id: int
    title: str
    reason: str


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
        has_rates = has_rates_table(conn)
        Converter(query.reporting).register(conn)
        return converted_to(query.reporting, has_rates=has_rates)
    currency = query.currency
    if currency is None:
        present = currencies_present(conn)
        currency = present[0] if present else None
    return None if currency is None else single_currency(currency)


def _ledger_totals(
    conn: sqlite3.Connection, query: FundingQuery, amounts: AmountSql
) -> list[Any]:
    sql, params = ledger_sql(query.by, query.filters, amounts)
    return conn.execute(
        f"SELECT g, MIN(label), COUNT(*), SUM(IFNULL(h, 0)), "
        "SUM(MAX(IFNULL(h, 0) - IFNULL(a, 0), 0)), SUM(IFNULL(h, 0) > IFNULL(a, 0)), "
        "SUM(CASE WHEN h IS NOT NULL THEN MAX(IFNULL(a, 0) - h, 0) ELSE 0 END), "
        "SUM(CASE WHEN h IS NULL THEN a ELSE 0 END), SUM(h IS NULL OR h <> IFNULL(a, 0)) "
        f"FROM ({sql}) GROUP BY g",
        params,
    ).fetchall()


def _segment_rows(
    conn: sqlite3.Connection, query: FundingQuery, amounts: AmountSql, keys: list[Key] | None
) -> list[Any]:
    select = (
        f"{GROUP_SQL[query.by]} AS g, {STACK_SQL[query.stack]} AS s, "
        f"SUM({amounts.tranche_value}), COUNT(*)"
    )
    sql, params = tranches_sql(select, query.filters, amounts)
    if keys is not None:  # only the bars kept by `top`
        sql += f" AND {GROUP_SQL[query.by]} IN (SELECT value FROM json_each(?))"
        params.append(json.dumps(keys))
    return conn.execute(sql + " GROUP BY g, s", params).fetchall()


def _gaps(
    conn: sqlite3.Connection, query: FundingQuery, amounts: AmountSql
) -> tuple[DealGap, ...]:
    sql, params = ledger_sql(query.by, query.filters, amounts, scan_all=query.gap_limit is None)
    limit = -1 if query.gap_limit is None else query.gap_limit
    rows = conn.execute(
        f"SELECT id, title, h, a FROM ({sql}) WHERE h IS NULL OR h <> IFNULL(a, 0) "
        "ORDER BY day DESC, id DESC LIMIT ?",
        [*params, limit],
    )
    gaps = []
    for deal_id, title, h, a in rows:
        allocated = Money(a or 0, amounts.currency)
        headline = None if h is None else Money(h, amounts.currency)
        gap = Money.zero(amounts.currency) if headline is None else headline - allocated
        gaps.append(DealGap(deal_id, title, Reconciliation(amounts.currency, headline,
                                                           allocated, gap)))
    return tuple(gaps)


def _unconvertible(
    conn: sqlite3.Connection, query: FundingQuery, amounts: AmountSql
) -> tuple[tuple[Unconvertible, ...], int]:
    """Deals left out of a reporting-currency chart, each with the rate it is missing."""
    if amounts.unconvertible == "0":
        return (), 0
    where = _where(query.filters)
    base = f"FROM deals t WHERE {where.sql} AND {amounts.unconvertible}"
    count = conn.execute(f"SELECT COUNT(*) {base}", where.params).fetchone()[0]
    limit = -1 if query.gap_limit is None else query.gap_limit
    rows = conn.execute(
        f"SELECT t.id, t.title, t.announced_start, (SELECT group_concat(c, ', ') FROM "
        "(SELECT DISTINCT currency AS c FROM tranches WHERE deal_id = t.id AND currency IS NOT "
        f"NULL UNION SELECT t.currency) WHERE c IS NOT NULL AND c <> '{amounts.currency}') "
        f"{base} ORDER BY t.announced_start DESC, t.id DESC LIMIT ?",
        [*where.params, limit],
    )
    found = []
    for deal_id, title, day, currencies in rows:
        if day is None:
            reason = "no announced date to choose an exchange rate by"
        else:
            reason = f"no {currencies} to {amounts.currency} rate on or before {day}"
        found.append(Unconvertible(deal_id, title, reason))
    return tuple(found), int(count)


def _bar_total(row: Any) -> int:
    return int(row[3] + row[6] + row[7])  # headline + over-allocated + unheadlined


def breakdown(conn: sqlite3.Connection, query: FundingQuery | None = None, **options: Any
              ) -> Breakdown:  # fmt: skip
    """The chart's data: `breakdown(conn, by="year", stack="instrument", currency="USD")`,
    or with `reporting="USD"` to convert, and `filters=ListQuery("deal", ...)` to narrow."""
    query = _checked(replace(query or FundingQuery(), **options))
    amounts = _amounts(conn, query)
    if amounts is None:
        return Breakdown(query, None, (), (), None, 0, (), 0, (), 0)
    code = amounts.currency
    ledger = order_groups(query.by, _ledger_totals(conn, query, amounts), _bar_total)
    kept = ledger if query.top is None else ledger[: query.top]
    keys = None if len(kept) == len(ledger) else [row[0] for row in kept]
    segment_rows, folded = fold_stacks(_segment_rows(conn, query, amounts, keys),
                                       query.top_stacks)  # fmt: skip
    totals: dict[Key, int] = {}
    for _, s, value, _ in segment_rows:
        totals[s] = totals.get(s, 0) + value
    labels = stack_labels(conn, query.stack, totals)
    rank = stack_rank(query.stack, totals)
    by_bar: dict[Key, list[Segment]] = {}
    for g, s, value, count in segment_rows:
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
    unconvertible, unconvertible_count = _unconvertible(conn, query, amounts)
    return Breakdown(
        query, code, tuple(bars), stacks, None if folded is None else tuple(folded),
        len(ledger), _gaps(conn, query, amounts),
        sum(row[8] for row in ledger), unconvertible, unconvertible_count,
    )  # fmt: skip


def segment_deal_ids(
    conn: sqlite3.Connection, data: Breakdown, bar_key: Key, segment_key: Key
) -> list[int]:
    """The deals summed into one segment of `data`: what a click on it lists."""
    query = data.query
    amounts = _amounts(conn, query)
    if amounts is None:
        return []
    if segment_key == UNALLOCATED:
        sql, params = ledger_sql(query.by, query.filters, amounts)
        sql = f"SELECT id FROM ({sql}) WHERE g IS ? AND IFNULL(h, 0) > IFNULL(a, 0) ORDER BY id"
        return [r[0] for r in conn.execute(sql, [*params, bar_key])]
    stack = STACK_SQL[query.stack]
    sql, params = tranches_sql("DISTINCT t.id", query.filters, amounts)
    sql += f" AND {GROUP_SQL[query.by]} IS ?"
    params.append(bar_key)
    if segment_key == OTHERS:  # every key the chart folded away
        sql += f" AND IFNULL({stack}, -1) NOT IN (SELECT value FROM json_each(?))"
        params.append(json.dumps([-1 if k is None else k for k in data.folded or ()]))
    else:
        sql += f" AND {stack} IS ?"
        params.append(segment_key)
    return [r[0] for r in conn.execute(sql + " ORDER BY t.id", params)]
