"""File handling shared by backups, restore, recovery and the writer lock.

An SQLite file in WAL mode is really a set of up to three files: the database, its `-wal`
(committed transactions not yet copied into the database) and its `-shm` (an index of the
-wal). They must always move together: a database paired with another file's -wal is
silently mixed with foreign pages. Everything here treats the three as one unit.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime
from pathlib import Path

COMPANION_SUFFIXES = ("-wal", "-shm")
PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700
STAMP_FORMAT = "%Y%m%dT%H%M%S"


def utcnow() -> datetime:
    return datetime.now(UTC)


def time_stamp(now: datetime) -> str:
    """`YYYYmmddTHHMMSS` in UTC: sortable, and never ambiguous across daylight-saving changes."""
    return now.astimezone(UTC).strftime(STAMP_FORMAT)


def parse_time_stamp(text: str) -> datetime:
    return datetime.strptime(text, STAMP_FORMAT).replace(tzinfo=UTC)


def companion(db: Path, suffix: str) -> Path:
    """`t.db` + `-wal` -> `t.db-wal`: SQLite's own naming, so a moved set still pairs."""
    return db.with_name(db.name + suffix)


def file_set(db: Path) -> list[Path]:
    """The database and whichever of its -wal/-shm exist."""
    return [db] + [p for p in (companion(db, s) for s in COMPANION_SUFFIXES) if p.exists()]


def wal_has_frames(db: Path) -> bool:
    """True when the -wal holds at least one frame (a bare 32-byte header changes nothing)."""
    wal = companion(db, "-wal")
    try:
        return wal.stat().st_size > 32
    except FileNotFoundError:
        return False


def free_name(base: Path) -> Path:
    """`base`, or `base-2`, `base-3`, … : the first name with no file set behind it."""
    candidate, n = base, 1
    while any(p.exists() for p in (candidate, *_companions(candidate))):
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def _companions(db: Path) -> list[Path]:
    return [companion(db, s) for s in COMPANION_SUFFIXES]


def set_aside(db: Path, label: str, now: datetime | None = None) -> Path:
    """Rename `db` and its -wal/-shm to `<db>.<label>-<time>` (+ -wal/-shm); delete nothing.

    The companions keep SQLite's naming relative to the new name, so the set-aside file
    still opens with exactly the transactions it had, and no stale -wal/-shm is left
    behind to be paired with whatever file is put at `db` next.
    """
    target = _aside_name(db, label, now)
    _move_companions(db, target)
    if db.exists():
        os.replace(db, target)
    fsync_dir(db.parent)
    return target


def set_aside_companions(db: Path, label: str, now: datetime | None = None) -> Path:
    """Rename only the -wal/-shm of `db` aside (the database itself is kept in place)."""
    target = _aside_name(db, label, now)
    _move_companions(db, target)
    fsync_dir(db.parent)
    return companion(target, "-wal")


def _aside_name(db: Path, label: str, now: datetime | None) -> Path:
    return free_name(db.with_name(f"{db.name}.{label}-{time_stamp(now or utcnow())}"))


def _move_companions(db: Path, target: Path) -> None:
    for suffix in COMPANION_SUFFIXES:
        source = companion(db, suffix)
        if source.exists():
            os.replace(source, companion(target, suffix))


def private_dir(path: Path) -> Path:
    """Create `path` (and parents) readable by the user only; tighten it if it exists."""
    path.mkdir(parents=True, exist_ok=True, mode=PRIVATE_DIR)
    path.chmod(PRIVATE_DIR)
    return path


def make_private(*files: Path) -> None:
    """No access for group and others on each existing file: trackers and backups are their
    owner's only. Never grants anything: a write-protected file stays write-protected."""
    for file in files:
        try:
            mode = file.stat().st_mode & 0o777
            if mode & 0o077:
                file.chmod(mode & 0o700)
        except FileNotFoundError:
            continue


def create_private(path: Path) -> None:
    """Create an empty file as 0600 before SQLite opens it, so no other mode ever exists.

    SQLite gives its -wal and -shm the mode of the database file, so they are private too.
    """
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))


def fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_dir(path: Path) -> None:
    """Make renames in `path` durable (a no-op where folders cannot be opened)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def file_identity(path: Path) -> list[int] | None:
    """(device, inode) of a file, or None: tells whether a file is still the same file."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    return [st.st_dev, st.st_ino]
