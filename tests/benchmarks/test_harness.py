"""The harness itself: sizes from the environment, cache names that go stale, the verdicts.

Quick checks (no tracker is generated) run with the benchmarks, so a table is never built on
a misread size or a wrong verdict.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import bench_harness
import pytest
from bench_harness import (
    DEFAULT_SIZES,
    SIZES_VARIABLE,
    bench_sizes,
    cache_name,
    cached_tracker,
    generator_hash,
    runs_for,
    sample_median,
    spec_for,
)
from bench_table import BenchTable, Target, slowest_of
from lodestone.core.storage import SCHEMA_VERSION

pytestmark = pytest.mark.bench


@pytest.mark.parametrize(("text", "sizes"), [
    ("", DEFAULT_SIZES),
    ("1000", (1000,)),
    (" 100000, 1_000 ,1000", (1000, 100_000)),
])  # fmt: skip
def test_sizes_from_the_environment(text: str, sizes: tuple[int, ...]) -> None:
    assert bench_sizes({SIZES_VARIABLE: text}) == sizes


@pytest.mark.parametrize("text", ["ten", "1000,", "-1000", "1e6", "99", "1000;2000"])
def test_bad_sizes_are_refused_naming_the_variable(text: str) -> None:
    with pytest.raises(ValueError, match=SIZES_VARIABLE):
        bench_sizes({SIZES_VARIABLE: text})


def test_proportions_and_cache_name() -> None:
    spec = spec_for(1_000_000)
    assert (spec.events, spec.deals, spec.companies) == (1_000_000, 100_000, 10_000)
    assert spec_for(100).companies == 1 and not spec_for(100).problems()
    name = cache_name(1000)
    assert f"schema{SCHEMA_VERSION}" in name and generator_hash() in name
    assert cache_name(1000) != cache_name(100_000)


def test_a_changed_generator_makes_a_new_tracker(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bench_harness, "CACHE", tmp_path)
    first = cached_tracker(100, progress=lambda _: None)
    assert [p.name for p in tmp_path.glob("lodestone-bench-*")] == [first.name]  # no leftovers
    conn = sqlite3.connect(f"{first.as_uri()}?mode=ro", uri=True)
    try:  # complete on its own, as a read-only (immutable) open needs it
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 100
    finally:
        conn.close()
    assert cached_tracker(100, progress=pytest.fail) == first  # cached: not made again
    monkeypatch.setattr(bench_harness, "generator_hash", lambda: "0123456789")
    second = cached_tracker(100, progress=lambda _: None)
    assert second != first and second.exists() and not first.exists()


def test_slow_steps_get_fewer_runs_but_never_one() -> None:
    assert runs_for([10.0], 5) == 5
    assert runs_for([900.0], 5) == 3
    assert runs_for([2500.0, 30.0], 5) == 5  # judged by the fastest run: the first was cold
    assert runs_for([2500.0], 5) == 2
    values = iter([40.0, 10.0, 30.0, 20.0, 50.0])
    assert sample_median(lambda: next(values)) == (30.0, 5)


def test_verdicts() -> None:
    table = BenchTable()
    fast = table.add("x", 1000, 50, target=Target(limit=100))
    slow = table.add("x", 1_000_000, 150, target=Target(limit=100))
    assert (fast.verdict, slow.verdict) == ("meets", "MISSES")
    assert table.add("y", 1000, 30, floor=10, target=Target(ratio=3)).verdict == "meets"
    assert table.add("y", 2000, 31, floor=10, target=Target(ratio=3)).verdict == "MISSES"
    assert table.add("z", None, 10, floor=10, target=Target(ratio=1, strict=True)).verdict \
        == "MISSES"
    assert table.add("w", None, 10).verdict == ""
    assert table.misses() == [slow, table.figures[3], table.figures[4]]
    rows = table.rows()
    assert rows[1][7] == "×3.0" and [row[0] for row in rows][:2] == ["x", "x"]
    assert "| x | 1M | 150 ms |" in table.markdown()


def test_slowest_of_names_the_worst_steps() -> None:
    ms, note = slowest_of({"a": 50.0, "b": 900.0, "c": 400.0, "d": 350.0, "e": 320.0},
                          Target(limit=300))  # fmt: skip
    assert ms == 900.0
    assert note == "slowest: b (of 5); 4 over target: b 900, c 400, d 350 …"
    assert slowest_of({"a": 5.0}, Target(limit=300)) == (5.0, "slowest: a (of 1)")
