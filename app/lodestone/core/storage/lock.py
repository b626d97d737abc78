"""One writer per tracker: an exclusive lock on `<db>.lock`, held for the app's lifetime.

The lock is `flock(LOCK_EX | LOCK_NB)` on a descriptor kept open. It belongs to the open file,
so the operating system drops it the instant the holder exits, even on kill -9 or a power
cut: the next start takes over with no stale-lock clean-up. The JSON inside only says who
holds it (host, process, user, since) for the "who has it open" message. A lock file stays
once a tracker was opened (it records how the tracker was closed); one made for an open that
failed is removed by its holder (`abandon`), so a refused file gets nothing beside it. A
holder checks, once locked, that the name still leads to the file it locked, so removing a
lock file can never let two processes lock two different files under one name.
"""

from __future__ import annotations

import fcntl
import getpass
import json
import os
import socket
import time
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from lodestone.core.storage.db import TrackerError
from lodestone.core.storage.files import PRIVATE_FILE, utcnow

HOLDER_READ_ATTEMPTS = 20
HOLDER_READ_PAUSE_S = 0.01
LOCK_ATTEMPTS = 20


@dataclass(frozen=True)
class LockHolder:
    """Who holds a tracker open for writing."""

    host: str
    pid: int
    user: str
    since: str  # ISO 8601, UTC

    @classmethod
    def current(cls) -> LockHolder:
        try:
            user = getpass.getuser()
        except (KeyError, OSError):
            user = ""
        return cls(socket.gethostname(), os.getpid(), user, utcnow().isoformat(timespec="seconds"))

    @classmethod
    def from_record(cls, record: dict[str, Any]) -> LockHolder | None:
        try:
            return cls(str(record["host"]), int(record["pid"]), str(record.get("user", "")),
                       str(record["since"]))
        except (KeyError, TypeError, ValueError):
            return None

    def since_local(self) -> str:
        """`since` in the reader's local time, to the minute, as a person would say it."""
        try:
            when = datetime.fromisoformat(self.since)
        except ValueError:
            return self.since
        return when.astimezone().strftime("%Y-%m-%d %H:%M")


class LockedError(TrackerError):
    """Another Lodestone holds the tracker for writing; `holder` says who (None if unreadable)."""

    def __init__(self, db: Path, holder: LockHolder | None) -> None:
        self.db = db
        self.holder = holder
        if holder is None:
            message = f"{db} is open in another Lodestone (which one could not be read)."
        else:
            message = (
                f"{db} is open in Lodestone on {holder.host} (process {holder.pid}) "
                f"since {holder.since_local()}."
            )
        super().__init__(message)


def lock_path(db: Path) -> Path:
    return db.with_name(db.name + ".lock")


class WriterLock:
    """A held lock. `previous` is what the last holder wrote (it may describe a crash)."""

    def __init__(self, db: Path, fd: int, holder: LockHolder, previous: dict[str, Any],
                 created: bool = False) -> None:  # fmt: skip
        self.db = db
        self.path = lock_path(db)
        self.created = created  # this holder made the lock file
        self.holder = holder
        self.previous = previous
        self._fd: int | None = fd
        self._extra: dict[str, Any] = {}

    @property
    def held(self) -> bool:
        return self._fd is not None

    def record(self, **extra: Any) -> None:
        """Store more facts next to the holder (durably: they are read after a crash)."""
        if self._fd is None:
            raise RuntimeError("the writer lock was released")
        self._extra.update(extra)
        _write_record(self._fd, {**asdict(self.holder), **self._extra})

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            fcntl.flock(fd, fcntl.LOCK_UN)
        finally:
            os.close(fd)

    def abandon(self) -> None:
        """Release after a failed open: a lock file this holder made is removed first, so
        nothing is left beside a file that was refused or never made."""
        if self._fd is not None and self.created:
            self.path.unlink(missing_ok=True)
        self.release()

    def __enter__(self) -> WriterLock:
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if kind is None:
            self.release()
        else:
            self.abandon()


def acquire(db: Path | str) -> WriterLock:
    """Take the tracker's writer lock or raise LockedError naming the holder.

    Raises TrackerError when the folder does not allow a lock file at all. The lock is the real
    file's, found through any symlinks: two paths to one file share one lock.
    """
    db = Path(db).resolve()
    path = lock_path(db)
    for _ in range(LOCK_ATTEMPTS):
        fd, created = _open_lock_file(db, path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise LockedError(db, holder) from None
        except OSError as exc:
            os.close(fd)
            raise TrackerError(
                f"{db} cannot be locked for writing ({exc.strerror or exc}).") from None
        if _still_named(fd, path):
            break
        os.close(fd)  # its holder removed it as we opened it: lock the file there now
    else:
        raise TrackerError(f"{db} cannot be locked for writing (its lock file keeps changing).")
    previous = _read_record(fd) or {}
    holder = LockHolder.current()
    _write_record(fd, asdict(holder))
    return WriterLock(db, fd, holder, previous, created)


def _open_lock_file(db: Path, path: Path) -> tuple[int, bool]:
    """The lock file's descriptor, and whether this call created it."""
    problem: OSError | None = None
    for _ in range(LOCK_ATTEMPTS):
        try:
            try:
                return os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC,
                               PRIVATE_FILE), True  # fmt: skip
            except FileExistsError:
                return os.open(path, os.O_RDWR | os.O_CLOEXEC), False
        except FileNotFoundError as exc:  # removed between the two opens: try again
            problem = exc
        except OSError as exc:
            problem = exc
            break
    raise TrackerError(
        f"{db} cannot be opened for writing: its lock file cannot be created "
        f"({getattr(problem, 'strerror', None) or problem})."
    )


def _still_named(fd: int, path: Path) -> bool:
    """Whether `path` is still the file open as `fd` (not removed or replaced meanwhile)."""
    try:
        named = path.stat()
    except FileNotFoundError:
        return False
    opened = os.fstat(fd)
    return (named.st_dev, named.st_ino) == (opened.st_dev, opened.st_ino)


def read_holder(db: Path | str) -> LockHolder | None:
    """Who holds `db` now, or None when nobody does."""
    path = lock_path(Path(db).resolve())
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(fd)
        fcntl.flock(fd, fcntl.LOCK_UN)
        return None
    finally:
        os.close(fd)


def _read_holder(fd: int) -> LockHolder | None:
    """The holder's record; retried briefly, since it is written just after the lock is taken."""
    for _ in range(HOLDER_READ_ATTEMPTS):
        record = _read_record(fd)
        holder = None if record is None else LockHolder.from_record(record)
        if holder is not None:
            return holder
        time.sleep(HOLDER_READ_PAUSE_S)
    return None


def _read_record(fd: int) -> dict[str, Any] | None:
    data = os.pread(fd, 64 * 1024, 0)
    try:
        record = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _write_record(fd: int, record: dict[str, Any]) -> None:
    data = json.dumps(record, sort_keys=True).encode("utf-8")
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)
    os.fsync(fd)
