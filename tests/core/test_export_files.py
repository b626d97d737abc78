"""What an export leaves on disk: its snapshot, private to its owner, and nothing else
(no hidden partial after a full disk, a file-size limit or a kill)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from lodestone.core.samples.example import load_example
from lodestone.core.snapshots import export_snapshot
from lodestone.core.snapshots.files import SnapshotWriter
from lodestone.core.storage import Repository

from tests.core.limited_cli import one_line_failure, run_limited


@pytest.fixture
def tracker(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    repo = Repository.open(path)
    load_example(repo)
    repo.close()
    return path


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("name", ["snap.zip", "snap"])
def test_an_export_under_a_file_size_limit_leaves_nothing(tracker: Path, out: Path, name: str):
    one_line_failure(run_limited(2000, "export", "--db", tracker, out / name))
    assert listing(out) == []


KILLED_EXPORT = """
import sys
from pathlib import Path
from lodestone.core.snapshots.files import SnapshotWriter
writer = SnapshotWriter(Path(sys.argv[1]))
sink = writer.open("companies.csv")
sink.write(b"id,name\\n")
print("WRITING", flush=True)
sys.stdin.read()
"""


@pytest.mark.parametrize("name", ["snap.zip", "snap"])
def test_the_next_export_removes_what_a_killed_one_left(tracker: Path, out: Path, name: str):
    with subprocess.Popen([sys.executable, "-c", KILLED_EXPORT, str(out / name)],
                          stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as child:
        assert child.stdout is not None and child.stdout.readline() == "WRITING\n"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    [left] = listing(out)
    assert left.startswith(f".{name}.") and left.endswith(".partial")
    export_snapshot(tracker, out / name)
    assert listing(out) == [name]


def test_a_partial_still_being_written_is_left_alone(tracker: Path, out: Path):
    with SnapshotWriter(out / "snap.zip"):
        [partial] = listing(out)
        time.sleep(0.01)
        with SnapshotWriter(out / "snap.zip"):
            assert partial in listing(out) and len(listing(out)) == 2
    assert listing(out) == []


def test_files_not_named_like_our_partials_are_never_touched(tracker: Path, out: Path):
    for name in (".snap.zip.partial", ".snap.zip.mine.partial", "snap.zip.12345678.partial",
                 ".other.zip.abcdefgh.partial"):
        (out / name).write_text("keep")
    export_snapshot(tracker, out / "snap.zip")
    assert len(listing(out)) == 5


@pytest.mark.parametrize("umask", [0o022, 0o000])
def test_an_export_folder_is_its_owners_only(tracker: Path, out: Path, umask: int):
    """Every file Lodestone writes is 0600, the CSVs of an export folder included."""
    previous = os.umask(umask)
    try:
        export_snapshot(tracker, out / "snap")
        export_snapshot(tracker, out / "snap.zip")
    finally:
        os.umask(previous)
    assert (out / "snap").stat().st_mode & 0o777 == 0o700
    modes = {p.name: p.stat().st_mode & 0o777 for p in (out / "snap").iterdir()}
    assert "companies.csv" in modes and set(modes.values()) == {0o600}, modes
    assert (out / "snap.zip").stat().st_mode & 0o777 == 0o600
