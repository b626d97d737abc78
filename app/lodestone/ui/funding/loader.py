"""The funding breakdown, computed off the GUI thread: the newest request wins.

Over 100,000 deals a breakdown reads every deal and tranche; on the GUI thread each change of
a control froze the window for as long. Here it runs in the thread pool on a read-only
connection of its own, and a request made while one is running stops that one at SQLite's next
progress check, so a quick series of changes costs one breakdown, not one per step.

The funding facts (every deal's and tranche's amounts, `funding_facts`) are read once and kept:
a change of grouping, stacking or currency regroups them in memory. They are read again after
records changed (`forget_facts`, from the app's change notices) or when the file changed under
another program (its size and time of change, and its write-ahead log's, taken before reading).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from lodestone.core.funding.breakdown import Breakdown, FundingQuery
from lodestone.core.funding.facts import Facts, load_facts
from lodestone.core.storage.db import open_tracker
from lodestone.ui.jobs.runner import Job

_CHECK_STEPS = 10_000  # SQLite virtual machine steps between "still wanted?" checks
# breakdown(conn, query, facts): the facts read from the same tracker, maybe by an earlier job
Compute = Callable[[sqlite3.Connection, FundingQuery, Facts], Breakdown]
# (generation of the app's change notices, the files' state) the facts were read at
Stamp = tuple[int, tuple[Any, ...]]
Known = tuple[Stamp, Facts]


def file_state(path: Path) -> tuple[Any, ...]:
    """Size and time of change of the tracker and its write-ahead log: any commit by any
    program changes one of them."""
    found = []
    for file in (path, path.with_name(path.name + "-wal")):
        try:
            stat = file.stat()
        except OSError:
            found.append(None)
        else:
            found.append((stat.st_size, stat.st_mtime_ns))
    return tuple(found)


class _Failed:
    """What a breakdown that raised returns, so the error is shown, never lost in a thread."""

    def __init__(self, message: str) -> None:
        self.message = message


class BreakdownLoader(QObject):
    """`request(query)` runs `compute` for it in the background; `loaded(Breakdown)` or
    `failed(message)` arrives on the GUI thread for the newest request only."""

    loaded = Signal(object)
    failed = Signal(str)

    def __init__(self, path: Path, compute: Compute, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = Path(path)
        self._compute_breakdown = compute
        self._wanted: FundingQuery | None = None
        self._number = 0  # of the newest request: a running one with another number stops
        self._job: Job | None = None
        self._generation = 0  # of records changed: facts read before another are stale
        self._facts: Known | None = None

    def request(self, query: FundingQuery) -> None:
        self._number += 1
        self._wanted = query
        if self._job is None:
            self._start()

    def cancel(self) -> None:
        """Drop the request queued or running: its answer is no longer wanted."""
        self._number += 1
        self._wanted = None

    def forget_facts(self) -> None:
        """Records changed: the next breakdown reads the facts again."""
        self._generation += 1
        self._facts = None

    def busy(self) -> bool:
        return self._job is not None

    def _start(self) -> None:
        query, number = self._wanted, self._number
        if query is None:
            return
        # No parent: the job outlives this loader if the view closes while it runs, and the
        # answer, sent to a bound method, is then dropped by Qt instead of reaching a corpse.
        known, generation = self._facts, self._generation
        job = Job(lambda: (number, *self._compute(query, number, known, generation)))
        job.done.connect(self._done)
        self._job = job
        job.start()

    def _connect(self, number: int) -> sqlite3.Connection:
        conn = open_tracker(self._path, create=False, readonly=True)
        # a non-zero answer aborts the running statement: this breakdown is superseded
        conn.set_progress_handler(lambda: self._number != number, _CHECK_STEPS)
        return conn

    def _compute(self, query: FundingQuery, number: int, known: Known | None,
                 generation: int) -> tuple[Breakdown | _Failed, Known | None]:  # fmt: skip
        try:
            conn = self._connect(number)
            try:
                stamp = (generation, file_state(self._path))  # before reading: never newer
                if known is None or known[0] != stamp:
                    known = (stamp, load_facts(conn))
                return self._compute_breakdown(conn, query, known[1]), known
            finally:
                conn.close()
        except Exception as exc:  # noqa: BLE001 - reported on the GUI thread, never lost
            return _Failed(str(exc) or type(exc).__name__), None

    def _done(self, answer: tuple[int, Breakdown | _Failed, Known | None]) -> None:
        number, result, known = answer
        self._job = None
        if known is not None and known[0][0] == self._generation:
            self._facts = known
        if number != self._number:  # superseded while running: compute the newest instead
            self._start()
            return
        self._wanted = None
        if isinstance(result, _Failed):
            self.failed.emit(result.message)
        else:
            self.loaded.emit(result)
