"""The SQL of the funding breakdown: what a bar groups by, what a segment stacks by, which deals
count and what an amount is worth in the chart's currency.

Kept apart from `funding` so its queries (per-deal ledger, segments, gaps) and the click-to-filter
query are all assembled from the same expressions, and a bar clicked in the chart always selects
exactly the deals that were summed into it.

Every expression reads the deal as `t` and the tranche as `tr`. Currency codes are inlined as
literals only after `is_currency` has accepted them; everything user-typed stays a parameter.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from lodestone.core.funding_convert import RateBook, literal, text
from lodestone.core.queries import ListQuery, _where
from lodestone.core.vocabulary import FUNDER_TYPES

# The first recipient (by position) stands for the deal, so a deal is counted in one bar only;
# a deal without a recipient goes by its first party of any role. Two lookups rather than one
# sorted by role, so each is a single step along an index of (deal, role, position).
_FIRST_RECIPIENT = (
    "COALESCE((SELECT p.company_id FROM deal_parties p WHERE p.deal_id = t.id "
    "AND p.role = 'recipient' ORDER BY p.position, p.id LIMIT 1), "
    "(SELECT p.company_id FROM deal_parties p WHERE p.deal_id = t.id "
    "AND p.role <> 'recipient' ORDER BY p.position, p.id LIMIT 1))"
)
_YEAR = "substr(t.announced_start, 1, 4)"


def _quarter(day: str, known_to_year: str) -> str:
    """A deal known only to the year has no quarter: it gets a bar of its own ("2025"), which
    sorts just before that year's quarters, rather than being put in Q1 where it may not be."""
    year = f"substr({day}, 1, 4)"
    return (
        f"CASE WHEN {known_to_year} THEN {year} ELSE {year} || '-Q' || "
        f"((CAST(substr({day}, 6, 2) AS INTEGER) + 2) / 3) END"
    )


GROUP_SQL = {
    "year": _YEAR,
    "quarter": _quarter("t.announced_start", "t.announced_precision = 'year'"),
    "company": _FIRST_RECIPIENT,
    "deal": "t.id",
    "all": "''",
}
# Keys that fewer, cheaper columns decide: tranches are first summed by these (`k0`, `k1`)
# and the bar's key is computed once per sum rather than once per tranche.
FINE_GROUP_SQL = {
    "quarter": (("substr(t.announced_start, 1, 7)", "t.announced_precision = 'year'"),
                _quarter("k0", "k1")),
}  # fmt: skip


def _funder_type_sql() -> str:
    cases = " ".join(f"WHEN '{kind}' THEN '{group}'" for kind, group in FUNDER_TYPES.items())
    return (
        f"CASE (SELECT f.kind FROM companies f WHERE f.id = tr.funder_id) {cases} "
        "ELSE 'other' END"
    )


STACK_SQL = {
    "instrument": "tr.instrument",
    "funder-type": _funder_type_sql(),
    "funder": "tr.funder_id",
}
# Every column the per-deal queries read is in this index (from schema 3 on), so SQLite walks
# the index alone; left to itself it walks a partial index of live deals and reads each row.
_DEALS_INDEX = "deals_funding"


@dataclass(frozen=True)
class AmountSql:
    """How amounts enter the chart, as SQL over `t` and `tr`: which tranches count, what a
    tranche and a headline are worth, and when a headline or a tranche lacks the rate to be
    converted (its deal is then listed, not drawn)."""

    currency: str
    tranche_filter: str
    tranche_value: str
    headline: str
    missing: tuple[str, str] = ("0", "0")  # (over the deal `t`, over its tranche `tr`)
    converted: bool = False


def single_currency(currency: str) -> AmountSql:
    """Only amounts already in `currency`; the others are not added in (no rate is assumed)."""
    code = literal(currency)
    return AmountSql(
        currency,
        f"tr.currency = {code}",
        "tr.amount_minor",
        f"CASE WHEN t.currency = {code} THEN t.amount_minor END",
    )


def converted_to(rates: RateBook) -> AmountSql:
    """Every amount converted to the book's currency with the rate in force at the deal's
    announced date (its first possible day); a deal with any amount lacking a rate is
    unconvertible."""
    day = "t.announced_start"
    # A tranche in a currency without any rate makes its deal unconvertible, so only tranches
    # in the target or a rated currency can count: a walk of those currencies in the index.
    counted = ", ".join(text(c) for c in (rates.target, *rates.first_days))
    return AmountSql(
        rates.target,
        f"tr.currency IN ({counted})",
        rates.value_sql("tr.amount_minor", "tr.currency", day),
        rates.value_sql("t.amount_minor", "t.currency", day),
        (rates.missing_sql("t.amount_minor", "t.currency", day),
         rates.missing_sql("tr.amount_minor", "tr.currency", day)),
        True,
    )  # fmt: skip


@dataclass(frozen=True)
class Scope:
    """The deals a breakdown reads: the lists' filters, in one currency, minus the deals that
    cannot be converted (found once, then left out of every query by id), and optionally only
    those with an id in `span` (low, high], so that two threads can each read a part; and of
    their tranches, optionally only those of funders with an id in `funders` (low, high]."""

    filters: ListQuery
    amounts: AmountSql
    excluded: tuple[int, ...] = ()
    indexed: bool = False  # whether `deals_funding` exists to be walked
    span: tuple[int, int] | None = None
    funders: tuple[int, int] | None = None  # the first range also holds undisclosed funders

    def where(self, walk_span: bool = True) -> tuple[str, list[object]]:
        """WHERE text over deals `t`, and its parameters; `walk_span=False` keeps SQLite from
        reading the span's ids in order (for a walk in another order, newest first say)."""
        where = _where(self.filters)
        sql, params = where.sql, list(where.params)
        if self.span is not None:
            test = "t.id" if walk_span else "+t.id"
            sql += f" AND {test} > ? AND {test} <= ?"
            params.extend(self.span)
        if self.excluded:
            sql += " AND t.id NOT IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(self.excluded))
        return sql, params

    def tranche_where(self, counted: bool = True) -> tuple[str, list[object]]:
        """WHERE text over tranches `tr` of deals in the span: those that count (or all)."""
        sql = f"{self.amounts.tranche_filter} AND tr.amount_minor IS NOT NULL" if counted else "1"
        params: list[object] = []
        if self.span is not None:
            sql += " AND tr.deal_id > ? AND tr.deal_id <= ?"
            params.extend(self.span)
        if self.funders is not None:  # an undisclosed funder counts as the lowest id of all
            funder = f"IFNULL(tr.funder_id, {-(2**63) + 1})"
            sql += f" AND {funder} > ? AND {funder} <= ?"
            params.extend(self.funders)
        return sql, params

    @property
    def deals(self) -> str:
        """The FROM of a walk over every deal."""
        return f"deals t INDEXED BY {_DEALS_INDEX}" if self.indexed else "deals t"


def has_deals_index(conn: sqlite3.Connection) -> bool:
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (_DEALS_INDEX,)
    ).fetchone()
    return row is not None


def allocated_sql(amounts: AmountSql) -> str:
    """The sum of one deal's counted tranches: one step along an index per deal."""
    return (
        f"(SELECT SUM({amounts.tranche_value}) FROM tranches tr WHERE tr.deal_id = t.id "
        f"AND {amounts.tranche_filter})"
    )


def ledger_sql(by: str, scope: Scope) -> tuple[str, list[object]]:
    """One row per deal with an amount in the chart's currency: id, group key `g`, headline `h`
    and the sum of its tranches `a`.

    A correlated sum is re-evaluated by SQLite for every reference to it, so the rows come
    from a subquery that flattening cannot merge into its reader (LIMIT -1): each deal's sum
    is computed once, however often the totals read `a`."""
    where, params = scope.where()
    sql = (
        f"SELECT id, g, h, a FROM (SELECT t.id AS id, {GROUP_SQL[by]} AS g, "
        f"{scope.amounts.headline} AS h, {allocated_sql(scope.amounts)} AS a "
        f"FROM {scope.deals} WHERE {where} LIMIT -1) WHERE h IS NOT NULL OR a IS NOT NULL"
    )
    return sql, params


def tranches_sql(select: str, scope: Scope) -> tuple[str, list[object]]:
    """`SELECT {select}` over the counted tranches of the filtered deals; the caller may append
    `AND ...` conditions and a GROUP BY."""
    where, params = scope.where()
    counted, more = scope.tranche_where()
    sql = (
        f"SELECT {select} FROM tranches tr JOIN deals t ON t.id = tr.deal_id "
        f"WHERE {where} AND {counted}"
    )
    return sql, [*params, *more]


def currencies_present(conn: sqlite3.Connection) -> list[str]:
    """Currencies of live deals' headlines and tranches, the most used first."""
    rows = conn.execute(
        "SELECT c, SUM(n) FROM (SELECT currency AS c, COUNT(*) AS n FROM deals "
        "WHERE deleted_at IS NULL AND currency IS NOT NULL GROUP BY currency UNION ALL "
        "SELECT tr.currency, COUNT(*) FROM tranches tr JOIN deals t ON t.id = tr.deal_id "
        "WHERE t.deleted_at IS NULL AND tr.currency IS NOT NULL GROUP BY tr.currency) "
        "GROUP BY c ORDER BY 2 DESC, c"
    )
    return [r[0] for r in rows]
