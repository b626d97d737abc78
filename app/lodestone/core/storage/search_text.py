"""Full-text indexing in SQL, from each kind's search parts (`records.kinds`).

A record's text is its own words and the names around it (a deal's parties and funders, an
event's companies): the non-empty parts, joined by single spaces, here in SQL. Each writer
indexes through the statements built here, one record or a batch of ids at a time, so a
record stored by a form, an import, a restore or the generator is found by the same words.
"""

from __future__ import annotations

from functools import cache

from lodestone.core.records.kinds import record_kind


@cache
def text_sql(kind: str) -> str:
    """An expression giving a record's search text, over its kind's table."""
    joined = " || ".join(f"coalesce(' ' || nullif({part}, ''), '')"
                         for part in record_kind(kind).search_parts)  # fmt: skip
    return f"substr({joined}, 2)"


@cache
def one_text_sql(kind: str) -> str:
    """A query of one record's search text; its one parameter is the record's id."""
    return f"SELECT {text_sql(kind)} FROM {record_kind(kind).table} WHERE id = ?"


@cache
def index_ids_sql(kind: str) -> str:
    """Index records that have no entry yet; the one parameter is a JSON list of their ids."""
    described = record_kind(kind)
    return (f"INSERT INTO {described.search_table} (rowid, text) SELECT id, {text_sql(kind)} "
            f"FROM {described.table} WHERE id IN (SELECT value FROM json_each(?))")


@cache
def index_range_sql(kind: str) -> str:
    """Index the records with ids from the first parameter to the second, which have no
    entry yet (a bulk load numbered them)."""
    described = record_kind(kind)
    return (f"INSERT INTO {described.search_table} (rowid, text) SELECT id, {text_sql(kind)} "
            f"FROM {described.table} WHERE id BETWEEN ? AND ?")


@cache
def unindex_ids_sql(kind: str) -> str:
    """Remove the entries of the records in a JSON list (before they are indexed again)."""
    return (f"DELETE FROM {record_kind(kind).search_table} "
            "WHERE rowid IN (SELECT value FROM json_each(?))")
