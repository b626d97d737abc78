"""Backups: made with the backup API, verified, private, rotated on schedule, restorable."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lodestone.core.backups import (
    BackupFailed,
    BackupInfo,
    backup_folder,
    backup_to,
    human_size,
    list_backups,
    maybe_backup,
    restore_backup,
    take_backup,
    verify_backup,
)
from lodestone.core.backups import backup as backup_module
from lodestone.core.backups.backup import rotate
from lodestone.core.backups.index import needs_backup, parse_backup
from lodestone.core.backups.rotation import KEEP_MONTHLY, to_keep
from lodestone.core.paths import AppPaths
from lodestone.core.records import Company
from lodestone.core.storage import NotATrackerError, Repository
from lodestone.core.tracker import open_for_writing

CHILD = Path(__file__).with_name("storage_child.py")
T0 = datetime(2025, 1, 1, tzinfo=UTC)


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths(tmp_path / "home")


@pytest.fixture
def tracker(tmp_path: Path):
    """A tracker kept open (so recent saves are still in its -wal, not the database file)."""
    repo = Repository.open(tmp_path / "t.db")
    repo.conn.execute("PRAGMA wal_autocheckpoint = 0")
    repo.save(Company("Vulcan Elements"))
    yield repo
    repo.close()


def names(db: Path) -> list[str]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM companies ORDER BY id")]
    finally:
        conn.close()


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


# -- taking backups --------------------------------------------------------------------


def test_backup_holds_what_is_still_in_the_wal(tracker: Repository, paths: AppPaths):
    db = Path(tracker.conn.execute("PRAGMA database_list").fetchone()[2])
    assert db.with_name("t.db-wal").stat().st_size > 0
    info = take_backup(db, paths, "manual")
    assert info.path.parent == backup_folder(paths, db)
    assert info.path.name.startswith("t-") and info.path.name.endswith("-manual.db")
    assert names(info.path) == ["Vulcan Elements"]
    header = info.path.read_bytes()[:20]
    assert header[18:20] == b"\x01\x01"  # rollback journal: opens alone, never needs a -wal
    assert not info.path.with_name(info.path.name + "-wal").exists()
    assert mode(info.path) == 0o600 and mode(info.sidecar) == 0o600
    assert mode(info.path.parent) == 0o700 and mode(paths.backups_dir) == 0o700
    assert [p.name for p in info.path.parent.iterdir() if p.name.startswith(".")] == []


def test_only_changed_trackers_are_backed_up_again(tmp_path: Path, paths: AppPaths):
    db = tmp_path / "t.db"
    repo = Repository.open(db)
    repo.save(Company("A"))
    first = maybe_backup(db, paths, "open")
    assert first is not None
    assert not needs_backup(db, first)
    assert maybe_backup(db, paths, "auto") is None
    repo.save(Company("B"))
    assert needs_backup(db, first)
    second = maybe_backup(db, paths, "auto")
    assert second is not None and names(second.path) == ["A", "B"]
    repo.close()  # the checkpoint changes the files, not the content
    assert needs_backup(db, second)
    assert maybe_backup(db, paths, "open") is None
    assert not needs_backup(db, list_backups(paths, db)[0])
    assert [b.reason for b in list_backups(paths, db)] == ["auto", "open"]


def test_backups_in_the_same_second_get_distinct_names(tracker: Repository, paths):
    db = Path(tracker.conn.execute("PRAGMA database_list").fetchone()[2])
    made = [take_backup(db, paths, "manual", now=T0) for _ in range(3)]
    assert len({b.path for b in made}) == 3
    assert [b.path for b in list_backups(paths, db)] == [b.path for b in reversed(made)]
    assert all(b.reason == "manual" for b in list_backups(paths, db))


@pytest.mark.parametrize("reason", ["", "Open", "before_import", "-x", "a--b", "x1"])
def test_bad_reasons_refused(tracker: Repository, paths: AppPaths, reason: str):
    db = Path(tracker.conn.execute("PRAGMA database_list").fetchone()[2])
    with pytest.raises(ValueError, match="backup reason"):
        take_backup(db, paths, reason)


@pytest.mark.parametrize(
    "name",
    ["t.db", "t-2025.db", "t-20250101T000000.db", "t-20251301T000000-open.db",
     "t-20250101T000000-open.db.json", ".t-20250101T000000-open.db.1.partial",
     "t-20250101T000000-Open.db"],
)
def test_files_not_named_like_backups_are_ignored(tmp_path: Path, name: str):
    path = tmp_path / name
    path.write_bytes(b"x")
    assert parse_backup(path) is None


def test_backup_of_a_non_tracker_is_refused(tmp_path: Path, paths: AppPaths):
    other = tmp_path / "notes.db"
    other.write_text("hello")
    with pytest.raises(NotATrackerError):
        take_backup(other, paths, "manual")
    assert list_backups(paths, other) == []


def test_backup_to_a_chosen_place(tracker: Repository, tmp_path: Path):
    db = Path(tracker.conn.execute("PRAGMA database_list").fetchone()[2])
    folder = tmp_path / "usb"
    folder.mkdir()
    into_folder = backup_to(db, folder)
    assert into_folder.parent == folder and names(into_folder) == ["Vulcan Elements"]
    as_file = backup_to(db, folder / "copy.db")
    assert names(as_file) == ["Vulcan Elements"] and mode(as_file) == 0o600
    with pytest.raises(BackupFailed, match="already exists"):
        backup_to(db, as_file)
    with pytest.raises(BackupFailed, match="does not exist"):
        backup_to(db, tmp_path / "missing" / "copy.db")


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"", "not usable"), (b"not a database at all" * 10, "not usable"), (None, "damaged")],
)
def test_unusable_backups_are_refused(tracker: Repository, paths, tmp_path, content, words):
    db = Path(tracker.conn.execute("PRAGMA database_list").fetchone()[2])
    bad = take_backup(db, paths, "manual").path
    if content is None:  # a damaged b-tree page, header intact
        data = bytearray(bad.read_bytes())
        page = 4096
        data[page * 2 + 8: page * 2 + 300] = os.urandom(292)
        bad.write_bytes(bytes(data))
    else:
        bad.write_bytes(content)
    with pytest.raises(BackupFailed, match=words):
        verify_backup(bad)


def test_a_backup_failing_verification_removes_nothing(tracker, paths, monkeypatch):
    db = Path(tracker.conn.execute("PRAGMA database_list").fetchone()[2])
    for day in range(20):  # old backups that rotation would thin out
        take_backup(db, paths, "auto", now=T0 + timedelta(days=day))
    before = sorted(p.name for p in backup_folder(paths, db).iterdir())

    def broken(path: Path) -> None:
        raise BackupFailed("the backup is damaged (injected)")

    monkeypatch.setattr(backup_module, "verify_backup", broken)
    with pytest.raises(BackupFailed, match="injected"):
        take_backup(db, paths, "auto", now=T0 + timedelta(days=400))
    assert sorted(p.name for p in backup_folder(paths, db).iterdir()) == before


# -- rotation ----------------------------------------------------------------------------


@pytest.mark.slow
def test_400_days_of_real_backups_on_a_fake_clock(tracker: Repository, paths: AppPaths):
    db = Path(tracker.conn.execute("PRAGMA database_list").fetchone()[2])
    taken = []
    for day in range(400):
        for hour in ((9, 13, 17) if day % 30 == 0 else (12,)):
            now = T0 + timedelta(days=day, hours=hour)
            taken.append(take_backup(db, paths, "auto", now=now).taken_at)
            on_disk = list_backups(paths, db)
            assert on_disk[0].taken_at == now  # the new one, verified, is always kept
    now = taken[-1]
    everything = {BackupInfo(Path(f"{t:%Y%m%d%H}.db"), t, "auto", 0) for t in taken}
    expected = {b.taken_at for b in to_keep(everything, now)}
    on_disk = list_backups(paths, db)
    assert {b.taken_at for b in on_disk} == expected
    months = {(b.taken_at.year, b.taken_at.month) for b in on_disk}
    assert len(months) == KEEP_MONTHLY
    files = list(backup_folder(paths, db).iterdir())
    assert len(files) == 2 * len(on_disk)  # each backup with its sidecar, nothing else
    assert rotate(paths, db, now) == []


# -- consistency under writes ---------------------------------------------------------


@pytest.mark.slow
def test_backups_during_continuous_writes_are_consistent_prefixes(tmp_path, paths):
    db = tmp_path / "t.db"
    open_for_writing(db, paths).close()
    writer = subprocess.Popen(
        [sys.executable, str(CHILD), "write-forever", str(db), str(tmp_path / "home")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "READY"
        made = []
        deadline = time.monotonic() + 30
        while len(made) < 5 and time.monotonic() < deadline:
            writer.stdout.readline()
            made.append(take_backup(db, paths, "auto"))
    finally:
        writer.kill()
        writer.communicate()
    assert len(made) == 5
    counts = []
    for info in made:
        conn = sqlite3.connect(f"{info.path.resolve().as_uri()}?mode=ro", uri=True)
        titles = [r[0] for r in conn.execute("SELECT title FROM deals ORDER BY id")]
        amounts = conn.execute(
            "SELECT d.amount_minor, sum(t.amount_minor) FROM deals d "
            "JOIN tranches t ON t.deal_id = d.id GROUP BY d.id").fetchall()
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        conn.close()
        assert titles == [f"deal {n}" for n in range(1, len(titles) + 1)]  # a prefix
        assert all(headline == total for headline, total in amounts)  # no half-saved deal
        assert not info.path.with_name(info.path.name + "-wal").exists()
        counts.append(len(titles))
    assert counts == sorted(counts) and counts[-1] > 0


# -- restore -----------------------------------------------------------------------------


def test_restore_round_trip_keeps_the_current_file_aside(tmp_path: Path, paths: AppPaths):
    db = tmp_path / "t.db"
    repo = Repository.open(db)
    repo.save(Company("In the backup"))
    saved = take_backup(db, paths, "manual")
    repo.save(Company("After the backup"))
    repo.close()
    aside = restore_backup(saved.path, db)
    assert names(db) == ["In the backup"]
    assert mode(db) == 0o600
    assert aside is not None and aside.name.startswith("t.db.before-restore-")
    assert names(aside) == ["In the backup", "After the backup"]
    assert restore_backup(saved.path, db) != aside  # a second restore never overwrites it
    assert names(aside) == ["In the backup", "After the backup"]


def test_restore_never_pairs_a_stale_wal(tmp_path: Path, paths: AppPaths):
    """A crashed tracker's -wal must move with it, not be replayed onto the restored file."""
    db = tmp_path / "t.db"
    repo = Repository.open(db)
    repo.save(Company("Backed up"))
    saved = take_backup(db, paths, "manual")
    repo.close()
    script = (
        "import os, sys\n"
        "from lodestone.core.storage.repository import Repository\n"
        "from lodestone.core.records.model import Company\n"
        "repo = Repository.open(sys.argv[1])\n"
        "repo.conn.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "for i in range(30): repo.save(Company(f'Unsaved {i}', notes='x' * 500))\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(db)], check=True)
    assert db.with_name("t.db-wal").stat().st_size > 0
    aside = restore_backup(saved.path, db)
    assert not db.with_name("t.db-wal").exists() and not db.with_name("t.db-shm").exists()
    assert names(db) == ["Backed up"]
    assert aside is not None and aside.with_name(aside.name + "-wal").exists()
    assert len(names(aside)) == 31  # the set-aside file still has its own transactions


def test_restore_into_an_empty_place(tmp_path: Path, paths: AppPaths):
    db = tmp_path / "t.db"
    Repository.open(db).close()
    saved = take_backup(db, paths, "manual")
    target = tmp_path / "new.db"
    assert restore_backup(saved.path, target) is None
    assert names(target) == []


@pytest.mark.parametrize("problem", ["missing", "damaged", "not-sqlite", "missing-folder"])
def test_a_bad_restore_leaves_the_tracker_untouched(tmp_path, paths, problem):
    db = tmp_path / "t.db"
    repo = Repository.open(db)
    repo.save(Company("Keep me"))
    repo.close()
    saved = take_backup(db, paths, "manual").path
    target = db
    if problem == "missing":
        saved.unlink()
    elif problem == "damaged":
        data = bytearray(saved.read_bytes())
        data[4096 + 8: 4096 + 400] = os.urandom(392)
        saved.write_bytes(bytes(data))
    elif problem == "not-sqlite":
        saved.write_text("hello" * 100)
    else:
        target = tmp_path / "nowhere" / "t.db"
    before = db.read_bytes()
    with pytest.raises(BackupFailed):
        restore_backup(saved, target)
    assert db.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if "restor" in p.name] == []


def test_session_restore_keeps_the_lock(tmp_path: Path, paths: AppPaths):
    db = tmp_path / "t.db"
    with open_for_writing(db, paths) as session:
        session.repo.save(Company("First"))
        saved = session.backup_now()
        session.repo.save(Company("Second"))
        aside = session.restore(saved.path)
        assert [c for c in session.repo.counts().values()][0] == 1
        session.repo.save(Company("After restore"))
        assert aside is not None and aside.exists()
    assert names(db) == ["First", "After restore"]


@pytest.mark.parametrize(
    ("size", "shown"),
    [(0, "0 bytes"), (1023, "1023 bytes"), (1024, "1.0 KB"), (245_760, "240 KB"),
     (3_250_000, "3.1 MB"), (5 * 1024**4 * 2000, "10000 TB")],
)
def test_sizes_read_as_people_say_them(size: int, shown: str):
    assert human_size(size) == shown
