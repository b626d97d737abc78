"""Benchmarks of CSV snapshots and CSV import, against the tools that only copy rows.

- Export: a snapshot of the cached tracker of each size, against `sqlite3 -csv` writing the
  same rows of the same tables (target: at most 3 times its time).
- Restore: importing that snapshot into a new tracker (no target: it validates every cell,
  rebuilds the indexes and the search index, in one transaction).
- CSV import: 100,000 rows of a funding-awards file, parsed, validated and stored with their
  companies, against `sqlite-utils insert --csv` loading the same file as plain text (target:
  faster).

Figures go into the shared benchmark table; nothing here asserts a time. A floor whose tool is
not installed is skipped with a printed note.
"""

from __future__ import annotations

import csv
import random
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from bench_harness import CACHE
from bench_table import BenchTable, Target
from lodestone.core.csvio import import_csv
from lodestone.core.snapshots import export_snapshot, import_snapshot
from lodestone.core.snapshots.format import FILES
from lodestone.core.storage import open_tracker

pytestmark = pytest.mark.bench

CSV_ROWS = 100_000
AGENCIES = ("Office of Strategic Capital", "U.S. Department of Energy", "Export-Import Bank",
            "U.S. Department of Commerce", "Defense Production Act Title III",
            "Development Finance Corporation")  # fmt: skip
TYPES = ("Direct Loan", "Grant", "Loan Guarantee", "Equity", "Cooperative Agreement", "Offtake")
COUNTRIES = ("US", "United States", "Canada", "AU", "Brazil", "Japan", "GB")


def _seconds(step) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def _tool(name: str) -> str | None:
    beside = Path(sys.executable).with_name(name)
    return str(beside) if beside.exists() else shutil.which(name)


def _sqlite3_floor(tracker: Path, folder: Path) -> float | None:
    """`sqlite3 -csv` writing the snapshot's tables, same rows and columns, in key order."""
    cli = _tool("sqlite3")
    if cli is None:
        print("\nsqlite3 is not installed: the export floor is skipped")
        return None
    folder.mkdir()
    lines = [".headers on", ".mode csv"]
    for spec in FILES:
        columns = ", ".join(c.db for c in spec.columns)
        lines += [f".once {folder / spec.name}",
                  f"SELECT {columns} FROM {spec.table} ORDER BY {', '.join(spec.key)};"]
    script = "\n".join(lines) + "\n"
    uri = f"file:{tracker}?mode=ro&immutable=1"
    return _seconds(lambda: subprocess.run([cli, uri], input=script, text=True, check=True))


def test_export_and_restore_snapshot(bench_size: int, bench_tracker: Path,
                                     bench_table: BenchTable, tmp_path: Path) -> None:  # fmt: skip
    floor = _sqlite3_floor(bench_tracker, tmp_path / "floor")
    manifest = None

    def export() -> None:
        nonlocal manifest
        manifest = export_snapshot(bench_tracker, tmp_path / "snap")

    seconds = _seconds(export)
    assert manifest is not None and manifest.files["events.csv"].rows == bench_size
    bench_table.add("export snapshot (folder)", bench_size, seconds * 1000,
                    floor=None if floor is None else floor * 1000, target=Target(ratio=3),
                    note="floor: sqlite3 -csv, same rows")  # fmt: skip
    zipped = _seconds(lambda: export_snapshot(bench_tracker, tmp_path / "snap.zip"))
    bench_table.add("export snapshot (.zip)", bench_size, zipped * 1000,
                    note="deflate adds the compression")  # fmt: skip
    report = None

    def restore() -> None:
        nonlocal report
        report = import_snapshot(tmp_path / "restored.db", tmp_path / "snap")

    seconds = _seconds(restore)
    assert report is not None and report.restored and report.added["events.csv"] == bench_size
    bench_table.add("restore snapshot into a new tracker", bench_size, seconds * 1000,
                    note="validated, indexed, searchable; one transaction")  # fmt: skip


def _awards_file() -> Path:
    """100,000 rows as a funding-awards download has them (cached beside the trackers)."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / f"awards-{CSV_ROWS}.csv"
    if path.exists():
        return path
    rng = random.Random(4)
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Recipient Name", "Awarding Agency", "Assistance Type",
                         "Award Amount (USD)", "Action Date", "Award Description", "Country"])
        for n in range(CSV_ROWS):
            stem = rng.choice(("Meridian", "Summit", "Keystone", "Iron"))
            company = f"{stem} Minerals {n % 4000}"
            writer.writerow([
                company + rng.choice((" Inc.", " LLC", " Corp", "")), rng.choice(AGENCIES),
                rng.choice(TYPES), f"{rng.randint(1, 90_000) * 1000:,}",
                f"{rng.randint(2005, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                f"Award {n}: rare earth separation and magnet supply",
                rng.choice(COUNTRIES)])  # fmt: skip
    partial.rename(path)
    return path


def test_import_100k_csv_rows(bench_table: BenchTable, tmp_path: Path) -> None:
    awards = _awards_file()
    floor = None
    tool = _tool("sqlite-utils")
    if tool is None:
        print("\nsqlite-utils is not installed: the import floor is skipped")
    else:
        command = [tool, "insert", str(tmp_path / "plain.db"), "awards", str(awards), "--csv"]
        floor = _seconds(lambda: subprocess.run(command, check=True, capture_output=True))
    report = None

    def run() -> None:
        nonlocal report
        report = import_csv(tmp_path / "tracker.db", awards, "deals")

    seconds = _seconds(run)
    assert report is not None and report.written and report.stored == CSV_ROWS
    assert not report.invalid
    _assert_complete(tmp_path / "tracker.db", CSV_ROWS + len(report.new_companies))
    bench_table.add(f"import-csv {CSV_ROWS:,} deal rows", None, seconds * 1000,
                    floor=None if floor is None else floor * 1000,
                    target=Target(ratio=1, strict=True),
                    note="floor: sqlite-utils insert --csv (text as is, no index or log)")
    checked = None
    open_tracker(tmp_path / "checked.db").close()  # a new, empty tracker, as the import had

    def check() -> None:
        nonlocal checked
        checked = import_csv(tmp_path / "checked.db", awards, "deals", dry_run=True)

    seconds = _seconds(check)
    assert checked is not None and checked.rows == CSV_ROWS and not checked.written
    bench_table.add(f"import-csv {CSV_ROWS:,} deal rows, checked only (dry run)", None,
                    seconds * 1000, floor=None if floor is None else floor * 1000,
                    note="parsing and checking every cell, on one core; nothing stored")


def _assert_complete(tracker: Path, records: int) -> None:
    """The timed import did all of its work: every record stored, logged and searchable."""
    conn = sqlite3.connect(tracker)
    try:
        counted = [conn.execute(sql).fetchone()[0] for sql in (
            "SELECT (SELECT count(*) FROM deals) + (SELECT count(*) FROM companies)",
            "SELECT (SELECT count(*) FROM deals_fts) + (SELECT count(*) FROM companies_fts)",
            "SELECT count(*) FROM change_log WHERE action = 'create'")]  # fmt: skip
    finally:
        conn.close()
    assert counted == [records] * 3
