"""The timeline's data: lanes, the items of a time window, their density, periods and extent.

Everything is asked for one window at a time and answered in SQL, with the lists' own filter
builder, so the timeline shows exactly what the lists show and a million events never come
into Python at once: a window either holds few enough items to draw one by one, or its
density (placements per lane per time bucket) is counted by SQLite instead.

An item is drawn in every lane it belongs to (an event naming three companies sits in three
company lanes); such a *placement* is what counts, limits and density measure.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from lodestone.core.lists.queries import ListQuery, where_clause
from lodestone.core.records.fuzzydate import FuzzyDate, Precision, format_range
from lodestone.core.records.kinds import record_kind
from lodestone.core.records.money import Money
from lodestone.core.timeline.axes import Lane, data_extent, has_unplaced, lanes, none_lane
from lodestone.core.timeline.days import (
    BUCKET_DAYS,
    EPOCH,
    Density,
    bucket_days_for,
    day_x,
    x_day,
)
from lodestone.core.timeline.sql import (
    GROUPINGS,
    LaneKey,
    Selection,
    Window,
    record_queries,
    selection,
    span_columns,
)

__all__ = [
    "BUCKET_DAYS", "EPOCH", "GROUPINGS", "Density", "Lane", "LaneKey", "TimelineItem",
    "WindowData", "bucket_days_for", "count_in_range", "data_extent", "day_x", "density",
    "has_unplaced", "items_in_range", "lanes", "locate", "none_lane", "periods",
    "window_view", "x_day",
]  # fmt: skip


@dataclass(frozen=True)
class TimelineItem:
    """One event or deal as the timeline draws it: the span of its (fuzzy) date in its lanes."""

    kind: str  # "event" or "deal"
    id: int
    title: str
    category: str  # the event's kind, or "deal"
    lanes: tuple[LaneKey, ...]
    date: FuzzyDate  # the date as written, with its precision
    end_date: FuzzyDate | None  # a period's end (events only)
    amount: Money | None
    companies: tuple[str, ...]

    @property
    def start(self) -> dt.date:
        return self.date.start

    @property
    def end(self) -> dt.date:
        """Last day of the date's own span (a month-precision date ends on the month's last)."""
        return self.date.end

    @property
    def precision(self) -> Precision:
        return self.date.precision

    @property
    def period_end(self) -> dt.date | None:
        return None if self.end_date is None else self.end_date.end

    @property
    def display(self) -> str:
        """The date as written: "Oct 2025", or "Nov 2025 – Nov 2026" for a period."""
        return format_range(self.date, self.end_date)


def _check_window(start: dt.date, end: dt.date) -> None:
    if end < start:
        raise ValueError(f"the window ends ({end}) before it starts ({start})")


def _selections(
    start: dt.date,
    end: dt.date,
    group_by: str,
    query: ListQuery | None,
    lanes: Sequence[LaneKey] | None,
) -> list[tuple[str, Selection]]:
    """Each kind the query shows, with its records placed in the window start..end (which
    is checked first)."""
    _check_window(start, end)
    window = Window(start, end)
    return [(kind, selection(kind, group_by, where_clause(kind_query), window, lanes))
            for kind, kind_query in record_queries(query)]  # fmt: skip


def count_in_range(
    conn: sqlite3.Connection,
    start: dt.date,
    end: dt.date,
    group_by: str = "company",
    query: ListQuery | None = None,
    lanes: Sequence[LaneKey] | None = None,
    cap: int | None = None,
) -> int:
    """Placements in the window, counting no further than `cap` (enough to choose between
    markers and density without counting a million rows)."""
    total = 0
    for _, match in _selections(start, end, group_by, query, lanes):
        limit = -1 if cap is None else max(cap - total, 0)
        distinct = "" if match.unique else "DISTINCT"
        row = conn.execute(
            f"SELECT count(*) FROM (SELECT {distinct} t.id, {match.lane} {match.sql} LIMIT ?)",
            [*match.params, limit],
        ).fetchone()
        total += int(row[0])
    return total


def items_in_range(
    conn: sqlite3.Connection,
    start: dt.date,
    end: dt.date,
    group_by: str = "company",
    query: ListQuery | None = None,
    limit: int = 5000,
    lanes: Sequence[LaneKey] | None = None,
) -> list[TimelineItem]:
    """Events and deals whose date span meets start..end (a period also when its start does),
    at most `limit` placements, earliest first."""
    found: list[TimelineItem] = []
    for kind, match in _selections(start, end, group_by, query, lanes):
        found += _fetch(conn, kind, match, max(limit - sum(len(i.lanes) for i in found), 0))
    return _by_date(found)


def periods(
    conn: sqlite3.Connection,
    start: dt.date,
    end: dt.date,
    group_by: str = "company",
    query: ListQuery | None = None,
    limit: int = 5000,
    lanes: Sequence[LaneKey] | None = None,
) -> list[TimelineItem]:
    """Events with an end date (restrictions in force, a reprieve) overlapping start..end."""
    _check_window(start, end)
    kind_query = dict(record_queries(query)).get("event")
    if kind_query is None:
        return []
    window = Window(start, end, periods=True)
    match = selection("event", group_by, where_clause(kind_query), window, lanes)
    return _by_date(_fetch(conn, "event", match, limit))


def locate(
    conn: sqlite3.Connection, kind: str, record_id: int, group_by: str = "company"
) -> TimelineItem | None:
    """One live record as the timeline draws it (with all its lanes); None when it is not
    on the timeline (deleted, or a deal without an announced date)."""
    if kind not in ("event", "deal"):
        return None
    match = selection(kind, group_by, where_clause(ListQuery(kind, ids=(record_id,))))
    found = _fetch(conn, kind, match, -1)
    return found[0] if found else None


def density(
    conn: sqlite3.Connection,
    start: dt.date,
    end: dt.date,
    buckets: int,
    group_by: str = "company",
    query: ListQuery | None = None,
    lanes: Sequence[LaneKey] | None = None,
) -> Density:
    """Placements per lane and aligned time bucket (by each item's first day in the window),
    grouped in SQL; the counts sum to the placements `count_in_range` finds."""
    selections = _selections(start, end, group_by, query, lanes)
    width = bucket_days_for(start, end, buckets)
    counts: dict[LaneKey, dict[int, int]] = {}
    first = start.isoformat()
    for kind, match in selections:
        number = "count(*)" if match.unique else "count(DISTINCT t.id)"
        inner = (f"SELECT {match.lane} AS lane, t.{_start_column(kind)} AS day, {number} AS n "
                 f"{match.sql} GROUP BY 1, 2")
        outer = (
            "SELECT lane, CAST((julianday(max(day, ?)) - julianday(?)) / ? AS INTEGER), sum(n) "
            f"FROM ({inner}) GROUP BY 1, 2"
        )
        params = [first, EPOCH.isoformat(), width, *match.params]
        for lane, bucket, n in conn.execute(outer, params):
            row = counts.setdefault("" if lane is None else lane, {})
            row[bucket] = row.get(bucket, 0) + int(n)
    return Density(width, counts)


def _start_column(kind: str) -> str:
    return span_columns(kind)[0]


# -- rows to items ---------------------------------------------------------------------------

_COLUMNS = {
    "event": "t.title, t.kind, t.date, t.date_precision, t.end_date, t.end_precision, NULL, NULL",
    "deal": "t.title, 'deal', t.announced, t.announced_precision, NULL, NULL, t.amount_minor, "
    "t.currency",
}


def _names_sql(kind: str) -> str:
    """The names of the companies the records (ids in a JSON list) name, in their order."""
    links = record_kind(kind).named_companies
    assert links is not None, f"{kind} records name no companies"
    return (f"SELECT l.{links.owner}, c.name FROM json_each(?) j JOIN {links.table} l "
            f"ON l.{links.owner} = j.value JOIN companies c ON c.id = l.{links.company_column} "
            "ORDER BY l.position")


def _fetch(conn: sqlite3.Connection, kind: str, match: Selection, limit: int
           ) -> list[TimelineItem]:
    """The placements as items (one per record, with all its lanes met here), and the names
    of their companies in one more query rather than one per row."""
    rows = conn.execute(
        f"SELECT t.id, {match.lane}, {_COLUMNS[kind]} {match.sql} LIMIT ?",
        [*match.params, limit],
    ).fetchall()
    lanes_of: dict[int, list[LaneKey]] = {}
    first_row: dict[int, Any] = {}
    for row in rows:
        lane = "" if row[1] is None else row[1]
        first_row.setdefault(row[0], row)
        seen = lanes_of.setdefault(row[0], [])
        if lane not in seen:
            seen.append(lane)
    names: dict[int, list[str]] = {}
    if first_row:
        for record_id, name in conn.execute(_names_sql(kind), (json.dumps(list(first_row)),)):
            if name not in names.setdefault(record_id, []):
                names[record_id].append(name)
    dates: dict[tuple[str, str], FuzzyDate] = {}  # a window repeats few distinct dates

    def date(iso: str, precision: str) -> FuzzyDate:
        found = dates.get((iso, precision))
        if found is None:
            found = dates[(iso, precision)] = FuzzyDate(iso, Precision(precision))
        return found

    return [_item(kind, row, tuple(lanes_of[i]), tuple(names.get(i, ())), date)
            for i, row in first_row.items()]


def _item(kind: str, row: Any, lane_keys: tuple[LaneKey, ...], companies: tuple[str, ...],
          date: Callable[[str, str], FuzzyDate]) -> TimelineItem:
    record_id, _, title, category, iso, precision, end_iso, end_precision, minor, currency = row
    return TimelineItem(
        kind=kind,
        id=record_id,
        title=title,
        category=category,
        lanes=lane_keys,
        date=date(iso, precision),
        end_date=None if end_iso is None else date(end_iso, end_precision),
        amount=None if minor is None else Money(minor, currency),
        companies=companies,
    )


def _by_date(items: list[TimelineItem]) -> list[TimelineItem]:
    return sorted(items, key=lambda i: (i.start, i.end, i.kind, i.id))


@dataclass(frozen=True)
class WindowData:
    """What to draw for one window: its items and periods when there are at most
    `threshold` placements, its density otherwise (never both)."""

    start: dt.date
    end: dt.date
    items: list[TimelineItem] | None
    periods: list[TimelineItem]
    density: Density | None
    placements: int  # counted up to threshold + 1


def window_view(
    conn: sqlite3.Connection,
    start: dt.date,
    end: dt.date,
    group_by: str = "company",
    query: ListQuery | None = None,
    lanes: Sequence[LaneKey] | None = None,
    threshold: int = 5000,
    buckets: int = 200,
    period_limit: int = 500,
) -> WindowData:
    """The level of detail a window can afford: markers when few, density when many (and
    at most `period_limit` periods: more bands than that only shade the lanes solid)."""
    if threshold < 0:
        raise ValueError(f"the marker threshold must not be negative, not {threshold}")
    placements = count_in_range(conn, start, end, group_by, query, lanes, cap=threshold + 1)
    if placements <= threshold:
        items = items_in_range(conn, start, end, group_by, query, threshold, lanes)
        spans = periods(conn, start, end, group_by, query, period_limit, lanes)
        return WindowData(start, end, items, spans, None, placements)
    counts = density(conn, start, end, buckets, group_by, query, lanes)
    return WindowData(start, end, None, [], counts, placements)
