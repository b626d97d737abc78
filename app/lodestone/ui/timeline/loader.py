"""The timeline's queries, run on a worker thread with its own read-only connection.

Counting a million events per lane and month takes SQLite a few hundred milliseconds (and
grouping by commodity several seconds): on the GUI thread every pan would freeze the window.
Here the newest request of each kind wins: older ones still queued are skipped, and one still
running is aborted, so a quick series of pans costs one query, not one per step.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from lodestone.core.storage.db import open_tracker

Job = Callable[[sqlite3.Connection], Any]
# Enough page cache for the indexes a whole-range density reads (64 MiB).
_CACHE_KIB = 64 * 1024
_CHECK_STEPS = 20_000  # SQLite virtual machine steps between "still wanted?" checks


class TimelineLoader(QObject):
    """Runs `job(conn)` off the GUI thread; `loaded(tag, result)` arrives on the GUI thread
    for the newest job of each tag, `failed(tag, message)` when it raised."""

    loaded = Signal(str, object)
    failed = Signal(str, str)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
        self._executor: ThreadPoolExecutor | None = ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="timeline")
        self._conn: sqlite3.Connection | None = None  # created and used on the worker only
        self._lock = threading.Lock()
        self._latest: dict[str, int] = {}
        self._pending: list[Future[None]] = []
        self._number = 0

    def submit(self, tag: str, job: Job) -> None:
        """Queue `job`, superseding every earlier job with the same tag."""
        if self._executor is None:
            return
        with self._lock:
            self._number += 1
            number = self._number
            self._supersede(tag, number)
        self._pending = [f for f in self._pending if not f.done()]
        self._pending.append(self._executor.submit(self._run, tag, number, job))

    def cancel(self, tag: str) -> None:
        """Drop the jobs of `tag` still queued or running: their answers are not wanted."""
        with self._lock:
            self._latest[tag] = -1

    def _supersede(self, tag: str, number: int) -> None:
        """Make `number` the only wanted job of `tag` (called with the lock held)."""
        self._latest[tag] = number

    def _current(self, tag: str, number: int) -> bool:
        with self._lock:
            return self._latest.get(tag) == number

    def _run(self, tag: str, number: int, job: Job) -> None:
        if not self._current(tag, number):
            return  # superseded while queued
        try:
            if self._conn is None:
                self._conn = open_tracker(self._path, create=False, readonly=True)
                self._conn.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
            # SQLite calls this every few thousand steps; a non-zero answer aborts the
            # statement, so a superseded count stops within milliseconds, whenever that is.
            self._conn.set_progress_handler(lambda: not self._current(tag, number),
                                            _CHECK_STEPS)
            result = job(self._conn)
        except sqlite3.OperationalError as exc:
            if not self._current(tag, number):
                return  # interrupted because it is no longer wanted
            self._report_failure(tag, number, exc)
            return
        except Exception as exc:  # noqa: BLE001 - shown to the user, never lost
            self._report_failure(tag, number, exc)
            return
        if self._current(tag, number):
            self.loaded.emit(tag, result)

    def _report_failure(self, tag: str, number: int, exc: BaseException) -> None:
        if self._current(tag, number):
            self.failed.emit(tag, str(exc) or type(exc).__name__)

    @property
    def submitted(self) -> int:
        """How many jobs were ever submitted."""
        return self._number

    def idle(self) -> bool:
        """No job queued or running."""
        return all(f.done() for f in self._pending)

    def wait(self, timeout: float = 30.0) -> None:
        """Block until every queued job has run (for rendering and tests)."""
        for future in list(self._pending):
            future.result(timeout=timeout)

    def shutdown(self) -> None:
        """Stop the worker and close its connection; safe to call twice."""
        executor, self._executor = self._executor, None
        if executor is None:
            return
        with self._lock:
            self._latest.clear()  # a running job stops at its next progress check
        try:
            executor.submit(self._close)
        except RuntimeError:  # the interpreter is exiting: its threads are already gone
            return
        executor.shutdown(wait=True, cancel_futures=False)

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
