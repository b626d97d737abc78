"""What every benchmark shares: the sizes to run, the cached trackers, and the one table.

Each test that takes `bench_size` runs once per size of `LODESTONE_BENCH_SIZES` (default
1,000, 100,000 and 1,000,000 events). Figures go into `bench_table`; at the end of the session
the table is printed once, with the machine it ran on, and written as markdown to
`.bench-cache/last-results.md`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench_harness import CACHE, bench_sizes, cached_tracker
from bench_table import BenchTable
from lodestone.core.paths import AppPaths
from lodestone.core.storage import Repository
from lodestone.ui.context import AppContext

TABLE = pytest.StashKey[BenchTable]()
STARTED = pytest.StashKey[float]()
RESULTS_FILE = CACHE / "last-results.md"


def pytest_configure(config: pytest.Config) -> None:
    config.stash[TABLE] = BenchTable()
    config.stash[STARTED] = time.perf_counter()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "bench_size" in metafunc.fixturenames:
        sizes = bench_sizes()
        metafunc.parametrize("bench_size", sizes, ids=[f"{s}events" for s in sizes])


@pytest.fixture
def bench_table(request: pytest.FixtureRequest) -> BenchTable:
    return request.config.stash[TABLE]


@pytest.fixture
def bench_tracker(bench_size: int) -> Path:
    """The cached tracker of `bench_size` events (generated on first use): read-only!"""
    return cached_tracker(bench_size)


@pytest.fixture
def bench_ctx(bench_tracker: Path, tmp_path: Path, qapp) -> Iterator[AppContext]:
    """An app context over the cached tracker, opened read-only as `lodestone render` does."""
    ctx = AppContext.create(Repository.open(bench_tracker, readonly=True),
                            AppPaths(tmp_path / "home"), bench_tracker, True)  # fmt: skip
    yield ctx
    ctx.undo_stack.clear()
    ctx.close()


def pytest_terminal_summary(terminalreporter, exitstatus: int, config: pytest.Config) -> None:
    table = config.stash.get(TABLE, None)
    if table is None or not table.figures:
        return
    text, markdown = table.report(time.perf_counter() - config.stash[STARTED])
    terminalreporter.write_sep("=", "benchmark results")
    for line in text.splitlines():
        terminalreporter.write_line(line)
    CACHE.mkdir(exist_ok=True)
    RESULTS_FILE.write_text(markdown + "\n", encoding="utf-8")
    terminalreporter.write_line(f"(also written as markdown to .bench-cache/{RESULTS_FILE.name})")
