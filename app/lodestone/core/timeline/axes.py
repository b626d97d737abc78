"""What the timeline's axes need: the lanes (rows) a filter fills, and the days it spans.

Both are asked once per filter and grouping, not per pan, and both stay cheap on a million
events by asking indexes the narrow question (does this lane hold anything? what is the
earliest start?) instead of reading the rows.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from lodestone.core.lists.queries import ListQuery, where_clause
from lodestone.core.records.kinds import record_kind
from lodestone.core.timeline.sql import (
    MAX_SPAN_DAYS,
    LaneKey,
    check_grouping,
    everything_placed,
    is_filtered,
    json_keys,
    lane_candidates,
    lane_label,
    record_queries,
    selection,
    sort_lanes,
    span_columns,
)


@dataclass(frozen=True)
class Lane:
    key: LaneKey  # a company id, an event kind or "deal", a country code, a commodity; "" = none
    label: str


def lanes(
    conn: sqlite3.Connection,
    group_by: str = "company",
    query: ListQuery | None = None,
    find_none: bool = True,
) -> list[Lane]:
    """The lanes that hold at least one item under `query`, in display order.

    `find_none=False` leaves out the search for items in no lane (an event naming no
    company) when nothing is filtered: on a million events that search alone can take longer
    than the rest, so a view shows the lanes first and asks `has_unplaced` afterwards.
    """
    check_grouping(group_by)
    found: set[LaneKey] = set()
    for kind, kind_query in record_queries(query):
        where = where_clause(kind_query)
        if is_filtered(kind_query):  # few rows match: read their lanes, "none" included
            match = selection(kind, group_by, where)
            rows = conn.execute(f"SELECT DISTINCT {match.lane} {match.sql}", match.params)
            found |= {"" if row[0] is None else row[0] for row in rows}
            continue
        # Everything matches: ask each possible lane whether it holds anything.
        waiting = [k for k in lane_candidates(conn, group_by) if k not in found]
        match = selection(kind, group_by, where, lane_match="{lane} = c.value")
        rows = conn.execute(
            f"SELECT c.value FROM json_each(?) c WHERE EXISTS (SELECT 1 {match.sql})",
            [json_keys(waiting), *match.params],
        )
        found |= {row[0] for row in rows}
    if find_none and "" not in found and has_unplaced(conn, group_by, query):
        found.add("")
    names = _company_names(conn, list(found)) if group_by == "company" else {}
    labels = {k: lane_label(group_by, k, names) for k in found}
    return [Lane(k, labels[k]) for k in sort_lanes(group_by, labels)]


def has_unplaced(
    conn: sqlite3.Connection, group_by: str = "company", query: ListQuery | None = None
) -> bool:
    """Whether an item matching `query` sits in no lane: it then gets the last lane,
    "(no company)" or the like."""
    check_grouping(group_by)
    for kind, kind_query in record_queries(query):
        if everything_placed(conn, kind, group_by):
            continue
        none = selection(kind, group_by, where_clause(kind_query), lanes=[""])
        if conn.execute(f"SELECT EXISTS (SELECT 1 {none.sql})", none.params).fetchone()[0]:
            return True
    return False


def none_lane(group_by: str) -> Lane:
    """The lane of the items in no other lane, shown last."""
    return Lane("", lane_label(group_by, "", {}))


def _company_names(conn: sqlite3.Connection, ids: Sequence[LaneKey]) -> dict[LaneKey, str]:
    rows = conn.execute(
        "SELECT c.id, c.name FROM json_each(?) j JOIN companies c ON c.id = j.value",
        (json_keys(ids),),
    )
    return {row[0]: row[1] for row in rows}


def data_extent(
    conn: sqlite3.Connection, query: ListQuery | None = None
) -> tuple[dt.date, dt.date] | None:
    """First and last day any item covers (a period to its end), or None when there is none."""
    firsts: list[str] = []
    lasts: list[str] = []
    for kind, kind_query in record_queries(query):
        where = where_clause(kind_query)
        start, end = span_columns(kind)
        base = f"FROM {record_kind(kind).table} t WHERE {where.sql} AND t.{start} IS NOT NULL"
        # min and max apart: each is then one step down the start index
        first = conn.execute(f"SELECT min(t.{start}) {base}", where.params).fetchone()[0]
        latest = conn.execute(f"SELECT max(t.{start}) {base}", where.params).fetchone()[0]
        if first is None:
            continue
        firsts.append(first)
        # Spans last at most a year, periods aside: only the last year's starts and the
        # periods can end last, and both are found through indexes.
        bound = (dt.date.fromisoformat(latest) - dt.timedelta(days=MAX_SPAN_DAYS)).isoformat()
        ends = [f"SELECT max(t.{end}) {base} AND t.{start} >= ?"]
        if kind == "event":
            ends.append(f"SELECT max(t.end_day) {base} AND t.end_date IS NOT NULL")
        for sql, extra in zip(ends, ([bound], []), strict=False):
            value = conn.execute(sql, [*where.params, *extra]).fetchone()[0]
            lasts += [value] if value else []
    if not firsts:
        return None
    return dt.date.fromisoformat(min(firsts)), dt.date.fromisoformat(max(lasts))
