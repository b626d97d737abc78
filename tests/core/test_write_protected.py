"""A write-protected tracker (`chmod 444`) is read, never written, by every command."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from lodestone.cli import main
from lodestone.core.backups import take_backup
from lodestone.core.paths import AppPaths
from lodestone.core.records import Company
from lodestone.core.storage import WriteProtectedError, make_private
from lodestone.core.tracker import open_for_writing, open_readonly

DEALS = "Company Name,Lender,Type,raisedAmt,Date\nVulcan Elements,BMW i Ventures,Loan,$5M,2025-08\n"


@pytest.fixture
def paths() -> AppPaths:
    return AppPaths.default()  # the test's private LODESTONE_HOME


@pytest.fixture
def protected(tmp_path: Path, paths: AppPaths) -> Path:
    db = tmp_path / "t.db"
    with open_for_writing(db, paths, backup_on_open=False) as session:
        session.repo.save(Company("Vulcan Elements"))
    db.chmod(0o444)
    return db


def files_beside(db: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mode) for p in sorted(db.parent.iterdir())
            if p.is_file()}


def one_line_failure(capsys, *argv: object) -> str:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert code == 1 and "Traceback" not in err
    assert err.count("\n") == 1 and err.startswith("lodestone: error: "), err
    return err


@pytest.mark.parametrize("command", ["import-csv", "import", "restore"])
def test_every_writing_command_refuses_it_in_one_line(
    capsys, protected: Path, tmp_path: Path, paths: AppPaths, command: str
):
    csv = tmp_path / "in" / "awards.csv"
    csv.parent.mkdir()
    csv.write_text(DEALS)
    snapshot = tmp_path / "in" / "snap.zip"
    assert main(["export", "--db", str(protected), str(snapshot)]) == 0
    backup = take_backup(protected, paths, "manual").path
    capsys.readouterr()
    before = files_beside(protected)
    argv = {
        "import-csv": ["import-csv", "--db", protected, "--kind", "deals", csv],
        "import": ["import", "--db", protected, snapshot],
        "restore": ["restore", backup, "--db", protected],
    }[command]
    err = one_line_failure(capsys, *argv)
    assert "write-protected" in err
    assert files_beside(protected) == before  # not a byte, not a mode bit, no new file
    assert stat.S_IMODE(protected.stat().st_mode) == 0o444


@pytest.mark.parametrize("command", ["generate", "example"])
def test_an_empty_write_protected_tracker_is_not_filled(
    capsys, tmp_path: Path, paths: AppPaths, command: str
):
    db = tmp_path / "empty.db"
    open_for_writing(db, paths, backup_on_open=False).close()
    db.chmod(0o444)
    before = files_beside(db)
    extra = ["--companies", "2", "--deals", "1", "--events", "1"] * (command == "generate")
    assert "write-protected" in one_line_failure(capsys, command, "--db", db, *extra)
    assert files_beside(db) == before


def test_it_opens_read_only(protected: Path, paths: AppPaths):
    with pytest.raises(WriteProtectedError):
        open_for_writing(protected, paths)
    session = open_readonly(protected, paths)
    try:
        assert session.readonly
        assert session.repo.counts()["company"] == 1
    finally:
        session.close()


def test_making_a_file_private_never_grants_writing(tmp_path: Path):
    read_only, shared = tmp_path / "r", tmp_path / "s"
    for path, mode in ((read_only, 0o444), (shared, 0o664)):
        path.write_text("x")
        path.chmod(mode)
    make_private(read_only, shared)
    assert stat.S_IMODE(read_only.stat().st_mode) == 0o400
    assert stat.S_IMODE(shared.stat().st_mode) == 0o600
