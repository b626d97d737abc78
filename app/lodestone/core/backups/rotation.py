"""Which backups to keep: a pure function of the backups' times and the clock.

The schedule keeps the 10 most recent backups, and the newest backup of each of the last 7
days, of each of the last 5 weeks (Monday to Sunday) and of each of the last 12 months, by
calendar in UTC. Keeping the newest of each period (never "one picked at random") makes the
rule stable: rotating after every backup keeps exactly what rotating once at the end would,
so a frequent timer never loses more history than an occasional one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime
from typing import Protocol, TypeVar

KEEP_RECENT = 10
KEEP_DAILY = 7
KEEP_WEEKLY = 5
KEEP_MONTHLY = 12


class Dated(Protocol):
    @property
    def taken_at(self) -> datetime: ...


B = TypeVar("B", bound=Dated)


def _day(d: date) -> int:
    return d.toordinal()


def _week(d: date) -> int:
    """Weeks since the epoch of ordinals, each starting on a Monday."""
    return (d.toordinal() - d.weekday()) // 7


def _month(d: date) -> int:
    return d.year * 12 + d.month - 1


# (bucket of a date, how many buckets back from now's bucket are kept)
PERIODS: tuple[tuple[Callable[[date], int], int], ...] = (
    (_day, KEEP_DAILY),
    (_week, KEEP_WEEKLY),
    (_month, KEEP_MONTHLY),
)


def _utc_date(moment: datetime) -> date:
    return (moment.astimezone(UTC) if moment.tzinfo else moment).date()


def to_keep(backups: Iterable[B], now: datetime) -> set[B]:
    """The backups the schedule keeps at `now`; every other one may be deleted."""
    newest_first = sorted(backups, key=lambda b: b.taken_at, reverse=True)
    keep: set[B] = set(newest_first[:KEEP_RECENT])
    today = _utc_date(now)
    for bucket_of, count in PERIODS:
        current = bucket_of(today)
        seen: set[int] = set()
        for backup in newest_first:
            bucket = bucket_of(_utc_date(backup.taken_at))
            if current - bucket >= count or bucket in seen:
                continue
            seen.add(bucket)
            keep.add(backup)
    return keep
