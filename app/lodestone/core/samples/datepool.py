"""Every fuzzy date of a span of years, computed once, for drawing random dates fast.

The generator needs a million dates; building and validating a FuzzyDate for each would cost
more than writing the row. There are only about ten thousand distinct dates in a few decades,
so each is made once through FuzzyDate (the same rules as everywhere else) and then picked.
"""

from __future__ import annotations

import datetime as dt
import random

from lodestone.core.records.fuzzydate import FuzzyDate, Precision

# (iso, precision, first day, last day): the four columns a stored fuzzy date takes.
KnownDate = tuple[str, str, str, str]
DateColumns = KnownDate | tuple[None, None, None, None]

PRECISION_WEIGHTS = {Precision.DAY: 50, Precision.MONTH: 30, Precision.QUARTER: 12,
                     Precision.YEAR: 8}  # fmt: skip


def _columns(date: FuzzyDate) -> KnownDate:
    return (date.iso, str(date.precision), date.start.isoformat(), date.end.isoformat())


def _isos(first_year: int, last_year: int, precision: Precision) -> list[str]:
    years = range(first_year, last_year + 1)
    if precision is Precision.YEAR:
        return [f"{y:04d}" for y in years]
    if precision is Precision.QUARTER:
        return [f"{y:04d}-Q{q}" for y in years for q in range(1, 5)]
    if precision is Precision.MONTH:
        return [f"{y:04d}-{m:02d}" for y in years for m in range(1, 13)]
    first, last = dt.date(first_year, 1, 1).toordinal(), dt.date(last_year, 12, 31).toordinal()
    return [dt.date.fromordinal(day).isoformat() for day in range(first, last + 1)]


class DatePool:
    """All day, month, quarter and year dates from `first_year` to `last_year`, in order."""

    NONE: DateColumns = (None, None, None, None)

    def __init__(self, first_year: int, last_year: int) -> None:
        self._pools = {
            precision: [_columns(FuzzyDate(iso, precision))
                         for iso in _isos(first_year, last_year, precision)]
            for precision in PRECISION_WEIGHTS
        }
        self._index = {cols[0]: i for pool in self._pools.values() for i, cols in enumerate(pool)}
        self._precisions = list(PRECISION_WEIGHTS)
        self._weights = list(PRECISION_WEIGHTS.values())

    def pick(self, rng: random.Random) -> KnownDate:
        """A date of a random precision, more often recent than old (as the news is)."""
        pool = self._pools[rng.choices(self._precisions, self._weights)[0]]
        return pool[int(len(pool) * rng.random() ** 0.7)]

    def after(self, rng: random.Random, start: KnownDate) -> KnownDate:
        """A later date of the same precision (at most a few years on, and within the span)."""
        pool = self._pools[Precision(start[1])]
        index = self._index[start[0]]
        return pool[min(len(pool) - 1, index + rng.randint(1, max(1, len(pool) // 8)))]
