"""How fast Lodestone starts: the window, against a bare PySide6 window started the same way,
and the headless commands, against starting Python at all.

Every start is a fresh process, with its bytecode cached as an installed app has it. The
window figure is `lodestone --db TRACKER` (a writable copy of the benchmark tracker, with its
settings and an up-to-date backup from an untimed first start, as when an analyst reopens
their tracker) from spawning the process until the first view's rows are painted; the floor is
a bare QMainWindow of the same size, from spawning until its first paint. Asserts nothing
about time (machines differ), only that each start succeeded.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bench_harness import child_env, median_ms, sample_median, writable_copy
from bench_table import BenchTable, Target
from lodestone.core.backup import maybe_backup
from lodestone.core.backup_index import list_backups, needs_backup
from lodestone.core.paths import AppPaths

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
        backed_up.append(needs_backup(tracker, next(iter(list_backups(paths, tracker)), None)))
        return first_paint_ms(args, env)

    ms, runs = sample_median(start)
    note = "reopening: backup up to date" if not any(backed_up) else \
        f"a backup on open ran in the background in {sum(backed_up)} of {runs} starts"
    bench_table.add("start to first painted main window (lodestone --db)", bench_size, ms,
                    floor=bare_window, target=START_TARGET, runs=runs, note=note)


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
