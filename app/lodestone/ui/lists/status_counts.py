"""The status bar's record counts: live companies, deals, events and sources.

Counting a million events reads an index of a million entries (tens of milliseconds), so the
window counts everything once, after its first paint, off the GUI thread (on the runner, with
a read-only connection of its own), and after a change counts again only the kind that
changed: one indexed count, on the spot, so the figure never lags the list. A context closed
in the meantime (its window was replaced by another tracker's) is never read.
"""

from __future__ import annotations

import sqlite3

from PySide6.QtWidgets import QLabel, QWidget

from lodestone.core.records import RECORD_KINDS, record_kind
from lodestone.core.storage import Repository
from lodestone.ui.context import AppContext
from lodestone.ui.jobs.channel import Channel


def count_kinds(conn: sqlite3.Connection) -> dict[str, int]:
    """Live records of each kind the status bar shows."""
    repo = Repository(conn)
    return {kind.name: repo.count(kind.name) for kind in RECORD_KINDS}


class StatusCounts(QLabel):
    """"12 companies  ·  40 deals  ·  …": empty until `count_all()` has run."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("status.counts")
        self._ctx = ctx
        self._counts: dict[str, int] = {}
        self._counter = Channel(ctx.path, what="Counting the records", parent=self)
        self._counter.loaded.connect(self._counted)
        ctx.notifier.changed.connect(self._changed)

    @property
    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    def count_all(self) -> None:
        """Count every kind in the background; the label fills in when the counts arrive."""
        if not self._ctx.closed:
            self._counter.submit("all", count_kinds)

    def _counted(self, _tag: str, counts: dict[str, int]) -> None:
        if not self._ctx.closed:
            self._counts = counts
            self._show()

    def recount(self, kind: str) -> None:
        """Count one kind again; nothing before the first `count_all` (which counts it too)."""
        if kind not in self._counts or self._ctx.closed:
            return
        self._counts[kind] = self._ctx.repo.count(kind)
        self._show()

    def _changed(self, kind: str, _ids: list) -> None:
        if not self._counter.idle():  # counted before this change, maybe: count again
            self.count_all()
        self.recount(kind)

    def _show(self) -> None:
        counts = self._counts.items()
        self.setText("  ·  ".join(f"{n:,} {record_kind(k).plural}" for k, n in counts))
