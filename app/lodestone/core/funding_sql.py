"""The SQL of the funding breakdown: what a bar groups by, what a segment stacks by, and what an
amount is worth in the chart's currency.

Kept apart from `funding` so the three queries there (segments, per-deal ledger, gaps) and the
click-to-filter query are all assembled from the same expressions, and a bar clicked in the
chart always selects exactly the deals that were summed into it.

Every expression reads the deal as `t` and the tranche as `tr`. Currency codes are inlined as
literals only after `is_currency` has accepted them; everything user-typed stays a parameter.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from lodestone.core.exchange_rates import rate_in_force_sql
from lodestone.core.money import MoneyError, is_currency
from lodestone.core.queries import ListQuery, _where
from lodestone.core.vocabulary import FUNDER_TYPES

# The first recipient (by position) stands for the deal, so a deal is counted in one bar only.
_FIRST_RECIPIENT = (
    "(SELECT p.company_id FROM deal_parties p WHERE p.deal_id = t.id "
    "ORDER BY p.role <> 'recipient', p.position, p.id LIMIT 1)"
)
_YEAR = "substr(t.announced_start, 1, 4)"
# A deal known only to the year has no quarter: it gets a bar of its own ("2025"), which sorts
# just before that year's quarters, rather than being put in Q1 where it may not belong.
_QUARTER = (
    f"CASE WHEN t.announced_precision = 'year' THEN {_YEAR} ELSE {_YEAR} || '-Q' || "
    "((CAST(substr(t.announced_start, 6, 2) AS INTEGER) + 2) / 3) END"
)
GROUP_SQL = {
    "year": _YEAR,
    "quarter": _QUARTER,
    "company": _FIRST_RECIPIENT,
    "deal": "t.id",
    "all": "''",
}


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


def literal(code: str) -> str:
    """A currency code as an SQL literal; only known ISO codes (three capitals) get here."""
    if not is_currency(code):
        raise MoneyError(f"Unknown currency {code!r}: expected an ISO 4217 code such as USD")
    return f"'{code}'"


@dataclass(frozen=True)
class AmountSql:
    """How amounts enter the chart, as SQL over `t` and `tr`: which tranches count, what a
    tranche and a headline are worth, and which deals cannot be converted (listed, not drawn)."""

    currency: str
    tranche_filter: str
    tranche_value: str
    headline: str
    unconvertible: str = "0"
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


def converted_to(reporting: str, *, has_rates: bool = True) -> AmountSql:
    """Every amount converted to `reporting` with the rate in force at the deal's announced
    date (its first possible day); a deal with any amount lacking a rate is unconvertible."""
    code = literal(reporting)

    def rate(alias: str) -> str:
        if not has_rates:
            return "NULL"
        return rate_in_force_sql(f"{alias}.currency", reporting, "t.announced_start")

    def value(alias: str) -> str:
        return (
            f"CASE WHEN {alias}.currency = {code} THEN {alias}.amount_minor ELSE "
            f"lodestone_convert({alias}.amount_minor, {alias}.currency, {rate(alias)}) END"
        )

    def missing(alias: str) -> str:
        return (
            f"{alias}.amount_minor IS NOT NULL AND {alias}.currency <> {code} "
            f"AND {rate(alias)} IS NULL"
        )

    unconvertible = (
        f"(({missing('t')}) OR EXISTS (SELECT 1 FROM tranches tr "
        f"WHERE tr.deal_id = t.id AND {missing('tr')}))"
    )
    return AmountSql(
        reporting, "tr.amount_minor IS NOT NULL", value("tr"), value("t"), unconvertible, True
    )


def deal_filter(filters: ListQuery, amounts: AmountSql) -> tuple[str, list[object]]:
    """WHERE text over deals `t`: the lists' filters, minus deals that cannot be converted."""
    where = _where(filters)
    return f"{where.sql} AND NOT {amounts.unconvertible}", list(where.params)


def ledger_sql(
    by: str, filters: ListQuery, amounts: AmountSql, *, scan_all: bool = True
) -> tuple[str, list[object]]:
    """One row per deal with an amount in the chart's currency: id, group key `g`, label,
    title, announced day, headline `h` and the sum of its tranches `a`.

    `scan_all` sums all tranches in one pass (for totals over every deal); otherwise each
    deal's tranches are summed as the deal is read, which lets `ORDER BY day ... LIMIT` stop
    early. A correlated sum must never be used for totals: SQLite re-evaluates it for every
    reference to `a`."""
    where, params = deal_filter(filters, amounts)
    label = "t.title" if by == "deal" else "NULL"
    value, condition = amounts.tranche_value, amounts.tranche_filter
    if not scan_all:
        allocated = (
            f"(SELECT SUM({value}) FROM tranches tr WHERE tr.deal_id = t.id AND {condition})"
        )
        joined = ""
    else:
        # A converted value reads the deal's date (for its rate), so it needs the deal row.
        inner = "tranches tr JOIN deals t ON t.id = tr.deal_id" if amounts.converted else (
            "tranches tr")  # fmt: skip
        allocated = "x.a"
        joined = (
            f" LEFT JOIN (SELECT tr.deal_id AS deal_id, SUM({value}) AS a FROM {inner} "
            f"WHERE {condition} AND tr.amount_minor IS NOT NULL GROUP BY tr.deal_id) x "
            "ON x.deal_id = t.id"
        )
    sql = (
        f"SELECT * FROM (SELECT t.id AS id, {GROUP_SQL[by]} AS g, {label} AS label, "
        f"t.title AS title, t.announced_start AS day, {amounts.headline} AS h, "
        f"{allocated} AS a FROM deals t{joined} WHERE {where}) "
        "WHERE h IS NOT NULL OR a IS NOT NULL"
    )
    return sql, params


def tranches_sql(select: str, filters: ListQuery, amounts: AmountSql) -> tuple[str, list[object]]:
    """`SELECT {select}` over the counted tranches of the filtered deals; the caller may append
    `AND ...` conditions and a GROUP BY."""
    where, params = deal_filter(filters, amounts)
    sql = (
        f"SELECT {select} FROM tranches tr JOIN deals t ON t.id = tr.deal_id "
        f"WHERE {where} AND {amounts.tranche_filter} AND tr.amount_minor IS NOT NULL"
    )
    return sql, params


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
