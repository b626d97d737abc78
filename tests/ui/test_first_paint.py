"""Work deferred to just after a widget's first paint runs then, once, and never for a widget
that is gone; a widget shown but never painted still gets it after the fallback delay."""

from __future__ import annotations

from lodestone.ui.first_paint import after_first_paint
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel


class PaintLog(QObject):
    """Records each paint of a widget, and can swallow them (a window that is never drawn)."""

    def __init__(self, widget: QLabel, swallow: bool = False) -> None:
        super().__init__(widget)
        self.paints = 0
        self.swallow = swallow
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint:
            self.paints += 1
            return self.swallow
        return False


def test_runs_once_just_after_the_first_paint(qtbot):
    label = QLabel("rows")
    qtbot.addWidget(label)
    calls: list[int] = []
    after_first_paint(label, lambda: calls.append(log.paints))
    log = PaintLog(label)  # installed last, so it sees each paint before the watcher
    label.show()
    assert calls == []  # nothing before the event loop has painted the widget
    qtbot.waitUntil(lambda: calls != [])
    label.update()
    qtbot.wait(50)
    assert calls == [1] and log.paints >= 1  # after the first paint, and only once


def test_a_widget_never_painted_gets_the_call_after_the_fallback(qtbot):
    label = QLabel("covered")
    qtbot.addWidget(label)
    calls: list[str] = []
    after_first_paint(label, lambda: calls.append("late"), fallback_ms=80)
    log = PaintLog(label, swallow=True)  # the watcher never sees a paint
    label.show()
    qtbot.wait(30)
    assert calls == []
    qtbot.waitUntil(lambda: calls == ["late"], timeout=2000)
    assert log.paints >= 1


def test_a_widget_never_shown_is_left_alone(qtbot):
    label = QLabel("hidden")
    qtbot.addWidget(label)
    calls: list[str] = []
    after_first_paint(label, lambda: calls.append("run"), fallback_ms=20)
    qtbot.wait(100)
    assert calls == []


def test_a_widget_destroyed_before_its_paint_never_calls_back(qtbot):
    label = QLabel("gone")
    calls: list[str] = []
    after_first_paint(label, lambda: calls.append("run"), fallback_ms=20)
    label.show()
    label.deleteLater()
    qtbot.wait(100)
    assert calls == []
