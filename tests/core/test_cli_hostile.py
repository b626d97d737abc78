"""Hostile files on the command line: every one refused with exit 1 (compare: 2) and one line
on stderr, never a traceback, and the tracker it was meant for left byte for byte as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from bad_files import BAD_SNAPSHOTS
from lodestone.cli import main
from lodestone.core.samples.example import load_example
from lodestone.core.snapshots.export import export_snapshot
from lodestone.core.storage.repository import Repository


@pytest.fixture
def tracker(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    repo = Repository.open(path)
    try:
        load_example(repo)
    finally:
        repo.close()
    return path


@pytest.fixture
def snapshot(tracker: Path, tmp_path: Path) -> Path:
    dest = tmp_path / "good"
    export_snapshot(tracker, dest)
    return dest


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line_error(capsys: pytest.CaptureFixture[str], *argv: object, code: int = 1) -> str:
    assert main([str(a) for a in argv]) == code
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    # The backup taken before an import into a tracker with records is announced first.
    lines = [line for line in err.strip().splitlines() if not line.startswith("Backed up ")]
    assert len(lines) == 1 and lines[0].startswith("lodestone: error: "), err
    return lines[0]


@pytest.mark.parametrize("name", list(BAD_SNAPSHOTS))
def test_a_bad_snapshot_is_refused_in_one_line(capsys: pytest.CaptureFixture[str], tracker: Path,
                                               snapshot: Path, tmp_path: Path,
                                               name: str) -> None:  # fmt: skip
    make, words = BAD_SNAPSHOTS[name]
    bad = make(snapshot, tmp_path / "bad")
    before = digest(tracker)
    assert words in one_line_error(capsys, "import", "--db", tracker, bad)
    assert digest(tracker) == before


@pytest.mark.parametrize("name", list(BAD_SNAPSHOTS))
def test_compare_with_a_bad_snapshot_is_trouble(capsys: pytest.CaptureFixture[str],
                                                snapshot: Path, tmp_path: Path,
                                                name: str) -> None:  # fmt: skip
    make, _ = BAD_SNAPSHOTS[name]
    bad = make(snapshot, tmp_path / "bad")
    assert str(bad) in one_line_error(capsys, "compare", snapshot, bad, code=2)


@pytest.mark.parametrize("command", [["import", "SNAP"], ["import-csv", "--kind", "deals", "x.csv"],
                                     ["restore", "backup.db"], ["check"], ["export", "out"]])
@pytest.mark.parametrize("db", ["", ".", "..", "/"])
def test_a_db_that_names_no_file_is_a_usage_error(capsys: pytest.CaptureFixture[str],
                                                  command: list[str], db: str) -> None:  # fmt: skip
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--db", db])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"argument --db: {db!r} does not name a tracker file" in err
