"""Run in a fresh process by the benchmarks: start a window and report when it first painted,
or open every view and report the resident memory.

    python bench_child.py floor              a bare QMainWindow, the start-up floor
    python bench_child.py app TRACKER        `lodestone --db TRACKER`, the real start-up path
    python bench_child.py memory TRACKER     every view opened once, then VmRSS and VmHWM

Start-up modes print `painted <time.monotonic()>` once the window's first paint has been
flushed (the list's rows for the app, whose deals list is its first view) and leave at once
with os._exit: tearing down is not part of starting. CLOCK_MONOTONIC is system-wide on Linux,
so the parent subtracts the time it spawned this process. Memory prints one line of JSON.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

SIZE = (1280, 800)
TIMELINE_WAIT_S = 120


def _exit_after_first_paint(widget) -> None:  # type: ignore[no-untyped-def]
    """Leave the process just after `widget` has painted for the first time."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                QTimer.singleShot(0, leave)  # runs once this paint has been flushed
            return False

    def leave() -> None:
        print(f"painted {time.monotonic():.6f}", flush=True)
        os._exit(0)

    watcher = FirstPaint(widget)
    widget.installEventFilter(watcher)


def floor() -> int:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(*SIZE)
    _exit_after_first_paint(window)
    window.show()
    return app.exec()


def app(tracker: str) -> int:
    """`lodestone --db TRACKER` exactly, with a watcher on the first view's table."""
    from lodestone import cli
    from lodestone.ui.main_window import MainWindow

    build = MainWindow.__init__

    def watched_init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        build(self, *args, **kwargs)
        page = self.current_list()
        _exit_after_first_paint(page.table.viewport() if page is not None else self)

    MainWindow.__init__ = watched_init  # type: ignore[method-assign]
    return cli.main(["--db", tracker])


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def memory(tracker: str) -> int:
    """Every view shown once over the tracker (read-only), then the resident set size."""
    from lodestone.core.paths import AppPaths
    from lodestone.ui.app import make_application, open_context
    from lodestone.ui.main_window import VIEWS, MainWindow
    from PySide6.QtWidgets import QApplication

    make_application()
    ctx = open_context(Path(tracker), AppPaths.default(), readonly=True)
    window = MainWindow(ctx)
    window.resize(*SIZE)
    window.show()
    started = time.monotonic()
    for key, _title, _shortcut in VIEWS:
        window.show_view(key)
        page = window.stack.currentWidget()
        QApplication.processEvents()
        page.repaint()
        deadline = time.monotonic() + TIMELINE_WAIT_S
        while getattr(page, "data", True) is None and time.monotonic() < deadline:
            QApplication.processEvents()  # the timeline loads its window off the GUI thread
            time.sleep(0.005)
        page.repaint()
    print(json.dumps({"rss_kib": _status_kib("VmRSS"), "peak_kib": _status_kib("VmHWM"),
                      "views": [v[0] for v in VIEWS],
                      "seconds": time.monotonic() - started}), flush=True)  # fmt: skip
    os._exit(0)


if __name__ == "__main__":
    mode, *rest = sys.argv[1:]
    sys.exit({"floor": floor, "app": app, "memory": memory}[mode](*rest))
