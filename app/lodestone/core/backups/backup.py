"""Backups of a tracker, and restoring one.

A backup is made with SQLite's online backup API in one step, under one read transaction: it
is a consistent snapshot that includes what is still in the -wal, never a plain file copy
(which would miss the -wal, or tear a page being written). Each is written under a temporary
name, switched to rollback-journal mode so it opens on its own with no -wal, checked with
`integrity_check`, and only then renamed into place; older backups are rotated out only
after that (see `rotation.py`). A small JSON sidecar records what the tracker looked like
(size and modification time of the file and its -wal) and a hash of the backup, so
"changed since the last backup?" is answered cheaply and exactly.

Where backups live and how they are named and listed: `backup_index.py`.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from lodestone.core.backups.index import (
    REASON_PATTERN,
    BackupInfo,
    TrackerKey,
    first_problem,
    list_backups,
    needs_backup,
    parse_backup,
    tracker_stamp,
)
from lodestone.core.backups.rotation import to_keep
from lodestone.core.paths import AppPaths
from lodestone.core.storage.db import TrackerError, connect_readonly, inspect_existing
from lodestone.core.storage.files import (
    companion,
    create_private,
    file_set,
    fsync_dir,
    fsync_file,
    make_private,
    private_dir,
    set_aside,
    time_stamp,
    utcnow,
)
from lodestone.core.storage.identity import read_identity, stamp_identity


class BackupFailed(TrackerError):
    """A backup could not be made or is not usable; the message is one sentence."""


class OtherTrackerBackup(BackupFailed):
    """The backup was taken of another tracker: restoring it needs the user's confirmation."""


def take_backup(db: Path, paths: AppPaths, reason: str, now: datetime | None = None) -> BackupInfo:
    """Back up `db` into its backups folder, verified, then rotate older backups out."""
    info = _backup(db, paths, reason, now, only_if_changed=False)
    assert info is not None  # only a backup asked for `only_if_changed` may be skipped
    return info


def maybe_backup(
    db: Path, paths: AppPaths, reason: str, now: datetime | None = None
) -> BackupInfo | None:
    """Back up `db` only if it changed since its latest backup (on open, on the edit timer)."""
    return _backup(db, paths, reason, now, only_if_changed=True)


def backup_to(db: Path, dest: Path) -> Path:
    """A verified backup at a place the user chose (a folder, or a new file); no rotation."""
    if dest.is_dir():
        dest = dest / _backup_name(db, utcnow(), "manual")
    if dest.exists():
        raise BackupFailed(f"{dest} already exists; choose another name or folder")
    if not dest.parent.is_dir():
        raise BackupFailed(f"cannot back up to {dest}: the folder {dest.parent} does not exist")
    inspect_existing(db)
    temp, _digest = _copy_verified(db, dest)
    _publish(temp, dest)
    return dest


def verify_backup(path: Path) -> None:
    """Raise BackupFailed unless `path` is a readable tracker that passes integrity_check."""
    try:
        inspect_existing(path)
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        finally:
            conn.close()
    except TrackerError as exc:
        raise BackupFailed(f"the backup {path.name} is not usable: {exc}") from None
    except (sqlite3.Error, UnicodeDecodeError) as exc:
        raise BackupFailed(f"the backup {path.name} is damaged ({exc})") from None
    if rows != [("ok",)]:
        raise BackupFailed(f"the backup {path.name} is damaged ({first_problem(rows)})")


def rotate(
    paths: AppPaths, db: Path, now: datetime | None = None, protect: Path | None = None,
    key: TrackerKey | None = None,
) -> list[Path]:
    """Delete the backups of `db` the schedule no longer keeps (never `protect`); return them."""
    backups = list_backups(paths, db, key)
    keep = {b.path for b in to_keep(backups, now or utcnow())} | {protect}
    removed = []
    for backup in backups:
        if backup.path not in keep:
            backup.path.unlink(missing_ok=True)
            backup.sidecar.unlink(missing_ok=True)
            removed.append(backup.path)
    return removed


def restore_backup(
    backup: Path, dest: Path, now: datetime | None = None, *, other_tracker: bool = False
) -> Path | None:
    """Put a verified copy of `backup` at `dest`; return where the previous file was set aside.

    The caller holds the writer lock and has closed its connection. The current file is
    renamed `<dest>.before-restore-<time>` together with its -wal/-shm, so no stale -wal is
    ever paired with the restored file; the copy is made under a temporary name and renamed.
    A backup of another tracker is refused (OtherTrackerBackup) unless `other_tracker` says
    the user confirmed it. The restored file keeps the identity of the tracker it replaces,
    so that tracker's backups stay its own.
    """
    if not dest.parent.is_dir():
        raise BackupFailed(f"cannot restore to {dest}: the folder {dest.parent} does not exist")
    verify_backup(backup)
    if not other_tracker and of_another_tracker(backup, dest):
        raise OtherTrackerBackup(f"{backup.name} is a backup of another tracker, not of {dest}; "
                                 "restoring it would replace this tracker's records with that "
                                 "tracker's")
    dest_id = read_identity(dest) if dest.exists() else None
    temp, _digest = _copy_verified(backup, dest)
    if dest_id is not None and read_identity(temp) != dest_id:
        try:
            stamp_identity(temp, dest_id)
        except sqlite3.Error as exc:
            _discard(temp)
            raise BackupFailed(f"{backup} could not be copied ({exc})") from None
    aside = None
    if any(p.exists() for p in file_set(dest)):
        aside = set_aside(dest, "before-restore", now)
    _publish(temp, dest)
    return aside


def of_another_tracker(backup: Path, dest: Path) -> bool:
    """Whether `backup` was taken of a tracker other than the one at `dest`: by the ids in
    both files, else by the tracker the backup's sidecar names. Unknown counts as the same,
    and nothing is at stake when `dest` does not exist."""
    if not dest.exists():
        return False
    dest_id = read_identity(dest)
    facts = BackupInfo(backup, utcnow(), "", 0).facts()
    backup_id = read_identity(backup) or facts.get("tracker_id")
    if backup_id and dest_id:
        return bool(backup_id != dest_id)
    source = facts.get("source")
    return bool(source) and source != str(dest.resolve())


# -- internals -----------------------------------------------------------------------------


def _backup_name(db: Path, when: datetime, reason: str) -> str:
    if not REASON_PATTERN.match(reason):
        raise ValueError(f"a backup reason is lowercase words joined by '-', not {reason!r}")
    return f"{Path(db).stem}-{time_stamp(when)}-{reason}.db"


def _free(path: Path) -> Path:
    n = 1
    candidate = path
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def _backup(
    db: Path, paths: AppPaths, reason: str, now: datetime | None, *, only_if_changed: bool
) -> BackupInfo | None:
    db = Path(db)
    when = now or utcnow()
    name = _backup_name(db.resolve(), when, reason)
    key = TrackerKey.of(db)
    latest = next(iter(list_backups(paths, db, key)), None)
    if only_if_changed and not needs_backup(db, latest):
        return None
    inspect_existing(db)
    stamp = tracker_stamp(db)  # before copying: a write during the copy means "changed" later
    try:
        private_dir(paths.backups_dir)
        folder = private_dir(key.folder(paths))
    except OSError as exc:
        raise BackupFailed(f"the backups folder {paths.backups_dir} cannot be used "
                           f"({exc.strerror or exc})") from None
    target = _free(folder / name)
    temp, digest = _copy_verified(db, target)
    if only_if_changed and latest is not None and latest.facts().get("sha256") == digest:
        temp.unlink()
        _write_sidecar(latest.sidecar, {**latest.facts(), "stamp": stamp})
        return None
    _publish(temp, target)
    _write_sidecar(target.with_name(target.name + ".json"),
                   {**key.sidecar_facts(), "stamp": stamp, "sha256": digest})
    rotate(paths, db, when, protect=target, key=key)
    info = parse_backup(target)
    if info is None:
        raise BackupFailed(f"the backup {target} disappeared as it was written")
    return info


def _copy_verified(source: Path, target: Path) -> tuple[Path, str]:
    """Copy `source` with the backup API to a temporary file next to `target`; verify it."""
    temp = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        temp.unlink(missing_ok=True)
        create_private(temp)
    except OSError as exc:
        raise BackupFailed(f"cannot write a backup in {target.parent} ({exc.strerror})") from None
    try:
        src = connect_readonly(source)  # creates nothing beside it: a read-only folder is fine
        try:
            dst = sqlite3.connect(temp, isolation_level=None)
            try:
                # a temporary file, discarded on any failure and fsynced before it is
                # published: its own journal and syncs would only slow the copy down
                dst.execute("PRAGMA synchronous = OFF")
                dst.execute("PRAGMA journal_mode = MEMORY")
                src.backup(dst)  # all pages in one step: one consistent snapshot
                dst.execute("PRAGMA journal_mode = DELETE")
            finally:
                dst.close()
        finally:
            src.close()
        verify_backup(temp)
        fsync_file(temp)
    except (sqlite3.Error, OSError) as exc:
        _discard(temp)
        raise BackupFailed(f"{source} could not be copied ({exc})") from None
    except BaseException:
        _discard(temp)
        raise
    return temp, _sha256(temp)


def _discard(temp: Path) -> None:
    for path in (temp, companion(temp, "-journal"), companion(temp, "-wal"),
                 companion(temp, "-shm")):
        path.unlink(missing_ok=True)


def _publish(temp: Path, target: Path) -> None:
    os.replace(temp, target)
    make_private(target)
    fsync_dir(target.parent)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_sidecar(path: Path, facts: dict[str, Any]) -> None:
    temp = path.with_name(f".{path.name}.{os.getpid()}.partial")
    temp.unlink(missing_ok=True)
    create_private(temp)
    temp.write_text(json.dumps(facts, sort_keys=True), "utf-8")
    os.replace(temp, path)
