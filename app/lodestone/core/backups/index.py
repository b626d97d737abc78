"""The backups of a tracker as found on disk: where they live, their names, their facts.

Backups live in `<backups_dir>/<tracker stem>/<stem>-YYYYmmddTHHMMSS-<reason>.db`, the time in
UTC; the name alone says when and why, so listing needs no database. Each has a JSON sidecar
(`<name>.json`) with what the tracker looked like when it was taken (see `tracker_stamp`)
and the backup's hash. Files not named like a backup are never touched.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from lodestone.core.paths import AppPaths
from lodestone.core.storage.files import companion, parse_time_stamp

REASON_PATTERN = re.compile(r"^[a-z]+(?:-[a-z]+)*$")
NAME_PATTERN = re.compile(
    r"^(?P<stem>.+)-(?P<stamp>\d{8}T\d{6})-(?P<reason>[a-z]+(?:-[a-z]+)*)(?:-\d+)?\.db$"
)


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    taken_at: datetime
    reason: str
    size: int
    written_ns: int = 0  # orders backups taken within the same second

    @property
    def sidecar(self) -> Path:
        return self.path.with_name(self.path.name + ".json")

    def facts(self) -> dict[str, Any]:
        """What the sidecar says (empty when it is missing or unreadable)."""
        try:
            data = json.loads(self.sidecar.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}


def human_size(size: int) -> str:
    """Bytes as people read them: 512 bytes, 240 KB, 3.1 MB, 1.2 GB (powers of 1024)."""
    if size < 1024:
        return f"{size} bytes"
    value = float(size)
    for unit in ("KB", "MB", "GB", "TB"):
        value /= 1024
        if value < 1024 or unit == "TB":
            return f"{value:.0f} {unit}" if value >= 10 else f"{value:.1f} {unit}"
    raise AssertionError("unreachable")


def backup_folder(paths: AppPaths, db: Path) -> Path:
    return paths.backups_dir / Path(db).stem


def parse_backup(path: Path) -> BackupInfo | None:
    """A BackupInfo for a file named like a backup, else None (other files are left alone)."""
    match = NAME_PATTERN.match(path.name)
    if match is None:
        return None
    try:
        taken_at = parse_time_stamp(match["stamp"])
        st = path.stat()
    except (ValueError, OSError):
        return None
    return BackupInfo(path, taken_at, match["reason"], st.st_size, st.st_mtime_ns)


def list_backups(paths: AppPaths, db: Path) -> list[BackupInfo]:
    """The backups of `db`, newest first."""
    folder = backup_folder(paths, db)
    if not folder.is_dir():
        return []
    found = (parse_backup(p) for p in folder.iterdir() if p.suffix == ".db")
    return sorted((b for b in found if b is not None), key=lambda b: (b.taken_at, b.written_ns),
                  reverse=True)


def tracker_stamp(db: Path) -> dict[str, list[int]]:
    """Size and mtime of the tracker and its -wal: every commit changes one of them."""
    stamp = {}
    for name, path in (("db", db), ("wal", companion(db, "-wal"))):
        try:
            st = path.stat()
            stamp[name] = [st.st_size, st.st_mtime_ns] if st.st_size else [0, 0]
        except FileNotFoundError:
            stamp[name] = [0, 0]
    return stamp


def needs_backup(db: Path, last: BackupInfo | None) -> bool:
    """True unless `last` was taken from exactly the tracker as it is now."""
    return last is None or last.facts().get("stamp") != tracker_stamp(db)


def first_problem(rows: list[tuple[str]]) -> str:
    """The first concrete problem of a quick_check/integrity_check report, on one line."""
    lines = [line.strip() for (text,) in rows for line in str(text).splitlines()]
    problems = [line for line in lines if line and not line.startswith("***")]
    first = problems[0] if problems else "unknown damage"
    return first if len(first) <= 120 else first[:117] + "..."
