"""Per-deal reconciliation for the funding chart: each bar's headline, unallocated, over-allocated
and unheadlined totals, the deals whose tranches do not add up, and the deals a converted chart
leaves out.

All of it is read from one row per deal (`ledger_sql`), walked once per question, each deal's
tranches summed once. The totals are aggregated in SQL per bar; for bars by deal only the
largest (`top`) come back, with the count of all bars and gaps from a window over the same rows,
so a chart of 100,000 deal bars never sends 100,000 rows to Python.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from lodestone.core.funding_sql import Scope, allocated_sql, ledger_sql
from lodestone.core.money import Money
from lodestone.core.reconcile import Reconciliation

# (column, its total over a bar's deals, its value for a bar of one deal); h and a are a deal's
# headline and allocated sum (NULL when it has none), h0 and a0 the same with NULL as 0.
_TOTALS = (
    ("deals", "COUNT(*)", "1"),
    ("head", "SUM(h0)", "h0"),
    ("unallocated", "IFNULL(SUM(h0 - a0) FILTER (WHERE h0 > a0), 0)", "MAX(h0 - a0, 0)"),
    ("short", "COUNT(*) FILTER (WHERE h0 > a0)", "h0 > a0"),
    ("over", "IFNULL(SUM(a0 - h) FILTER (WHERE a0 > h), 0)",
     "CASE WHEN a0 > h THEN a0 - h ELSE 0 END"),
    ("unheadlined", "IFNULL(SUM(a) FILTER (WHERE h IS NULL), 0)",
     "CASE WHEN h IS NULL THEN a ELSE 0 END"),
    ("gaps", "COUNT(*) FILTER (WHERE h IS NULL OR h <> a0)", "h IS NULL OR h <> a0"),
)  # fmt: skip
RANKED = ("company", "deal")  # largest bar first: the chart keeps only the top ones


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
class Ledger:
    """Bars as (g, label, deals, head, unallocated, short, over, unheadlined, gaps) rows, in no
    particular order (bars by deal: only the `top` largest), and counts over all bars."""

    rows: list[tuple[Any, ...]]
    bar_count: int
    gap_count: int


def ledger(conn: sqlite3.Connection, by: str, scope: Scope, top: int | None) -> Ledger:
    """Each bar's reconciliation totals, one row per bar."""
    sql, params = ledger_sql(by, scope)
    rows_of = f"SELECT g, h, a, IFNULL(h, 0) AS h0, IFNULL(a, 0) AS a0 FROM ({sql})"
    if by != "deal":
        columns = ", ".join(f"{total} AS {name}" for name, total, _ in _TOTALS)
        found = conn.execute(f"SELECT g, {columns} FROM ({rows_of}) GROUP BY g", params)
        rows = [(g, None, *totals) for g, *totals in found]
        return Ledger(rows, len(rows), sum(row[8] for row in rows))
    # One bar per deal: only the largest come back (ties by the id's text, as `order_groups`
    # sorts), with the count of all bars and gaps from a window over the same rows.
    columns = ", ".join(f"{single} AS {name}" for name, _, single in _TOTALS)
    found = conn.execute(
        f"SELECT *, COUNT(*) OVER (), SUM(gaps) OVER () FROM (SELECT g, {columns} "
        f"FROM ({rows_of})) ORDER BY head + over + unheadlined DESC, CAST(g AS TEXT) LIMIT ?",
        [*params, -1 if top is None else top],
    ).fetchall()
    titles = _titles(conn, [row[0] for row in found])
    rows = [(g, titles.get(g), *totals) for g, *totals, _, _ in found]
    if found:
        return Ledger(rows, int(found[0][-2]), int(found[0][-1]))
    counted = conn.execute(
        f"SELECT COUNT(*), IFNULL(SUM(h IS NULL OR h <> a0), 0) FROM ({rows_of})", params
    ).fetchone()  # nothing kept (top=0, or no deal): the counts still hold for all bars
    return Ledger(rows, int(counted[0]), int(counted[1]))


def bar_total(row: Any) -> int:
    return int(row[3] + row[6] + row[7])  # headline + over-allocated + unheadlined


def _titles(conn: sqlite3.Connection, ids: list[Any]) -> dict[Any, str]:
    rows = conn.execute(
        "SELECT id, title FROM deals WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(ids),),
    )
    return dict(rows.fetchall())


def latest_first(row: tuple[Any, ...]) -> tuple[bool, str, int]:
    """Sort key (reversed) of (day, id, ...) rows: latest day first, then highest id, undated
    last, as SQLite orders `day DESC, id DESC`."""
    return (row[0] is not None, row[0] or "", row[1])


def gap_rows(conn: sqlite3.Connection, scope: Scope, limit: int | None) -> list[tuple[Any, ...]]:
    """(day, id, title, h, a) of the latest deals whose tranches do not add up to their
    headline (at most `limit`): deals are read newest first, each one's sum computed once,
    until enough are found."""
    where, params = scope.where(walk_span=False)
    amounts = scope.amounts
    return conn.execute(
        f"SELECT day, id, title, h, a FROM (SELECT t.announced_start AS day, t.id AS id, "
        f"t.title AS title, {amounts.headline} AS h, {allocated_sql(amounts)} AS a "
        f"FROM deals t WHERE {where} ORDER BY t.announced_start DESC, t.id DESC LIMIT -1) "
        "WHERE (h IS NOT NULL OR a IS NOT NULL) AND (h IS NULL OR h <> IFNULL(a, 0)) LIMIT ?",
        [*params, -1 if limit is None else limit],
    ).fetchall()


def gaps(rows: list[tuple[Any, ...]], currency: str) -> tuple[DealGap, ...]:
    found = []
    for _, deal_id, title, h, a in rows:
        allocated = Money(a or 0, currency)
        headline = None if h is None else Money(h, currency)
        gap = Money.zero(currency) if headline is None else headline - allocated
        found.append(DealGap(deal_id, title, Reconciliation(currency, headline, allocated, gap)))
    return tuple(found)


def unconvertible_ids(conn: sqlite3.Connection, scope: Scope) -> list[tuple[Any, int]]:
    """(day, id) of the deals of `scope` a converted chart leaves out, latest first: those with
    a headline or a tranche lacking a rate, found from each side by index, not deal by deal."""
    if not scope.amounts.converted:
        return []
    where, params = scope.where()
    every, more = scope.tranche_where(counted=False)  # any tranche can lack a rate
    headline, tranche = scope.amounts.missing
    day = "t.announced_start"
    rows = conn.execute(
        f"SELECT {day}, t.id FROM {scope.deals} WHERE {where} AND {headline} UNION "
        f"SELECT {day}, t.id FROM tranches tr JOIN {scope.deals} ON t.id = tr.deal_id "
        f"WHERE {where} AND {every} AND {tranche} ORDER BY 1 DESC, 2 DESC",
        [*params, *params, *more],
    )
    return rows.fetchall()


def unconvertible(
    conn: sqlite3.Connection, rows: list[tuple[Any, int]], currency: str, limit: int | None
) -> tuple[Unconvertible, ...]:
    """The first `limit` of the (day, id) `rows`, each with the rate it is missing."""
    listed = [deal_id for _, deal_id in (rows if limit is None else rows[:limit])]
    found = conn.execute(
        "SELECT t.id, t.title, t.announced_start, (SELECT group_concat(c, ', ') FROM "
        "(SELECT DISTINCT currency AS c FROM tranches WHERE deal_id = t.id AND currency IS NOT "
        "NULL UNION SELECT t.currency) WHERE c IS NOT NULL AND c <> ?) "
        "FROM deals t WHERE t.id IN (SELECT value FROM json_each(?))",
        (currency, json.dumps(listed)),
    )
    by_id = {r[0]: r for r in found}
    left_out = []
    for deal_id in listed:
        _, title, day, currencies = by_id[deal_id]
        if day is None:
            reason = "no announced date to choose an exchange rate by"
        else:
            reason = f"no {currencies} to {currency} rate on or before {day}"
        left_out.append(Unconvertible(deal_id, title, reason))
    return tuple(left_out)
