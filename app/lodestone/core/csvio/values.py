"""Reading single cell values of foreign files: amounts, dates, vocabulary words, name lists.

The strict parsers of the forms (`parse_money`, `parse_fuzzy_date`) do the reading; this module
adds only what files need and people typing do not: the date forms of spreadsheet exports
(`1-May-07`, with its two-digit year), a strptime format for numeric dates given once for the
whole file, a range of plausible years (a year 1201 or 3201 is a typo, however valid), and
lenient matching of vocabulary words ("Loan Guarantee", "price-floor").
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

from lodestone.core.records.countries import country_code, is_country
from lodestone.core.records.fieldcheck import field_label, parse_field
from lodestone.core.records.fuzzydate import DateError, FuzzyDate, parse_fuzzy_date
from lodestone.core.records.money import Money, is_currency, parse_money
from lodestone.core.records.vocabulary import COMMODITIES

PLAUSIBLE_YEARS = (1900, 2100)
TWO_DIGIT_PIVOT = 69  # as strptime's %y: 69-99 are 1969-1999, 00-68 are 2000-2068
_DAY_MONTH_YY = re.compile(r"([0-9]{1,2})[-/ ]([A-Za-z]{3,9})\.?[-/ ,]+([0-9]{2})")
_NAME_SEPARATORS = re.compile(r"\s*[;|\n]\s*")
_LIST_SEPARATORS = re.compile(r"\s*[;,|/\n]\s*")
_WORD_SPACES = re.compile(r"[\s_\-]+")

# Words files use for the vocabularies' values (after lower-casing and joining with spaces).
SYNONYMS = {
    "debt": "loan", "loans": "loan", "direct loan": "loan", "term loan": "loan",
    "guarantee": "loan guarantee", "loan guarantees": "loan guarantee", "grants": "grant",
    "investment": "equity", "stake": "equity", "shares": "equity", "equity investment": "equity",
    "convertible note": "convertible", "convertible notes": "convertible",
    "tax credits": "tax credit", "offtake agreement": "offtake", "floor price": "price floor",
    "agency": "government agency", "government": "government agency",
    "fund": "investor", "venture capital": "investor", "vc": "investor",
    "ree": "rare earths", "rees": "rare earths", "rare earth": "rare earths",
    "rare earth elements": "rare earths", "neodymium praseodymium": "NdPr", "nd pr": "NdPr",
    "dysprosium": "Dy", "terbium": "Tb", "samarium": "Sm",
}  # fmt: skip


def _word(text: str) -> str:
    return _WORD_SPACES.sub(" ", text).strip().casefold()


@lru_cache(maxsize=4096)
def choice(text: str, allowed: tuple[str, ...]) -> str:
    """The vocabulary value `text` names, whatever its case, spacing or hyphens; the text
    itself when it names none (validation then lists the allowed values); "" for blank."""
    if not text:
        return ""
    word = _word(text)
    for value in allowed:
        if _word(value) == word:
            return value
    synonym = SYNONYMS.get(word)
    return synonym if synonym in allowed else text


@lru_cache(maxsize=4096)
def country(text: str) -> str:
    """An ISO 3166 code from a code in any case or a country's name ("Canada" -> "CA"); the
    text itself when it is neither (validation then says what to write)."""
    if len(text) == 2 and is_country(text.upper()):
        return text.upper()
    return country_code(text) or text


def commodities(text: str) -> list[str]:
    """A list cell ("NdPr; Dy", "rare earths, lithium") as commodity values, each once."""
    if not text:
        return []
    items = [choice(item, COMMODITIES) for item in _LIST_SEPARATORS.split(text) if item]
    return list(dict.fromkeys(items))


def split_names(text: str) -> list[str]:
    """Company names listed in one cell, separated by ';', '|' or line breaks (not commas,
    which company names contain: "Vulcan Elements, Inc.")."""
    return [name for name in _NAME_SEPARATORS.split(text) if name]


def check_date_format(date_format: str) -> None:
    """Refuse a strptime format that cannot read back a full day (ValueError says why)."""
    sample = dt.date(2007, 5, 21)
    try:
        text = sample.strftime(date_format)
        parsed = dt.datetime.strptime(text, date_format).date()
    except ValueError as exc:
        raise ValueError(f"the date format {date_format!r} is not valid: {exc}") from None
    if parsed != sample:
        raise ValueError(f"the date format {date_format!r} must give the day, the month and "
                         "the year, e.g. %d/%m/%Y or %m/%d/%Y")  # fmt: skip


def _two_digit_year(text: str) -> FuzzyDate | None:
    """1-May-07, 21 Aug 99: a spreadsheet's day-month-year with a two-digit year."""
    match = _DAY_MONTH_YY.fullmatch(text.strip())
    if match is None:
        return None
    day, month, short = match.groups()
    year = int(short) + (1900 if int(short) >= TWO_DIGIT_PIVOT else 2000)
    return parse_fuzzy_date(f"{day} {month} {year}")


@lru_cache(maxsize=16384)
def read_date(text: str, date_format: str | None = None) -> tuple[FuzzyDate | None, str]:
    """(date, "") or (None, the reason it is refused); a blank cell is (None, "").
    Cached: a file of a hundred thousand rows holds a few thousand distinct dates."""
    if not text:
        return None, ""
    try:
        date = _two_digit_year(text) or parse_fuzzy_date(text, date_format=date_format)
    except DateError as exc:
        return None, str(exc)
    low, high = PLAUSIBLE_YEARS
    if not low <= date.start.year <= high:
        return None, (f"{text!r} is not a plausible date: the year {date.start.year} is outside "
                      f"{low}-{high}")  # fmt: skip
    return date, ""


Problems = tuple[tuple[str, str], ...]  # (field, message)


@lru_cache(maxsize=16384)
def read_money(amount: str, currency: str, default: str | None) -> tuple[Money | None, Problems]:
    """The amount of a row in its currency: the row's currency column, else `default` (from
    the header, "Amount (USD)", or --currency). Returns (amount, [(field, problem), ...]);
    cached, as award files repeat round amounts."""
    problems: list[tuple[str, str]] = []
    code = currency.strip().upper()
    if code and not is_currency(code):
        problem = f"{field_label('currency')} {currency!r} is not a known ISO 4217 code"
        return None, (("currency", problem + " such as USD or EUR"),)
    value, error = parse_field("amount", lambda t: parse_money(t, code or default), amount)
    if error is not None:
        problems.append(("amount", error.message))
    elif value is not None and code and value.currency != code:
        problems.append(("amount", f"{field_label('amount')} is in {value.currency}, but the "
                                   f"currency column says {code}"))  # fmt: skip
        value = None
    return value, tuple(problems)
