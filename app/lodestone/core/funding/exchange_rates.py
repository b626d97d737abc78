"""Exchange rates the analyst records, and exact conversion of amounts with them.

Lodestone never fetches rates: a reporting-currency chart is only as good as the rates behind
it, so the analyst records each one (with the date it applies from) and every conversion can be
traced back to a row of this table. A rate is stored as decimal text, never a float, and an
amount is converted with exact Decimal arithmetic, rounded once to the target's minor units.

`rate` is how many units of `base` (the reporting currency) one unit of `currency` buys.
"""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from lodestone.core.records.fieldcheck import FieldError
from lodestone.core.records.money import CURRENCY_DIGITS, MoneyError, is_currency
from lodestone.core.storage.repository import InvalidRecord, RecordNotFound, Repository

RATE_KIND = "exchange_rate"  # the kind named in change notifications
_RATE_TEXT = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,12})?")
_LIMIT = 2**63
_CONTEXT = Context(prec=80, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class ExchangeRate:
    currency: str
    base: str
    date: str  # ISO day the rate applies from
    rate: Decimal
    id: int | None = None

    @property
    def text(self) -> str:
        """The rate as the analyst typed it: plain decimal, no exponent."""
        return format(self.rate, "f")


def parse_rate(text: str) -> Decimal:
    """A positive plain decimal ("1.0825", "150"); refuses signs, exponents, grouping and zero."""
    cleaned = text.strip()
    if not _RATE_TEXT.fullmatch(cleaned):
        raise ValueError(
            f"Rate '{text.strip()[:30]}' is not a plain positive number such as 1.0825"
        )
    value = Decimal(cleaned)
    if value <= 0:
        raise ValueError("Rate must be greater than zero")
    return value


def validate_rate(currency: str, base: str, date: str, rate: str | Decimal) -> list[FieldError]:
    """Every reason a rate cannot be stored, one message per field."""
    errors = []
    for field, code in (("currency", currency), ("base", base)):
        if not is_currency(code):
            label = "Currency" if field == "currency" else "Reporting currency"
            errors.append(FieldError(field, f"{label} '{code}' is not a known ISO 4217 code"))
    if not errors and currency == base:
        errors.append(FieldError("currency", "Currency and reporting currency must differ"))
    try:
        if len(date) != 10:
            raise ValueError
        dt.date.fromisoformat(date)
    except (TypeError, ValueError):
        errors.append(FieldError("date", f"Date '{date}' is not a real day written YYYY-MM-DD"))
    if isinstance(rate, Decimal):
        if not rate.is_finite() or rate <= 0:
            errors.append(FieldError("rate", "Rate must be greater than zero"))
    else:
        try:
            parse_rate(rate)
        except ValueError as exc:
            errors.append(FieldError("rate", str(exc)))
    return errors


def has_rates_table(conn: sqlite3.Connection) -> bool:
    """False for a file opened read-only before the exchange-rate migration ran on it."""
    row = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'exchange_rates'"
    ).fetchone()
    return row is not None


def _from_row(row: Any) -> ExchangeRate:
    return ExchangeRate(row[1], row[2], row[3], Decimal(row[4]), row[0])


def list_rates(conn: sqlite3.Connection, base: str | None = None) -> list[ExchangeRate]:
    """All recorded rates (of one reporting currency), by currency then date."""
    if not has_rates_table(conn):
        return []
    sql = "SELECT id, currency, base, date, rate FROM exchange_rates"
    params: tuple[str, ...] = ()
    if base is not None:
        sql, params = sql + " WHERE base = ?", (base,)
    rows = conn.execute(sql + " ORDER BY base, currency, date, id", params)
    return [_from_row(r) for r in rows]


def _refuse_clash(repo: Repository, currency: str, base: str, date: str,
                  rate_id: int | None = None) -> None:  # fmt: skip
    clash = repo.conn.execute(
        "SELECT 1 FROM exchange_rates WHERE currency = ? AND base = ? AND date = ? "
        "AND id IS NOT ?",
        (currency, base, date, rate_id),
    ).fetchone()
    if clash is not None:
        message = f"A {currency} to {base} rate for {date} is already recorded"
        raise InvalidRecord([FieldError("date", message)])


def add_rate(repo: Repository, currency: str, base: str, date: str, rate: str,
             rate_id: int | None = None) -> ExchangeRate:  # fmt: skip
    """Record a rate; InvalidRecord (with per-field errors) if it is invalid or a duplicate.
    `rate_id` brings a removed rate back under its own id (when no other rate took it)."""
    errors = validate_rate(currency, base, date, rate)
    if errors:
        raise InvalidRecord(errors)
    value = parse_rate(rate)
    with repo.transaction():
        _refuse_clash(repo, currency, base, date)
        taken = rate_id is not None and repo.conn.execute(
            "SELECT 1 FROM exchange_rates WHERE id = ?", (rate_id,)).fetchone() is not None
        cursor = repo.conn.execute(
            "INSERT INTO exchange_rates (id, currency, base, date, rate) VALUES (?, ?, ?, ?, ?)",
            (None if taken else rate_id, currency, base, date, format(value, "f")),
        )
        rate_id = int(cursor.lastrowid or 0)
        repo.announce(RATE_KIND, rate_id, "created")
    return ExchangeRate(currency, base, date, value, rate_id)


def get_rate(conn: sqlite3.Connection, rate_id: int) -> ExchangeRate:
    row = conn.execute(
        "SELECT id, currency, base, date, rate FROM exchange_rates WHERE id = ?", (rate_id,)
    ).fetchone()
    if row is None:
        raise RecordNotFound(f"no exchange rate with id {rate_id}")
    return _from_row(row)


def update_rate(repo: Repository, rate_id: int, date: str, rate: str) -> ExchangeRate:
    """Change the day a rate applies from and its value; InvalidRecord as `add_rate`."""
    old = get_rate(repo.conn, rate_id)
    errors = validate_rate(old.currency, old.base, date, rate)
    if errors:
        raise InvalidRecord(errors)
    value = parse_rate(rate)
    with repo.transaction():
        _refuse_clash(repo, old.currency, old.base, date, rate_id)
        repo.conn.execute(
            "UPDATE exchange_rates SET date = ?, rate = ? WHERE id = ?",
            (date, format(value, "f"), rate_id),
        )
        repo.announce(RATE_KIND, rate_id)
    return ExchangeRate(old.currency, old.base, date, value, rate_id)


def delete_rate(repo: Repository, rate_id: int) -> None:
    """Remove a recorded rate (rates are reference data, not records: no Trash)."""
    with repo.transaction():
        cursor = repo.conn.execute("DELETE FROM exchange_rates WHERE id = ?", (rate_id,))
        if cursor.rowcount != 1:
            raise RecordNotFound(f"no exchange rate with id {rate_id}")
        repo.announce(RATE_KIND, rate_id, "deleted")


class Converter:
    """Exact conversion into one target currency, with parsed rates cached by their text.

    The funding chart converts each amount (rounded to the target's minor units) exactly once,
    with the rate in force on its deal's announced day.
    """

    def __init__(self, target: str) -> None:
        if not is_currency(target):
            raise MoneyError(f"Unknown currency {target!r}")
        self.target = target
        self._factors: dict[tuple[str, str], Decimal] = {}

    def convert(self, minor: int, currency: str, rate_text: str) -> int:
        key = (currency, rate_text)
        factor = self._factors.get(key)
        if factor is None:
            shift = CURRENCY_DIGITS[self.target] - CURRENCY_DIGITS[currency]
            factor = Decimal(rate_text).scaleb(shift, context=_CONTEXT)
            self._factors[key] = factor
        value = _CONTEXT.multiply(Decimal(minor), factor).to_integral_value(context=_CONTEXT)
        if abs(value) >= _LIMIT:
            raise MoneyError(f"A converted amount is too large to store in {self.target}")
        return int(value)
