"""How long the GUI thread is held up while a snapshot export or a CSV import runs in the
background, at each size: a 10 ms timer on the GUI thread records the longest gap between its
ticks while the core function runs in a background job, as the app's jobs do.

(The export and import themselves, against sqlite3 and sqlite-utils, are in
test_csv_bench.py.) Imports write to fresh copies of the tracker, 100,000 events from a foreign
CSV file each time: the cached trackers are never changed. Asserts what each job did, never a
time.
"""

from __future__ import annotations

import csv
import shutil
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bench_harness import cached_tracker, sample_median, writable_copy
from bench_table import BenchTable, Target
from lodestone.core.csvio import import_csv
from lodestone.core.snapshots import export_snapshot
from lodestone.ui.jobs.runner import Job
from PySide6.QtCore import QEventLoop, QTimer

pytestmark = pytest.mark.bench

IMPORT_ROWS = 100_000
STALL_TARGET = Target(limit=100)
TICK_MS = 10
# The columns of an events file as a government or news dataset might give them.
EVENTS_CSV_SQL = """
SELECT t.title, t.date, coalesce(t.end_date, ''), t.kind,
       coalesce((SELECT group_concat(name, '; ') FROM (
           SELECT c.name FROM event_companies e JOIN companies c ON c.id = e.company_id
           WHERE e.event_id = t.id ORDER BY e.position)), ''),
       t.country, t.description
FROM events t WHERE t.deleted_at IS NULL ORDER BY t.id LIMIT ?
"""
EVENTS_CSV_HEADER = ("Title", "Date", "End date", "Type", "Companies", "Country", "Description")


def gui_stall(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """(longest gap in ms between ticks of a 10 ms timer on the GUI thread, ms the job took,
    its result) while `work` runs in the thread pool as one of the app's background jobs."""

    def guarded(_context: object) -> tuple[str, Any]:  # an exception comes back, not a hang
        try:
            return "done", work()
        except BaseException as exc:  # noqa: BLE001 - raised again on the GUI thread below
            return "raised", exc

    job = Job(guarded)
    outcome: dict[str, Any] = {}
    job.done.connect(lambda result: outcome.setdefault("result", result))
    job.failed.connect(lambda message: outcome.setdefault("failed", message))
    loop = QEventLoop()
    started = last = time.perf_counter()
    gaps: list[float] = []

    def tick() -> None:
        nonlocal last
        now = time.perf_counter()
        gaps.append(now - last)
        last = now
        if outcome:
            loop.quit()

    timer = QTimer()
    timer.setInterval(TICK_MS)
    timer.timeout.connect(tick)
    timer.start()
    job.start()
    loop.exec()
    timer.stop()
    took = (time.perf_counter() - started) * 1000
    assert "failed" not in outcome, outcome.get("failed")
    how, result = outcome["result"]
    if how == "raised":
        raise result
    return max(gaps) * 1000, took, result


def record_stall(bench_table: BenchTable, what: str, size: int,
                 run: Callable[[], tuple[float, float, Any]],
                 prepare: Callable[[], object]) -> list[Any]:  # fmt: skip
    """Run `run` (a `gui_stall`) a few times and report the median longest gap."""
    took: list[float] = []
    results: list[Any] = []

    def sample() -> float:
        stall, ms, result = run()
        took.append(ms)
        results.append(result)
        return stall

    stall, runs = sample_median(sample, runs=3, prepare=prepare)
    bench_table.add(f"GUI-thread stall during {what}", size, stall, target=STALL_TARGET,
                    runs=runs, note=f"longest gap of a {TICK_MS} ms timer; the job took "
                                    f"{min(took):,.0f}-{max(took):,.0f} ms")  # fmt: skip
    return results


def test_stall_during_export(bench_size: int, bench_tracker: Path, tmp_path: Path,
                             bench_table: BenchTable, qapp) -> None:  # fmt: skip
    dest = tmp_path / "snapshot"
    manifests = record_stall(
        bench_table, "snapshot export", bench_size,
        lambda: gui_stall(lambda: export_snapshot(bench_tracker, dest)),
        prepare=lambda: shutil.rmtree(dest, ignore_errors=True))  # fmt: skip
    assert all(m.files["events.csv"].rows == bench_size for m in manifests)


@pytest.fixture(scope="module")
def events_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """100,000 events as a foreign CSV file, taken from the 100,000-event tracker."""
    source = cached_tracker(IMPORT_ROWS)
    path = tmp_path_factory.mktemp("csv") / "events.csv"
    conn = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        rows = conn.execute(EVENTS_CSV_SQL, (IMPORT_ROWS,)).fetchall()
    finally:
        conn.close()
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(EVENTS_CSV_HEADER)
        writer.writerows(rows)
    assert len(rows) == IMPORT_ROWS
    return path


def test_stall_during_csv_import(bench_size: int, bench_tracker: Path, tmp_path: Path,
                                 events_csv: Path, bench_table: BenchTable,
                                 qapp) -> None:  # fmt: skip
    copy: list[Path] = []

    def fresh_copy() -> None:
        copy[:] = [writable_copy(bench_tracker, tmp_path / "copies")]

    reports = record_stall(
        bench_table, f"CSV import of {IMPORT_ROWS:,} events", bench_size,
        lambda: gui_stall(lambda: import_csv(copy[0], events_csv, "events")), fresh_copy)
    assert all(r.written and r.stored == IMPORT_ROWS and not r.invalid for r in reports)
    conn = sqlite3.connect(copy[0])
    try:
        events = conn.execute("SELECT count(*) FROM events").fetchone()[0]
    finally:
        conn.close()
    assert events == bench_size + IMPORT_ROWS
