"""Driving the real window in a benchmark: build it, show a view, wait until it has painted.

A figure of the GUI ends when the pixels are drawn, not when a model answers: `painted` waits
for the widget's next Paint event to have been handled (Qt paints a child after its parent, so
a list's viewport painting means the rows the user sees were formatted and drawn).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from lodestone.ui.collector import spare_long_lived
from lodestone.ui.context import AppContext
from lodestone.ui.lists.page import ListPage
from lodestone.ui.main_window import MainWindow
from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QApplication, QWidget

SIZE = (1280, 800)
# The view a benchmark window opens on: the Sources list, which generated trackers leave
# empty, so building the window does not pay in advance for the list being measured.
IDLE_VIEW = "sources"


class _PaintCounter(QObject):
    def __init__(self, widget: QWidget) -> None:
        super().__init__(widget)
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def painted(widget: QWidget, act: Callable[[], object] | None = None,
            timeout: float = 120.0) -> None:  # fmt: skip
    """Run `act`, then process events until `widget` has painted (forcing a repaint when
    nothing was scheduled, e.g. the view already showed what `act` changed). A widget that
    `act` hid (a list replaced by its empty state) is not waited for."""
    counter = _PaintCounter(widget)
    try:
        if act is not None:
            act()
        QApplication.processEvents()
        if counter.count == 0:
            widget.repaint()
        deadline = time.perf_counter() + timeout
        while counter.count == 0 and widget.isVisible() and time.perf_counter() < deadline:
            QApplication.processEvents()
    finally:
        widget.removeEventFilter(counter)
        counter.deleteLater()


def open_window(ctx: AppContext, view: str = IDLE_VIEW) -> MainWindow:
    """A main window over `ctx`, shown and painted, on `view`."""
    ctx.settings.setValue("window/view", view)
    window = MainWindow(ctx)
    spare_long_lived(window)  # the collector as the app runs it
    window.resize(*SIZE)
    painted(window, window.show)
    return window


def discard(window: QWidget) -> None:
    """Hide and delete a window now (not close(): that would save its settings)."""
    window.hide()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()


def list_page(window: MainWindow, view: str) -> ListPage:
    page = window.page(view)
    assert isinstance(page, ListPage)
    return page


def show_list(window: MainWindow, view: str) -> ListPage:
    """Show a list view (building its page the first time) and wait for its rows to paint."""
    window.show_view(view)
    page = list_page(window, view)
    painted(page.table.viewport())
    return page
