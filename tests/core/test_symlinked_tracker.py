"""A tracker reached through a symlink is the real file: one lock, one -wal, one backups folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from lodestone.cli import main
from lodestone.core.backups import backup_folder, list_backups
from lodestone.core.paths import AppPaths
from lodestone.core.records import Company
from lodestone.core.storage import LockedError
from lodestone.core.storage.lock import read_holder
from lodestone.core.tracker import open_for_writing

DEALS = "Company Name,Lender,Type,raisedAmt,Date\nVulcan Elements,BMW i Ventures,Loan,$5M,2025-08\n"


@pytest.fixture
def paths() -> AppPaths:
    return AppPaths.default()  # the test's private LODESTONE_HOME


@pytest.fixture
def linked(tmp_path: Path, paths: AppPaths) -> tuple[Path, Path]:
    """`real/T.db`, and `other/L.db`, a relative symlink to it."""
    (tmp_path / "real").mkdir()
    (tmp_path / "other").mkdir()
    real = tmp_path / "real" / "T.db"
    with open_for_writing(real, paths, backup_on_open=False) as session:
        session.repo.save(Company("Vulcan Elements"))
    link = tmp_path / "other" / "L.db"
    link.symlink_to(Path("..") / "real" / "T.db")
    return real, link


def test_one_writer_through_either_path(linked: tuple[Path, Path], paths: AppPaths):
    real, link = linked
    with open_for_writing(real, paths, backup_on_open=False):
        with pytest.raises(LockedError):
            open_for_writing(link, paths, backup_on_open=False)
        assert read_holder(link) is not None
    with open_for_writing(link, paths, backup_on_open=False):
        with pytest.raises(LockedError):
            open_for_writing(real, paths, backup_on_open=False)
    assert sorted(p.name for p in link.parent.iterdir()) == ["L.db"]  # no stray -wal or lock


def test_an_import_through_the_link_is_refused_while_the_real_file_is_open(
    capsys, linked: tuple[Path, Path], paths: AppPaths, tmp_path: Path
):
    real, link = linked
    csv = tmp_path / "awards.csv"
    csv.write_text(DEALS)
    with open_for_writing(real, paths, backup_on_open=False):
        before = real.read_bytes()
        code = main(["import-csv", "--db", str(link), "--kind", "deals", str(csv)])
        err = capsys.readouterr().err
        assert code == 1 and err.count("\n") == 1 and "open in Lodestone" in err
        assert real.read_bytes() == before


def test_backups_through_the_link_land_with_the_real_files(
    capsys, linked: tuple[Path, Path], paths: AppPaths
):
    real, link = linked
    assert main(["backup", "--db", str(link)]) == 0
    assert main(["backup", "--db", str(real)]) == 0
    capsys.readouterr()
    assert backup_folder(paths, link) == backup_folder(paths, real)
    assert len(list_backups(paths, real)) == 2
    assert [p.name for p in paths.backups_dir.iterdir()] == [backup_folder(paths, real).name]
