"""Work that can wait until a widget is on screen: run it just after the widget's first paint.

Start-up is judged by when the window first shows its rows, so whatever the first view does
not need to draw (the record form, the status bar's counts, the backup on open) is built or
started after that paint rather than before it. The callback runs two event-loop turns after
the paint: the first turn ends the paint (the window is flushed to the screen) and lets
anything else already waiting go first, such as a key press or another widget's first-paint
work, so deferred steps do not queue up in front of each other.

A widget shown but never painted (a window started minimised or fully covered) still gets
its callback, `fallback_ms` after it was first shown. A widget destroyed first never calls
back: the watcher is its child and dies with it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

FALLBACK_MS = 1000


class _FirstPaint(QObject):
    def __init__(self, widget: QWidget, callback: Callable[[], None], fallback_ms: int) -> None:
        super().__init__(widget)
        self.setObjectName("first_paint")
        self._callback: Callable[[], None] | None = callback
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.setInterval(fallback_ms)
        self._fallback.timeout.connect(self._fire)
        widget.installEventFilter(self)
        if widget.isVisible():
            self._fallback.start()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        kind = event.type()
        if kind == QEvent.Type.Show and not self._fallback.isActive():
            self._fallback.start()
        elif kind == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            self._fallback.stop()
            QTimer.singleShot(0, self, self._next_turn)
        return False

    def _next_turn(self) -> None:
        QTimer.singleShot(0, self, self._fire)

    def _fire(self) -> None:
        callback, self._callback = self._callback, None
        self._fallback.stop()
        self.deleteLater()
        if callback is not None:
            callback()


def after_first_paint(
    widget: QWidget, callback: Callable[[], None], fallback_ms: int = FALLBACK_MS
) -> None:
    """Call `callback()` once, just after `widget` is first painted (see the module's note)."""
    _FirstPaint(widget, callback, fallback_ms)
