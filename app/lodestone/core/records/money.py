"""Money: an exact integer of minor units plus an ISO 4217 currency, and the text it comes from.

Deal amounts are facts an analyst cites, so they are stored exactly (never a float, which turns
$0.10 + $0.20 into 0.30000000000000004) and never added across currencies. Parsing is generous
about the many ways people write amounts ("$1.4 billion", "620M", "(1,000)") but refuses anything
it cannot read unambiguously: a clear error is recoverable, a silently wrong number is not.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Final

from lodestone.core.records.currencies import (
    CURRENCY_DIGITS,
    DISPLAY_SYMBOLS,
    TEXT_SPELLINGS,
    is_currency,
)

__all__ = [
    "CURRENCY_DIGITS", "CurrencyMismatch", "Money", "MoneyError", "format_money",
    "from_decimal_string", "is_currency", "money_sum", "parse_money", "to_decimal_string",
]  # fmt: skip

_LIMIT: Final = 2**63  # minor units must fit a signed 64-bit SQLite INTEGER, symmetrically
_MAX_TEXT: Final = 200
_MULTIPLIERS: Final[dict[str, int]] = {
    "k": 3, "thousand": 3, "lakh": 5, "lakhs": 5, "crore": 7, "crores": 7,
    "m": 6, "mm": 6, "mn": 6, "mln": 6, "mil": 6, "million": 6, "millions": 6,
    "b": 9, "bn": 9, "bln": 9, "billion": 9, "billions": 9,
    "t": 12, "tn": 12, "trn": 12, "tln": 12, "trillion": 12, "trillions": 12,
}  # fmt: skip
_SHORT_UNITS: Final = {3: "K", 6: "M", 9: "B", 12: "T"}
_GROUP_CHARS: Final = " ,'\u00a0\u202f\u2009"  # space, comma, apostrophe, no-break/thin spaces
_TOKEN: Final = re.compile(
    rf"(?P<N>[0-9]+(?:[{_GROUP_CHARS}][0-9]+)*(?:\.[0-9]+)?)"
    r"|(?P<W>[^\W\d_]+[$¥]?)|(?P<Y>[$€£¥₹₩₽₺₪₦₱₫฿₸₮])"
    r"|(?P<L>\()|(?P<R>\))|(?P<S>[-+\u2212])|(?P<_>\s+)"
)
# One number, an optional multiplier right after it, at most one sign, a currency before or after.
_SHAPE: Final = re.compile(r"L?S?C?S?L?NM?C?R?C?")
_PLAIN_DECIMAL: Final = re.compile(r"(-?)([0-9]+)(?:\.([0-9]+))?")
# What most cells of a file hold: "1250000", "1,250,000.50". Read without the tokenizer; the
# digits go through the same `_minor_units` as every other amount.
_PLAIN_AMOUNT: Final = re.compile(r"([0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.([0-9]+))?")
_DECIMAL_CONTEXT: Final = Context(prec=60, rounding=ROUND_HALF_UP)


class MoneyError(ValueError):
    """An amount that cannot be read or stored; the message is a sentence to show the analyst."""


class CurrencyMismatch(MoneyError):
    """Two amounts in different currencies were combined without an exchange rate."""


def _checked_currency(code: str) -> str:
    if not is_currency(code):
        raise MoneyError(
            f"Unknown currency {code!r}: expected an upper-case ISO 4217 code such as USD or EUR"
        )
    return code


@dataclass(frozen=True, order=False)
class Money:
    """An exact amount: `minor` whole minor units (cents) of `currency`.

    Not ordered on purpose: comparing USD with EUR has no meaning without a rate.
    """

    minor: int
    currency: str

    def __post_init__(self) -> None:
        _checked_currency(self.currency)
        if type(self.minor) is not int:
            raise MoneyError(
                f"Money needs a whole number of minor units (an int), not {self.minor!r}"
            )
        if abs(self.minor) >= _LIMIT:
            raise MoneyError(
                f"The amount of {self.minor} {self.currency} minor units is too large to store"
            )

    @classmethod
    def zero(cls, currency: str) -> "Money":
        return cls(0, currency)

    def _same_currency(self, other: "Money", verb: str) -> None:
        if other.currency != self.currency:
            raise CurrencyMismatch(
                f"Cannot {verb} {other.currency} and {self.currency} amounts: "
                "convert one with a recorded exchange rate first"
            )

    def __add__(self, other: object) -> "Money":
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "add")
        return Money(self.minor + other.minor, self.currency)

    def __sub__(self, other: object) -> "Money":
        if not isinstance(other, Money):
            return NotImplemented
        self._same_currency(other, "subtract")
        return Money(self.minor - other.minor, self.currency)

    def __neg__(self) -> "Money":
        return Money(-self.minor, self.currency)

    def __abs__(self) -> "Money":
        return Money(abs(self.minor), self.currency)

    def __bool__(self) -> bool:
        return self.minor != 0


def money_sum(items: Iterable[Money], currency: str) -> Money:
    """Exact total of `items`, all in `currency`; only the final total must fit 64 bits."""
    _checked_currency(currency)
    total = 0
    for item in items:
        if item.currency != currency:
            raise CurrencyMismatch(
                f"Cannot add a {item.currency} amount to a {currency} total: "
                "convert it with a recorded exchange rate first"
            )
        total += item.minor
    return Money(total, currency)


def _major_parts(m: Money) -> tuple[str, int, str]:
    """Sign, whole major units and the zero-padded minor digits, shared by every writer."""
    digits = CURRENCY_DIGITS[m.currency]
    whole, fraction = divmod(abs(m.minor), 10**digits)
    return ("-" if m.minor < 0 else ""), whole, (str(fraction).zfill(digits) if digits else "")


def _prefix(currency: str) -> str:
    return DISPLAY_SYMBOLS.get(currency, currency + " ")


def format_money(m: Money, short: bool = False) -> str:
    """Display text: "$1,400,000,000.00" (exact, reads back with parse_money) or "$1.4B"."""
    sign, whole, fraction = _major_parts(m)
    if not short:
        return f"{sign}{_prefix(m.currency)}{whole:,}" + (f".{fraction}" if fraction else "")
    ctx = _DECIMAL_CONTEXT
    value = Decimal(abs(m.minor)).scaleb(-CURRENCY_DIGITS[m.currency], context=ctx)
    if value:  # round to 3 significant digits first, so 999,950 becomes "1M", not "1000K"
        value = value.quantize(Decimal(1).scaleb(value.adjusted() - 2), context=ctx)
    exponent = min(12, value.adjusted() // 3 * 3) if value.adjusted() >= 3 else 0
    mantissa = value.scaleb(-exponent, context=ctx).normalize(context=ctx)
    return f"{sign}{_prefix(m.currency)}{mantissa:,f}{_SHORT_UNITS.get(exponent, '')}"


def to_decimal_string(m: Money) -> str:
    """Exact major units without grouping ("-10.50", JPY "500"): the CSV and export form."""
    sign, whole, fraction = _major_parts(m)
    return f"{sign}{whole}" + (f".{fraction}" if fraction else "")


def _fail(text: str, reason: str, currency: str | None = None) -> MoneyError:
    shown = text if len(text) <= 60 else text[:57] + "..."
    return MoneyError(f"Cannot read '{shown}' as {currency or 'an amount'}: {reason}")


def _minor_units(negative: bool, whole: str, fraction: str, exp10: int, currency: str,
                 text: str) -> Money:  # fmt: skip
    """Exact minor units of ±whole.fraction × 10**exp10, or an error; pure integer arithmetic."""
    places = CURRENCY_DIGITS[currency]
    fraction = fraction.rstrip("0")
    shift = exp10 + places - len(fraction)  # minor = int(whole + fraction) * 10**shift
    if shift < 0:
        detail = f"{places} decimal places" if places else "no decimal places"
        raise _fail(text, f"{currency} has {detail}", currency)
    digits = (whole + fraction).lstrip("0") or "0"
    minor = int(digits) * 10**shift if len(digits) + shift <= 19 else _LIMIT  # cheap bound first
    if minor >= _LIMIT:
        raise _fail(text, "the amount is too large to store", currency)
    return Money(-minor if negative else minor, currency)


def from_decimal_string(text: str, currency: str) -> Money:
    """Strict inverse of to_decimal_string for CSV cells: "-1234.5" yes; "$1,234" or "1e3" no."""
    _checked_currency(currency)
    match = _PLAIN_DECIMAL.fullmatch(text)
    if match is None:
        raise _fail(text, "expected a plain number such as 1234.56 or -10", currency)
    sign, whole, fraction = match.groups()
    return _minor_units(sign == "-", whole, fraction or "", 0, currency, text)


def _ungroup(number: str, text: str) -> tuple[str, str]:
    """Whole and fraction digits of "1,400,000.5", refusing groupings that could mean a decimal."""
    whole, _, fraction = number.partition(".")
    separators = set(re.sub("[0-9]", "", whole))
    if not separators:
        return whole, fraction
    if len(separators) > 1:
        raise _fail(text, "it mixes different digit-grouping characters")
    separator = separators.pop()
    groups = whole.split(separator)
    western = len(groups[0]) <= 3 and all(len(g) == 3 for g in groups[1:])
    indian = (  # 12,34,567 (lakh grouping): unambiguous, so accepted
        separator == "," and len(groups[0]) <= 2 and len(groups[-1]) == 3
        and all(len(g) == 2 for g in groups[1:-1])
    )  # fmt: skip
    if not (western or indian):
        raise _fail(text, "its digit grouping is unclear (write decimals with '.')")
    return "".join(groups), fraction


def _tokens(text: str) -> list[tuple[str, str]]:
    """(kind, text) pairs: N number, M multiplier, C currency, S sign, L/R parentheses."""
    found: list[tuple[str, str]] = []
    position = 0
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise _fail(text, f"it contains {text[position]!r}, which is not part of an amount")
        kind, value = match.lastgroup or "_", match.group()
        position = match.end()
        if kind in "WY":
            word = value.lower()
            if word in ("nan", "inf", "infinity"):
                raise _fail(text, "it is not a finite number")
            if word == "e" and found and found[-1][0] == "N":
                raise _fail(text, "scientific notation such as 1e5 is not supported")
            if word in _MULTIPLIERS:
                kind = "M"
            elif word in TEXT_SPELLINGS:
                kind = "C"
            elif len(value) == 3 and value.isascii() and value.isalpha():
                raise _fail(text, f"'{value}' is not a currency code Lodestone knows")
            else:
                raise _fail(text, f"'{value}' is neither a currency nor a multiplier such as M")
        if kind != "_":
            found.append((kind, value))
    return found


def parse_money(text: str, default_currency: str | None = None) -> Money:
    """Read an amount as analysts paste it: "$1.4 billion", "USD 50M", "(1,000)", "€2.3bn".

    The currency comes from the text, else `default_currency`. "$" means USD and "¥" JPY; other
    dollars need their prefix ("A$", "C$") or code. Anything ambiguous raises MoneyError.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse_money needs text, not {type(text).__name__}")
    if default_currency is not None:
        _checked_currency(default_currency)
        plain = _PLAIN_AMOUNT.fullmatch(text) if len(text) <= _MAX_TEXT else None
        if plain is not None:
            whole, fraction = plain.groups()
            return _minor_units(False, whole.replace(",", ""), fraction or "", 0,
                                default_currency, text)
    return _parse_general(text, default_currency)


def _parse_general(text: str, default_currency: str | None) -> Money:
    """Any shape `parse_money` accepts, token by token (the fast path's answers included)."""
    if not text.strip():
        raise _fail(text, "the text is empty")
    if len(text) > _MAX_TEXT:
        raise _fail(text, f"it is longer than {_MAX_TEXT} characters")
    tokens = _tokens(text)
    shape = "".join(kind for kind, _ in tokens)
    counts = {kind: shape.count(kind) for kind in "NMCSLR"}
    if counts["N"] != 1:
        raise _fail(text, "it contains no number" if not counts["N"] else "it has several numbers")
    if counts["C"] > 1:
        raise _fail(text, "it names more than one currency")
    if counts["M"] > 1:
        raise _fail(text, "it has more than one multiplier")
    if counts["S"] > 1 or (counts["S"] and counts["L"]):
        raise _fail(text, "it has more than one sign")
    if counts["L"] != counts["R"] or not _SHAPE.fullmatch(shape):
        raise _fail(text, "expected something like '$1.4 billion', 'USD 50M' or '(1,000)'")
    values = dict(tokens)  # every kind occurs at most once now
    currency = TEXT_SPELLINGS[values["C"].lower()] if "C" in values else default_currency
    if currency is None:
        raise _fail(text, "it names no currency and no default currency was given")
    whole, fraction = _ungroup(values["N"], text)
    negative = values.get("S") in ("-", "\u2212") or "L" in values
    exp10 = _MULTIPLIERS[values["M"].lower()] if "M" in values else 0
    return _minor_units(negative, whole, fraction, exp10, currency, text)
