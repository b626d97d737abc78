"""The timeline's x axis: days as numbers, and the aligned buckets density is counted in.

Buckets start at fixed multiples of their width from 1970-01-01, whatever window is asked
for, so a panned view gets the same buckets (and counts) as before, only more of them.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from lodestone.core.timeline.sql import LaneKey

EPOCH = dt.date(1970, 1, 1)
# Bucket widths in days, so a panned view reuses the same aligned buckets at one zoom level.
BUCKET_DAYS = (1, 2, 7, 14, 30, 61, 91, 182, 365, 730, 1826, 3652)


def day_x(day: dt.date) -> float:
    """A day as a number, days since 1970-01-01: the timeline's x axis and its buckets."""
    return float((day - EPOCH).days)


def x_day(x: float) -> dt.date:
    """The day that x falls in, clamped to the years a date can have."""
    days = min(max(math.floor(x), (dt.date(1, 1, 1) - EPOCH).days),
               (dt.date(9999, 12, 31) - EPOCH).days)
    return EPOCH + dt.timedelta(days=days)


@dataclass(frozen=True)
class Density:
    """Placements per lane per bucket of `bucket_days` days; bucket i starts on
    EPOCH + i * bucket_days (aligned, so panning reuses the same buckets)."""

    bucket_days: int
    counts: dict[LaneKey, dict[int, int]]

    def bucket_start(self, index: int) -> dt.date:
        return EPOCH + dt.timedelta(days=index * self.bucket_days)

    def total(self) -> int:
        return sum(sum(row.values()) for row in self.counts.values())


def bucket_days_for(start: dt.date, end: dt.date, buckets: int) -> int:
    """The smallest bucket width that splits start..end into at most `buckets` buckets."""
    if buckets < 1:
        raise ValueError(f"the number of buckets must be at least 1, not {buckets}")
    span = (end - start).days + 1
    return next((d for d in BUCKET_DAYS if span / d <= buckets), BUCKET_DAYS[-1])
