"""Trackers as an earlier release left them, and vocabularies as a later release extends them."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest
from lodestone.core.records import vocabulary
from lodestone.core.storage import SCHEMA_VERSION
from lodestone.core.storage.schema import APPLICATION_ID, KNOWN_MIGRATIONS, migration_set


def build_version(db: Path, version: int) -> None:
    """A tracker exactly as schema `version` left it (0: a fresh file with only the
    migrations table), stamped the way that version stamped it."""
    from sqlite_utils import Database

    conn = sqlite3.connect(db, isolation_level=None)
    if version == 0:
        migration_set().ensure_migrations_table(Database(conn))
    else:
        stop = KNOWN_MIGRATIONS[version] if version < SCHEMA_VERSION else None
        migration_set().apply(Database(conn), stop_before=stop)
        conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        conn.execute(f"PRAGMA user_version = {version}")
    conn.close()


def extend_vocabulary(monkeypatch: pytest.MonkeyPatch, name: str, *values: str) -> None:
    """The vocabulary `name` with `values` added, as a later release would add them in
    code: every loaded module that took the list by name sees the longer one."""
    original = getattr(vocabulary, name)
    extended = (*original, *values)
    for module_name, module in list(sys.modules.items()):
        if module_name.startswith("lodestone") and getattr(module, name, None) is original:
            monkeypatch.setattr(module, name, extended)
