"""When the disk refuses a write, say so: a sound tracker is never called damaged."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from lodestone.core.paths import AppPaths
from lodestone.core.records import Company
from lodestone.core.tracker import open_for_writing

from tests.core.limited_cli import one_line_failure, run_limited


@pytest.fixture
def with_wal(tmp_path: Path) -> Path:
    """A sound tracker whose last commits are still in its -wal, and no -shm beside it (as a
    copy of a tracker open elsewhere, or one left by a crash)."""
    source = tmp_path / "source" / "t.db"
    source.parent.mkdir()
    with open_for_writing(source, AppPaths.default(), backup_on_open=False) as session:
        session.repo.save(Company("Vulcan Elements"))
        session.repo.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        session.repo.conn.execute("PRAGMA wal_autocheckpoint = 0")
        session.repo.save(Company("Niron Magnetics"))
        db = tmp_path / "t.db"
        shutil.copy(source, db)
        shutil.copy(source.with_name("t.db-wal"), tmp_path / "t.db-wal")
    return db


@pytest.mark.parametrize("command", [["check"], ["stats"], ["export", "out.zip"]])
def test_a_sound_tracker_on_a_full_disk_is_not_called_damaged(with_wal: Path, command):
    before = with_wal.read_bytes()
    err = one_line_failure(run_limited(1024, command[0], "--db", with_wal, *command[1:],
                                       cwd=with_wal.parent))
    assert "damaged" not in err.replace("not damaged", "")
    assert "disk is full" in err
    assert with_wal.read_bytes() == before
    # with room again, it is what it always was
    conn = sqlite3.connect(with_wal)
    assert [r[0] for r in conn.execute("SELECT name FROM companies ORDER BY id")] == [
        "Vulcan Elements", "Niron Magnetics"]
    conn.close()


READ_ONLY_BACKUP = """
set -e
mount --bind -o ro "$1" "$1"
"$2" -m lodestone backup --db "$1/t.db"
"""


@pytest.mark.skipif(shutil.which("unshare") is None, reason="needs unshare")
def test_a_tracker_in_a_read_only_folder_is_backed_up(tmp_path: Path):
    folder = tmp_path / "ro"
    folder.mkdir()
    with open_for_writing(folder / "t.db", AppPaths.default(), backup_on_open=False) as session:
        session.repo.save(Company("Vulcan Elements"))
    (folder / "t.db.lock").unlink()
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", f"mount --bind -o ro {folder} {folder}"],
                           capture_output=True)
    if probe.returncode != 0:
        pytest.skip("read-only bind mounts are not allowed here")
    result = subprocess.run(["unshare", "-rm", "sh", "-c", READ_ONLY_BACKUP, "sh", str(folder),
                             sys.executable], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Backed up" in result.stdout and "verified" in result.stdout
    assert sorted(p.name for p in folder.iterdir()) == ["t.db"]
