"""The status bar's record counts: live companies, deals, events and sources.

Counting a million events reads an index of a million entries (tens of milliseconds), so the
window counts everything once, after its first paint, and after a change counts again only
the kind that changed. A context closed in the meantime (its window was replaced by another
tracker's) is never read.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

from lodestone.core.records.kinds import RECORD_KINDS, record_kind
from lodestone.ui.context import AppContext


class StatusCounts(QLabel):
    """"12 companies  ·  40 deals  ·  …": empty until `count_all()` has run."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("status.counts")
        self._ctx = ctx
        self._counts: dict[str, int] = {}
        ctx.notifier.changed.connect(self._changed)

    @property
    def counts(self) -> dict[str, int]:
        return dict(self._counts)

    def count_all(self) -> None:
        if self._ctx.closed:
            return
        self._counts = {kind.name: self._ctx.repo.count(kind.name) for kind in RECORD_KINDS}
        self._show()

    def recount(self, kind: str) -> None:
        """Count one kind again; nothing before the first `count_all` (which counts it too)."""
        if kind not in self._counts or self._ctx.closed:
            return
        self._counts[kind] = self._ctx.repo.count(kind)
        self._show()

    def _changed(self, kind: str, _ids: list) -> None:
        self.recount(kind)

    def _show(self) -> None:
        counts = self._counts.items()
        self.setText("  ·  ".join(f"{n:,} {record_kind(k).plural}" for k, n in counts))
