"""A tracker closed cleanly and untouched since is not re-read by quick_check on open (a
second of start-up at a million events); any change since, or a crash, means it is."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from lodestone.core.paths import AppPaths
from lodestone.core.records import Company
from lodestone.core.storage import DamagedTrackerError
from lodestone.core.storage.lock import lock_path
from lodestone.core.tracker import open_for_writing, recovery
from lodestone.core.tracker.recovery import pairing_record


@pytest.fixture
def checks(monkeypatch) -> list[bool]:
    seen: list[bool] = []
    original = recovery.check_on_open

    def spy(db: Path, *, quick_check: bool = True) -> None:
        seen.append(quick_check)
        original(db, quick_check=quick_check)

    monkeypatch.setattr("lodestone.core.tracker.session.check_on_open", spy)
    return seen


def closed_tracker(tmp_path: Path) -> tuple[Path, AppPaths]:
    paths = AppPaths(tmp_path / "home")
    db = tmp_path / "t.db"
    with open_for_writing(db, paths, backup_on_open=False) as session:
        session.repo.save(Company("Vulcan Elements"))
    return db, paths


def test_clean_close_then_open_skips_quick_check(tmp_path: Path, checks: list[bool]):
    db, paths = closed_tracker(tmp_path)
    with open_for_writing(db, paths, backup_on_open=False) as session:
        assert session.repo.find_company("Vulcan Elements") is not None
    assert checks == [False]


def test_a_file_changed_since_the_close_is_checked_and_refused(tmp_path, checks):
    db, paths = closed_tracker(tmp_path)
    data = bytearray(db.read_bytes())
    data[4096:8192] = b"\xff" * 4096
    db.write_bytes(bytes(data))
    with pytest.raises(DamagedTrackerError):
        open_for_writing(db, paths, backup_on_open=False)
    assert checks == [True]


def test_same_size_and_time_but_another_file_is_checked(tmp_path, checks):
    db, paths = closed_tracker(tmp_path)
    stat = db.stat()
    copy = tmp_path / "copy.db"
    copy.write_bytes(db.read_bytes())
    copy.replace(db)  # a new inode: someone put another file there
    os.utime(db, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with open_for_writing(db, paths, backup_on_open=False):
        pass
    assert checks == [True]


def test_after_a_crash_the_file_is_checked(tmp_path, checks):
    paths = AppPaths(tmp_path / "home")
    db = tmp_path / "t.db"
    session = open_for_writing(db, paths, backup_on_open=False)
    session.repo.save(Company("Energy Fuels"))
    session.repo.close()
    session.lock.release()  # the process died: no clean-close record
    with open_for_writing(db, paths, backup_on_open=False):
        pass
    assert checks == [True]  # (the first open created the file: nothing to check)


@pytest.mark.parametrize("exists", [False, True])
def test_while_open_the_lock_names_the_files_in_use(tmp_path: Path, exists: bool):
    """A new file is recorded once it exists; reopening records the same files, once."""
    paths = AppPaths(tmp_path / "home")
    db = tmp_path / "t.db"
    if exists:
        closed_tracker(tmp_path)
    with open_for_writing(db, paths, backup_on_open=False):
        record = json.loads(lock_path(db).read_text(encoding="utf-8"))
        assert record["files"] == pairing_record(db)
        assert record["files"]["db"] is not None and record["files"]["wal"] is not None
