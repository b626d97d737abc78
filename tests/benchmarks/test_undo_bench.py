"""Benchmark: undoing and redoing a CSV import of 100,000 rows, one step of the undo history.

The undo runs on the window's thread, so it must take a fraction of the import itself: the
records it created go to the Trash (and come back) in a few statements per kind, logged and
announced, not in one transaction each. Nothing here asserts a time beyond that target.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from bench_table import BenchTable, Target
from lodestone.core.csvio import import_csv
from lodestone.core.history import UndoHistory, import_step, log_mark
from lodestone.core.storage import Repository
from test_csv_bench import CSV_ROWS, _awards_file

pytestmark = pytest.mark.bench


def test_undo_and_redo_of_a_100k_row_import(bench_table: BenchTable, tmp_path: Path) -> None:
    repo = Repository.open(tmp_path / "tracker.db")
    try:
        mark = log_mark(repo)
        started = time.perf_counter()
        report = import_csv(repo.conn, _awards_file(), "deals")
        imported = time.perf_counter() - started
        assert report.written and report.stored == CSV_ROWS
        step = import_step(repo, mark, "Import awards.csv")
        assert step is not None
        history = UndoHistory(repo)
        history.record(*step)
        started = time.perf_counter()
        history.undo()
        undone = time.perf_counter() - started
        assert repo.count("deal") == 0
        started = time.perf_counter()
        history.redo()
        redone = time.perf_counter() - started
        assert repo.count("deal") == CSV_ROWS
    finally:
        repo.close()
    for what, seconds in (("undo", undone), ("redo", redone)):
        bench_table.add(f"{what} of an import of {CSV_ROWS:,} deal rows", None, seconds * 1000,
                        floor=imported * 1000, target=Target(ratio=0.25),
                        note="floor: the import itself; to the Trash and back, logged")  # fmt: skip
