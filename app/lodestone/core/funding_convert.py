"""Which amounts a reporting-currency chart can convert, and their value in it, as SQL.

Whether an amount has a rate needs no lookup: the latest rate on or before the deal's day
exists exactly when the deal is dated and its currency's first rate is not later than that day.
So the test for deals left out ("no EUR to USD rate on or before 2025-11-09") is a comparison
with a handful of literals, and a rate is looked up only to convert an amount, once.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from lodestone.core.exchange_rates import has_rates_table, rate_in_force_sql
from lodestone.core.money import MoneyError, is_currency


def literal(code: str) -> str:
    """A currency code as an SQL literal; only known ISO codes (three capitals) get here."""
    if not is_currency(code):
        raise MoneyError(f"Unknown currency {code!r}: expected an ISO 4217 code such as USD")
    return f"'{code}'"


def text(value: str) -> str:
    """Any text from the tracker as an SQL string literal."""
    return "'" + value.replace("'", "''") + "'"


@dataclass(frozen=True)
class RateBook:
    """What the recorded rates into one reporting currency allow: the first day each currency
    has a rate from (before it, or undated, an amount cannot be converted)."""

    target: str
    first_days: dict[str, str]

    @classmethod
    def read(cls, conn: sqlite3.Connection, target: str) -> RateBook:
        literal(target)
        if not has_rates_table(conn):
            return cls(target, {})
        rows = conn.execute(
            "SELECT currency, MIN(date) FROM exchange_rates WHERE base = ? GROUP BY currency "
            "ORDER BY currency",
            (target,),
        )
        return cls(target, {currency: day for currency, day in rows})

    def missing_sql(self, minor: str, currency: str, day: str) -> str:
        """True when the amount needs a rate that is not recorded for `day`."""
        code = literal(self.target)
        needs = f"{minor} IS NOT NULL AND {currency} <> {code}"
        if not self.first_days:
            return f"({needs})"
        firsts = " ".join(f"WHEN {text(c)} THEN {text(d)}" for c, d in self.first_days.items())
        return f"({needs} AND NOT IFNULL({day} >= CASE {currency} {firsts} END, 0))"

    def value_sql(self, minor: str, currency: str, day: str) -> str:
        """The amount in the target currency (NULL when no rate is in force on `day`): the rate
        is looked up once, and only for an amount in another currency."""
        code = literal(self.target)
        if not self.first_days:
            return f"CASE WHEN {currency} = {code} THEN {minor} END"
        rate = rate_in_force_sql(currency, self.target, day)
        return (
            f"CASE WHEN {currency} = {code} THEN {minor} "
            f"ELSE lodestone_convert({minor}, {currency}, {rate}) END"
        )
