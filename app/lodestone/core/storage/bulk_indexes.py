"""Building a table's indexes once after a bulk insert instead of row by row.

Inserting a hundred thousand rows into a table with nine indexes is nine hundred thousand
random B-tree inserts; building each index afterwards from sorted keys is several times
faster. The indexes are dropped and re-created inside the caller's transaction, with their
exact original SQL, so a failed or cancelled import rolls them back with everything else.
Unique indexes are kept: they are what reports a clash (a company name taken) row by row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Mapping

MIN_ROWS = 10_000  # below this, inserting into the live indexes is quicker than rebuilding

Index = tuple[str, str]  # (name, CREATE INDEX statement)


def worth_deferring(conn: sqlite3.Connection, table: str, new_rows: int) -> bool:
    """True when `new_rows` is many and at least as many as the table already holds."""
    if new_rows < MIN_ROWS:
        return False
    present = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    return bool(new_rows >= present)


def drop_indexes(conn: sqlite3.Connection, tables: Iterable[str], *, keep_unique: bool = True,
                 keep_leading: Mapping[str, str] | None = None) -> list[Index]:  # fmt: skip
    """Drop the indexes of `tables` (inside a transaction); return them. Unique ones are kept
    unless the caller's rows are known not to clash (a generated tracker); so are those of a
    table whose first column is `keep_leading[table]`, which the caller still reads by (an
    import that indexes each batch for search reads a deal's tranches by deal)."""
    tables = list(tables)
    if not conn.in_transaction:
        raise RuntimeError("indexes are dropped only inside the transaction that rebuilds them")
    if not tables:
        return []
    marks = ", ".join("?" * len(tables))
    found = conn.execute(
        "SELECT name, sql, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
        f"AND (? = 0 OR sql NOT LIKE 'CREATE UNIQUE%') AND tbl_name IN ({marks}) "
        "ORDER BY name", [int(keep_unique), *tables],
    ).fetchall()
    keep = keep_leading or {}
    indexes = [(str(name), str(sql)) for name, sql, table in found
               if table not in keep or _leading_column(conn, name) != keep[table]]  # fmt: skip
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    return indexes


def _leading_column(conn: sqlite3.Connection, index: str) -> str | None:
    first = conn.execute(f'PRAGMA index_info("{index}")').fetchone()
    return None if first is None else first[2]


def recreate_indexes(conn: sqlite3.Connection, indexes: Iterable[Index],
                     before_each: Callable[[], None] | None = None) -> None:  # fmt: skip
    """Create the dropped indexes that are missing again, with their exact original SQL;
    `before_each` may raise to stop (a cancel)."""
    present = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    for name, sql in indexes:
        if name in present:
            continue
        if before_each is not None:
            before_each()
        conn.execute(sql)
