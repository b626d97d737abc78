"""`lodestone backup`, `restore` and `backups`: what they do, and every refusal."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lodestone.cli import main
from lodestone.core.backups import list_backups, take_backup
from lodestone.core.paths import AppPaths
from lodestone.core.records import Company
from lodestone.core.storage import acquire
from lodestone.core.tracker import open_for_writing


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def failed(capsys, *argv: str) -> str:
    """Run a command that must fail with exit status 1 and a single line on stderr."""
    status, out, err = run(capsys, *argv)
    assert (status, out) == (1, "")
    assert err.startswith("lodestone: error:") and err.count("\n") == 1
    return err


@pytest.fixture
def paths() -> AppPaths:
    return AppPaths.default()  # the test's private LODESTONE_HOME


@pytest.fixture
def own(paths: AppPaths) -> Path:
    """The analyst's own tracker, with one company."""
    paths.ensure()
    with open_for_writing(paths.tracker, paths, backup_on_open=False) as session:
        session.repo.save(Company("Vulcan Elements"))
    return paths.tracker


def companies(db: Path, paths: AppPaths) -> list[str]:
    with open_for_writing(db, paths, backup_on_open=False) as session:
        rows = session.repo.conn.execute("SELECT name FROM companies ORDER BY id")
        return [r[0] for r in rows]


def test_backup_of_your_own_tracker(capsys, own: Path, paths: AppPaths):
    status, out, err = run(capsys, "backup")
    assert (status, err) == (0, "")
    [made] = list_backups(paths, own)
    assert made.reason == "manual"
    assert out == f"Backed up {own} to {made.path} ({out.split('(')[1].split(',')[0]}, verified)\n"


def test_backup_to_a_folder_or_a_file(capsys, own: Path, tmp_path: Path):
    folder = tmp_path / "usb"
    folder.mkdir()
    assert run(capsys, "backup", "--db", str(own), str(folder))[0] == 0
    [copy] = list(folder.iterdir())
    assert copy.name.endswith("-manual.db")
    assert run(capsys, "backup", str(folder / "named.db"))[0] == 0
    assert (folder / "named.db").stat().st_mode & 0o777 == 0o600


def test_backups_listed_newest_first(capsys, own: Path, paths: AppPaths):
    take_backup(own, paths, "open")
    take_backup(own, paths, "before-import")
    status, out, _ = run(capsys, "backups")
    lines = out.splitlines()
    assert status == 0 and lines[0].startswith(f"Backups of {own}, newest first")
    assert len(lines) == 3
    for line, reason in zip(lines[1:], ["before-import", "open"], strict=True):
        assert re.match(rf"  \d{{4}}-\d\d-\d\d \d\d:\d\d:\d\d  {reason} +\d+ KB  ", line)


def test_no_backups_yet(capsys, tmp_path: Path):
    status, out, _ = run(capsys, "backups", "--db", str(tmp_path / "new.db"))
    assert status == 0 and out.startswith(f"No backups of {tmp_path / 'new.db'} yet")


def test_restore_round_trip_keeps_the_current_file(capsys, own: Path, paths: AppPaths):
    saved = take_backup(own, paths, "manual")
    with open_for_writing(own, paths, backup_on_open=False) as session:
        session.repo.save(Company("Added after the backup"))
    status, out, err = run(capsys, "restore", str(saved.path))
    assert (status, err) == (0, "")
    assert companies(own, paths) == ["Vulcan Elements"]
    kept = Path(out.splitlines()[1].removeprefix("The previous file was kept as "))
    assert kept.name.startswith(own.name + ".before-restore-")
    assert companies(kept, paths) == ["Vulcan Elements", "Added after the backup"]


def test_restore_refused_while_the_tracker_is_open(capsys, own: Path, paths: AppPaths):
    saved = take_backup(own, paths, "manual")
    before = own.read_bytes()
    with acquire(own):
        err = failed(capsys, "restore", str(saved.path))
    assert "is open in Lodestone on" in err
    assert own.read_bytes() == before


@pytest.mark.parametrize(
    "argv",
    [
        ["backup", "--db"],
        ["backup", "one.db", "two.db"],
        ["backup", "--bogus"],
        ["restore"],
        ["restore", "a.db", "b.db"],
        ["restore", "a.db", "--db"],
        ["backups", "extra"],
        ["backups", "--db"],
    ],
    ids=lambda argv: " ".join(argv),
)
def test_bad_arguments_are_usage_errors(capsys, argv: list[str]):
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: lodestone") and "lodestone" in err.splitlines()[-1]
    assert "error:" in err.splitlines()[-1]


def test_backup_refusals(capsys, own: Path, tmp_path: Path):
    assert "does not exist" in failed(capsys, "backup", "--db", str(tmp_path / "missing.db"))
    text = tmp_path / "notes.db"
    text.write_text("hello")
    assert "not a Lodestone tracker" in failed(capsys, "backup", "--db", str(text))
    assert "already exists" in failed(capsys, "backup", str(text))
    assert "does not exist" in failed(capsys, "backup", str(tmp_path / "nowhere" / "b.db"))


def test_restore_refusals(capsys, own: Path, paths: AppPaths, tmp_path: Path):
    before = own.read_bytes()
    assert "not usable" in failed(capsys, "restore", str(tmp_path / "missing.db"))
    text = tmp_path / "notes.db"
    text.write_text("hello" * 100)
    assert "not usable" in failed(capsys, "restore", str(text))
    damaged = take_backup(own, paths, "manual").path
    damaged.write_bytes(damaged.read_bytes()[:4096] + b"\x01" * 8192)
    assert "backup" in failed(capsys, "restore", str(damaged))
    good = take_backup(own, paths, "manual").path
    err = failed(capsys, "restore", str(good), "--db", str(tmp_path / "nowhere" / "t.db"))
    assert "cannot" in err
    assert own.read_bytes() == before
