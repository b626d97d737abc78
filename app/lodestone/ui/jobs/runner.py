"""Work off the GUI thread: run a function once in Qt's thread pool and hear back on the
thread that started it. The function opens its own SQLite connection: none is shared."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from lodestone.core.storage.db import TrackerError


class Job(QObject):
    """Runs `work` in the thread pool once; reports `done(result)` or `failed(message)`.

    The signals are queued back to the thread that created the job, so slots run on the GUI
    thread. Keep a reference until one of them arrives.
    """

    done = Signal(object)
    failed = Signal(str)

    def __init__(self, work: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self.running = False
        # Connected first, so the job's own slot runs before any other: a slot that drops the
        # last reference it keeps (a loader forgetting its finished job) then leaves no call
        # queued for the job. Otherwise the worker thread, releasing the job after its work,
        # could free it while the GUI thread delivers that call: a crash, now and then.
        self.done.connect(self._finished)
        self.failed.connect(self._finished)

    def start(self, pool: QThreadPool | None = None) -> None:
        self.running = True
        (pool or QThreadPool.globalInstance()).start(Runnable(self))

    def _finished(self, *_: object) -> None:
        self.running = False

    def run_here(self) -> None:
        """The work itself (in whichever thread calls it)."""
        try:
            result = self._work()
        except (TrackerError, OSError, sqlite3.Error) as exc:
            self.failed.emit(str(exc))
            return
        self.done.emit(result)


class RunsHere(Protocol):
    def run_here(self) -> None: ...


class Runnable(QRunnable):
    """What the thread pool runs: the job's own `run_here` (this job or a BackgroundTask)."""

    def __init__(self, job: RunsHere) -> None:
        super().__init__()
        self._job = job

    def run(self) -> None:
        self._job.run_here()
