"""The currency tables Money relies on: ISO 4217 minor units, display symbols, pasted spellings.

Kept apart from money.py so the arithmetic and parsing code stays short, and so the one place that
says "JPY has no cents" or "'A$' means AUD" is a table a reviewer can check against ISO 4217 at a
glance. Pure data plus one predicate; no Qt, no I/O.
"""

from typing import Final

# ISO 4217 code -> number of minor-unit digits (2 for cents, 0 for JPY, 3 for fils).
# The world's most traded currencies plus those of the countries that mine, refine or fund
# critical minerals (DR Congo, Myanmar, Guinea, Mozambique, Bolivia, ...).
CURRENCY_DIGITS: Final[dict[str, int]] = {
    "AED": 2, "ARS": 2, "AUD": 2, "BDT": 2, "BGN": 2, "BHD": 3, "BOB": 2, "BRL": 2,
    "BWP": 2, "CAD": 2, "CDF": 2, "CHF": 2, "CLP": 0, "CNY": 2, "COP": 2, "CZK": 2,
    "DKK": 2, "EGP": 2, "EUR": 2, "GBP": 2, "GHS": 2, "GNF": 0, "HKD": 2, "HUF": 2,
    "IDR": 2, "ILS": 2, "INR": 2, "IQD": 3, "ISK": 0, "JOD": 3, "JPY": 0, "KES": 2,
    "KRW": 0, "KWD": 3, "KZT": 2, "LKR": 2, "LYD": 3, "MAD": 2, "MMK": 2, "MNT": 2,
    "MXN": 2, "MYR": 2, "MZN": 2, "NGN": 2, "NOK": 2, "NZD": 2, "OMR": 3, "PEN": 2,
    "PHP": 2, "PKR": 2, "PLN": 2, "PYG": 0, "QAR": 2, "RON": 2, "RUB": 2, "RWF": 0,
    "SAR": 2, "SEK": 2, "SGD": 2, "THB": 2, "TND": 3, "TRY": 2, "TWD": 2, "TZS": 2,
    "UAH": 2, "UGX": 0, "USD": 2, "UZS": 2, "VND": 0, "XAF": 0, "XOF": 0, "ZAR": 2,
    "ZMW": 2,
}  # fmt: skip

# Prefix written before the amount when formatting. Only symbols that name exactly one currency
# are used, so a formatted amount always reads back as the same currency; every other code is
# written as "PKR 500,000.00".
DISPLAY_SYMBOLS: Final[dict[str, str]] = {
    "USD": "$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "KRW": "₩",
    "AUD": "A$", "CAD": "C$", "NZD": "NZ$", "HKD": "HK$", "SGD": "S$", "BRL": "R$",
    "MXN": "MX$", "TWD": "NT$",
}  # fmt: skip

# Lower-cased spellings met in pasted text -> currency, besides the codes themselves and the
# display symbols. Ambiguous ones ("kr", "Rs", "R", "dollars", "pounds") are deliberately absent:
# guessing wrong would silently record the wrong currency, so those texts are refused instead.
_EXTRA_SPELLINGS = {
    "us$": "USD", "au$": "AUD", "ca$": "CAD", "sg$": "SGD", "cn¥": "CNY", "jp¥": "JPY",
    "rmb": "CNY", "yuan": "CNY", "renminbi": "CNY", "yen": "JPY", "euro": "EUR", "euros": "EUR",
    "₽": "RUB", "₺": "TRY", "₪": "ILS", "₦": "NGN", "₱": "PHP", "₫": "VND", "฿": "THB",
    "₸": "KZT", "₮": "MNT",
}  # fmt: skip

TEXT_SPELLINGS: Final[dict[str, str]] = (
    {code.lower(): code for code in CURRENCY_DIGITS}
    | {symbol.lower(): code for code, symbol in DISPLAY_SYMBOLS.items()}
    | _EXTRA_SPELLINGS
)


def is_currency(code: str) -> bool:
    """True for an upper-case ISO 4217 code Lodestone knows the minor units of."""
    return isinstance(code, str) and code in CURRENCY_DIGITS
