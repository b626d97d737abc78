"""The one job runner. A job in the thread pool: its own bookkeeping runs before anyone hears
it is done, so an owner that forgets the job on hearing it leaves no call queued for a job
about to be freed; it reports progress, Cancel stops its SQLite statement, and a failure is a
sentence for the analyst and a traceback in the log. A channel: the newest request wins."""

from __future__ import annotations

import threading
import time

import pytest
from lodestone.core.logs import configure_logging
from lodestone.core.paths import AppPaths
from lodestone.ui.jobs.channel import Channel
from lodestone.ui.jobs.runner import Job
from lodestone.ui.qt_messages import log_qt_messages
from PySide6.QtCore import QObject, Signal, Slot, qInfo

GUI_THREAD = threading.get_ident()


@pytest.mark.parametrize("fails", [False, True])
def test_the_job_is_finished_before_its_owner_hears(qtbot, fails: bool) -> None:
    def work(_context) -> int:
        if fails:
            raise OSError("disk gone")
        return 42

    job = Job(work)
    heard: list[tuple[object, bool]] = []
    signal = job.failed if fails else job.done
    signal.connect(lambda value: heard.append((value, job.running)))  # an owner's slot
    with qtbot.waitSignal(signal):
        job.start()
    assert heard == [("disk gone" if fails else 42, False)]


# -- the one runner: progress, Cancel, failures ---------------------------------------------

ENDLESS = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
           "SELECT count(*) FROM n")  # fmt: skip


def test_progress_arrives_on_the_gui_thread_throttled_and_complete(qtbot) -> None:
    def work(job) -> str:
        for done in range(1, 100_001):
            job.progress(done, 100_000)
        return "exported"

    job = Job(work)
    seen: list[tuple[int, int, bool]] = []
    job.progressed.connect(
        lambda done, total: seen.append((done, total, threading.get_ident() == GUI_THREAD)))
    with qtbot.waitSignal(job.done) as done:
        job.start()
    assert done.args == ["exported"]
    assert 1 <= len(seen) < 1000 and seen[-1] == (100_000, 100_000, True)
    assert all(on_gui for *_, on_gui in seen)


def test_cancel_interrupts_a_long_sqlite_query(qtbot, ctx) -> None:
    running = threading.Event()

    def count_forever(job) -> object:
        conn = job.reader()
        running.set()
        return conn.execute(ENDLESS).fetchone()

    job = Job(count_forever, tracker=ctx.path, what="The count")
    outcome: list[str] = []
    job.done.connect(lambda result: outcome.append("done"))
    job.wasCancelled.connect(outcome.append)
    started = time.monotonic()
    job.start()
    assert running.wait(10)
    job.cancel()
    qtbot.waitUntil(lambda: outcome != [], timeout=10_000)
    assert outcome == ["The count was cancelled; nothing was changed"]
    assert time.monotonic() - started < 10 and not job.running


def test_a_failure_gives_one_sentence_and_its_traceback_goes_to_the_log(qtbot, ctx,
                                                                        tmp_path) -> None:
    paths = AppPaths(tmp_path / "home", tmp_path / "logs")
    configure_logging(paths)
    job = Job(lambda job: job.reader().execute("SELECT * FROM no_such_table"),
              tracker=ctx.path, what="The timeline query")  # fmt: skip
    with qtbot.waitSignal(job.failed) as failed:
        job.start()
    assert failed.args == ["no such table: no_such_table"]
    text = paths.log_file.read_text(encoding="utf-8")
    assert "The timeline query failed" in text and "Traceback" in text
    assert 'File "' in text and "sqlite3.OperationalError: no such table" in text


# -- newest request wins --------------------------------------------------------------------


def test_a_superseded_request_still_waiting_never_runs(qtbot, ctx) -> None:
    channel = Channel(ctx.path)
    release, ran = threading.Event(), []
    answers: list[tuple[str, object]] = []
    channel.loaded.connect(lambda tag, result: answers.append((tag, result)))

    def asked(name: str, wait: bool = False):
        def query(conn) -> str:
            if wait:
                release.wait(10)
            ran.append(name)
            return name

        return query

    channel.submit("chart", asked("first", wait=True))  # running
    channel.submit("chart", asked("second"))  # waiting, then superseded
    channel.submit("chart", asked("third"))
    assert not channel.idle()
    release.set()
    channel.wait()
    assert ran == ["first", "third"] and answers == [("chart", "third")]
    assert channel.idle()
    channel.shutdown()


def test_an_answer_for_a_cancelled_request_is_dropped_by_the_channel(qtbot, ctx) -> None:
    channel = Channel(ctx.path)
    answers: list[object] = []
    channel.loaded.connect(lambda tag, result: answers.append(result))
    job = channel.submit("counts", lambda conn: conn.execute("SELECT 42").fetchone()[0])
    channel.cancel("counts")
    qtbot.waitUntil(lambda: not job.running and channel.idle())
    assert answers == []
    channel.shutdown()


def test_a_channel_failure_names_its_tag_and_is_logged(qtbot, ctx, caplog) -> None:
    channel = Channel(ctx.path, what="Counting facet values")
    with qtbot.waitSignal(channel.failed) as failed:
        channel.submit("kind", lambda conn: conn.execute("SELECT * FROM nowhere"))
    assert failed.args == ["kind", "no such table: nowhere"]
    assert "Counting facet values failed" in caplog.text and "Traceback" in caplog.text
    channel.shutdown()


# -- the rest of what goes wrong on the GUI thread goes to the log too ----------------------


class Raiser(QObject):
    poked = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.poked.connect(self.fail)

    @Slot()
    def fail(self) -> None:
        raise LookupError("a slot went wrong")


def test_an_exception_in_a_qt_slot_lands_in_the_log(qtbot, tmp_path) -> None:
    paths = AppPaths(tmp_path / "home")
    raiser = Raiser()
    with qtbot.capture_exceptions() as exceptions:
        configure_logging(paths)  # after pytest-qt's hook: it wraps it, and hands on to it
        raiser.poked.emit()
    assert [type(e[1]) for e in exceptions] == [LookupError]
    text = paths.log_file.read_text(encoding="utf-8")
    assert "Uncaught LookupError" in text and "raise LookupError" in text


def test_qt_messages_land_in_the_log(qtbot, tmp_path) -> None:
    paths = AppPaths(tmp_path / "home")
    configure_logging(paths)
    log_qt_messages()
    qInfo("the platform plugin says hello")
    assert "INFO lodestone.qt" in paths.log_file.read_text(encoding="utf-8")
    assert "the platform plugin says hello" in paths.log_file.read_text(encoding="utf-8")
