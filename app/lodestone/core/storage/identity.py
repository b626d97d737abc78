"""The tracker's own identity: a random id stored in the file (migration 0013).

It keys the tracker's backups folder and tells a backup of this tracker from a backup of
another one with the same file name. A copy made with the backup API keeps it, so every
backup of a tracker carries the id of the tracker it was taken from.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from lodestone.core.storage.migrations import step_0013_tracker_identity
from lodestone.core.storage.schema import run_script


def read_identity(path: Path) -> str | None:
    """The id stored in the tracker at `path`, or None (no file, made before ids, unreadable).

    Only reads: nothing is created beside the file.
    """
    from lodestone.core.storage.db import connect_readonly

    try:
        conn = connect_readonly(path)
    except (sqlite3.Error, OSError):
        return None
    try:
        row = conn.execute("SELECT id FROM tracker_identity").fetchone()
    except sqlite3.Error:
        return None
    finally:
        conn.close()
    return str(row[0]) if row else None


def stamp_identity(path: Path, tracker_id: str) -> None:
    """Give the (closed, unpublished) tracker file at `path` the id `tracker_id`.

    For a restore: the file put in place keeps the identity of the tracker it replaces, so
    that tracker's backups stay its own. An older file gets the table migration 0013 makes,
    which that step then finds in place.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        run_script(conn, step_0013_tracker_identity.SQL)
        conn.execute("UPDATE tracker_identity SET id = ?", (tracker_id,))
        conn.execute("COMMIT")
    finally:
        conn.close()
