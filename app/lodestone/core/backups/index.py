"""The backups of a tracker as found on disk: where they live, their names, their facts.

Backups live in `<backups_dir>/<stem>-<id>/<stem>-YYYYmmddTHHMMSS-<reason>.db`: the folder is
keyed by the tracker's own identity (see `storage.identity`), so two trackers with the same
file name never share one, and by its real file, so a symlink to it finds the same folder.
The time is in UTC; the name alone says when and why. Each has a JSON sidecar (`<name>.json`)
with what the tracker looked like when it was taken (see `tracker_stamp`), the backup's hash,
the tracker's real path and id. Files not named like a backup are never touched.

Backups made before trackers had an id live in `<backups_dir>/<stem>/`, a folder every
tracker of that name shared; a tracker finds its own there by the path its sidecar records.
A tracker whose id cannot be read (a damaged file) finds its backups the same way, in every
folder of its name.
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
from lodestone.core.storage.identity import read_identity

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


@dataclass(frozen=True)
class TrackerKey:
    """What a tracker's backups are found by: its real file, and its id once it has one."""

    real: Path
    tracker_id: str | None

    @classmethod
    def of(cls, db: Path) -> TrackerKey:
        real = Path(db).resolve()
        return cls(real, read_identity(real))

    def folder(self, paths: AppPaths) -> Path:
        """Where new backups of the tracker go."""
        if self.tracker_id is None:
            return self.shared_folder(paths)
        return paths.backups_dir / f"{self.real.stem}-{self.tracker_id[:12]}"

    def shared_folder(self, paths: AppPaths) -> Path:
        """The folder all trackers of this file name shared before they had an id."""
        return paths.backups_dir / self.real.stem

    def owns(self, facts: dict[str, Any]) -> bool:
        """Whether a backup in the shared folder, by what its sidecar says, is this tracker's."""
        backup_id = facts.get("tracker_id")
        if backup_id:
            return bool(backup_id == self.tracker_id)
        source = facts.get("source")
        return source is None or source == str(self.real)

    def sidecar_facts(self) -> dict[str, Any]:
        return {"source": str(self.real), "tracker_id": self.tracker_id}


def backup_folder(paths: AppPaths, db: Path) -> Path:
    """Where new backups of `db` go."""
    return TrackerKey.of(db).folder(paths)


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


def list_backups(paths: AppPaths, db: Path, key: TrackerKey | None = None) -> list[BackupInfo]:
    """The backups of `db`, newest first: those in its own folder, and its own of those
    taken before it had an id."""
    key = key or TrackerKey.of(db)
    own = key.folder(paths)
    shared = key.shared_folder(paths)
    found = [b for b in _backups_in(shared) if key.owns(b.facts())]
    if own != shared:
        found += _backups_in(own)
    else:  # no id to go by: its backups in the folders of its name's ids, by their source
        for folder in _id_folders(paths, key.real.stem):
            found += [b for b in _backups_in(folder) if b.facts().get("source") == str(key.real)]
    return sorted(found, key=lambda b: (b.taken_at, b.written_ns), reverse=True)


def _id_folders(paths: AppPaths, stem: str) -> list[Path]:
    pattern = re.compile(re.escape(stem) + r"-[0-9a-f]{12}")
    try:
        return [p for p in paths.backups_dir.iterdir() if pattern.fullmatch(p.name)]
    except (FileNotFoundError, NotADirectoryError):
        return []


def _backups_in(folder: Path) -> list[BackupInfo]:
    try:
        files = [p for p in folder.iterdir() if p.suffix == ".db"]
    except (FileNotFoundError, NotADirectoryError):
        return []
    return [b for b in map(parse_backup, files) if b is not None]


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
