"""Hostile files on the command line: every one refused with exit 1 (compare: 2) and one line
on stderr, never a traceback, and the tracker it was meant for left byte for byte as it was."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from bad_files import BAD_SNAPSHOTS
from lodestone.cli import main
from lodestone.core.samples.example import load_example
from lodestone.core.snapshots import export_snapshot
from lodestone.core.storage import Repository


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


# -- import-csv: a refusal is a line on stderr, and a dry run says what the import would do ----

INVALID_DEALS = "title,amount\nA,lots\nB,5\n"


@pytest.mark.parametrize("dry_run", [[], ["--dry-run"]])
def test_a_refused_csv_import_says_so_on_stderr(capsys: pytest.CaptureFixture[str],
                                                tracker: Path, tmp_path: Path,
                                                dry_run: list[str]) -> None:  # fmt: skip
    path = tmp_path / "deals.csv"
    path.write_text(INVALID_DEALS)
    before = digest(tracker)
    line = one_line_error(capsys, "import-csv", "--db", tracker, "--kind", "deals", path, *dry_run)
    outcome = "the import would be refused" if dry_run else "nothing was imported"
    assert line == f"lodestone: error: {path}: 2 rows invalid (listed above); {outcome}"
    assert digest(tracker) == before


# -- a symbolic link that loops reads the same from every command ----------------------------


@pytest.mark.parametrize("command", [
    ["check", "--db", "LOOP"], ["stats", "--db", "LOOP"], ["export", "--db", "LOOP", "OUT"],
    ["import", "--db", "LOOP", "SNAP"], ["import", "--db", "NEW", "LOOP"],
    ["import-csv", "--kind", "deals", "--db", "LOOP", "CSV"],
    ["import-csv", "--kind", "deals", "--db", "LOOP", "CSV", "--dry-run"],
    ["import-csv", "--kind", "deals", "--db", "NEW", "LOOP"],
    ["backup", "--db", "LOOP"], ["restore", "--db", "LOOP", "TRACKER"],
])  # fmt: skip
def test_a_symlink_loop_is_named_as_one(capsys: pytest.CaptureFixture[str], tracker: Path,
                                        snapshot: Path, tmp_path: Path,
                                        command: list[str]) -> None:  # fmt: skip
    loop = tmp_path / "loop.db"
    loop.symlink_to(loop.name)
    (tmp_path / "in.csv").write_text("title\nA\n")
    names = {"LOOP": loop, "OUT": tmp_path / "out", "SNAP": snapshot, "NEW": tmp_path / "new.db",
             "CSV": tmp_path / "in.csv", "TRACKER": tracker}  # fmt: skip
    line = one_line_error(capsys, *[names.get(word, word) for word in command])
    assert f"{loop} is a symbolic link that leads back to itself (a loop)" in line
    assert loop.is_symlink()
