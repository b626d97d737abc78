"""What each amount of the funding facts is worth in the chart's currency, and which deals a
converted chart must leave out.

One currency at a time: only amounts already in it count, none is converted. Converted to a
reporting currency: every amount is converted with the rate in force on its deal's announced
day (the latest recorded on or before it), each exactly once with `Converter`; a deal with an
amount that has no such rate is left out and listed, never drawn with a guess. Whether an amount
has a rate needs no look-up: it has one exactly when its deal is dated and its currency's first
rate is not later than that day. Conversions are kept with the facts, so regrouping a converted
chart converts nothing again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from lodestone.core.funding.exchange_rates import Converter
from lodestone.core.funding.facts import NONE, Facts
from lodestone.core.records.money import MoneyError, is_currency

_NEVER = np.iinfo(np.int64).max  # the first rate day of a currency without rates


@dataclass(frozen=True, eq=False)
class Amounts:
    """Per tranche: whether it counts and its worth; per deal: whether it has a headline in the
    chart's currency, its worth, and whether it is left out for want of a rate."""

    currency: str
    counted: np.ndarray
    value: np.ndarray
    has_head: np.ndarray
    head: np.ndarray
    left_out: np.ndarray
    converted: bool = False


def in_currency(facts: Facts, currency: str) -> Amounts:
    code = _checked(facts, currency)
    has_head = facts.head_cur == code if code != NONE else np.zeros(len(facts.deal_id), bool)
    return Amounts(currency, facts.cur == code, facts.amount, has_head, facts.head,
                   np.zeros(len(facts.deal_id), dtype=bool))  # fmt: skip


def converted_to(facts: Facts, target: str) -> Amounts:
    """Every amount in `target`, converted with the recorded rates (kept with the facts)."""
    code = _checked(facts, target)
    found = facts.cache.get(("converted", target))
    if isinstance(found, Amounts):
        return found
    days: dict[int, list[tuple[int, str]]] = {}  # currency code -> (day, rate), by day
    for currency, day, rate in facts.rates.get(target, []):
        if currency != target and facts.code(currency) != NONE:
            days.setdefault(facts.code(currency), []).append((day, rate))
    first = np.full(len(facts.currencies) + 1, _NEVER, dtype=np.int64)  # [NONE] = never
    for currency_code, found_days in days.items():
        first[currency_code] = found_days[0][0]
    deal_day = facts.day[facts.deal]

    def missing(cur: np.ndarray, day: np.ndarray) -> np.ndarray:
        found: np.ndarray = (cur != NONE) & (cur != code) & ~(day >= first[cur])
        return found

    head_missing = missing(facts.head_cur, facts.day)
    tranche_missing = missing(facts.cur, deal_day)
    left_out = head_missing.copy()
    left_out[facts.deal[tranche_missing]] = True
    converter = Converter(target)
    value = _convert(converter, facts, facts.amount, facts.cur, deal_day,
                     (facts.cur != code) & ~tranche_missing, days)  # fmt: skip
    head = _convert(converter, facts, facts.head, facts.head_cur, facts.day,
                    (facts.head_cur != NONE) & (facts.head_cur != code) & ~head_missing, days)
    rated = np.zeros(len(facts.currencies) + 1, dtype=bool)
    rated[list(days)] = True
    if code != NONE:
        rated[code] = True
    amounts = Amounts(target, rated[facts.cur], value, facts.head_cur != NONE, head, left_out,
                      converted=True)  # fmt: skip
    facts.cache[("converted", target)] = amounts
    return amounts


def _convert(converter: Converter, facts: Facts, minor: np.ndarray, cur: np.ndarray,
             day: np.ndarray, wanted: np.ndarray,
             days: dict[int, list[tuple[int, str]]]) -> np.ndarray:  # fmt: skip
    """`minor` with the `wanted` amounts converted at the rate in force on their `day`."""
    value = minor.copy()
    for currency_code, found in days.items():
        at = np.nonzero(wanted & (cur == currency_code))[0]
        if not len(at):
            continue
        rate_days = np.array([d for d, _ in found], dtype=np.int64)
        in_force = np.searchsorted(rate_days, day[at], side="right") - 1
        rates = [found[n][1] for n in in_force.tolist()]
        currency = facts.currencies[currency_code]
        value[at] = [converter.convert(m, currency, r)
                     for m, r in zip(minor[at].tolist(), rates, strict=True)]  # fmt: skip
    return value


def _checked(facts: Facts, currency: str) -> int:
    if not is_currency(currency):
        raise MoneyError(f"Unknown currency {currency!r}: expected an ISO 4217 code such as USD")
    return facts.code(currency)
