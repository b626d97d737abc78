"""The SQL pieces the timeline shares: which lane a record sits in, which window it falls in,
and how a list's filter applies to events and deals.

Each way of grouping the timeline (by company, kind, commodity or country) is one small SQL
fragment per record kind; every timeline query (count, items, density, lanes) is built from the
same fragments, so an item counted in a lane is also drawn there.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from lodestone.core.lists.queries import LIST_LAYOUTS, ListQuery, WhereClause
from lodestone.core.records.countries import COUNTRIES, country_name
from lodestone.core.records.kinds import record_kind
from lodestone.core.records.vocabulary import COMMODITIES, EVENT_TYPES

LaneKey = int | str
GROUPINGS = {"company": "Company", "kind": "Kind", "commodity": "Commodity", "country": "Country"}
TIMELINE_KINDS = ("event", "deal")
# No fuzzy date spans more than a (leap) year: the lower bound of every window scan.
MAX_SPAN_DAYS = 366
NONE_LABELS = {"company": "(no company)", "commodity": "(no commodity)",
               "country": "(no country)", "kind": "(no kind)"}  # fmt: skip

@dataclass(frozen=True)
class LaneSource:
    """How rows of one record kind meet their lanes: joins after `FROM table t` (`{join}`
    becomes JOIN, or LEFT JOIN when rows in no lane are wanted too), the expression of the
    lane key (NULL or '' for "none"), and whether a record can meet one lane twice."""

    join: str
    lane: str
    unique: bool = True


SOURCES: dict[tuple[str, str], LaneSource] = {
    ("event", "company"): LaneSource("{join} event_companies l ON l.event_id = t.id",
                                     "l.company_id"),
    ("event", "kind"): LaneSource("", "t.kind"),
    ("event", "country"): LaneSource("", "t.country"),
    # An event's commodities are those of the companies it names.
    ("event", "commodity"): LaneSource(
        "{join} event_companies le ON le.event_id = t.id {join} companies lc "
        "ON lc.id = le.company_id {join} json_each(lc.commodities) l", "l.value", unique=False),
    ("deal", "company"): LaneSource("{join} deal_parties l ON l.deal_id = t.id",
                                    "l.company_id", unique=False),  # one company, two roles
    ("deal", "kind"): LaneSource("", "'deal'"),
    ("deal", "country"): LaneSource("", "t.country"),
    ("deal", "commodity"): LaneSource("{join} json_each(t.commodities) l", "l.value"),
}  # fmt: skip



def span_columns(kind: str) -> tuple[str, str]:
    """The first and last day columns of a timeline kind's records (from its description)."""
    span = record_kind(kind).span_columns
    if span is None:
        raise ValueError(f"{kind} records have no days to place on the timeline")
    return span


def check_grouping(group_by: str) -> None:
    if group_by not in GROUPINGS:
        raise ValueError(
            f"cannot group the timeline by {group_by!r}: choose one of {', '.join(GROUPINGS)}"
        )


@dataclass(frozen=True)
class Window:
    """The days start..end (inclusive); `periods` asks for periods overlapping it instead."""

    start: dt.date
    end: dt.date
    periods: bool = False

    def clause(self, kind: str, joined: bool) -> tuple[str, list[Any]]:
        """SQL over `t` for the rows in the window; `joined` when the rows are reached from
        the lanes' table (company or commodity lanes), which then narrows them first."""
        first, last = (f"t.{column}" for column in span_columns(kind))
        if self.periods and not joined:
            # Periods are a few in a hundred events: through their own small index, which
            # SQLite would otherwise pass over for a kind's or country's index of all events.
            return ("t.rowid IN (SELECT rowid FROM events WHERE end_date IS NOT NULL AND "
                    "deleted_at IS NULL AND start_day <= ? AND end_day >= ?)",
                    [self.end.isoformat(), self.start.isoformat()])
        if self.periods:
            return (f"t.end_date IS NOT NULL AND {first} <= ? AND {last} >= ?",
                    [self.end.isoformat(), self.start.isoformat()])
        # A bounded scan of the start index: spans are at most a year, and periods are
        # drawn from their start, so nothing earlier can show.
        lowest = self.start - dt.timedelta(days=MAX_SPAN_DAYS)
        return (f"{first} BETWEEN ? AND ? AND {last} >= ?",
                [lowest.isoformat(), self.end.isoformat(), self.start.isoformat()])


@dataclass(frozen=True)
class Selection:
    """`FROM ... WHERE ...` of the matching rows, one per placement, with `lane` to select."""

    lane: str
    sql: str
    params: list[Any]
    unique: bool = True  # no record twice in one lane: no DISTINCT needed


def lane_clause(lane: str, keys: Sequence[LaneKey]) -> tuple[str, list[Any]]:
    """The rows in these lanes; the key "" stands for the rows in no lane."""
    real = [k for k in keys if k != ""]
    parts = [f"{lane} IN ({','.join('?' * len(real))})"] if real else []
    if "" in keys:
        parts.append(f"{lane} IS NULL OR {lane} = ''")
    return ("(" + " OR ".join(parts) + ")" if parts else "0"), real


def selection(
    kind: str,
    group_by: str,
    where: WhereClause,
    window: Window | None = None,
    lanes: Sequence[LaneKey] | None = None,
    lane_match: str | None = None,
) -> Selection:
    """The rows of `kind` that `where` (a list's filter) keeps, placed by `group_by`, in the
    window and lanes given; `lane_match` is a raw condition on the lane (`{lane} = c.value`)."""
    check_grouping(group_by)
    source = SOURCES[(kind, group_by)]
    clauses = [where.sql]
    params = list(where.params)
    first = f"t.{span_columns(kind)[0]}"
    if window is not None:
        sql, values = window.clause(kind, joined=bool(source.join))
        clauses.append(sql)
        params += values
    else:
        clauses.append(f"{first} IS NOT NULL")
    if lanes is not None:
        sql, values = lane_clause(source.lane, lanes)
        clauses.append(sql)
        params += values
    if lane_match is not None:
        clauses.append(lane_match.format(lane=source.lane))
    # A plain JOIN lets SQLite start from the lane's index; LEFT JOIN only to find "none".
    outer = lanes is None and lane_match is None or lanes is not None and "" in lanes
    join = source.join.format(join="LEFT JOIN" if outer else "JOIN")
    body = f"FROM {record_kind(kind).table} t {join} WHERE {' AND '.join(clauses)}"
    return Selection(source.lane, body, params, source.unique)


def record_queries(query: ListQuery | None) -> list[tuple[str, ListQuery]]:
    """The event and deal queries a list's filter means on the timeline.

    Search text, date range and the facets both kinds share (company, country, tag) apply to
    both; a facet only one kind has (an event kind, a deal status) or a chosen set of ids
    keeps the other kind off the timeline rather than showing all of it unfiltered.
    """
    if query is None:
        return [(kind, ListQuery(kind)) for kind in TIMELINE_KINDS]
    if query.kind not in TIMELINE_KINDS:
        raise ValueError(f"the timeline follows the event and deal lists, not {query.kind!r}")
    found = []
    for kind in TIMELINE_KINDS:
        if kind == query.kind:
            found.append((kind, replace(query, sort="", descending=False, deleted=False)))
            continue
        facets = {f.key for f in LIST_LAYOUTS[kind].facets}
        if query.ids is not None or any(v and k not in facets for k, v in query.filters):
            continue
        found.append((kind, ListQuery(kind, search=query.search, filters=query.filters,
                                      date_from=query.date_from, date_to=query.date_to)))
    return found


def lane_candidates(conn: Any, group_by: str) -> list[LaneKey]:
    """Every lane that could hold an item, "" (none) last; `lanes` keeps those that do."""
    check_grouping(group_by)
    if group_by == "company":
        rows = conn.execute("SELECT id FROM companies WHERE deleted_at IS NULL")
        return [*(row[0] for row in rows), ""]
    if group_by == "kind":
        return [*EVENT_TYPES, "deal"]
    if group_by == "country":
        return [*COUNTRIES, ""]
    return [*COMMODITIES, ""]


def is_filtered(query: ListQuery) -> bool:
    """Whether the filter keeps only some records (then reading their lanes is cheap)."""
    return bool(query.search.strip() or any(v for _, v in query.filters) or query.date_from
                or query.date_to or query.ids is not None)


def everything_placed(conn: Any, kind: str, group_by: str) -> bool:
    """True when no event lacks a company, known without looking for one: searching a
    million events for one without companies would scan them all, while counting the
    events and the events with companies walks two indexes in order. Only this case is
    worth it; False means "look"."""
    if (kind, group_by) != ("event", "company"):
        return False
    events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    placed = conn.execute(
        "SELECT count(*) FROM (SELECT event_id FROM event_companies GROUP BY event_id)"
    ).fetchone()[0]
    return bool(placed >= events)


def json_keys(keys: Sequence[LaneKey]) -> str:
    return json.dumps([k for k in keys if k != ""])


def lane_label(group_by: str, key: LaneKey, names: dict[LaneKey, str]) -> str:
    if key == "":
        return NONE_LABELS[group_by]
    if group_by == "company":
        return names.get(key, f"company {key}")
    if group_by == "kind":
        return "Deals" if key == "deal" else str(key).capitalize()
    if group_by == "country":
        return country_name(str(key))
    return str(key)


def sort_lanes(group_by: str, labels: dict[LaneKey, str]) -> list[LaneKey]:
    """The lanes labelled in `labels` in display order: names alphabetically, vocabularies
    in their own order, none last."""
    order: dict[str, Sequence[str]] = {"kind": [*EVENT_TYPES, "deal"], "commodity": COMMODITIES}
    known = order.get(group_by)

    def key(lane: LaneKey) -> tuple[bool, Any, str]:
        if known is not None:
            return lane == "", known.index(lane) if lane in known else len(known), str(lane)
        return lane == "", labels[lane].casefold(), str(lane)

    return sorted(labels, key=key)
