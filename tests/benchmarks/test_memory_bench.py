"""Resident memory once every view has been opened (each list, the Timeline, Funding, Trash),
in a fresh process so nothing else the benchmarks did is counted; and then how long a full
garbage collection pauses the window.

Read from /proc/self/status (VmRSS, and VmHWM, the peak) by the child process. Reports into the
shared table; asserts only that every view was opened, never a size.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from bench_harness import child_env
from bench_table import BenchTable, Target
from lodestone.ui.main_window import VIEWS

pytestmark = pytest.mark.bench

CHILD = Path(__file__).with_name("bench_child.py")
MEMORY_TARGET = Target(limit=300)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux's /proc")
def test_memory_with_every_view_open(bench_size: int, bench_tracker: Path, tmp_path: Path,
                                     bench_table: BenchTable) -> None:  # fmt: skip
    env = child_env(tmp_path / "home")
    done = subprocess.run([sys.executable, str(CHILD), "memory", str(bench_tracker)], env=env,
                          capture_output=True, text=True, timeout=900, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["views"] == [key for key, _title, _shortcut in VIEWS]
    bench_table.add("resident memory, every view opened once", bench_size,
                    found["rss_kib"] / 1024, unit="MiB", target=MEMORY_TARGET,
                    note=f"peak {found['peak_kib'] / 1024:,.0f} MiB; views opened in "
                         f"{found['seconds']:.1f} s")  # fmt: skip
    spared, walked = found["collect_ms"]
    bench_table.add("full garbage collection, every view opened", bench_size, spared,
                    note=f"the window's long-lived objects set aside, as the app runs; "
                         f"walking them all: {walked:.0f} ms")  # fmt: skip
