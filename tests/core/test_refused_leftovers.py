"""A refused or failed import creates nothing: no empty tracker, no -wal, no lock file."""

from __future__ import annotations

from pathlib import Path

import pytest
from lodestone.cli import main
from lodestone.core.paths import AppPaths
from lodestone.core.records import Company
from lodestone.core.samples.example import load_example
from lodestone.core.storage import Repository, acquire
from lodestone.core.tracker import open_for_writing

from tests.core.limited_cli import one_line_failure, run_limited

BAD_ROWS = "Company Name,raisedAmt,Date\nVulcan Elements,a lot,someday\n"


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def refused(capsys, *argv: object) -> str:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err
    assert err.count("\n") <= 1
    return err


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    """A folder of inputs: a snapshot, a file that is not one, a CSV whose rows are refused."""
    folder = tmp_path / "in"
    folder.mkdir()
    source = folder / "source.db"
    repo = Repository.open(source)
    load_example(repo)
    repo.close()
    assert main(["export", "--db", str(source), str(folder / "snap.zip")]) == 0
    (folder / "bad.zip").write_text("not a zip")
    (folder / "bad.csv").write_text(BAD_ROWS)
    return folder


@pytest.fixture
def target(tmp_path: Path) -> Path:
    folder = tmp_path / "target"
    folder.mkdir()
    return folder


def test_a_refused_import_into_a_new_path_leaves_nothing(capsys, inputs: Path, target: Path):
    refused(capsys, "import", "--db", target / "new.db", inputs / "bad.zip")
    assert listing(target) == []


def test_refused_rows_into_a_new_path_leave_nothing(capsys, inputs: Path, target: Path):
    refused(capsys, "import-csv", "--db", target / "new.db", "--kind", "deals",
            inputs / "bad.csv")
    assert listing(target) == []


def test_a_refused_file_gets_no_lock_beside_it(capsys, inputs: Path, target: Path):
    text = target / "notes.txt"
    text.write_text("my notes")
    refused(capsys, "import", "--db", text, inputs / "snap.zip")
    assert listing(target) == ["notes.txt"] and text.read_text() == "my notes"


def test_a_folder_given_as_the_tracker_makes_no_lock_beside_it(
    capsys, inputs: Path, target: Path
):
    (target / "dir").mkdir()
    err = refused(capsys, "import", "--db", f"{target / 'dir'}/", inputs / "snap.zip")
    assert "folder" in err
    assert listing(target) == ["dir"] and listing(target / "dir") == []


def test_an_import_into_a_new_path_on_a_full_disk_leaves_nothing(inputs: Path, target: Path):
    one_line_failure(run_limited(200_000, "import", "--db", target / "new.db",
                                 inputs / "snap.zip"))
    assert listing(target) == []


def test_an_existing_tracker_keeps_its_files_when_an_import_is_refused(
    capsys, inputs: Path, target: Path
):
    db = target / "t.db"
    with open_for_writing(db, AppPaths.default(), backup_on_open=False) as session:
        session.repo.save(Company("Vulcan Elements"))
    names, content = listing(target), db.read_bytes()
    refused(capsys, "import", "--db", db, inputs / "bad.zip")
    assert listing(target) == names and db.read_bytes() == content  # its lock file stays


def test_a_lock_removed_by_its_holder_is_never_held_twice(target: Path):
    db = target / "t.db"
    first = acquire(db)
    assert first.created
    first.abandon()
    assert listing(target) == []
    with acquire(db) as second:
        assert second.created and listing(target) == ["t.db.lock"]
    assert listing(target) == ["t.db.lock"]  # a lock that was held normally stays
