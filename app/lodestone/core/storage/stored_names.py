"""The names deals and events store for sorting (migration 7), filled in bulk.

Triggers keep the names on every write, recomputing a record's names for each link inserted:
right for a form's save, but a third of a bulk restore (2.5 of 8 s for 100,000 events). Bulk
paths that fill a tracker lift the triggers while they insert and fill every row once at the
end, before their indexes are rebuilt; the same trigger SQL is put back whatever happens.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from lodestone.core.records.kinds import RECORD_KINDS


def names_sql(links: str, owner: str, key: str) -> str:
    """The names of a record's companies, in the form's order, as one text (migration 7's
    triggers compute the same, written out in the migration itself)."""
    return (
        "coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name "
        f"FROM {links} l JOIN companies c ON c.id = l.company_id WHERE l.{owner} = {key} "
        "GROUP BY c.id ORDER BY min(l.position), c.id)), '')"
    )


# table, stored column, link table, the link's column naming the record
NAMED = tuple(
    (kind.table, links.names_column, links.table, links.owner)
    for kind in RECORD_KINDS
    if (links := kind.named_companies) is not None
)


def fill_names(conn: sqlite3.Connection) -> None:
    """Every deal's and event's stored names, worked out again from the links."""
    for table, column, links, owner in NAMED:
        conn.execute(f"UPDATE {table} SET {column} = {names_sql(links, owner, f'{table}.id')}")


def _name_triggers(conn: sqlite3.Connection) -> list[tuple[str, str]]:
    links = tuple(links for _, _, links, _ in NAMED)
    marks = ",".join("?" * len(links))
    return conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND (tbl_name IN "
        f"({marks}) OR name LIKE 'companies_rename_%')", links,
    ).fetchall()  # fmt: skip


@contextmanager
def names_filled_at_end(conn: sqlite3.Connection) -> Iterator[None]:
    """Insert without the name triggers; then fill every row's names and put them back."""
    triggers = _name_triggers(conn)
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    try:
        yield
    finally:
        fill_names(conn)
        for _, sql in triggers:
            conn.execute(sql)
