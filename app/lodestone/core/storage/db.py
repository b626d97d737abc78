"""Opening a tracker file: the one place that decides whether a file is ours, sets the
connection pragmas and runs migrations.

A file is inspected read-only before anything is written to it, so a file that is not a
tracker, is damaged, or was written by a newer Lodestone is refused and left byte-for-byte
untouched.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from lodestone.core.missing import missing_file
from lodestone.core.storage.files import create_private
from lodestone.core.storage.schema import (
    APPLICATION_ID,
    KNOWN_MIGRATIONS,
    SCHEMA_VERSION,
    MigrationError,
    migration_set,
)

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


class TrackerError(Exception):
    """A tracker file cannot be used; the message is one clear sentence for the user."""


class NotATrackerError(TrackerError):
    pass


class NewerSchemaError(TrackerError):
    pass


class DamagedTrackerError(TrackerError):
    """The message quotes SQLite's reason, which for a damaged schema can hold its SQL over
    several lines: the user gets one line, cut to a readable length."""

    def __init__(self, message: str) -> None:
        line = message.splitlines()[0] if message else message
        if line != message or len(line) > 300:
            line = line[:300].rstrip() + "…)" * ("(" in line)
        super().__init__(line)


class DiskFullError(TrackerError):
    """Reading the tracker needed a write beside it that the disk refused: not damage."""


# SQLite's answers that come from the disk refusing a write or a read, not from the file's
# content: a full disk, a file-size limit, a folder that cannot take the -shm.
_DISK_REFUSALS = frozenset({sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL, sqlite3.SQLITE_CANTOPEN})


def unreadable(path: Path, exc: BaseException) -> TrackerError:
    """The one sentence for a tracker SQLite could not open or read: damage only when the
    file's content is at fault, the disk when it refused what SQLite needed to write."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in _DISK_REFUSALS:
        return DiskFullError(
            f"{path} cannot be opened: SQLite could not write the file it needs beside it "
            f"({exc}), most likely because the disk is full. The tracker is not damaged and "
            "was not changed; free some space and try again")
    return DamagedTrackerError(f"{path} is damaged and cannot be opened ({exc})")


class WriteProtectedError(TrackerError):
    """The tracker file is write-protected: it may be read, never written."""


def ensure_writable(path: Path) -> None:
    """Raise WriteProtectedError when the file at `path` is write-protected (no write
    permission bit: `chmod 444`), whoever asks, root included; a missing file is writable.
    A folder is refused as not a tracker, before anything is made beside it."""
    if path.is_dir():
        raise NotATrackerError(f"{path} is a folder, not a tracker file")
    try:
        mode = path.stat().st_mode
    except OSError:
        return
    if not mode & 0o222:
        raise WriteProtectedError(f"{path} is write-protected, so it is only read and was not "
                                  "changed (allow writing to it to change it)")


class SaveFailed(TrackerError):
    """A write could not be completed and was rolled back; what was saved before is intact.

    `reason` is "full", "io", "readonly" or "busy"; the message is one sentence for the user.
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason


_SAVE_FAILURES = {
    sqlite3.SQLITE_FULL: ("full", "Not saved: the disk is full. Free some space and save "
                          "again; everything saved before is safe."),
    sqlite3.SQLITE_IOERR: ("io", "Not saved: writing to the disk failed ({detail}), perhaps "
                           "because it is full or was disconnected; everything saved before "
                           "is safe."),
    sqlite3.SQLITE_CANTOPEN: ("io", "Not saved: a file next to the tracker could not be "
                              "written ({detail}). Everything saved before is safe."),
    sqlite3.SQLITE_READONLY: ("readonly", "Not saved: the tracker file cannot be written "
                              "({detail})."),
    sqlite3.SQLITE_BUSY: ("busy", "Not saved: another program is writing to the tracker; "
                          "try again in a moment."),
}


def save_failure(exc: BaseException) -> SaveFailed | None:
    """The user-facing SaveFailed for a storage error (disk full, I/O, read-only), else None."""
    if not isinstance(exc, sqlite3.Error):
        return None
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    known = _SAVE_FAILURES.get(code & 0xFF)
    if known is None:
        return None
    reason, message = known
    return SaveFailed(message.format(detail=exc), reason)


def rollback(conn: sqlite3.Connection) -> None:
    """Roll back whatever is open; a failing rollback must not hide the error that caused it."""
    if conn.in_transaction:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass


@contextmanager
def write_errors() -> Iterator[None]:
    """Turn storage errors raised inside into SaveFailed; everything else passes through."""
    try:
        yield
    except sqlite3.Error as exc:
        failure = save_failure(exc)
        if failure is None:
            raise
        raise failure from exc


def configure(conn: sqlite3.Connection, *, readonly: bool = False) -> sqlite3.Connection:
    """The pragmas every connection gets (DESIGN.md, reliability rules)."""
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    if not readonly:
        conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    return conn


def _inspect_header(path: Path) -> None:
    """Refuse folders, unreadable, empty and non-SQLite files without opening them."""
    if path.is_dir():
        raise NotATrackerError(f"{path} is a folder, not a tracker file")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        raise NotATrackerError(f"{path} cannot be read: {exc.strerror or exc}") from None
    if not header:
        raise NotATrackerError(f"{path} is an empty file, not a tracker")
    if not header.startswith(SQLITE_HEADER):
        raise NotATrackerError(f"{path} is not a Lodestone tracker (not an SQLite database)")
    if len(header) < 100:
        raise DamagedTrackerError(f"{path} is damaged: the file is truncated")


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A connection that never writes, nor creates a -wal or -shm beside the file.

    Without a -wal nobody is writing the file (a writer creates it first, under its lock), so
    the file is opened immutable; with one, SQLite must read it, through the -shm.
    """
    wal = path.with_name(path.name + "-wal")
    uri = path.resolve().as_uri() + ("?mode=ro" if wal.exists() else "?mode=ro&immutable=1")
    conn = sqlite3.connect(uri, uri=True, isolation_level=None)
    return configure(conn, readonly=True)


def inspect_existing(path: Path) -> int:
    """Return the schema version of an existing tracker, or raise a TrackerError.

    Only reads: a refused file is never modified.
    """
    _inspect_header(path)
    try:
        conn = connect_readonly(path)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            applied: set[str] = set()
            if "_sqlite_migrations" in tables:
                applied = {
                    r[0]
                    for r in conn.execute(
                        "SELECT name FROM _sqlite_migrations WHERE migration_set = 'lodestone'"
                    )
                }
        finally:
            conn.close()
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # a damaged schema text
        raise unreadable(path, exc) from None
    if app_id != APPLICATION_ID:
        if tables:
            raise NotATrackerError(f"{path} is an SQLite database, but not a Lodestone tracker")
        return 0
    unknown = applied - set(KNOWN_MIGRATIONS)
    if version > SCHEMA_VERSION or unknown:
        what = (f"schema {version}; this version reads up to {SCHEMA_VERSION}"
                if version > SCHEMA_VERSION else
                f"its schema has the step {sorted(unknown)[0][:60]!r}, which this version does "
                "not know")  # fmt: skip
        raise NewerSchemaError(
            f"{path} was written by a newer version of Lodestone ({what}). Update Lodestone to "
            "open it; the file was not changed."
        )
    return int(version)


def open_tracker(
    path: Path | str,
    *,
    create: bool = True,
    readonly: bool = False,
    before_migrate: Callable[[Path, int], None] | None = None,
) -> sqlite3.Connection:
    """Open (and create or migrate) a tracker; return a configured connection.

    `before_migrate(path, old_version)` runs before migrations touch an existing file:
    the place for the pre-migration backup.
    """
    path = Path(path)
    exists = path.exists()
    if exists:
        version = inspect_existing(path)
    elif not create or readonly:
        raise TrackerError(missing_file(path))
    else:
        if not path.parent.is_dir():
            raise TrackerError(f"cannot create {path}: the folder {path.parent} does not exist")
        version = 0
    if readonly:
        return connect_readonly(path)
    ensure_writable(path)
    try:
        if not exists:
            create_private(path)
        conn = sqlite3.connect(path, isolation_level=None)
    except (sqlite3.Error, OSError) as exc:
        raise TrackerError(f"cannot open {path}: {exc}") from None
    try:
        configure(conn)
        if version < SCHEMA_VERSION:
            if exists and version > 0 and before_migrate is not None:
                before_migrate(path, version)
            migrate(conn)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:  # a damaged schema text
        conn.close()
        raise unreadable(path, exc) from None
    except MigrationError as exc:  # the step was rolled back; earlier ones hold
        conn.close()
        raise TrackerError(f"{path} could not be upgraded to schema {SCHEMA_VERSION}: {exc}, "
                           "so that step was undone") from None
    if not exists:
        path.chmod(0o600)
    return conn


def migrate(conn: sqlite3.Connection) -> None:
    """Apply pending migrations and stamp the file as a tracker of this schema version."""
    from sqlite_utils import Database

    # Marked as ours first: a crash during the first migrations must leave a file that the
    # next start recognises and finishes migrating, not "an SQLite database, not a tracker".
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    # Off outside any transaction (inside one the pragma does nothing): a step that rebuilds a
    # table must not cascade the drop of the old one; it checks the references itself.
    if conn.in_transaction:
        raise RuntimeError("migrate() needs a connection outside a transaction")
    enforced = conn.execute("PRAGMA foreign_keys").fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        migration_set().apply(Database(conn))
    finally:
        conn.execute(f"PRAGMA foreign_keys = {'ON' if enforced else 'OFF'}")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])
