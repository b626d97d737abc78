"""A breakdown read in parts: the deals split by id into ranges, each read on its own
connection (and thread), and the parts' figures added up.

Every figure of a breakdown is a sum or a count over deals, so the figures of disjoint ranges of
deals add up to those of all of them; only what is ranked (the largest bars, the latest gaps, the
latest unconvertible deals) is ranked again once the parts are joined. Over 100,000 deals each
range is read in about half the time, and both at once on two cores.
"""

from __future__ import annotations

import heapq
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from lodestone.core.funding_ledger import Ledger, gap_rows, latest_first, ledger, unconvertible_ids
from lodestone.core.funding_sql import FINE_GROUP_SQL, GROUP_SQL, STACK_SQL, Scope, tranches_sql

PARALLEL_FROM = 20_000  # deal ids: below, a second connection costs more than it saves


@dataclass(frozen=True)
class Part:
    """The figures of the deals in one range."""

    left_out: list[tuple[Any, int]]  # (day, id) of deals that cannot be converted, latest first
    bars: Ledger
    segments: list[tuple[Any, ...]] | None  # (g, s, amount, count); None if not read
    gaps: list[tuple[Any, ...]]  # (day, id, title, h, a), latest first


def spans(conn: sqlite3.Connection, parts: int, table: str = "deals",
          minimum: int | None = None) -> list[tuple[int, int] | None]:  # fmt: skip
    """`parts` ranges (low, high] of the ids of `table` covering every row, or one part of all
    rows when they span fewer than `minimum` ids (by default: too few deals to be worth a
    second connection)."""
    low, high = conn.execute(
        f"SELECT (SELECT MIN(id) FROM {table}), (SELECT MAX(id) FROM {table})").fetchone()
    least = PARALLEL_FROM if minimum is None else minimum
    if parts < 2 or low is None or high - low < max(parts, least):
        return [None]
    cuts = [low - 1 + (high - low + 1) * n // parts for n in range(1, parts)]
    ends = [-(2**63), *cuts, 2**63 - 1]  # open at both ends: a row added meanwhile counts
    return [(ends[n], ends[n + 1]) for n in range(parts)]


def read_part(conn: sqlite3.Connection, scope: Scope, by: str, stack: str, top: int | None,
              gap_limit: int | None, segments: Callable[[Scope], Scope | None]
              ) -> Part:  # fmt: skip
    """Every figure of the deals in `scope` (its span); the segments are read over the scope
    `segments` makes of it (once the deals that cannot be converted are known), if any."""
    left_out = unconvertible_ids(conn, scope)
    scope = replace(scope, excluded=tuple(deal_id for _, deal_id in left_out))
    bars = ledger(conn, by, scope, top if by == "deal" else None)
    over = segments(scope)
    found = None if over is None else segment_rows(conn, over, by, stack)
    return Part(left_out, bars, found, gap_rows(conn, scope, gap_limit))


def segment_rows(conn: sqlite3.Connection, scope: Scope, by: str, stack: str,
                 restrict: str = "", params: tuple[object, ...] = ()) -> list[Any]:  # fmt: skip
    """(g, s, amount, count) of the counted tranches, by bar and stack key; `restrict` (with
    its `params`) adds conditions, e.g. only the bars kept."""
    value = scope.amounts.tranche_value
    fine = FINE_GROUP_SQL.get(by) if not restrict else None
    if fine is None:
        select = f"{GROUP_SQL[by]} AS g, {STACK_SQL[stack]} AS s, SUM({value}), COUNT(*)"
        sql, args = tranches_sql(select, scope)
        return conn.execute(f"{sql}{restrict} GROUP BY g, s", [*args, *params]).fetchall()
    columns, key = fine
    keys = ", ".join(f"{column} AS k{n}" for n, column in enumerate(columns))
    names = ", ".join(f"k{n}" for n in range(len(columns)))
    sql, args = tranches_sql(f"{keys}, {STACK_SQL[stack]} AS s, SUM({value}) AS v, "
                             "COUNT(*) AS n", scope)  # fmt: skip
    return conn.execute(
        f"SELECT {key} AS g, s, SUM(v), SUM(n) FROM ({sql} GROUP BY {names}, s) GROUP BY g, s",
        args,
    ).fetchall()


def join_ledgers(by: str, ledgers: list[Ledger]) -> Ledger:
    """The bars of all parts: a bar's totals are the sums of its totals in each part. Bars by
    deal are each in one part only (each part sent only its largest: so are the largest of
    all among them)."""
    if len(ledgers) == 1:
        return ledgers[0]
    if by == "deal":
        rows = [row for part in ledgers for row in part.rows]
        return Ledger(rows, sum(p.bar_count for p in ledgers), sum(p.gap_count for p in ledgers))
    sums: dict[Any, list[Any]] = {}
    for part in ledgers:
        for g, title, *totals in part.rows:
            found = sums.get(g)
            if found is None:
                sums[g] = [title, *totals]
            else:
                found[1:] = [a + b for a, b in zip(found[1:], totals, strict=True)]
    rows = [(g, *values) for g, values in sums.items()]
    return Ledger(rows, len(rows), sum(p.gap_count for p in ledgers))


def join_segments(parts: list[list[Any]], disjoint: bool = False) -> list[tuple[Any, ...]]:
    """The segments of all parts: an amount and count are the sums of those of each part
    (`disjoint`: no segment is in two parts)."""
    if len(parts) == 1 or disjoint:
        return [row for rows in parts for row in rows]
    sums: dict[tuple[Any, Any], list[int]] = {}
    for rows in parts:
        for g, s, value, count in rows:
            found = sums.get((g, s))
            if found is None:
                sums[(g, s)] = [value, count]
            else:
                found[0] += value
                found[1] += count
    return [(g, s, value, count) for (g, s), (value, count) in sums.items()]


def join_latest(parts: list[list[Any]], limit: int | None) -> list[Any]:
    """(day, id, ...) rows of all parts, latest first, at most `limit`."""
    rows = list(heapq.merge(*parts, key=latest_first, reverse=True))
    return rows if limit is None else rows[:limit]
