"""The one way to run work off the GUI thread: a `Job` runs a core function once in a thread
pool and reports back on the thread that started it.

The work is a function of a `lodestone.core.jobs.JobContext`: it reads through the job's own
read-only connection (`reader()`), writes through a connection of its own (`writer()`), never
through the window's, and may report progress and ask whether it was cancelled. Cancel stops
a running SQLite statement through the progress handler. A failure reaches the owner as one
sentence (`failed`), and the log gets its traceback (`lodestone.core.jobs.run_job`).

A view that asks again and again gets "the newest request wins" from a `Channel`
(`lodestone.ui.jobs.channel`), built on this.
"""

from __future__ import annotations

import threading
from pathlib import Path

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal, Slot

from lodestone.core.jobs import JobContext, Outcome, Reader, Work, run_job
from lodestone.core.progress import Throttled

PROGRESS_INTERVAL_S = 0.05  # at most 20 progress repaints a second


class Job(QObject):
    """Runs `work(context)` in a thread pool once. On the thread that created the job come
    any number of `progressed(done, total)`, then exactly one of `done(result)`,
    `failed(message)` or `wasCancelled(message)`, then `finished()`.

    The worker thread only emits private signals, received by this job's own slot on its
    thread, which emits the public ones there: whatever is connected to them (lambdas
    included) runs on the GUI thread. Keep a reference until `finished`.
    """

    progressed = Signal(int, int)
    done = Signal(object)
    failed = Signal(str)
    wasCancelled = Signal(str)  # noqa: N815 - Qt's naming, like QProgressDialog.canceled
    finished = Signal()
    _progress = Signal(int, int)  # from the worker thread
    _outcome = Signal(object)  # from the worker thread: an Outcome

    def __init__(self, work: Work, *, tracker: Path | None = None, reader: Reader | None = None,
                 what: str = "The operation", parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._work = work
        self._tracker = reader.tracker if reader is not None else tracker
        self._reader = reader
        self.what = what
        self._cancel = threading.Event()
        self._ran = threading.Event()  # set on the worker when the work is over
        self.running = False
        self.outcome: Outcome | None = None  # once delivered
        # Connected first, so the job's own slot runs before any other: an owner's slot that
        # drops the last reference it keeps (a view forgetting its finished job) then leaves
        # no call queued for the job. Otherwise the worker thread, releasing the job after
        # its work, could free it while the GUI thread delivers that call: a crash, now and
        # then. Owners hear of the outcome only from `_deliver`, after `running` is False.
        self._outcome.connect(self._deliver)
        self._progress.connect(self._show_progress)

    def start(self, pool: QThreadPool | None = None) -> None:
        self.running = True
        (pool or QThreadPool.globalInstance()).start(_Runnable(self))

    def cancel(self) -> None:
        """Ask the work to stop: a running SQLite statement stops within a millisecond or so,
        a core function at its next check, and leaves nothing behind."""
        self._cancel.set()

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    def wait_until_run(self, timeout: float) -> bool:
        """Block until the work is over (its outcome may still be on its way)."""
        return self._ran.wait(timeout)

    # -- on the worker thread ---------------------------------------------------------------

    def run_here(self) -> None:
        """The work itself, in whichever thread calls it."""
        context = JobContext(self._tracker, cancel=self._cancel, reader=self._reader,
                             progress=Throttled(self._progress.emit, PROGRESS_INTERVAL_S),
                             what=self.what)  # fmt: skip
        outcome = run_job(self._work, context)
        ran = self._ran  # the job may be gone once its outcome is delivered
        self._outcome.emit(outcome)
        ran.set()

    # -- back on the job's own thread -------------------------------------------------------

    @Slot(int, int)
    def _show_progress(self, done: int, total: int) -> None:
        if self.running:
            self.progressed.emit(done, total)

    @Slot(object)
    def _deliver(self, outcome: Outcome) -> None:
        self.running = False
        self.outcome = outcome
        if outcome.kind == "done":
            self.done.emit(outcome.result)
        elif outcome.kind == "failed":
            self.failed.emit(outcome.message)
        else:
            self.wasCancelled.emit(outcome.message)
        self.finished.emit()


class _Runnable(QRunnable):
    """What the thread pool runs: the job's own `run_here`."""

    def __init__(self, job: Job) -> None:
        super().__init__()
        self._job = job

    def run(self) -> None:
        self._job.run_here()
