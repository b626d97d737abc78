"""Opening a tracker the safe way: the one entry point for the app and for writing commands.

`open_for_writing` takes the writer lock, refuses a foreign -wal, checks the file
(quick_check, read-only), tightens its permissions, then opens and migrates it (a verified
backup is taken before any migration) and backs it up if it changed since its last backup.
The lock is held until `Session.close()`; if the process dies, the OS releases it.

The backup module (hashing, rotation) is imported when a backup is taken, not with this
module: a window opening a tracker shows it first and backs it up just after.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from lodestone.core.missing import missing_file
from lodestone.core.paths import AppPaths
from lodestone.core.storage.db import TrackerError, ensure_writable, open_tracker
from lodestone.core.storage.files import companion, create_private, file_set, make_private
from lodestone.core.storage.lock import WriterLock, acquire
from lodestone.core.storage.repository import Repository
from lodestone.core.tracker.recovery import (
    check_on_open,
    check_pairing,
    closing_record,
    pairing_record,
    unchanged_since_clean_close,
)

if TYPE_CHECKING:
    from lodestone.core.backups.index import BackupInfo


@dataclass
class Session:
    """An open tracker: its repository, and the writer lock unless opened read-only.

    `backup_warning` holds the message of a backup that failed on open: opening goes on
    (the analyst's work matters more), but the app should say so.
    """

    path: Path
    paths: AppPaths
    repo: Repository
    lock: WriterLock | None = None
    backup_warning: str | None = field(default=None)
    created: bool = False  # opening made the file

    @property
    def readonly(self) -> bool:
        return self.lock is None

    def backup_if_changed(self, reason: str = "auto") -> BackupInfo | None:
        """For the editing timer and on open: a backup only when something changed."""
        from lodestone.core.backups.backup import maybe_backup

        return maybe_backup(self.path, self.paths, reason)

    def backup_now(self, reason: str = "manual") -> BackupInfo:
        """Before imports, or when asked: always a new verified backup."""
        from lodestone.core.backups.backup import take_backup

        return take_backup(self.path, self.paths, reason)

    def restore(self, backup: Path, *, other_tracker: bool = False) -> Path | None:
        """Replace the tracker with `backup`, keeping the lock; return where the old one went.

        The repository is replaced: whoever holds `session.repo` must take the new one. The
        window runs the same steps apart: the copy (`restore_file`, seconds for a big file)
        as a background job, between closing the repository and `reopen` on its own thread.
        A backup of another tracker needs `other_tracker` (the user confirmed it).
        """
        self._check_writable()
        self.repo.close()
        try:
            return self.restore_file(backup, other_tracker=other_tracker)
        finally:
            self.reopen()

    def restore_file(self, backup: Path, *, other_tracker: bool = False) -> Path | None:
        """Put a verified copy of `backup` in place of the tracker, whose repository the
        caller has closed; on any thread (it opens no connection it keeps)."""
        self._check_writable()
        from lodestone.core.backups.backup import restore_backup

        return restore_backup(backup, self.path, other_tracker=other_tracker)

    def reopen(self) -> None:
        """A new repository on the tracker (after `restore_file`), on the calling thread."""
        assert self.lock is not None
        self.repo = Repository(_open_locked(self.path, self.paths, self.lock, create=False))

    def _check_writable(self) -> None:
        if self.lock is None:
            raise PermissionError("a read-only session cannot restore a backup")

    def discard(self) -> None:
        """Close; and if opening made the file, remove it and everything made beside it, as
        if it had never been opened: what a refused import into a new file leaves."""
        if not self.created or self.lock is None or not self.lock.held:
            self.close()
            return
        self.repo.close()
        _remove_tracker(self.path)
        self.lock.abandon()

    def close(self) -> None:
        self.repo.close()
        if self.lock is not None and self.lock.held:
            self.lock.record(files=pairing_record(self.path), **closing_record(self.path))
            self.lock.release()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_for_writing(
    path: Path | str, paths: AppPaths, *, create: bool = True, backup_on_open: bool = True
) -> Session:
    """Lock, check, open (creating or migrating) and back up a tracker for writing.

    Raises LockedError when another Lodestone holds it (offer `open_readonly`), a
    DamagedTrackerError/ForeignWalError/NotATrackerError for a bad file (see recovery), or
    NewerSchemaError, or WriteProtectedError for a write-protected file (offer
    `open_readonly`); the file is left untouched in each case. With `backup_on_open=False`
    the caller runs `session.backup_if_changed("open")` itself, e.g. off the GUI thread.
    A symlinked path opens the real file, so its lock, -wal and backups are that file's.
    """
    path = Path(path).resolve()
    ensure_writable(path)
    lock = acquire(path)
    existed = path.exists()
    try:
        conn = _open_locked(path, paths, lock, create=create)
    except BaseException:
        if not existed:
            _remove_tracker(path)
        lock.abandon()
        raise
    session = Session(path, paths, Repository(conn), lock, created=not existed)
    if backup_on_open and existed:
        from lodestone.core.backups.backup import BackupFailed

        try:
            session.backup_if_changed("open")
        except BackupFailed as exc:
            session.backup_warning = str(exc)
    return session


def open_readonly(path: Path | str, paths: AppPaths) -> Session:
    """Open for reading only (another Lodestone may be writing): checked, never changed."""
    path = Path(path)
    if not path.exists():
        raise TrackerError(missing_file(path))
    check_on_open(path)
    return Session(path, paths, Repository(open_tracker(path, readonly=True)))


def restore_closed(path: Path | str, backup: Path, *, other_tracker: bool = False) -> Path | None:
    """Restore `backup` over a tracker no Lodestone has open (the CLI's restore).

    Takes the writer lock for the duration (LockedError names whoever has it open), so a
    running app never has its file replaced underneath it. A backup of another tracker
    needs `other_tracker` (the user confirmed it).
    """
    from lodestone.core.backups.backup import restore_backup

    path = Path(path).resolve()
    ensure_writable(path)
    with acquire(path) as lock:
        aside = restore_backup(backup, path, other_tracker=other_tracker)
        lock.record(files=pairing_record(path))
    return aside


def _open_locked(
    path: Path, paths: AppPaths, lock: WriterLock, *, create: bool
) -> sqlite3.Connection:
    """The checks and the open, for a caller that holds the lock."""
    if path.exists():
        check_pairing(path, lock.previous)
        check_on_open(path, quick_check=not unchanged_since_clean_close(path, lock.previous))
        make_private(*file_set(path))
        _create_wal(path)
    files = pairing_record(path)
    lock.record(files=files)

    def backup_before_migration(db: Path, version: int) -> None:
        from lodestone.core.backups.backup import take_backup

        take_backup(db, paths, "before-migration")

    conn = open_tracker(path, create=create, before_migrate=backup_before_migration)
    if pairing_record(path) != files:  # a file just created: record it (each record syncs)
        lock.record(files=pairing_record(path))
    return conn


def _remove_tracker(db: Path) -> None:
    """Remove a tracker this process just made (with its -wal and -shm), under its lock."""
    for file in file_set(db):
        file.unlink(missing_ok=True)


def _create_wal(db: Path) -> None:
    """Create the -wal before SQLite does, so the lock records it before any frame is written."""
    try:
        create_private(companion(db, "-wal"))
    except FileExistsError:
        pass
