"""A big CSV import parses its batches in worker processes: what it stores and reports must be
exactly what parsing on a thread gives, row numbers and all, and a worker that fails or an
import that is cancelled must leave the tracker as it was. Small batches and no size threshold
keep these files tiny."""

from __future__ import annotations

import ast
import multiprocessing
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from csv_data import count, deals, problems, write
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lodestone.core.csvio import CsvImportError, import_csv, resolve_mapping
from lodestone.core.csvio.batch import PROVISIONAL, BatchParser, settle
from lodestone.core.csvio.company_match import CompanyMatcher
from lodestone.core.csvio.importer import Pipeline
from lodestone.core.csvio.workers import PROCESSES_VARIABLE
from lodestone.core.progress import Cancelled
from lodestone.core.records import Company
from lodestone.core.storage import Repository
from test_csv_batches import deal_rows, snapshot

ROOT = Path(__file__).resolve().parents[2]
THREAD = Pipeline(batch_rows=4, processes=0)
WORKERS = Pipeline(batch_rows=4, processes=2, min_bytes=0)
EVENTS = "Title,Date,End date,Type,Companies,Country,Description\n"


def both(tmp_path: Path, text: str, kind: str = "deals", **options):  # type: ignore[no-untyped-def]
    """Import `text` on a thread and in worker processes, each into a tracker of its own
    holding the same companies: (repository, report) of each."""
    path = write(tmp_path, text)
    found = []
    for name, pipeline in (("thread", THREAD), ("workers", WORKERS)):
        repo = Repository.open(tmp_path / f"{name}.db")
        repo.save(Company("Recipient 3 Inc"))
        repo.save(Company("Lynas Rare Earths"))
        report = import_csv(repo.conn, path, kind, pipeline=pipeline, **options)
        found.append((repo, report))
    return found


def same_reports(a, b) -> None:  # type: ignore[no-untyped-def]
    assert problems(a) == problems(b)
    assert [(r.row, r.cells, r.note) for r in a.invalid + a.skipped] == [
        (r.row, r.cells, r.note) for r in b.invalid + b.skipped]  # fmt: skip
    assert (a.rows, a.stored, a.written, a.matched, a.duplicates) == (
        b.rows, b.stored, b.written, b.matched, b.duplicates)  # fmt: skip
    assert [(c.id, c.name, c.row, c.role) for c in a.new_companies] == [
        (c.id, c.name, c.row, c.role) for c in b.new_companies]  # fmt: skip


def test_workers_store_and_report_what_a_thread_does(tmp_path: Path) -> None:
    (one, a), (two, b) = both(tmp_path, deal_rows(30), currency="USD")
    assert a.stored == 30 and not a.invalid
    same_reports(a, b)
    assert snapshot(two) == snapshot(one)
    (entry,) = two.history("deal", deals(two)[9].id)  # type: ignore[arg-type]
    assert entry.origin == "in.csv, row 11"


@pytest.mark.parametrize("skip_invalid", [False, True])
def test_invalid_rows_keep_their_numbers_across_batches_and_processes(
        tmp_path: Path, skip_invalid: bool) -> None:  # fmt: skip
    text = deal_rows(25, bad=3).replace('"1,000"', '"no money"') + 'x,"",,,,,\n'
    (one, a), (two, b) = both(tmp_path, text, currency="USD", skip_invalid=skip_invalid)
    assert [e.row for e in b.errors][:3] == [2, 5, 27]
    same_reports(a, b)
    assert snapshot(two) == snapshot(one)
    assert count(two, "deals") == (23 if skip_invalid else 0)
    if skip_invalid:
        assert b.rejected_file is not None and a.rejected_file is not None
        assert b.rejected_file.read_bytes() == a.rejected_file.read_bytes()


def test_a_dry_run_in_workers_writes_nothing_and_says_the_same(tmp_path: Path) -> None:
    (one, a), (two, b) = both(tmp_path, deal_rows(18, bad=11), currency="USD", dry_run=True)
    same_reports(a, b)
    assert count(two, "deals") == 0 and not two.conn.in_transaction


def test_a_name_a_worker_first_meets_spelled_otherwise_is_the_files_first_spelling(
        tmp_path: Path) -> None:  # fmt: skip
    """Worker two's first batch names "NEW CO, INC." before the file's own first spelling of
    it ("New Co Inc", batch one) reaches the import: titles and names must be the file's."""
    rows = ["New Co Inc,1", "Other,2", "Third,3", "Fourth,4", '"NEW CO, INC.",5', "New Co Inc,6",
            "Lynas Rare Earths Ltd,7", "Other Ltd,8", "new co inc,9"]  # fmt: skip
    (one, a), (two, b) = both(tmp_path, "Recipient,Amount\n" + "\n".join(rows) + "\n",
                              currency="USD")  # fmt: skip
    same_reports(a, b)
    assert snapshot(two) == snapshot(one)
    assert [d.title for d in deals(two)][4] == "New Co Inc deal"


def test_a_worker_batch_is_settled_in_file_order_or_parsed_again() -> None:
    mapping = resolve_mapping("deals", ("Recipient", "Amount"))
    matcher = CompanyMatcher(next_id=5)
    worker = BatchParser.for_worker(mapping, matcher, "USD", None)
    parsed = worker.parse([(6, ["NEW CO, INC.", "5"]), (7, ["Other", "6"])], True)
    assert [call[3] for call in parsed.calls] == [PROVISIONAL, PROVISIONAL + 1]
    assert matcher.new == {}  # the worker's copy is its own
    matcher.resolve("New Co Inc", 2, "recipient")  # the file's first spelling, batch one
    assert settle(matcher, parsed.calls) is None  # the worker titled the deal "NEW CO, INC."
    assert matcher.new[6].row == 7 and matcher.name_of(5) == "New Co Inc"
    again = worker.parse([(8, ["Other", "7"]), (9, ["Third", "8"])], True)
    assert settle(matcher, again.calls) == {PROVISIONAL + 1: 6, PROVISIONAL + 2: 7}
    assert [(n.name, n.row) for n in matcher.new.values()] == [
        ("New Co Inc", 2), ("Other", 7), ("Third", 9)]  # fmt: skip


def test_events_in_workers_match_the_tracker_and_each_other(tmp_path: Path) -> None:
    rows = "".join(f"Event {i},2025-0{1 + i % 9},,partnership,Lynas Rare Earths; New {i % 3}"
                   f"{' Ltd' if i % 2 else ''},AU,\n" for i in range(14))  # fmt: skip
    (one, a), (two, b) = both(tmp_path, EVENTS + rows, kind="events")
    same_reports(a, b)
    assert snapshot(two) == snapshot(one) and count(two, "events") == 14
    assert [c.name for c in b.new_companies] == ["New 0", "New 1 Ltd", "New 2", "New 0 Ltd",
                                                 "New 1", "New 2 Ltd"]  # fmt: skip


@settings(max_examples=5, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(["Acme", "ACME", "Acme Inc", "acme inc.", "Beta", "Beta Ltd",
                                 "Lynas Rare Earths", ""]), min_size=1, max_size=14),
       st.integers(1, 5))  # fmt: skip
def test_any_names_in_any_batches_give_the_threads_result(tmp_path_factory, names: list[str],
                                                          size: int) -> None:  # fmt: skip
    tmp_path = tmp_path_factory.mktemp("names")
    path = write(tmp_path, "Recipient,Funder,Amount\n" + "".join(
        f"{name},{names[-1 - i]},{i + 1}\n" for i, name in enumerate(names)))  # fmt: skip
    found = []
    for pipeline in (Pipeline(batch_rows=size, processes=0),
                     Pipeline(batch_rows=size, processes=2, min_bytes=0)):
        repo = Repository.open(tmp_path / f"{pipeline.processes}.db")
        repo.save(Company("Lynas Rare Earths"))
        found.append((repo, import_csv(repo.conn, path, "deals", currency="USD",
                                       skip_invalid=True, pipeline=pipeline)))  # fmt: skip
    (one, a), (two, b) = found
    same_reports(a, b)
    assert snapshot(two) == snapshot(one)


def test_a_worker_that_dies_fails_the_import_clearly_and_writes_nothing(
        repo: Repository, tmp_path: Path) -> None:  # fmt: skip
    killed: list[int] = []

    def kill_workers(done: int, total: int) -> None:
        for child in multiprocessing.active_children():
            if not killed:
                os.kill(child.pid, signal.SIGKILL)  # type: ignore[arg-type]
                killed.append(child.pid)  # type: ignore[arg-type]

    with pytest.raises(CsvImportError, match=r"could not be checked: a worker process failed"):
        import_csv(repo.conn, write(tmp_path, deal_rows(80)), "deals", currency="USD",
                   progress=kill_workers, pipeline=WORKERS)  # fmt: skip
    assert killed
    assert count(repo, "deals") == 0 and count(repo, "companies") == 0
    assert not repo.conn.in_transaction and multiprocessing.active_children() == []


def test_a_cancel_mid_import_in_workers_leaves_nothing(repo: Repository, tmp_path: Path) -> None:
    calls: list[int] = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled):
        import_csv(repo.conn, write(tmp_path, deal_rows(60)), "deals", currency="USD",
                   cancelled=cancelled, pipeline=WORKERS)  # fmt: skip
    assert count(repo, "deals") == 0 and count(repo, "change_log") == 0
    assert not repo.conn.in_transaction and multiprocessing.active_children() == []


def test_small_files_and_company_files_stay_in_the_importing_process() -> None:
    pipeline = Pipeline(processes=2, min_bytes=1000)
    assert pipeline.in_processes("deals", 1000) and pipeline.in_processes("events", 5000)
    assert not pipeline.in_processes("deals", 999)
    assert not pipeline.in_processes("companies", 10**9)  # one batch: parents come later
    assert not Pipeline(processes=0, min_bytes=0).in_processes("deals", 10**9)


def test_the_process_count_can_be_chosen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(PROCESSES_VARIABLE, "3")
    assert Pipeline.default().processes == 3
    monkeypatch.setenv(PROCESSES_VARIABLE, "lots")
    assert Pipeline.default().processes in (0, 2)


def test_the_frozen_entry_point_lets_workers_start_before_anything_else() -> None:
    """A frozen program starts its workers by running itself again: without freeze_support()
    first, each worker of a big import would open the program's window instead."""
    tree = ast.parse((ROOT / "packaging" / "entry.py").read_text(encoding="utf-8"))
    (guard,) = [n for n in tree.body if isinstance(n, ast.If)]
    first = guard.body[0]
    assert isinstance(first, ast.Expr) and ast.unparse(first) == "multiprocessing.freeze_support()"
    assert not any(isinstance(n, ast.ImportFrom) and (n.module or "").startswith("lodestone")
                   for n in tree.body)  # nothing of the app runs before it  # fmt: skip


def test_the_command_line_imports_a_file_with_workers(tmp_path: Path) -> None:
    """The real entry script, as the bundle runs it, importing with two worker processes."""
    lines = [f"Award {i},Company {i % 50} Inc,Agency {i % 3},loan,{i + 1}000,USD,2024-01-02,,"
             f"{'magnet supply ' * 3},,\n" for i in range(11000)]  # over the threshold  # fmt: skip
    path = write(tmp_path, "Title,Recipient,Funder,Type,Amount,Currency,Announced,Status,"
                 "Description,Country,Source\n" + "".join(lines) + "," * 10 + "bad\n")  # fmt: skip
    assert path.stat().st_size >= Pipeline().min_bytes
    env = {**os.environ, PROCESSES_VARIABLE: "2", "LODESTONE_HOME": str(tmp_path / "home")}
    done = subprocess.run([sys.executable, str(ROOT / "packaging" / "entry.py"), "import-csv",
                           "--kind", "deals", str(path), "--skip-invalid",
                           "--db", str(tmp_path / "t.db")],
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert "row 11002" in done.stdout + done.stderr, done.stdout + done.stderr
    repo = Repository.open(tmp_path / "t.db")
    assert count(repo, "deals") == 11000 and count(repo, "companies") == 53
