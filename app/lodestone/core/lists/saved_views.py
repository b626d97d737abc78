"""Saved views: a list's filter (search, facets, dates, order) kept under a name in the tracker.

An analyst rebuilds the same filter every morning ("policy events in China since 2024");
a saved view brings it back in one click. The query is stored as JSON in the tracker itself,
so views travel with the file. What is read back is checked field by field against the kind's
columns and facets: a view damaged by hand or written by another version is refused with a
sentence naming it, never half-applied.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import asdict, dataclass
from typing import Any

from lodestone.core.lists.queries import LIST_LAYOUTS, ListQuery

MAX_NAME = 80


class ViewError(ValueError):
    """A view name or stored view that cannot be used; the message is one sentence."""


class ViewNotFound(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


def clean_name(name: str) -> str:
    """The name as stored (trimmed), or ViewError saying what is wrong with it."""
    if not isinstance(name, str):
        raise ViewError("A view name must be text")
    name = name.strip()
    if not name:
        raise ViewError("A view needs a name")
    if len(name) > MAX_NAME:
        raise ViewError(
            f"A view name can be at most {MAX_NAME} characters (this one has {len(name)})"
        )
    if any(not ch.isprintable() for ch in name):
        raise ViewError("A view name cannot contain control characters such as tabs or newlines")
    return name


def _check_kind(kind: str) -> None:
    if kind not in LIST_LAYOUTS:
        raise ValueError(f"no list of kind {kind!r}")


def query_to_json(query: ListQuery) -> str:
    data = asdict(query)
    data["filters"] = [[key, list(values)] for key, values in query.filters]
    return json.dumps(data, sort_keys=True)


def _string(data: dict[str, Any], key: str) -> str:
    value = data.get(key, "")
    if not isinstance(value, str):
        raise TypeError(f"{key} is not text")
    return value


def _day(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"{key} is not a date")
    dt.date.fromisoformat(value)  # ValueError when it is no calendar day
    return value


def _flag(data: dict[str, Any], key: str) -> bool:
    value = data.get(key, False)
    if not isinstance(value, bool):
        raise TypeError(f"{key} is not true or false")
    return value


def _ids(data: dict[str, Any]) -> tuple[int, ...] | None:
    value = data.get("ids")
    if value is None:
        return None
    if not isinstance(value, list) or not all(
        isinstance(i, int) and not isinstance(i, bool) for i in value
    ):
        raise TypeError("ids is not a list of record ids")
    return tuple(value)


def _filters(data: dict[str, Any], kind: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    raw = data.get("filters", [])
    if not isinstance(raw, list):
        raise TypeError("filters is not a list")
    result = []
    for item in raw:
        if not (isinstance(item, list) and len(item) == 2 and isinstance(item[1], list)):
            raise TypeError("a filter is not a [facet, values] pair")
        key, values = item
        LIST_LAYOUTS[kind].facet(key)  # KeyError for a facet this kind does not have
        if not all(isinstance(v, str) for v in values):
            raise TypeError(f"the values of filter {key} are not text")
        result.append((key, tuple(values)))
    return tuple(result)


def query_from_json(kind: str, text: str) -> ListQuery:
    """The ListQuery a view stored; ValueError/TypeError/KeyError when any part is unusable."""
    data = json.loads(text)
    if not isinstance(data, dict):
        raise TypeError("the view is not a JSON object")
    if data.get("kind") != kind:
        raise ValueError(f"the view is for {data.get('kind')!r}, not {kind!r}")
    sort = _string(data, "sort")
    if sort:
        LIST_LAYOUTS[kind].column(sort)
    return ListQuery(
        kind,
        search=_string(data, "search"),
        filters=_filters(data, kind),
        date_from=_day(data, "date_from"),
        date_to=_day(data, "date_to"),
        sort=sort,
        descending=_flag(data, "descending"),
        deleted=_flag(data, "deleted"),
        ids=_ids(data),
    )


def save_view(conn: sqlite3.Connection, kind: str, name: str, query: ListQuery) -> str:
    """Store `query` under `name` (replacing a view of that name, whatever its case);
    return the name as stored."""
    _check_kind(kind)
    if query.kind != kind:
        raise ValueError(f"a {query.kind} query cannot be saved as a {kind} view")
    name = clean_name(name)
    conn.execute(
        "INSERT INTO saved_views (kind, name, query_json) VALUES (?, ?, ?) "
        "ON CONFLICT (kind, name COLLATE NOCASE) DO UPDATE SET "
        "name = excluded.name, query_json = excluded.query_json",
        (kind, name, query_to_json(query)),
    )
    return name


def list_views(conn: sqlite3.Connection, kind: str) -> list[str]:
    """The names of `kind`'s views, alphabetically (case-insensitive)."""
    _check_kind(kind)
    rows = conn.execute(
        "SELECT name FROM saved_views WHERE kind = ? ORDER BY name COLLATE NOCASE", (kind,)
    )
    return [r[0] for r in rows]


def load_view(conn: sqlite3.Connection, kind: str, name: str) -> ListQuery:
    """The saved query; ViewNotFound if there is no such view, ViewError if it is damaged."""
    _check_kind(kind)
    row = conn.execute(
        "SELECT name, query_json FROM saved_views WHERE kind = ? AND name = ? COLLATE NOCASE",
        (kind, name.strip()),
    ).fetchone()
    if row is None:
        raise ViewNotFound(f"There is no saved view named '{name.strip()}'")
    try:
        return query_from_json(kind, row[1])
    except (ValueError, TypeError, KeyError) as exc:
        reason = exc.args[0] if exc.args else type(exc).__name__
        raise ViewError(
            f"The saved view '{row[0]}' is damaged and cannot be opened ({reason})"
        ) from None


@dataclass(frozen=True)
class StoredView:
    """A view's row as stored (its query kept as text, so putting it back restores it exactly,
    even one this version cannot open)."""

    id: int
    kind: str
    name: str
    query_json: str


def find_view(conn: sqlite3.Connection, kind: str, name: str) -> StoredView | None:
    """The stored view of this name, whatever its case; None if there is none."""
    _check_kind(kind)
    row = conn.execute(
        "SELECT id, kind, name, query_json FROM saved_views "
        "WHERE kind = ? AND name = ? COLLATE NOCASE",
        (kind, name.strip()),
    ).fetchone()
    return None if row is None else StoredView(*row)


def put_view(conn: sqlite3.Connection, view: StoredView) -> None:
    """Store a view's row back as it was (its id, name and query); ViewError when another view
    holds its name meanwhile."""
    clash = find_view(conn, view.kind, view.name)
    if clash is not None and clash.id != view.id:
        raise ViewError(f"Another view is already named '{clash.name}'")
    conn.execute(
        "INSERT INTO saved_views (id, kind, name, query_json) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, name = excluded.name, "
        "query_json = excluded.query_json",
        (view.id, view.kind, view.name, view.query_json),
    )


def delete_view(conn: sqlite3.Connection, kind: str, name: str) -> None:
    _check_kind(kind)
    cur = conn.execute(
        "DELETE FROM saved_views WHERE kind = ? AND name = ? COLLATE NOCASE", (kind, name.strip())
    )
    if cur.rowcount == 0:
        raise ViewNotFound(f"There is no saved view named '{name.strip()}'")
