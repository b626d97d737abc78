"""Progress and cancellation for long core operations (export, import), whoever drives them.

A core function cannot know whether a QThread worker, the command line or a test calls it, so
it takes two plain callables: `progress(done, total)` to report, and `cancelled()` to ask
whether to stop. A `Ticker` bundles them so each step of the work is one call, and raises
`Cancelled` at a point where the operation can still leave nothing behind.

Between those points a single SQLite statement can run for seconds (a count over a million
events): `interrupting` makes SQLite itself ask `cancelled()` every few thousand steps, so a
Cancel stops the statement too. `Throttled` passes on progress at most every so often: a
million rows must not mean a million repaints.
"""

from __future__ import annotations

import gc
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]
CHECK_STEPS = 10_000  # SQLite virtual machine steps between two cancel checks: about a ms


class Cancelled(Exception):
    """The operation was cancelled; whatever it was writing has been discarded."""

    def __init__(self, what: str = "The operation") -> None:
        super().__init__(f"{what} was cancelled; nothing was changed")


class Ticker:
    """Counts work done against a total, reports it, and checks for a cancel request.

    `total` may grow (`add_total`) when the size of a later step is learnt on the way; the
    reported `done` never exceeds `total` and never goes backwards.
    """

    def __init__(
        self,
        total: int,
        progress: Progress | None = None,
        cancelled: CancelCheck | None = None,
        what: str = "The operation",
    ) -> None:
        self.total = max(0, total)
        self.done = 0
        self._progress = progress
        self._cancelled = cancelled
        self._what = what

    def check(self) -> None:
        """Raise Cancelled if a cancel was requested."""
        if self._cancelled is not None and self._cancelled():
            raise Cancelled(self._what)

    def add_total(self, more: int) -> None:
        self.total += max(0, more)

    def advance(self, count: int = 1) -> None:
        """Count `count` more units done, report, then check for a cancel request."""
        self.done = min(self.total, self.done + max(0, count))
        if self._progress is not None:
            self._progress(self.done, self.total)
        self.check()

    def finish(self) -> None:
        """Report completion (done == total), whatever rounding happened on the way."""
        self.done = self.total
        if self._progress is not None:
            self._progress(self.done, self.total)


@contextmanager
def collector_paused() -> Iterator[None]:
    """Bulk work (imports) allocates a great many small objects, and each full garbage
    collection walks them all while holding the GIL: the window's thread stalled half a
    second at a time during a CSV import. Reference counting still frees everything; only
    the cycle collector waits until the work is done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@contextmanager
def interrupting(conn: sqlite3.Connection, cancelled: CancelCheck, what: str = "The operation",
                 steps: int = CHECK_STEPS) -> Iterator[sqlite3.Connection]:  # fmt: skip
    """Within the block, a statement on `conn` stops within `steps` steps once `cancelled()`
    turns true, and the error it stops with comes out as `Cancelled`."""
    conn.set_progress_handler(cancelled, steps)  # a true answer aborts the statement
    try:
        yield conn
    except sqlite3.OperationalError as exc:
        if cancelled():
            raise Cancelled(what) from exc
        raise
    finally:
        conn.set_progress_handler(None, steps)


class Throttled:
    """A progress callback that passes a report on at most every `interval` seconds, and
    always the last one (done == total)."""

    def __init__(self, report: Progress, interval: float) -> None:
        self._report = report
        self._interval = interval
        self._last = float("-inf")

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done >= total or now - self._last >= self._interval:
            self._last = now
            self._report(done, total)
