"""A background job without Qt: its own connections, Cancel inside a running SQLite statement,
throttled progress, and one outcome, a failure told in one sentence with its traceback logged."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from lodestone.core.jobs import JobContext, Reader, run_job
from lodestone.core.progress import Cancelled, Throttled, interrupting
from lodestone.core.storage import Repository

ENDLESS = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
           "SELECT count(*) FROM n")  # fmt: skip


@pytest.fixture
def tracker(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    Repository.open(path).close()
    return path


def cancel_soon(cancel: threading.Event, started: threading.Event) -> threading.Thread:
    """Set `cancel` once `started` is set (the work is inside its endless statement)."""

    def later() -> None:
        started.wait(10)
        time.sleep(0.05)
        cancel.set()

    thread = threading.Thread(target=later)
    thread.start()
    return thread


def test_a_job_reads_through_a_read_only_connection_of_its_own(tracker: Path):
    seen: list[sqlite3.Connection] = []

    def work(job: JobContext) -> int:
        conn = job.reader()
        seen.append(conn)
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            conn.execute("INSERT INTO companies (name) VALUES ('Vulcan Elements')")
        return int(conn.execute("SELECT count(*) FROM companies").fetchone()[0])

    outcome = run_job(work, JobContext(tracker))
    assert (outcome.kind, outcome.result) == ("done", 0)
    with pytest.raises(sqlite3.ProgrammingError):  # closed with the job
        seen[0].execute("SELECT 1")


def test_a_writing_job_writes_through_its_own_connection(tracker: Path):
    def work(job: JobContext) -> None:
        job.writer().execute("INSERT INTO companies (name, kind) "
                             "VALUES ('Vulcan Elements', 'company')")  # fmt: skip

    assert run_job(work, JobContext(tracker)).kind == "done"
    repo = Repository.open(tracker)
    try:
        assert repo.count("company") == 1
    finally:
        repo.close()


@pytest.mark.parametrize("opens", ["reader", "writer"])
def test_cancel_interrupts_a_running_statement(tracker: Path, opens: str):
    cancel, started = threading.Event(), threading.Event()

    def work(job: JobContext) -> object:
        conn = getattr(job, opens)()
        started.set()
        return conn.execute(ENDLESS).fetchone()

    thread = cancel_soon(cancel, started)
    begun = time.monotonic()
    outcome = run_job(work, JobContext(tracker, cancel=cancel, what="The count"))
    thread.join()
    assert outcome.kind == "cancelled" and time.monotonic() - begun < 10
    assert outcome.message == "The count was cancelled; nothing was changed"


def test_a_kept_reader_survives_its_jobs_and_loses_their_cancel(tracker: Path):
    reader = Reader(tracker, cache_kib=1024)
    cancelled = threading.Event()
    cancelled.set()
    try:
        first = run_job(lambda job: job.reader(), JobContext(tracker, cancel=cancelled,
                                                             reader=reader))  # fmt: skip
        conn = first.result
        assert conn is reader.connection()
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == -1024
        # the cancelled job's handler went with it: a long statement runs to its end
        assert conn.execute("SELECT count(*) FROM (SELECT 1 FROM (WITH RECURSIVE n(i) AS "
                            "(SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) "
                            "SELECT i FROM n))").fetchone()[0] == 100_000  # fmt: skip
    finally:
        reader.close()


def test_interrupting_turns_the_stopped_statement_into_cancelled(tracker: Path):
    conn = sqlite3.connect(tracker)
    try:
        with pytest.raises(Cancelled, match="The count was cancelled"):
            with interrupting(conn, lambda: True, "The count", steps=100):
                conn.execute(ENDLESS).fetchone()
        assert conn.execute("SELECT 42").fetchone() == (42,)  # and the handler is gone
    finally:
        conn.close()


def test_a_failure_is_one_sentence_and_its_traceback_is_logged(tracker: Path, caplog):
    def work(job: JobContext) -> None:
        job.reader().execute("SELECT * FROM no_such_table")

    with caplog.at_level(logging.INFO, logger="lodestone"):
        outcome = run_job(work, JobContext(tracker, what="The export"))
    assert outcome.kind == "failed" and outcome.message == "no such table: no_such_table"
    [record] = [r for r in caplog.records if r.name == "lodestone.core.jobs"]
    assert record.levelno == logging.ERROR and record.getMessage() == "The export failed"
    assert record.exc_info is not None and record.exc_info[0] is sqlite3.OperationalError


def test_a_bug_says_so_in_one_sentence_and_points_to_the_log(caplog):
    def work(_job: JobContext) -> None:
        raise KeyError("tranche")

    with caplog.at_level(logging.INFO, logger="lodestone"):
        outcome = run_job(work, JobContext(None))
    assert outcome.kind == "failed" and "\n" not in outcome.message
    assert outcome.message.startswith("an unexpected error stopped it (KeyError")
    assert "log" in outcome.message
    assert "Traceback" in caplog.text and "KeyError: 'tranche'" in caplog.text


def test_a_missing_tracker_is_a_sentence_naming_it(tmp_path: Path):
    outcome = run_job(lambda job: job.reader(), JobContext(tmp_path / "gone.db"))
    assert outcome.kind == "failed" and "gone.db" in outcome.message


def test_progress_is_passed_on_at_most_every_interval_and_always_at_the_end():
    reports: list[tuple[int, int]] = []
    throttled = Throttled(lambda done, total: reports.append((done, total)), interval=60)
    for done in range(1, 1001):
        throttled(done, 1000)
    assert reports == [(1, 1000), (1000, 1000)]


def test_a_job_reports_progress_through_its_context():
    reports: list[tuple[int, int]] = []

    def work(job: JobContext) -> str:
        for done in range(3):
            job.progress(done + 1, 3)
        return "counted"

    outcome = run_job(work, JobContext(None, progress=lambda d, t: reports.append((d, t))))
    assert outcome.result == "counted" and reports == [(1, 3), (2, 3), (3, 3)]
