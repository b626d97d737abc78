"""Windowed list queries: ordering, filtering, full-text search and facet counts, all in SQL.

A view asks for `count_rows` once and then pages of `fetch_rows(offset, limit)`; nothing ever
loads a whole table, so a list over a million events paints as fast as one over ten.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field
from typing import Any

from lodestone.core.records.kinds import RECORD_KINDS, ListLayout

# What each kind's list shows, from its description; the timeline and the views read it too.
LIST_LAYOUTS: dict[str, ListLayout] = {kind.name: kind.list_layout for kind in RECORD_KINDS}


@dataclass(frozen=True)
class ListQuery:
    """What a list shows: a kind, a search, facet filters, a date range and an order."""

    kind: str
    search: str = ""
    filters: tuple[tuple[str, tuple[str, ...]], ...] = ()
    date_from: str | None = None  # ISO day, inclusive
    date_to: str | None = None
    sort: str = ""
    descending: bool = False
    deleted: bool = False  # the Trash shows deleted records
    ids: tuple[int, ...] | None = None  # only these records (a chart segment clicked)

    @property
    def spec(self) -> ListLayout:
        return LIST_LAYOUTS[self.kind]

    def with_filter(self, facet: str, values: tuple[str, ...]) -> ListQuery:
        rest = tuple((k, v) for k, v in self.filters if k != facet)
        return _replace(self, filters=rest + ((facet, values),) if values else rest)


def _replace(query: ListQuery, **changes: Any) -> ListQuery:
    from dataclasses import replace

    return replace(query, **changes)


_TOKEN = re.compile(r"\w+", re.UNICODE)


def fts_expression(text: str) -> str | None:
    """User text to an FTS5 query: every word must match, each as a prefix."""
    tokens = _TOKEN.findall(text)
    return " AND ".join(f'"{t}"*' for t in tokens) or None


@dataclass
class WhereClause:
    """The WHERE of a list query, its clauses and their parameters: the lists, the timeline
    and the funding figures all filter with it, so a filter means the same everywhere."""

    clauses: list[str] = field(default_factory=list)
    params: list[Any] = field(default_factory=list)

    def add(self, clause: str, *params: Any) -> None:
        self.clauses.append(clause)
        self.params.extend(params)

    @property
    def sql(self) -> str:
        return " AND ".join(self.clauses) or "1"


# How a search narrows a list: `LOOKUP` starts from the matches and looks each up by id (few
# matches); `WALK` walks the order's index and tests each row against the matches gathered once
# (`t.id + 0` keeps SQLite from looking up every match by id and sorting them all: 233 ms ->
# 75 ms for 388,000 of 1,000,000), for counting many; `PROBE` asks the full-text index about
# each row it walks, which gathers nothing and so is instant for a page of a broad search whose
# words the prefix index holds whole (one or two letters: 50 ms -> 5 ms for "e"), and for
# testing one record (`_page_match` says when probing pays).
LOOKUP, WALK, PROBE = "lookup", "walk", "probe"
PREFIX_LENGTHS = 2  # the full-text tables index prefixes of one and two letters
PROBE_ROWS = 1_000  # probe only pages this near the start of the list
PROBE_SHARE = 4  # and only searches matching at least a quarter of the table's rows


def where_clause(
    query: ListQuery, skip_facet: str | None = None, *, match: str = LOOKUP
) -> WhereClause:
    """The WHERE of a list query; `match`: how a search is tested (LOOKUP, WALK or PROBE)."""
    spec = query.spec
    where = WhereClause()
    where.add("t.deleted_at IS NOT NULL" if query.deleted else "t.deleted_at IS NULL")
    if query.ids is not None:
        where.add("t.id IN (SELECT value FROM json_each(?))", json.dumps(list(query.ids)))
    expression = fts_expression(query.search)
    if expression and match == PROBE:
        where.add(f"EXISTS ({_matches_sql(spec)} AND rowid = t.id)", expression)
    elif expression:
        test = "t.id + 0" if match == WALK else "t.id"
        where.add(f"{test} IN ({_matches_sql(spec)})", expression)
    elif query.search.strip():
        where.add("0")  # punctuation only: nothing can match
    for key, values in query.filters:
        if key == skip_facet or not values:
            continue
        facet = spec.facet(key)
        marks = ",".join("?" * len(values))
        if facet.owner:
            # the few owners of the chosen values, not a check of every row of `t` (3.3 s ->
            # 1.5 ms for one company's events among a million)
            where.add(
                f"t.id IN (SELECT {facet.owner} FROM {facet.source} WHERE {facet.only or 1} "
                f"AND {facet.value} IN ({marks}))",
                *values,
            )
        elif facet.source:
            where.add(
                f"EXISTS (SELECT 1 FROM {facet.source} WHERE {facet.value} IN ({marks}))",
                *values,
            )
        else:
            where.add(f"{facet.value} IN ({marks})", *values)
    if spec.date_range and (query.date_from or query.date_to):
        start, end = spec.date_range
        if query.date_to:
            where.add(f"{start} <= ?", query.date_to)
        if query.date_from:
            where.add(f"{end} >= ?", query.date_from)
    return where


def _matches_sql(spec: ListLayout) -> str:
    return f"SELECT rowid FROM {spec.table}_fts WHERE {spec.table}_fts MATCH ?"


BROAD_MATCHES = 10_000  # more search matches than this: walk the sort index instead


def search_matches(conn: sqlite3.Connection, query: ListQuery) -> int:
    """How many records of the kind, in the Trash or not, the search text matches (read
    from the full-text index alone: every record has exactly one row there)."""
    expression = fts_expression(query.search)
    if expression is None:
        return 0
    sql = f"SELECT count(*) FROM ({_matches_sql(query.spec)})"
    return int(conn.execute(sql, [expression]).fetchone()[0])


def _broad_match(conn: sqlite3.Connection, query: ListQuery, matches: int | None) -> str:
    """WALK for a search matching so many records that walking the order's index beats
    looking each match up, else LOOKUP. `matches`: `search_matches` when the caller knows it."""
    if not query.search.strip():
        return LOOKUP
    if matches is None:
        matches = search_matches(conn, query)
    return WALK if matches > BROAD_MATCHES else LOOKUP


def _page_match(
    conn: sqlite3.Connection, query: ListQuery, matches: int | None, offset: int, limit: int
) -> str:
    """How a page is read. Probing costs each row walked (tens of microseconds), gathering
    costs each match (a fraction of one): probe only a first page of a search of prefix-indexed
    words matching a good share of the table ("e": 10 ms probed, 52 ms gathered; "o", one
    event in 35: 386 ms probed, 5 ms gathered; a page deep in the list: far worse)."""
    match = _broad_match(conn, query, matches)
    if match != WALK or offset + limit > PROBE_ROWS:
        return match
    if any(len(token) > PREFIX_LENGTHS for token in _TOKEN.findall(query.search)):
        return match
    rows = conn.execute(f"SELECT max(rowid) FROM {query.spec.table}").fetchone()[0] or 0
    dense = (matches or search_matches(conn, query)) * PROBE_SHARE >= rows
    return PROBE if dense else match


def _search_only(query: ListQuery) -> bool:
    return bool(query.search.strip()) and not (
        query.filters or query.date_from or query.date_to or query.ids is not None
        or query.deleted
    )  # fmt: skip


def count_rows(conn: sqlite3.Connection, query: ListQuery, matches: int | None = None) -> int:
    """How many rows the list holds; `matches`: `search_matches`, when the caller knows it."""
    if _search_only(query):
        # the index's count less the matches in the Trash (a small partial index), instead
        # of looking up every match: 637 ms -> tens of ms for "e" among a million events
        trashed = (
            f"SELECT count(*) FROM {query.spec.table} t WHERE t.deleted_at IS NOT NULL "
            f"AND t.id + 0 IN ({_matches_sql(query.spec)})"
        )
        expression = fts_expression(query.search)
        in_trash = int(conn.execute(trashed, [expression]).fetchone()[0]) if expression else 0
        if matches is None:
            matches = search_matches(conn, query)
        return matches - in_trash
    where = where_clause(query)
    sql = f"SELECT count(*) FROM {query.spec.table} t WHERE {where.sql}"
    return int(conn.execute(sql, where.params).fetchone()[0])


@dataclass(frozen=True)
class ListRow:
    id: int
    cells: tuple[str, ...]


def sort_terms(query: ListQuery) -> list[str]:
    """The ORDER BY expressions, without direction, ending with the id that breaks ties."""
    spec = query.spec
    column = spec.column(query.sort or spec.default_sort)
    # `sort` may list several plain columns; an `expr` (maybe a subquery) is one term
    terms = column.sort.split(",") if column.sort else [column.expr]
    return [t.strip() for t in terms] + ["t.id"]


def order_by(query: ListQuery) -> str:
    direction = " DESC" if query.descending else ""
    return ", ".join(term + direction for term in sort_terms(query))


def fetch_rows(
    conn: sqlite3.Connection, query: ListQuery, offset: int, limit: int,
    matches: int | None = None,
) -> list[ListRow]:
    """One window of the list, formatted for display; `matches` as for `count_rows`."""
    spec = query.spec
    where = where_clause(query, match=_page_match(conn, query, matches, offset, limit))
    cols = ", ".join(c.expr for c in spec.columns)
    sql = (
        f"SELECT t.id, {cols} FROM {spec.table} t WHERE {where.sql} "
        f"ORDER BY {order_by(query)} LIMIT ? OFFSET ?"
    )
    rows = conn.execute(sql, [*where.params, limit, offset]).fetchall()
    return [
        ListRow(row[0], tuple(c.format(v) for c, v in zip(spec.columns, row[1:], strict=True)))
        for row in rows
    ]


def in_list(conn: sqlite3.Connection, query: ListQuery, record_id: int) -> bool:
    """Whether the list holds this record (one row looked up, whatever the list's size)."""
    where = where_clause(query, match=PROBE)
    sql = f"SELECT 1 FROM {query.spec.table} t WHERE {where.sql} AND t.id = ?"
    return conn.execute(sql, [*where.params, record_id]).fetchone() is not None


def row_position(
    conn: sqlite3.Connection, query: ListQuery, record_id: int, matches: int | None = None,
    *, probe: ListQuery | None = None,
) -> int | None:
    """Where a record sits in the list (for selecting it after a save), or None.

    Counts the rows that sort before it, which the sort indexes answer without numbering
    every row of the list. With `probe`, the record need only match that query: its
    position is where it would sit among the list's rows (where a record just moved to the
    Trash was, among those left in the list).
    """
    spec = query.spec
    where = where_clause(probe or query, match=PROBE)
    terms = sort_terms(query)
    selected = ", ".join(terms)
    values = conn.execute(
        f"SELECT {selected} FROM {spec.table} t WHERE {where.sql} AND t.id = ?",
        [*where.params, record_id],
    ).fetchone()
    if values is None:
        return None
    where = where_clause(query, match=_broad_match(conn, query, matches))
    counts, params = [], []
    for clause, clause_params in _sorts_before(terms, list(values), query.descending):
        counts.append(f"(SELECT count(*) FROM {spec.table} t WHERE {where.sql} AND {clause})")
        params += [*where.params, *clause_params]
    return int(conn.execute("SELECT " + " + ".join(counts), params).fetchone()[0])


def _sorts_before(
    terms: list[str], values: list[Any], descending: bool
) -> list[tuple[str, list[Any]]]:
    """Disjoint SQL conditions that together hold for the rows ordered before the row whose
    sort values are `values`; each is one index range, so their counts add up cheaply.

    Lexicographic over the terms; NULLs sort first ascending and last descending, as SQLite
    orders them.
    """
    branches: list[tuple[str, list[Any]]] = []
    equal: list[str] = []
    equal_params: list[Any] = []
    for term, value in zip(terms, values, strict=True):
        steps: list[tuple[str, list[Any]]]
        if value is None:
            steps = [(f"{term} IS NOT NULL", [])] if descending else []
        elif descending:
            steps = [(f"{term} > ?", [value])]
        else:
            steps = [(f"{term} IS NULL", []), (f"{term} < ?", [value])]
        for step, step_params in steps:
            branches.append((" AND ".join([*equal, step]), equal_params + step_params))
        if value is None:
            equal.append(f"{term} IS NULL")
        else:  # `=` rather than `IS ?`: the planner uses an index (and its collation) for `=`
            equal.append(f"{term} = ?")
            equal_params = [*equal_params, value]
    return branches


def facet_counts(
    conn: sqlite3.Connection, query: ListQuery, facet_key: str, limit: int = 50
) -> list[tuple[str, int]]:
    """Each value of a facet with how many records match it under the other filters."""
    spec = query.spec
    facet = spec.facet(facet_key)
    where = where_clause(query, skip_facet=facet_key)
    joined = f", {facet.source}" if facet.source else ""
    sql = (
        f"SELECT {facet.value} AS v, count(DISTINCT t.id) FROM {spec.table} t{joined} "
        f"WHERE {facet.link} AND {where.sql} AND v IS NOT NULL AND v != '' "
        f"GROUP BY v ORDER BY 2 DESC, v LIMIT ?"
    )
    return [(str(r[0]), int(r[1])) for r in conn.execute(sql, [*where.params, limit])]
