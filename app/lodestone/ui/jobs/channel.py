"""Newest request wins: the jobs of a view that asks again and again (a pan of the timeline, a
change of the funding chart's grouping, a facet menu after the filters moved on).

A `Channel` runs its jobs one at a time, each a query on a read-only connection. A request
supersedes the earlier one of the same tag: one still waiting is dropped without running, one
running is cancelled (SQLite stops it at its next progress check), and whatever either would
have answered is never delivered. So a quick series of pans costs one query, not one per
step, and an answer never arrives for a question no longer asked.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, Signal, Slot

from lodestone.core.jobs import Reader
from lodestone.ui.jobs.runner import Job

Query = Callable[[Any], Any]  # query(conn): the read-only connection of the channel's job


class Channel(QObject):
    """`submit(tag, query)` runs `query(conn)` in the background; `loaded(tag, result)` or
    `failed(tag, message)` arrives on the GUI thread for the newest request of each tag.

    With `keep_reader` the channel keeps one read-only connection for all its jobs (SQLite's
    page cache stays warm between them, enlarged to `cache_kib`); it runs them on a thread of
    its own, which `shutdown()` ends.
    """

    loaded = Signal(str, object)
    failed = Signal(str, str)

    def __init__(self, tracker: Path, *, what: str = "A background query",
                 keep_reader: bool = False, cache_kib: int = 0,
                 parent: QObject | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._tracker = Path(tracker)
        self._what = what
        self._reader = Reader(self._tracker, cache_kib) if keep_reader else None
        self._pool: QThreadPool | None = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        if keep_reader:
            self._pool.setExpiryTimeout(-1)  # the connection stays with its thread
        self._newest: dict[str, Job] = {}  # the one job of each tag whose answer counts
        self._waiting: dict[str, Job] = {}  # not started yet, in the order asked
        self._running: Job | None = None
        self.submitted = 0  # how many jobs were ever submitted

    def submit(self, tag: str, query: Query) -> Job:
        """Ask `query(conn)` for `tag`, superseding every earlier request of `tag`.

        `query` must not hold the channel's owner (a view's `self`): the job, a child of the
        channel, would then free its own ancestors, and itself again, when it is deleted."""
        self.submitted += 1
        self.cancel(tag)
        job = Job(lambda context: query(context.reader()), tracker=self._tracker,
                  reader=self._reader, what=self._what, parent=self)  # fmt: skip
        job.setObjectName(tag)
        # A slot of this channel, not a lambda holding it: a job (a child) that held its
        # channel could free the channel, and so itself again, while it is being deleted.
        job.finished.connect(self._finished)
        self._newest[tag] = job
        self._waiting[tag] = job
        self._start_next()
        return job

    def cancel(self, tag: str) -> None:
        """Drop the request of `tag` still waiting or running: its answer is not wanted."""
        job = self._newest.pop(tag, None)
        if job is None:
            return
        job.cancel()
        if self._waiting.get(tag) is job:
            del self._waiting[tag]
            job.deleteLater()

    def cancel_all(self) -> None:
        for tag in list(self._newest):
            self.cancel(tag)

    def idle(self) -> bool:
        """No job waiting, running, or with an answer on its way."""
        return self._running is None and not self._waiting

    def wait(self, timeout: float = 30.0) -> None:
        """Run every waiting job now and deliver its answer (for rendering and tests)."""
        deadline = time.monotonic() + timeout
        while self._running is not None:
            job = self._running
            if not job.wait_until_run(max(0.0, deadline - time.monotonic())):
                raise TimeoutError(f"{self._what} took more than {timeout:g} s")
            QCoreApplication.sendPostedEvents(job)  # its answer: the next one starts

    def shutdown(self) -> None:
        """Stop what runs, drop what waits, close the kept connection; safe to call twice."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        self.cancel_all()
        if self._reader is not None:  # after what runs, on its thread: the one that opened it
            pool.start(self._reader.close)
        pool.waitForDone()  # which also ends the pool's thread

    def _start_next(self) -> None:
        if self._running is not None or not self._waiting or self._pool is None:
            return
        tag = next(iter(self._waiting))
        self._running = self._waiting.pop(tag)
        self._running.start(self._pool)

    @Slot()
    def _finished(self) -> None:
        job = self.sender()
        assert isinstance(job, Job)
        tag = job.objectName()
        if self._running is job:
            self._running = None
        if self._newest.get(tag) is job:
            del self._newest[tag]
            self._deliver(tag, job)
        job.deleteLater()
        self._start_next()

    def _deliver(self, tag: str, job: Job) -> None:
        """The newest job of `tag` finished: pass on its answer or its failure."""
        outcome = job.outcome
        if outcome is None or outcome.kind == "cancelled":
            return
        if outcome.kind == "failed":
            self.failed.emit(tag, outcome.message)
        else:
            self.loaded.emit(tag, outcome.result)

