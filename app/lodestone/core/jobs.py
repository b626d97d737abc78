"""One background job, as the runner runs it, without Qt: its own connections, its progress,
its cancel check, and exactly one outcome.

A job's work is a function of one `JobContext`: it asks it for a read-only connection
(`reader()`) where it only reads and for a connection of its own (`writer()`) where it
writes, never for the window's. Both stop a running statement when the job is cancelled
(SQLite's progress handler asks), and the context closes them when the work is done.

`run_job` turns whatever the work did into an `Outcome`: its result, a cancel, or a failure
told in one sentence for the analyst, while the failure itself, traceback and all, goes to
the log.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from lodestone.core.progress import Cancelled, Progress, interrupting
from lodestone.core.storage.db import TrackerError, open_tracker

log = logging.getLogger(__name__)

# Failures with a message meant for the analyst: a refused file, a full disk, a bad value.
EXPECTED_FAILURES = (TrackerError, OSError, sqlite3.Error, ValueError)


class Reader:
    """A read-only connection to one tracker, opened on first use.

    A view that asks again and again keeps one for all its jobs (which run one at a time), so
    SQLite's page cache stays warm between them; `cache_kib` enlarges that cache.
    """

    def __init__(self, tracker: Path, cache_kib: int = 0) -> None:
        self.tracker = Path(tracker)
        self._cache_kib = cache_kib
        self._conn: sqlite3.Connection | None = None

    def connection(self) -> sqlite3.Connection:
        if self._conn is None:
            conn = open_tracker(self.tracker, create=False, readonly=True)
            if self._cache_kib:
                conn.execute(f"PRAGMA cache_size = -{int(self._cache_kib)}")
            self._conn = conn
        return self._conn

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()


class JobContext:
    """What a job's work is handed: connections of its own, `progress(done, total)` and
    `cancelled()` (for the core functions that take them), and `what` it is doing."""

    def __init__(self, tracker: Path | None, *, cancel: threading.Event | None = None,
                 progress: Progress | None = None, reader: Reader | None = None,
                 what: str = "The operation") -> None:  # fmt: skip
        self.tracker = None if tracker is None else Path(tracker)
        self.what = what
        self._cancel = cancel or threading.Event()
        self._progress = progress
        self._kept_reader = reader
        self._closing = ExitStack()
        self._reader: sqlite3.Connection | None = None
        self._writer: sqlite3.Connection | None = None

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def progress(self, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress(done, total)

    def reader(self) -> sqlite3.Connection:
        """A read-only connection to the tracker (the view's kept one, or the job's own)."""
        if self._reader is None:
            reader = self._kept_reader
            if reader is None:
                reader = Reader(self._tracker())
                self._closing.callback(reader.close)
            self._reader = self._interrupting(reader.connection())
        return self._reader

    def writer(self) -> sqlite3.Connection:
        """A connection of the job's own that may write (the tracker must exist)."""
        if self._writer is None:
            conn = open_tracker(self._tracker(), create=False)
            self._closing.callback(conn.close)
            self._writer = self._interrupting(conn)
        return self._writer

    def _tracker(self) -> Path:
        if self.tracker is None:
            raise TrackerError("this job has no tracker to open")
        return self.tracker

    def _interrupting(self, conn: sqlite3.Connection) -> sqlite3.Connection:
        return self._closing.enter_context(interrupting(conn, self.cancelled, self.what))

    def close(self) -> None:
        """Take the cancel checks off the connections and close the job's own ones."""
        self._closing.close()
        self._reader = self._writer = None


Work = Callable[[JobContext], Any]
Kind = Literal["done", "failed", "cancelled"]


@dataclass(frozen=True)
class Outcome:
    """How a job ended: `done` with its result, `failed` or `cancelled` with a sentence."""

    kind: Kind
    result: Any = None
    message: str = ""


def failure_sentence(exc: BaseException) -> str:
    """What the analyst is told of a failure (its traceback goes to the log)."""
    if isinstance(exc, EXPECTED_FAILURES):
        return str(exc) or type(exc).__name__
    return (f"an unexpected error stopped it ({type(exc).__name__}: {exc}); "
            "the details are in Lodestone's log")  # fmt: skip


def run_job(work: Work, context: JobContext) -> Outcome:
    """Run `work(context)` on this thread and say how it ended; never raises an Exception."""
    what = context.what
    try:
        result = work(context)
    except Cancelled as exc:
        log.info("%s was cancelled", what)
        return Outcome("cancelled", message=str(exc))
    except Exception as exc:  # noqa: BLE001 - told in one sentence, logged in full
        if context.cancelled():  # stopped by the cancel, in whatever shape it surfaced
            log.info("%s was cancelled (%s: %s)", what, type(exc).__name__, exc)
            return Outcome("cancelled", message=str(Cancelled(what)))
        log.error("%s failed", what, exc_info=exc)
        return Outcome("failed", message=failure_sentence(exc))
    finally:
        context.close()
    return Outcome("done", result)
