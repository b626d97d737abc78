"""Backups are the tracker's own: keyed by the id stored in the file, never by its name.

Two trackers called `tracker.db` in two folders once shared one backups folder: rotating
one deleted the other's backups, and `backups`/`restore` offered the other's data.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lodestone.cli import main
from lodestone.core.backups import (
    OtherTrackerBackup,
    backup_folder,
    list_backups,
    restore_backup,
    take_backup,
)
from lodestone.core.paths import AppPaths
from lodestone.core.records import Company
from lodestone.core.storage import read_identity
from lodestone.core.tracker import open_for_writing

from tests.core.schema_versions import build_version

START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def paths() -> AppPaths:
    return AppPaths.default()  # the test's private LODESTONE_HOME


def tracker(path: Path, paths: AppPaths, *names: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open_for_writing(path, paths, backup_on_open=False) as session:
        for name in names:
            session.repo.save(Company(name))
    return path


def companies(db: Path) -> list[str]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM companies ORDER BY id")]
    finally:
        conn.close()


@pytest.fixture
def two(tmp_path: Path, paths: AppPaths) -> tuple[Path, Path]:
    """Two trackers with the same file name, in two folders."""
    return (tracker(tmp_path / "a" / "tracker.db", paths, "Alpha"),
            tracker(tmp_path / "b" / "tracker.db", paths, "Beta"))


def test_each_tracker_has_its_own_id(two: tuple[Path, Path]):
    a, b = two
    assert read_identity(a) and read_identity(b)
    assert read_identity(a) != read_identity(b)


def test_rotating_one_tracker_never_deletes_the_backups_of_another(
    two: tuple[Path, Path], paths: AppPaths
):
    a, b = two
    mine = take_backup(a, paths, "manual", START)
    for n in range(1, 12):
        take_backup(b, paths, "manual", START + timedelta(seconds=n))
    assert mine.path.exists()
    assert [x.path for x in list_backups(paths, a)] == [mine.path]
    theirs = list_backups(paths, b)
    assert len(theirs) == 10 and mine.path not in {x.path for x in theirs}
    assert backup_folder(paths, a) != backup_folder(paths, b)


def test_restoring_another_trackers_backup_needs_a_confirmation(
    two: tuple[Path, Path], paths: AppPaths, capsys
):
    a, b = two
    mine = take_backup(a, paths, "manual", START)
    theirs = take_backup(b, paths, "manual", START + timedelta(seconds=1))
    before = a.read_bytes()
    assert main(["restore", str(theirs.path), "--db", str(a)]) == 1
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and "another tracker" in err
    assert "--other-tracker" in err
    assert a.read_bytes() == before
    assert companies(a) == ["Alpha"]

    assert main(["restore", str(theirs.path), "--db", str(a), "--other-tracker"]) == 0
    capsys.readouterr()
    assert companies(a) == ["Beta"]
    # the file at a/ is still tracker a: its own backups stay its own, b's stay b's
    assert [x.path for x in list_backups(paths, a)] == [mine.path]
    assert [x.path for x in list_backups(paths, b)] == [theirs.path]


def test_a_trackers_own_backup_restores_without_asking(two: tuple[Path, Path], paths: AppPaths):
    a, _ = two
    mine = take_backup(a, paths, "manual", START)
    tracker(a, paths, "Added later")
    restore_backup(mine.path, a)
    assert companies(a) == ["Alpha"]
    with pytest.raises(OtherTrackerBackup):
        restore_backup(take_backup(two[1], paths, "manual").path, a)


def _legacy_backup(paths: AppPaths, db: Path, stamp: str, facts: dict | None) -> Path:
    """A backup as releases before tracker ids left it, in the folder named after the stem."""
    folder = paths.backups_dir / db.stem
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{db.stem}-{stamp}-manual.db"
    build_version(path, 11)
    if facts is not None:
        path.with_name(path.name + ".json").write_text(json.dumps(facts), "utf-8")
    return path


def test_backups_taken_before_ids_are_found_and_kept(two: tuple[Path, Path], paths: AppPaths):
    a, b = two
    old_a = _legacy_backup(paths, a, "20260101T000000", {"source": str(a.resolve())})
    old_b = _legacy_backup(paths, b, "20260101T000001", {"source": str(b.resolve())})
    assert [x.path for x in list_backups(paths, a)] == [old_a]
    assert [x.path for x in list_backups(paths, b)] == [old_b]
    for n in range(12):
        take_backup(b, paths, "manual", START + timedelta(seconds=n))
    assert old_a.exists() and old_b.exists()  # b's rotation keeps a's and the month's newest
    assert old_a in {x.path for x in list_backups(paths, a)}
    assert old_b in {x.path for x in list_backups(paths, b)}
    # and a legacy backup of another tracker is not restored without a confirmation
    with pytest.raises(OtherTrackerBackup):
        restore_backup(old_b, a)


def test_a_tracker_without_an_id_gets_one_when_opened_for_writing(
    tmp_path: Path, paths: AppPaths
):
    db = tmp_path / "old.db"
    build_version(db, 11)
    assert read_identity(db) is None
    tracker(db, paths, "Now with an id")
    assert read_identity(db) is not None and len(read_identity(db) or "") == 32


def test_a_symlink_finds_the_same_backups(tmp_path: Path, paths: AppPaths):
    real = tracker(tmp_path / "real" / "T.db", paths, "Alpha")
    (tmp_path / "other").mkdir()
    link = tmp_path / "other" / "L.db"
    link.symlink_to(real)
    made = take_backup(link, paths, "manual", START)
    assert backup_folder(paths, link) == backup_folder(paths, real)
    assert [x.path for x in list_backups(paths, real)] == [made.path]
