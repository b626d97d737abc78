"""How fast the `lodestone` command starts, against the floor of starting Python at all.

`lodestone --version` and the headless commands must not pay for Qt. Each command is run a
few times in a fresh process (after one warm-up, so the disk cache is equal for all) and the
median wall time is printed with the Python floor subtracted. Asserts nothing about time
(machines differ), only that each command succeeded.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.bench

RUNS = 7
LODESTONE = shutil.which("lodestone", path=str(Path(sys.executable).parent))


def median_seconds(command: list[str], env: dict[str, str]) -> float:
    subprocess.run(command, env=env, capture_output=True, check=True)  # warm-up
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        subprocess.run(command, env=env, capture_output=True, check=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def test_startup_times(tmp_path: Path):
    assert LODESTONE, "the lodestone command is not installed next to this Python"
    env = {**os.environ, "LODESTONE_HOME": str(tmp_path / "home")}
    example = tmp_path / "example.db"
    subprocess.run([LODESTONE, "example", "--db", str(example)], env=env, capture_output=True,
                   check=True)
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import PySide6.QtWidgets'": [sys.executable, "-c",
                                                 "import PySide6.QtWidgets"],
        "lodestone --version": [LODESTONE, "--version"],
        "lodestone --help": [LODESTONE, "--help"],
        "lodestone check --db example": [LODESTONE, "check", "--db", str(example)],
    }
    results = {name: median_seconds(command, env) for name, command in commands.items()}
    floor = results["python -c pass"]
    print(f"\nstart-up, median of {RUNS} runs")
    print(f"{'command':<40} {'wall ms':>9} {'over python ms':>15}")
    for name, seconds in results.items():
        print(f"{name:<40} {seconds * 1000:>9.1f} {(seconds - floor) * 1000:>15.1f}")
    assert all(seconds > 0 for seconds in results.values())
