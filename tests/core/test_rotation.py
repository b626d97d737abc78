"""The backup schedule as a pure function: what it keeps, and that it keeps nothing else."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st
from lodestone.core.backups.rotation import (
    KEEP_DAILY,
    KEEP_MONTHLY,
    KEEP_RECENT,
    KEEP_WEEKLY,
    to_keep,
)

T0 = datetime(2025, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Fake:
    taken_at: datetime


moments = st.lists(
    st.integers(min_value=0, max_value=500 * 24 * 60).map(lambda m: T0 + timedelta(minutes=m)),
    max_size=150, unique=True,
)


def buckets(moment: datetime) -> dict[str, int]:
    d = moment.date()
    return {"day": d.toordinal(), "week": (d.toordinal() - d.weekday()) // 7,
            "month": d.year * 12 + d.month}


WINDOWS = {"day": KEEP_DAILY, "week": KEEP_WEEKLY, "month": KEEP_MONTHLY}


@settings(max_examples=200, deadline=None)
@given(moments, st.integers(min_value=0, max_value=600 * 24))
def test_schedule_keeps_recent_and_newest_of_each_period(times, hours_after):
    backups = [Fake(t) for t in times]
    now = T0 + timedelta(hours=hours_after)
    kept = to_keep(backups, now)
    assert kept <= set(backups)
    newest_first = sorted(backups, key=lambda b: b.taken_at, reverse=True)
    assert set(newest_first[:KEEP_RECENT]) <= kept
    for period, window in WINDOWS.items():
        current = buckets(now)[period]
        heads = {}
        for b in newest_first:
            heads.setdefault(buckets(b.taken_at)[period], b)
        for bucket, head in heads.items():
            if current - bucket < window:
                assert head in kept, (period, head)
    # and nothing else: each kept backup is recent or the newest of a period in its window
    for b in kept - set(newest_first[:KEEP_RECENT]):
        assert any(
            buckets(now)[p] - buckets(b.taken_at)[p] < w
            and not any(buckets(o.taken_at)[p] == buckets(b.taken_at)[p]
                        and o.taken_at > b.taken_at for o in backups)
            for p, w in WINDOWS.items()
        )
    assert len(kept) <= KEEP_RECENT + KEEP_DAILY + KEEP_WEEKLY + KEEP_MONTHLY
    assert to_keep(kept, now) == kept


@settings(max_examples=100, deadline=None)
@given(moments)
def test_rotating_after_each_backup_keeps_what_rotating_once_keeps(times):
    """A frequent timer never loses more history than an occasional rotation."""
    kept: set[Fake] = set()
    for moment in sorted(times):
        kept = to_keep(kept | {Fake(moment)}, moment)
    if times:
        assert kept == to_keep({Fake(t) for t in times}, max(times))
