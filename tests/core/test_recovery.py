"""Damaged files: refused in one sentence, never a crash or a hang; moved aside, backup offered."""

from __future__ import annotations

import hashlib
import json
import random
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from lodestone.core.backups import list_backups, take_backup
from lodestone.core.paths import AppPaths
from lodestone.core.records import Company
from lodestone.core.storage import (
    SCHEMA_VERSION,
    LockedError,
    NewerSchemaError,
    NotATrackerError,
    TrackerError,
    cloud_sync_warning,
    inspect_existing,
)
from lodestone.core.storage.schema import KNOWN_MIGRATIONS, migration_set
from lodestone.core.tracker import (
    ForeignWalError,
    can_recover,
    latest_good_backup,
    open_for_writing,
    recover,
)
from lodestone.core.tracker.recovery import check_pairing

CHILD = Path(__file__).with_name("storage_child.py")
FLIPPED_FILES = 100
HANG_LIMIT_S = 10


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_sentence(message: str) -> bool:
    return bool(message) and "\n" not in message and not re.search(r"[.!?]\s+[A-Z]", message)


def make_tracker(db: Path, paths: AppPaths, names: list[str]) -> None:
    with open_for_writing(db, paths, backup_on_open=False) as session:
        for name in names:
            session.repo.save(Company(name, notes="n" * 300))


def crash_with_wal(db: Path, names: list[str]) -> None:
    """Write `names` into `db` from a Lodestone that dies before any checkpoint."""
    script = (
        "import os, sys\n"
        "from pathlib import Path\n"
        "from lodestone.core.paths import AppPaths\n"
        "from lodestone.core.records.model import Company\n"
        "from lodestone.core.tracker.session import open_for_writing\n"
        "db = Path(sys.argv[1])\n"
        "s = open_for_writing(db, AppPaths(db.parent / 'home'), backup_on_open=False)\n"
        "s.repo.conn.execute('PRAGMA wal_autocheckpoint = 0')\n"
        "for name in sys.argv[2:]: s.repo.save(Company(name, notes='w' * 300))\n"
        "os._exit(0)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(db), *names], check=True)


def companies(db: Path, paths: AppPaths) -> list[str]:
    with open_for_writing(db, paths, backup_on_open=False) as session:
        rows = session.repo.conn.execute("SELECT name FROM companies ORDER BY id")
        return [r[0] for r in rows]


# -- corrupt fixtures, opened in a child process ----------------------------------------


def corrupt_fixtures(folder: Path) -> dict[str, str]:
    """name -> how it was damaged; every file is a copy of one real tracker."""
    paths = AppPaths(folder / "home")
    good = folder / "good.db"
    make_tracker(good, paths, [f"Company {i}" for i in range(60)])
    data = good.read_bytes()
    made = {}

    def write(name: str, content: bytes, how: str) -> None:
        (folder / name).write_bytes(content)
        made[name] = how

    write("truncated.db", data[: len(data) // 2], "cut in half")
    write("truncated-header.db", data[:60], "cut inside the header")
    write("empty.db", b"", "zero length")
    write("text.db", b"Company,Kind\nVulcan,company\n" * 50, "not SQLite")
    write("header.db", b"\x00" * 100 + data[100:], "header overwritten")
    write("pages-zeroed.db", data[:4096] + b"\x00" * (len(data) - 4096), "pages zeroed")
    for i in range(FLIPPED_FILES):
        rng = random.Random(i)
        flipped = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            flipped[rng.randrange(len(flipped))] ^= 1 << rng.randrange(8)
        write(f"flipped-{i}.db", bytes(flipped), f"byte flips, seed {i}")
    # a foreign -wal (no lock record says whose it is): pages of another tracker mixed in
    shutil.copy(good, folder / "foreign-wal.db")
    other = folder / "other.db"
    make_tracker(other, paths, [f"Other {i}" for i in range(80)])
    crash_with_wal(other, [f"Late {i}" for i in range(40)])
    shutil.copy(other.with_name("other.db-wal"), folder / "foreign-wal.db-wal")
    made["foreign-wal.db"] = "a -wal from another tracker"
    return made


@pytest.mark.slow
def test_corrupt_files_never_crash_or_hang(tmp_path: Path):
    made = corrupt_fixtures(tmp_path)
    proc = subprocess.run(
        [sys.executable, str(CHILD), "open-files", *(str(tmp_path / n) for n in made)],
        capture_output=True, text=True, timeout=HANG_LIMIT_S * 6,
    )
    assert proc.returncode == 0, proc.stderr  # a crash (segfault, abort) ends it early
    outcomes = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [Path(o["file"]).name for o in outcomes] == list(made)
    refused = 0
    for outcome in outcomes:
        name, how = Path(outcome["file"]).name, made[Path(outcome["file"]).name]
        assert outcome["seconds"] < HANG_LIMIT_S, (name, how)
        if outcome["ok"]:
            continue  # a flip in unused space or inside a text value changes no structure
        refused += 1
        assert not outcome["error"].startswith("UNEXPECTED"), (name, how, outcome)
        assert one_sentence(outcome["message"]), outcome["message"]
    not_flipped = [o for o in outcomes if not Path(o["file"]).name.startswith("flipped-")]
    assert all(not o["ok"] for o in not_flipped), not_flipped
    assert refused >= len(not_flipped) + 5  # byte flips really did damage some files
    assert digest(tmp_path / "empty.db") == digest_of(b"")  # refused files left untouched


def digest_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# -- moved aside, backup offered --------------------------------------------------------


def damage(db: Path, how: str) -> None:
    data = db.read_bytes()
    if how == "truncated":
        db.write_bytes(data[: len(data) // 3])
    elif how == "zero-length":
        db.write_bytes(b"")
    elif how == "not-sqlite":
        db.write_text("just some notes\n" * 40)
    elif how == "header":
        db.write_bytes(b"\xff" * 100 + data[100:])
    elif how == "pages":
        db.write_bytes(data[:4096] + bytes(range(256)) * 16 + data[8192:])


@pytest.mark.parametrize("how", ["truncated", "zero-length", "not-sqlite", "header", "pages"])
def test_damaged_tracker_moved_aside_and_backup_restored(tmp_path: Path, how: str):
    db, paths = tmp_path / "t.db", AppPaths(tmp_path / "home")
    make_tracker(db, paths, ["Vulcan Elements", "MP Materials"])
    take_backup(db, paths, "manual")
    damage(db, how)
    damaged = db.read_bytes()
    with pytest.raises(TrackerError) as failure:
        open_for_writing(db, paths)
    error = failure.value
    assert one_sentence(str(error))
    assert can_recover(db, error)
    assert db.read_bytes() == damaged  # refused, untouched
    backup = latest_good_backup(paths, db)
    assert backup is not None
    aside = recover(db, error, backup)
    assert aside.name.startswith("t.db.damaged-")
    assert aside.read_bytes() == damaged  # never deleted
    assert companies(db, paths) == ["Vulcan Elements", "MP Materials"]


def test_damaged_file_moves_aside_with_its_wal(tmp_path: Path):
    db, paths = tmp_path / "t.db", AppPaths(tmp_path / "home")
    make_tracker(db, paths, ["A"])
    crash_with_wal(db, ["B"])
    damage(db, "header")
    with pytest.raises(NotATrackerError) as failure:
        open_for_writing(db, paths)
    aside = recover(db, failure.value, None)
    assert aside.with_name(aside.name + "-wal").stat().st_size > 0
    assert not db.exists() and not db.with_name("t.db-wal").exists()
    assert companies(db, paths) == []  # no backup: a new, empty tracker


def test_latest_good_backup_skips_a_damaged_one(tmp_path: Path):
    db, paths = tmp_path / "t.db", AppPaths(tmp_path / "home")
    make_tracker(db, paths, ["A"])
    good = take_backup(db, paths, "manual")
    with open_for_writing(db, paths, backup_on_open=False) as session:
        session.repo.save(Company("B"))
    newest = take_backup(db, paths, "manual")
    newest.path.write_bytes(newest.path.read_bytes()[:5000])
    assert list_backups(paths, db)[0].path == newest.path
    assert latest_good_backup(paths, db).path == good.path
    good.path.unlink()
    assert latest_good_backup(paths, db) is None


def test_what_recovery_never_touches(tmp_path: Path):
    db = tmp_path / "t.db"
    assert not can_recover(tmp_path, NotATrackerError("a folder"))
    assert not can_recover(db, NewerSchemaError("newer"))
    assert not can_recover(db, LockedError(db, None))
    assert not can_recover(db, TrackerError("other"))


# -- a -wal that belongs to another file --------------------------------------------------


def test_foreign_wal_refused_and_moved_aside_alone(tmp_path: Path):
    db, other, paths = tmp_path / "t.db", tmp_path / "o.db", AppPaths(tmp_path / "home")
    make_tracker(db, paths, ["Mine"])
    make_tracker(other, paths, [])
    crash_with_wal(other, ["Theirs"])  # all of its data lives in its -wal
    shutil.copy(other.with_name("o.db-wal"), db.with_name("t.db-wal"))
    before = digest(db)
    with pytest.raises(ForeignWalError, match="belongs to another database") as failure:
        open_for_writing(db, paths)
    assert one_sentence(str(failure.value))
    assert digest(db) == before  # the foreign pages were never checkpointed into it
    assert can_recover(db, failure.value)
    aside = recover(db, failure.value, latest_good_backup(paths, db))
    assert aside.exists() and aside.name.endswith("-wal")
    assert companies(db, paths) == ["Mine"]


def test_stale_wal_never_paired_with_a_replacement_file(tmp_path: Path):
    db, paths = tmp_path / "t.db", AppPaths(tmp_path / "home")
    make_tracker(db, paths, ["Old"])
    with open_for_writing(db, paths, backup_on_open=False):
        pass
    crash_with_wal(db, ["Crashed"])  # leaves a -wal
    replacement = tmp_path / "r.db"
    make_tracker(replacement, paths, ["Replacement"])
    shutil.copy(replacement, tmp_path / "r2.db")
    (tmp_path / "r2.db").replace(db)  # someone puts another file in its place
    with pytest.raises(ForeignWalError, match="belongs to the file that was there before"):
        open_for_writing(db, paths)


def test_own_wal_after_a_crash_is_accepted(tmp_path: Path):
    db, paths = tmp_path / "t.db", AppPaths(tmp_path / "home")
    make_tracker(db, paths, ["Before"])
    crash_with_wal(db, ["Crashed but committed"])
    assert db.with_name("t.db-wal").stat().st_size > 32
    assert companies(db, paths) == ["Before", "Crashed but committed"]


@pytest.mark.parametrize("record", [{}, {"files": None}, {"files": "x"}])
def test_pairing_unknown_without_a_record(tmp_path: Path, record):
    db, paths = tmp_path / "t.db", AppPaths(tmp_path / "home")
    make_tracker(db, paths, ["A"])
    crash_with_wal(db, ["B"])
    check_pairing(db, record)  # nothing recorded: nothing to say


# -- before migrations ------------------------------------------------------------------


def older_tracker(db: Path) -> None:
    if SCHEMA_VERSION < 2:
        pytest.skip("only one schema version exists so far")
    from sqlite_utils import Database

    conn = sqlite3.connect(db)
    migration_set().apply(Database(conn), stop_before=KNOWN_MIGRATIONS[-1])
    conn.execute("INSERT INTO companies (name) VALUES ('From the old version')")
    conn.execute("PRAGMA application_id = 0x4C4F4445")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()


def test_backup_taken_before_a_migration(tmp_path: Path):
    db, paths = tmp_path / "t.db", AppPaths(tmp_path / "home")
    older_tracker(db)
    with open_for_writing(db, paths, backup_on_open=False):
        pass
    backups = list_backups(paths, db)
    assert [b.reason for b in backups] == ["before-migration"]
    assert inspect_existing(backups[0].path) == SCHEMA_VERSION - 1
    assert inspect_existing(db) == SCHEMA_VERSION


def test_no_migration_without_its_backup(tmp_path: Path):
    db, paths = tmp_path / "t.db", AppPaths(tmp_path / "home")
    older_tracker(db)
    paths.data_dir.mkdir()
    paths.backups_dir.write_text("a file where the backups folder should be")
    with pytest.raises(TrackerError, match="backups folder"):
        open_for_writing(db, paths)
    assert inspect_existing(db) == SCHEMA_VERSION - 1


# -- privacy and location ---------------------------------------------------------------


def test_open_makes_the_tracker_private(tmp_path: Path):
    db, paths = tmp_path / "t.db", AppPaths(tmp_path / "home")
    make_tracker(db, paths, ["A"])
    db.chmod(0o644)
    with open_for_writing(db, paths) as session:
        session.repo.save(Company("B"))
        for path in (db, db.with_name("t.db-wal"), db.with_name("t.db-shm")):
            assert path.stat().st_mode & 0o777 == 0o600, path


def test_a_failing_backup_on_open_is_reported_not_fatal(tmp_path: Path):
    db, paths = tmp_path / "t.db", AppPaths(tmp_path / "home")
    make_tracker(db, paths, ["A"])
    paths.data_dir.mkdir()
    paths.backups_dir.write_text("in the way")
    with open_for_writing(db, paths) as session:
        assert "backups folder" in session.backup_warning
        session.repo.save(Company("B"))


@pytest.mark.parametrize(
    ("folder", "service"),
    [
        ("Dropbox/work", "Dropbox"),
        ("Dropbox (Personal)", "Dropbox"),
        ("OneDrive - Contoso/Docs", "OneDrive"),
        ("OneDrive", "OneDrive"),
        ("Google Drive/My Drive", "Google Drive"),
        ("Library/Mobile Documents/com~apple~CloudDocs", "iCloud Drive"),
        ("Library/CloudStorage/Box-Box", "cloud storage"),
    ],
)
def test_cloud_synced_folders_warned(tmp_path: Path, folder: str, service: str):
    warning = cloud_sync_warning(tmp_path / folder / "t.db")
    assert warning is not None and f"inside a {service} folder" in warning


def test_syncthing_folder_found_by_its_marker(tmp_path: Path):
    (tmp_path / "shared" / "deep").mkdir(parents=True)
    (tmp_path / "shared" / ".stfolder").mkdir()
    assert "Syncthing" in cloud_sync_warning(tmp_path / "shared" / "deep" / "t.db")
    assert cloud_sync_warning(tmp_path / "t.db") is None


@pytest.mark.parametrize("folder", ["Documents", "Dropboxes", "MyOneDriveNotes", "drive"])
def test_ordinary_folders_not_warned(tmp_path: Path, folder: str):
    assert cloud_sync_warning(tmp_path / folder / "t.db") is None
