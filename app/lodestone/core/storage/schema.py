"""The tracker's schema, created and evolved only through numbered migrations.

Each migration is a numbered SQL script in `STEPS`, written out literally in its own module
under `migrations/`: a step that has shipped never changes (a test pins each one's hash), so a
tracker made by any release is upgraded by exactly the SQL that release would have run, and
nothing it does depends on code that may change later, such as today's vocabularies.
sqlite-utils records every applied name in `_sqlite_migrations`, and `SCHEMA_VERSION` (also
written to `user_version`) lets a file made by a newer Lodestone be recognised and refused
before anything is written.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from lodestone.core.storage.migrations import (
    step_0001_initial,
    step_0002_saved_views,
    step_0003_exchange_rates,
    step_0004_timeline_indexes,
    step_0005_list_indexes,
    step_0006_trash_indexes,
    step_0007_stored_names,
    step_0008_search_prefixes,
    step_0009_company_names,
    step_0010_tranche_ids,
    step_0011_open_vocabularies,
    step_0012_change_origin,
    step_0013_tracker_identity,
)

MIGRATION_SET = "lodestone"
# "LODE" in ASCII: marks a SQLite file as a Lodestone tracker.
APPLICATION_ID = 0x4C4F4445

if TYPE_CHECKING:
    from sqlite_utils import Database
    from sqlite_utils.migrations import Migrations


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run several statements without `executescript`, which would COMMIT an open transaction."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement.strip()[:60]}")


# The numbered migrations, in order. Never edit a step that has shipped: add the next one.
STEPS: tuple[tuple[str, str], ...] = (
    ("0001_initial", step_0001_initial.SQL),
    ("0002_saved_views", step_0002_saved_views.SQL),
    ("0003_exchange_rates", step_0003_exchange_rates.SQL),
    ("0004_timeline_indexes", step_0004_timeline_indexes.SQL),
    ("0005_list_indexes", step_0005_list_indexes.SQL),
    ("0006_trash_indexes", step_0006_trash_indexes.SQL),
    ("0007_stored_names", step_0007_stored_names.SQL),
    ("0008_search_prefixes", step_0008_search_prefixes.SQL),
    ("0009_company_names", step_0009_company_names.SQL),
    ("0010_tranche_ids", step_0010_tranche_ids.SQL),
    ("0011_open_vocabularies", step_0011_open_vocabularies.SQL),
    ("0012_change_origin", step_0012_change_origin.SQL),
    ("0013_tracker_identity", step_0013_tracker_identity.SQL),
)
SCHEMA_VERSION = len(STEPS)
KNOWN_MIGRATIONS = tuple(name for name, _ in STEPS)
# Steps that rebuild a table others refer to (new table, copy, drop, rename). They run with
# foreign keys off, as SQLite asks (with them on, dropping the old table would delete or
# orphan every row that refers to it), and are refused before they commit if they left a
# reference broken that was not broken before.
TABLE_REBUILDS = frozenset({"0010_tranche_ids", "0011_open_vocabularies"})


class MigrationError(Exception):
    """A step would have broken the file; it was rolled back (the steps before it stay)."""


def _broken_references(conn: sqlite3.Connection) -> set[tuple[object, ...]]:
    return {tuple(row) for row in conn.execute("PRAGMA foreign_key_check")}


def _run_step(db: Database, name: str, script: str) -> None:
    """Run one step inside the transaction sqlite-utils opened for it."""
    conn = db.conn
    before = _broken_references(conn) if name in TABLE_REBUILDS else set()
    run_script(conn, script)
    if name in TABLE_REBUILDS and (broken := _broken_references(conn) - before):
        table, rowid, parent, _ = sorted(broken, key=str)[0]
        raise MigrationError(f"migration {name} would leave {len(broken):,} broken references "
                             f"(such as {table} row {rowid} to a missing {parent} record)")


def migration_set() -> Migrations:
    """The steps as sqlite-utils Migrations, which record each applied name and run it in a
    transaction. Imported only here: sqlite-utils pulls in numpy, a third of a second that
    read-only commands such as `lodestone check` need not pay. Apply them with foreign keys
    off (`db.migrate` does): a rebuild checks its references itself."""
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for name, script in STEPS:
        migrations(name=name)(
            lambda db, name=name, script=script: _run_step(db, name, script)
        )
    return migrations
