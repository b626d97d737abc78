"""The change log, in one shape for every writer.

Each entry names a record (kind, id) and what happened to it: "create", "update", "delete" or
"restore". An update holds, as JSON, the fields that changed, before and after, as
`records.kinds.snapshot` pictures them; a create holds no picture (the values a record was created
with are those it holds until its first update, which logs the values it replaced), and says
in `origin` where the record came from when it was not typed in a form (the file and row of
an import, the snapshot it was restored from). So a bulk writer logs a batch with one
statement, and a form's save and an import leave exactly the same entries.

The picture of a stored record is read in SQL (`record_json_sql`): its fields are those of
`records.kinds.snapshot`, found by picturing an empty record of each kind.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from functools import cache
from typing import Any

from lodestone.core.records import rowmap
from lodestone.core.records.fuzzydate import FuzzyDate, Precision
from lodestone.core.records.kinds import record_kind, snapshot
from lodestone.core.records.model import Company, Deal, Event, Record, Source, Tranche

Row = dict[str, Any]

_EMPTY: dict[str, Record] = {
    "company": Company(name=""),
    "deal": Deal(title=""),
    "event": Event(title="", date=FuzzyDate("2025", Precision.YEAR)),
    "source": Source(),
}
# The pictured fields that are lists of child rows, read from their own tables.
_CHILDREN = {
    "tags": ("(SELECT json_group_array(tag) FROM (SELECT tag FROM tags WHERE record_kind = "
             "'{kind}' AND record_id = {table}.id ORDER BY tag COLLATE BINARY))"),
    "parties": ("(SELECT json_group_array(json_array(company_id, role)) FROM (SELECT company_id, "
                "role FROM deal_parties WHERE deal_id = {table}.id ORDER BY position, id))"),
    "company_ids": ("(SELECT json_group_array(company_id) FROM (SELECT company_id FROM "
                    "event_companies WHERE event_id = {table}.id ORDER BY position))"),
}  # fmt: skip


def _tranche_json() -> str:
    fields = [k for k in rowmap.tranche_row(Tranche(), 0, 0) if k not in ("deal_id", "position")]
    pairs = ", ".join(f"'{k}', {k}" for k in ["id", *fields])
    return (f"(SELECT json_group_array(json_object({pairs})) FROM (SELECT * FROM tranches "
            "WHERE deal_id = {table}.id ORDER BY position, id))")


@cache
def record_json_sql(kind: str, table: str = "") -> str:
    """An expression giving a record's picture as JSON text, over the kind's table (or
    that table under the name `table`)."""
    table = table or record_kind(kind).table
    pairs = []
    for key in snapshot(_EMPTY[kind]):
        if key == "tranches":
            value = f"json({_tranche_json().format(table=table)})"
        elif key in _CHILDREN:
            value = f"json({_CHILDREN[key].format(kind=kind, table=table)})"
        else:
            value = f"{table}.{key}"
        pairs.append(f"'{key}', {value}")
    return f"json_object({', '.join(pairs)})"


def read_picture(conn: sqlite3.Connection, kind: str, record_id: int) -> Row | None:
    """The stored record as the change log pictures it (None if there is no such record)."""
    table = record_kind(kind).table
    row = conn.execute(f"SELECT {record_json_sql(kind)} FROM {table} WHERE id = ?",
                       (record_id,)).fetchone()  # fmt: skip
    return None if row is None else dict(json.loads(row[0]))


def log_created(conn: sqlite3.Connection, kind: str, created: Iterable[tuple[int, str | None]]
                ) -> None:  # fmt: skip
    """A "create" entry for each stored (id, origin)."""
    pairs = [[int(i), origin] for i, origin in created]
    if pairs:
        conn.execute("INSERT INTO change_log (record_kind, record_id, action, origin) "
                     "SELECT ?, value ->> 0, 'create', value ->> 1 FROM json_each(?)",
                     (kind, json.dumps(pairs)))  # fmt: skip


def log_entry(conn: sqlite3.Connection, kind: str, record_id: int, action: str,
              before: Row | None = None, after: Row | None = None) -> None:  # fmt: skip
    """One entry: an update's changed fields, or a delete or restore (no pictures)."""
    conn.execute(
        "INSERT INTO change_log (record_kind, record_id, action, before, after) "
        "VALUES (?, ?, ?, ?, ?)",
        (kind, record_id, action, None if before is None else json.dumps(before),
         None if after is None else json.dumps(after)),
    )  # fmt: skip


@cache
def created_between_sql(kind: str) -> str:
    """Log a "create" for each record of ids from the second parameter to the third, all
    from the origin of the first."""
    return ("INSERT INTO change_log (record_kind, record_id, action, origin) "
            f"SELECT '{kind}', id, 'create', ? FROM {record_kind(kind).table} "
            "WHERE id BETWEEN ? AND ?")


def log_created_between(conn: sqlite3.Connection, kind: str, first: int, last: int,
                        origin: str | None) -> None:  # fmt: skip
    """A "create" entry for each record of ids first..last."""
    conn.execute(created_between_sql(kind), (origin, first, last))
