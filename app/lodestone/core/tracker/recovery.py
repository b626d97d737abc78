"""Damaged trackers: found on open, moved aside (never deleted), the latest good backup offered.

Checks run on a read-only connection before the tracker is opened for writing: a writable
connection checkpoints the -wal into the database when it closes, which would make a
damaged mix permanent.

SQLite cannot tell whether a -wal belongs to its database: a -wal from another file placed
next to a tracker is replayed onto it, silently showing the other file's data or corrupting
it. So the writer lock records which database and -wal files (device and inode) it had
open; on the next open, a -wal with transactions whose file is not the recorded one while
the database is (or the reverse) is refused as foreign.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lodestone.core.paths import AppPaths
from lodestone.core.storage.db import (
    DamagedTrackerError,
    NotATrackerError,
    TrackerError,
    inspect_existing,
    unreadable,
)
from lodestone.core.storage.files import (
    companion,
    file_identity,
    set_aside,
    set_aside_companions,
    wal_has_frames,
)

if TYPE_CHECKING:  # the backup modules load when a damaged file needs them, not on every open
    from lodestone.core.backups.index import BackupInfo


class ForeignWalError(DamagedTrackerError):
    """The -wal next to a tracker belongs to another database (or to the file it replaced)."""


def check_on_open(db: Path, *, quick_check: bool = True) -> None:
    """Raise a TrackerError (one sentence) unless `db` is a tracker that passes quick_check.

    `quick_check=False` only when the file is exactly as a clean close left it (see
    `unchanged_since_clean_close`): reading a million-row file takes a second of start-up.
    """
    inspect_existing(db)
    if not quick_check:
        return
    try:
        conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
        try:
            conn.execute("PRAGMA busy_timeout = 5000")
            rows = conn.execute("PRAGMA quick_check").fetchall()
        finally:
            conn.close()
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        raise unreadable(db, exc) from None
    if rows != [("ok",)]:
        from lodestone.core.backups.index import first_problem

        raise DamagedTrackerError(f"{db} is damaged ({first_problem(rows)})")


def _stat_record(db: Path) -> list[int] | None:
    try:
        st = db.stat()
    except FileNotFoundError:  # moved or deleted while open: nothing to vouch for
        return None
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns]


def closing_record(db: Path) -> dict[str, Any]:
    """What a clean close leaves in the lock record: the file exactly as it was closed."""
    return {"closed": _stat_record(db)}


def unchanged_since_clean_close(db: Path, previous: dict[str, Any]) -> bool:
    """The last writer closed cleanly and nothing has touched the file since (same file, size
    and modification time, no -wal frames): it was checked then, so it need not be now."""
    closed = previous.get("closed")
    if not isinstance(closed, list) or wal_has_frames(db):
        return False
    return closed == _stat_record(db)


def pairing_record(db: Path) -> dict[str, Any]:
    """Which files the writer has open, for `check_pairing` after a crash."""
    return {"db": file_identity(db), "wal": file_identity(companion(db, "-wal"))}


def check_pairing(db: Path, previous: dict[str, Any]) -> None:
    """Refuse a -wal that is not the one the last writer left with this database.

    `previous` is the last writer lock record. When both files changed (the pair was copied
    or moved together), or nothing was recorded, nothing can be said and quick_check decides.
    """
    files = previous.get("files")
    if not isinstance(files, dict) or not wal_has_frames(db):
        return
    wal = companion(db, "-wal")
    same_db = files.get("db") == file_identity(db)
    same_wal = files.get("wal") == file_identity(wal)
    if same_db and not same_wal:
        raise ForeignWalError(
            f"{db} was not opened: the file {wal.name} next to it belongs to another database"
        )
    if same_wal and not same_db:
        raise ForeignWalError(
            f"{db} was not opened: the file {wal.name} next to it belongs to the file that "
            "was there before"
        )


def latest_good_backup(paths: AppPaths, db: Path) -> BackupInfo | None:
    """The newest backup of `db` that passes integrity_check, or None."""
    from lodestone.core.backups.backup import BackupFailed, verify_backup
    from lodestone.core.backups.index import list_backups

    for backup in list_backups(paths, db):
        try:
            verify_backup(backup.path)
        except BackupFailed:
            continue
        return backup
    return None


def can_recover(db: Path, error: TrackerError) -> bool:
    """Whether `recover` applies: damaged or unreadable files, never folders or newer files."""
    return isinstance(error, DamagedTrackerError | NotATrackerError) and not db.is_dir()


def recover(db: Path, error: TrackerError, backup: BackupInfo | None) -> Path:
    """Move the bad files aside (never deleting them), restore `backup` if given; return where.

    A foreign -wal is moved aside alone: the database itself is sound.
    """
    try:
        if isinstance(error, ForeignWalError):
            return set_aside_companions(db, "foreign")
        aside = set_aside(db, "damaged")
    except OSError as exc:
        raise TrackerError(f"{db} could not be moved aside ({exc.strerror or exc})") from None
    if backup is not None:
        from lodestone.core.backups.backup import restore_backup

        restore_backup(backup.path, db)
    return aside
