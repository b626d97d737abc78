"""How fast Lodestone starts: the window, against a bare PySide6 window started the same way,
and the headless commands, against starting Python at all.

Every start is a fresh process, with its bytecode cached as an installed app has it. The
window figure is `lodestone --db TRACKER` from spawning the process until the first view's rows
are painted; the floor is a bare QMainWindow of the same size, from spawning until its first
paint. Asserts nothing about time (machines differ), only that each start succeeded and found
the file as it meant to.

The main figure is the analyst's everyday start: reopening their tracker, which the previous
start closed cleanly (a writable copy of the benchmark tracker, with its settings and an
up-to-date backup from an untimed first start; every timed start quits by closing the
window, as the analyst does). Such a file is not read through for damage again: the lock
records a clean close and nothing has touched the file since. The first open of a file never
seen before is a figure of its own: a fresh copy for every start, so each start runs the
integrity check (quick_check) that reads the whole file before the window shows.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bench_harness import child_env, median_ms, sample_median, writable_copy
from bench_table import BenchTable, Target
from lodestone.core.backups import list_backups, maybe_backup
from lodestone.core.backups.index import needs_backup
from lodestone.core.paths import AppPaths
from lodestone.core.storage.lock import lock_path
from lodestone.core.tracker.recovery import unchanged_since_clean_close

pytestmark = pytest.mark.bench

CHILD = Path(__file__).with_name("bench_child.py")
LODESTONE = shutil.which("lodestone", path=str(Path(sys.executable).parent))
START_TARGET = Target(ratio=2)


def first_paint_ms(args: list[str], env: dict[str, str]) -> float:
    """Milliseconds from spawning `bench_child.py ARGS` until it reports its first paint."""
    started = time.monotonic()
    done = subprocess.run([sys.executable, str(CHILD), *args], env=env, capture_output=True,
                          text=True, timeout=600, check=False)  # fmt: skip
    words = done.stdout.split()
    assert done.returncode == 0 and words[:1] == ["painted"], done.stderr[-2000:]
    return (float(words[1]) - started) * 1000


@pytest.fixture(scope="module")
def bare_window() -> float:
    """The floor: a bare QMainWindow, median of 5 fresh starts after one warm-up."""
    env = child_env()
    first_paint_ms(["floor"], env)
    return sample_median(lambda: first_paint_ms(["floor"], env))[0]


def closed_cleanly(tracker: Path) -> bool:
    """Whether the last Lodestone to hold `tracker` closed it and nothing touched it since
    (read from the lock file, without taking the lock: taking it would rewrite the record)."""
    try:
        record = json.loads(lock_path(tracker).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return unchanged_since_clean_close(tracker, record)


def test_window_start_to_first_paint(bench_size: int, bench_tracker: Path, tmp_path: Path,
                                     bare_window: float, bench_table: BenchTable) -> None:
    tracker = writable_copy(bench_tracker, tmp_path / "tracker")
    paths = AppPaths(tmp_path / "home")
    env = child_env(paths.data_dir)
    args = ["app", str(tracker)]
    first_paint_ms(args, env)  # settings written, file switched to WAL, disk cache warm
    maybe_backup(tracker, paths, "open")  # so reopening finds its backup up to date
    backed_up: list[bool] = []

    def start() -> float:
        assert closed_cleanly(tracker), "the previous start did not close the tracker cleanly"
        backed_up.append(needs_backup(tracker, next(iter(list_backups(paths, tracker)), None)))
        return first_paint_ms(args, env)

    ms, runs = sample_median(start)
    assert closed_cleanly(tracker)
    note = "reopening after a clean close; backup up to date" if not any(backed_up) else \
        f"reopening after a clean close; a backup on open ran in {sum(backed_up)} of {runs}"
    bench_table.add("start to first painted main window (lodestone --db)", bench_size, ms,
                    floor=bare_window, target=START_TARGET, runs=runs, note=note)


def test_window_first_open_of_a_new_file(bench_size: int, bench_tracker: Path, tmp_path: Path,
                                         bare_window: float, bench_table: BenchTable) -> None:
    """A file no Lodestone has opened before: checked for damage before the window shows."""
    env = child_env(tmp_path / "home")
    copies = iter(range(1_000))
    fresh: list[Path] = []

    def prepare() -> None:
        for old in fresh:  # one copy on disk at a time: a million events is most of a GB
            shutil.rmtree(old.parent)
        fresh[:] = [writable_copy(bench_tracker, tmp_path / f"copy{next(copies)}")]

    def start() -> float:
        assert not closed_cleanly(fresh[0])
        return first_paint_ms(["app-first", str(fresh[0])], env)

    ms, runs = sample_median(start, prepare=prepare)
    shutil.rmtree(fresh[0].parent)
    bench_table.add("first open of a tracker never opened before", bench_size, ms,
                    floor=bare_window, runs=runs,
                    note="a fresh copy each start: quick_check reads it all before the window; "
                         "its backup starts after the first paint")  # fmt: skip


def test_headless_commands(tmp_path: Path, bench_table: BenchTable) -> None:
    """`lodestone --version` and the headless commands must not pay for Qt."""
    assert LODESTONE, "the lodestone command is not installed next to this Python"
    env = child_env(tmp_path / "home")
    example = tmp_path / "example.db"
    subprocess.run([LODESTONE, "example", "--db", str(example)], env=env, capture_output=True,
                   check=True)

    def run(command: list[str]) -> None:
        subprocess.run(command, env=env, capture_output=True, check=True)

    def median(command: list[str]) -> tuple[float, int]:
        run(command)  # warm-up: the disk cache is equal for all
        return median_ms(lambda: run(command), runs=7)

    python, python_runs = median([sys.executable, "-c", "pass"])
    commands = {
        "start-up: python -c 'import PySide6.QtWidgets'": [sys.executable, "-c",
                                                           "import PySide6.QtWidgets"],
        "start-up: lodestone --version": [LODESTONE, "--version"],
        "start-up: lodestone --help": [LODESTONE, "--help"],
        "start-up: lodestone check --db example": [LODESTONE, "check", "--db", str(example)],
    }
    for what, command in commands.items():
        ms, runs = median(command)
        bench_table.add(what, None, ms, floor=python, runs=runs,
                        note=f"floor: python -c pass ({python_runs} runs)")
