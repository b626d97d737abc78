"""The funding breakdown, computed off the GUI thread: the newest request wins.

Over 100,000 deals a breakdown reads every deal and tranche; on the GUI thread each change of
a control froze the window for as long. Here it runs on a channel (`lodestone.ui.jobs.channel`)
with a read-only connection of its own: a request made while one is running stops that one at
SQLite's next progress check, so a quick series of changes costs one breakdown, not one per
step.

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

from lodestone.core.funding import Breakdown, Facts, FundingQuery, load_facts
from lodestone.ui.jobs.channel import Channel

TAG = "breakdown"
# breakdown(conn, query, facts): the facts read from the same tracker, maybe by an earlier job
Compute = Callable[[sqlite3.Connection, FundingQuery, Facts], Breakdown]
# (generation of the app's change notices, the files' state) the facts were read at
Stamp = tuple[int, tuple[Any, ...]]
Known = tuple[Stamp, Facts]


def file_state(path: Path) -> tuple[Any, ...]:
    """Size and time of change of the tracker and its write-ahead log: any commit by any
    program changes one of them."""
    found: list[tuple[int, int] | None] = []  # (size, time of change), None: no such file
    for file in (path, path.with_name(path.name + "-wal")):
        try:
            stat = file.stat()
        except OSError:
            found.append(None)
        else:
            found.append((stat.st_size, stat.st_mtime_ns))
    return tuple(found)


def compute_with_facts(conn: sqlite3.Connection, path: Path, compute: Compute,
                       query: FundingQuery, known: tuple[int, Known | None],
                       ) -> tuple[Breakdown, Known]:  # fmt: skip
    """`compute` over the facts known (of records' `generation`), read again if stale."""
    generation, facts = known
    stamp = (generation, file_state(path))  # before reading: never newer
    if facts is None or facts[0] != stamp:
        facts = (stamp, load_facts(conn))
    return compute(conn, query, facts[1]), facts


class BreakdownLoader(QObject):
    """`request(query)` runs `compute` for it in the background; `loaded(Breakdown)` or
    `failed(message)` arrives on the GUI thread for the newest request only."""

    loaded = Signal(object)
    failed = Signal(str)

    def __init__(self, path: Path, compute: Compute, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = Path(path)
        self._compute_breakdown = compute
        self._channel = Channel(self._path, what="The funding breakdown", parent=self)
        self._channel.loaded.connect(self._done)
        self._channel.failed.connect(self._failed)
        self._generation = 0  # of records changed: facts read before another are stale
        self._facts: Known | None = None

    def request(self, query: FundingQuery) -> None:
        path, compute = self._path, self._compute_breakdown
        known, generation = self._facts, self._generation
        self._channel.submit(TAG, lambda conn: compute_with_facts(
            conn, path, compute, query, (generation, known)))

    def cancel(self) -> None:
        """Drop the request queued or running: its answer is no longer wanted."""
        self._channel.cancel(TAG)

    def forget_facts(self) -> None:
        """Records changed: the next breakdown reads the facts again."""
        self._generation += 1
        self._facts = None

    def busy(self) -> bool:
        return not self._channel.idle()

    def _failed(self, _tag: str, message: str) -> None:
        self.failed.emit(message)

    def _done(self, _tag: str, answer: tuple[Breakdown, Known]) -> None:
        result, known = answer
        if known[0][0] == self._generation:
            self._facts = known
        self.loaded.emit(result)
