"""Fuzzy dates: a calendar value known only to a day, a month, a quarter or a year.

Sources rarely give more than "in August" or "Q3 2025". Storing that as a day (2025-08-01)
would invent precision nobody gave and put a month-long fact on a single point of the
timeline. A FuzzyDate keeps the canonical ISO text with its precision and derives the span
of days it covers, so sorting and drawing use the honest interval.

Reading is strict wherever a guess could be wrong: a numeric day/month order ("03/04/2025")
is refused rather than guessed, a weekday must agree with its date, and relative phrases
("last month") are read only against an explicit reference date. A wrong date is worse than
an error message, because nobody notices it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache, total_ordering

MIN_YEAR, MAX_YEAR = 1000, 9999
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTH_WORDS = {**{n.lower(): i for i, n in enumerate(MONTHS, 1)},
                **{n[:3].lower(): i for i, n in enumerate(MONTHS, 1)}, "sept": 9}
_WEEKDAY_WORDS = {**{n.lower(): i for i, n in enumerate(WEEKDAYS)},
                  **{n[:3].lower(): i for i, n in enumerate(WEEKDAYS)},
                  "tues": 1, "thur": 3, "thurs": 3}
_CANONICAL = re.compile(r"([0-9]{4})(?:-(?:([0-9]{2})(?:-([0-9]{2}))?|Q([0-9])))?")
_NUMERIC = re.compile(r"([0-9]+)([-/.])([0-9]+)(?:\2([0-9]+))?")
_QUARTER_FORMS = (  # (pattern, group of the year, group of the quarter)
    (re.compile(r"([0-9])q([0-9]{2}|[0-9]{4})"), 2, 1),  # 3q25, 3q2025 (analyst shorthand)
    (re.compile(r"([0-9]+)[ /-]?q([0-9])"), 1, 2),  # 2025-q3, 2025 q3
    (re.compile(r"q([0-9])[ /-]?([0-9]+)"), 2, 1),  # q3 2025, q3-2025
)
_ORDINAL = re.compile(r"([0-9]{1,2})(?:st|nd|rd|th)")
_DIGITS = re.compile(r"[0-9]+")
_RELATIVE = ("today", "yesterday", "this month", "last month", "this quarter", "last quarter",
             "this year", "last year")
_FISCAL = re.compile(r"fy'?[0-9]*")


class DateError(ValueError):
    """A text that cannot be read as a date; the message names the text and says why."""


class Precision(StrEnum):
    DAY = "day"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"


def _invalid(year: int, month: int | None = None, day: int | None = None,
             quarter: int | None = None) -> str | None:
    """Why these parts name no real date, or None; the one rule both parsing paths share."""
    if not MIN_YEAR <= year <= MAX_YEAR:
        return f"the year must be between {MIN_YEAR} and {MAX_YEAR}, not {year}"
    if quarter is not None and not 1 <= quarter <= 4:
        return f"there is no quarter {quarter} (quarters run Q1 to Q4)"
    if month is not None and not 1 <= month <= 12:
        return f"there is no month {month} (months run 1 to 12)"
    if day is not None and month is not None:
        days = calendar.monthrange(year, month)[1]
        if not 1 <= day <= days:
            return f"{MONTHS[month - 1]} {year} has {days} days"
    return None


def _bounds(iso: str) -> tuple[Precision, dt.date, dt.date]:
    """Precision and first/last day of a canonical ISO text; DateError for anything else."""
    match = _CANONICAL.fullmatch(iso) if isinstance(iso, str) else None
    if match is None:
        raise DateError(f"{iso!r} is not a canonical date: expected YYYY-MM-DD, YYYY-MM, "
                        "YYYY-Qn or YYYY")
    year = int(match.group(1))
    month, day, quarter = (int(g) if g else None for g in match.groups()[1:])
    reason = _invalid(year, month, day, quarter)
    if reason:
        raise DateError(f"{iso!r} is not a date: {reason}")
    if day is not None and month is not None:
        return Precision.DAY, dt.date(year, month, day), dt.date(year, month, day)
    precision, first, last = (
        (Precision.MONTH, month, month) if month is not None
        else (Precision.QUARTER, 3 * quarter - 2, 3 * quarter) if quarter is not None
        else (Precision.YEAR, 1, 12))
    return (precision, dt.date(year, first, 1),
            dt.date(year, last, calendar.monthrange(year, last)[1]))


@total_ordering
@dataclass(frozen=True)
class FuzzyDate:
    """A date known to some precision; equal when iso and precision are, ordered by span."""

    iso: str
    precision: Precision
    _start: dt.date = field(init=False, repr=False, compare=False)
    _end: dt.date = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Validate here, not only in from_iso, so no inconsistent value can exist at all.
        precision, start, end = _bounds(self.iso)
        if precision != self.precision:
            raise DateError(f"{self.iso!r} is a {precision} date, not {self.precision!r}")
        object.__setattr__(self, "precision", precision)
        object.__setattr__(self, "_start", start)
        object.__setattr__(self, "_end", end)

    @classmethod
    def from_iso(cls, iso: str) -> FuzzyDate:
        """Read only the canonical forms (what storage holds); DateError otherwise."""
        if cls is FuzzyDate and isinstance(iso, str):
            return _stored(iso)
        return cls(iso, _bounds(iso)[0])

    @classmethod
    def of_day(cls, day: dt.date) -> FuzzyDate:
        """The day precision date of a picked calendar day."""
        return _build(str(day), day.year, day.month, day.day)

    @property
    def start(self) -> dt.date:
        """First day covered."""
        return self._start

    @property
    def end(self) -> dt.date:
        """Last day covered (inclusive)."""
        return self._end

    @property
    def sort_key(self) -> tuple[dt.date, dt.date]:
        return (self._start, self._end)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, FuzzyDate):
            return NotImplemented
        return self.sort_key < other.sort_key

    def contains(self, day: dt.date) -> bool:
        return self._start <= day <= self._end

    def display(self) -> str:
        """As a person writes it, in English whatever the locale: "Nov 9, 2025", "Q3 2025"."""
        start = self._start
        month = MONTHS[start.month - 1][:3]
        if self.precision is Precision.DAY:
            return f"{month} {start.day}, {start.year}"
        if self.precision is Precision.MONTH:
            return f"{month} {start.year}"
        if self.precision is Precision.QUARTER:
            return f"Q{(start.month + 2) // 3} {start.year}"
        return str(start.year)


def _build(text: str, year: int, month: int | None = None, day: int | None = None,
           quarter: int | None = None) -> FuzzyDate:
    """The FuzzyDate of these parts, or a DateError that names what the analyst typed."""
    reason = _invalid(year, month, day, quarter)
    if reason:
        raise DateError(f"{text!r} is not a date: {reason}")
    parts = [f"{year:04d}"] + [f"{n:02d}" for n in (month, day) if n is not None]
    return FuzzyDate.from_iso("-".join(parts + ([f"Q{quarter}"] if quarter else [])))


def _year(text: str, digits: str) -> int:
    """A year as typed: four digits, so that 02025 or 999 is refused rather than reread."""
    if len(digits) != 4:
        raise DateError(f"{text!r} is not a date: the year must have four digits (1000 to "
                        f"{MAX_YEAR}), not {digits}")
    return int(digits)


def _words(text: str) -> list[str]:
    """Lower-case words without commas, trailing dots and ordinal suffixes (9th -> 9)."""
    words = [w.rstrip(".") for w in text.lower().replace(",", " ").split()]
    return [m.group(1) if (m := _ORDINAL.fullmatch(w)) else w for w in words if w]


def _read_numeric(text: str, words: list[str]) -> FuzzyDate | None:
    """2025-11-09, 2025/11/09, 2025-08, 08/2025, 2025; numeric day/month orders are refused."""
    if len(words) != 1:
        return None
    if _DIGITS.fullmatch(words[0]):
        return _build(text, _year(text, words[0]))
    match = _NUMERIC.fullmatch(words[0])
    if match is None:
        return None
    a, _, b, c = match.groups()
    if len(a) == 4 and len(b) <= 2 and len(c or "") <= 2:  # year first: read the same anywhere
        return _build(text, int(a), int(b), int(c) if c else None)
    if c is None and len(a) <= 2 and len(b) == 4:
        return _build(text, int(b), int(a))  # 08/2025: a month, whatever the country
    if c is None or len(c) != 4:
        raise DateError(f"{text!r} is not a date: write it as YYYY-MM-DD or YYYY-MM")
    year = _build(text, int(c)).start.year  # refuses an impossible year before the rest
    orders = dict.fromkeys(((int(a), int(b)), (int(b), int(a))))  # month-first (US) first
    readings = [_build(text, year, m, d) for m, d in orders if _invalid(year, m, d) is None]
    if len(readings) == 2:
        raise DateError(f"{text!r} is ambiguous: it could be {readings[0].display()} or "
                        f"{readings[1].display()}; write it as YYYY-MM-DD, e.g. {readings[0].iso}")
    if readings:
        raise DateError(f"{text!r} is not read because the order of day and month differs "
                        f"by country: write it as YYYY-MM-DD, e.g. {readings[0].iso}")
    raise DateError(f"{text!r} is not a date: {a} and {b} are no month and day in {c}")


def _read_quarter(text: str, words: list[str]) -> FuzzyDate | None:
    """2025-Q3, Q3 2025, and 3Q25 whose two-digit year follows strptime's %y (69-99: 19xx)."""
    joined = " ".join(words)
    for pattern, year_group, quarter_group in _QUARTER_FORMS:
        if match := pattern.fullmatch(joined):
            digits = match.group(year_group)
            if pattern is _QUARTER_FORMS[0][0] and len(digits) == 2:
                year = int(digits) + (1900 if int(digits) >= 69 else 2000)
            else:
                year = _year(text, digits)
            return _build(text, year, quarter=int(match.group(quarter_group)))
    return None


def _read_named(text: str, words: list[str], reference: dt.date | None) -> FuzzyDate | None:
    """Nov 9 2025, 9 Nov 2025, Aug 2025, and a bare month name against the reference."""
    # Each word is a month name, a day (one or two digits), a year (more digits) or other.
    kinds = "".join("m" if w in _MONTH_WORDS else "?" if not _DIGITS.fullmatch(w)
                    else "d" if len(w) <= 2 else "y" for w in words)
    order = {"mdy": (2, 0, 1), "dmy": (2, 1, 0), "ymd": (0, 1, 2), "my": (1, 0, None),
             "ym": (0, 1, None)}
    if kinds in order:  # positions of the year, the month and the day
        year, month, day = order[kinds]
        return _build(text, _year(text, words[year]), _MONTH_WORDS[words[month]],
                      None if day is None else int(words[day]))
    if kinds in ("md", "dm"):  # "Nov 9" or "Aug 25": a day without its year
        month_word, day_word = sorted(words, key=lambda w: w not in _MONTH_WORDS)
        raise DateError(f"{text!r} needs a four-digit year, e.g. "
                        f"'{MONTHS[_MONTH_WORDS[month_word] - 1][:3]} {day_word}, 2025'")
    if kinds == "m":
        month = _MONTH_WORDS[words[0]]
        if reference is None:
            raise DateError(f"{text!r} needs a reference date or a year, e.g. "
                            f"'{MONTHS[month - 1]} 2025'")
        # The most recent such month not after the reference month.
        year = reference.year if month <= reference.month else reference.year - 1
        return _build(text, year, month)
    return None


def _read_relative(text: str, words: list[str], reference: dt.date | None) -> FuzzyDate | None:
    """today, yesterday, this/last month, quarter or year: only against a reference date."""
    phrase = " ".join(words)
    if phrase not in _RELATIVE:
        return None
    if reference is None:
        raise DateError(f"{text!r} needs a reference date to be read; write the date itself, "
                        "e.g. 2025-10")
    if not MIN_YEAR <= reference.year <= MAX_YEAR:
        raise DateError(f"{text!r} is not read: the reference date {reference} is out of range")
    last = phrase.startswith(("last", "yesterday"))
    if phrase in ("today", "yesterday"):
        day = reference - dt.timedelta(days=int(last))
        return _build(text, day.year, day.month, day.day)
    if phrase.endswith("year"):
        return _build(text, reference.year - int(last))
    if phrase.endswith("quarter"):
        index = reference.year * 4 + (reference.month - 1) // 3 - int(last)
        return _build(text, index // 4, quarter=index % 4 + 1)
    index = reference.year * 12 + reference.month - 1 - int(last)
    return _build(text, index // 12, index % 12 + 1)


def _read_format(text: str, date_format: str) -> FuzzyDate | None:
    """A day in the caller's strptime format; None when the text is not in that shape."""
    try:
        parsed = dt.datetime.strptime(text.strip(), date_format)
    except ValueError as exc:
        if str(exc).startswith(("time data", "unconverted data")):
            return None  # another shape: the general forms may still read it
        raise DateError(f"{text!r} is not a date in the format {date_format!r}: {exc}") from None
    return _build(text, parsed.year, parsed.month, parsed.day)


def parse_fuzzy_date(text: str, *, reference: dt.date | None = None,
                     date_format: str | None = None) -> FuzzyDate:
    """Read what an analyst types; DateError (naming the text) rather than any guess."""
    if not isinstance(text, str):
        raise DateError(f"{text!r} is not a date: expected text")
    if not text.strip():
        raise DateError(f"{text!r} is not a date: it is empty")
    if len(text) > 100:  # also keeps int() clear of its limit on huge digit strings
        raise DateError(f"{text[:40]!r}... is not a date: it is too long")
    if date_format and (found := _read_format(text, date_format)) is not None:
        return found
    words = _words(text)
    if words and words[0] in ("in", "on", "during"):
        words = words[1:]
    if any(_FISCAL.fullmatch(w) for w in words):
        raise DateError(f"{text!r} is not read: fiscal years differ by company; enter the "
                        "calendar year or quarter, e.g. 2025 or 2025-Q3")
    weekday = _WEEKDAY_WORDS.get(words[0]) if words else None
    if weekday is not None:
        words = words[1:]
    found = (_read_numeric(text, words) or _read_quarter(text, words)
             or _read_relative(text, words, reference) or _read_named(text, words, reference))
    if found is None:
        raise DateError(f"{text!r} is not a date: expected a form such as 2025-11-09, "
                        "Nov 9, 2025, Aug 2025, Q3 2025 or 2025")
    if weekday is not None:
        if found.precision is not Precision.DAY:
            raise DateError(f"{text!r} is not a date: a weekday needs a full date with a day")
        actual = found.start.weekday()
        if actual != weekday:
            raise DateError(f"{text!r} is not a date: {found.display()} is a "
                            f"{WEEKDAYS[actual]}, not a {WEEKDAYS[weekday]}")
    return found


def format_range(start: FuzzyDate, end: FuzzyDate | None) -> str:
    """"Nov 2025 – Nov 2026"; one date when there is no end or it equals the start."""
    if end is None or end == start:
        return start.display()
    if end.end < start.start:
        raise DateError(f"the range {start.display()} – {end.display()} ends before it starts")
    return f"{start.display()} – {end.display()}"


@lru_cache(maxsize=65536)
def _stored(iso: str) -> FuzzyDate:
    """A stored date, read once: a list or a restore reads the same few thousand dates over
    and over, and a FuzzyDate never changes."""
    return FuzzyDate(iso, _bounds(iso)[0])
