"""Run in a fresh process by the benchmarks: start a window and report when it first painted,
or open every view and report the resident memory.

    python bench_child.py floor              a bare QMainWindow, the start-up floor
    python bench_child.py app TRACKER        `lodestone --db TRACKER`, the real start-up path,
                                             then quit as the analyst does (closing the window)
    python bench_child.py app-first TRACKER  the same start, then leave at once (os._exit)
    python bench_child.py memory TRACKER     every view opened once, then VmRSS and VmHWM, and
                                             how long a full garbage collection takes then

Start-up modes print `painted <time.monotonic()>` once the window's first paint has been
flushed (for the app, the paint that draws its first view's table: the deals list). The table
is watched, not its viewport: Qt paints the two in the same pass, and asking PySide6 for the
viewport (a widget Python has not seen yet) makes it set up dozens of widget classes to find
its type, milliseconds the app itself never spends. CLOCK_MONOTONIC is system-wide on Linux,
so the parent subtracts the time it spawned this process; what happens after the print is
not timed. `app` then closes the window, so the app saves its settings and
closes the tracker cleanly, as every everyday start finds it; `app-first` and the floor leave
with os._exit (the benchmark throws that file away). Memory prints one line of JSON.

The first paint is watched here, with an event filter of this file's own, not with the app's
`after_first_paint`: a benchmark must not take the code it measures at its word.
"""

from __future__ import annotations

import gc
import json
import os
import sys
import time
from pathlib import Path

SIZE = (1280, 800)
TIMELINE_WAIT_S = 120


def _quit() -> None:
    os._exit(0)


def _report_first_paint(widget, then=_quit) -> None:  # type: ignore[no-untyped-def]
    """Print the time just after `widget` has painted for the first time, then call `then`
    (by default: leave the process at once)."""
    from PySide6.QtCore import QEvent, QObject, QTimer

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):  # noqa: N802 (Qt's name)
            if event.type() == QEvent.Type.Paint:
                watched.removeEventFilter(self)
                QTimer.singleShot(0, leave)  # runs once this paint has been flushed
            return False

    def leave() -> None:
        print(f"painted {time.monotonic():.6f}", flush=True)
        then()

    watcher = FirstPaint(widget)
    widget.installEventFilter(watcher)


def floor() -> int:
    from PySide6.QtWidgets import QApplication, QMainWindow

    app = QApplication(sys.argv[:1])
    window = QMainWindow()
    window.resize(*SIZE)
    _report_first_paint(window)
    window.show()
    return app.exec()


def app(tracker: str, leave_cleanly: bool = True) -> int:
    """`lodestone --db TRACKER` exactly, with a watcher on the first view's table."""
    from lodestone import cli

    cli.load_window()  # the modules `lodestone --db` loads, in the order it loads them
    from lodestone.ui.main_window import MainWindow

    build = MainWindow.__init__

    def watched_init(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        build(self, *args, **kwargs)
        page = self.current_list()
        then = self.close if leave_cleanly else _quit
        _report_first_paint(page.table if page is not None else self, then)

    MainWindow.__init__ = watched_init  # type: ignore[method-assign]
    status = cli.main(["--db", tracker])
    sys.stdout.flush()
    os._exit(status)  # the tracker is closed: tearing down Qt's objects is not starting


def app_first(tracker: str) -> int:
    """The same start over a file never opened before; leave at once after the first paint."""
    return app(tracker, leave_cleanly=False)


def _status_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _still_loading(page) -> bool:  # type: ignore[no-untyped-def]
    """The timeline loads its window off the GUI thread; a list builds its form just after
    its first paint: a view counts as opened once it shows what the analyst would see."""
    slot = getattr(page, "form_slot", None)
    return getattr(page, "data", True) is None or (slot is not None and not slot.built)


def _collect_ms() -> float:
    """A full garbage collection, the pause the collector makes now and then on its own."""
    started = time.perf_counter()
    gc.collect()
    return (time.perf_counter() - started) * 1000


def memory(tracker: str) -> int:
    """Every view shown once over the tracker (read-only), then the resident set size."""
    from lodestone.core.paths import AppPaths
    from lodestone.ui.app import make_application, open_context
    from lodestone.ui.collector import spare_long_lived
    from lodestone.ui.main_window import VIEWS, MainWindow
    from PySide6.QtWidgets import QApplication

    make_application()
    ctx = open_context(Path(tracker), AppPaths.default(), readonly=True)
    window = MainWindow(ctx)
    spare_long_lived(window)
    window.resize(*SIZE)
    window.show()
    started = time.monotonic()
    for key, _title, _shortcut in VIEWS:
        window.show_view(key)
        page = window.stack.currentWidget()
        QApplication.processEvents()
        page.repaint()
        deadline = time.monotonic() + TIMELINE_WAIT_S
        while _still_loading(page) and time.monotonic() < deadline:
            QApplication.processEvents()
            time.sleep(0.005)
        page.repaint()
    found = {"rss_kib": _status_kib("VmRSS"), "peak_kib": _status_kib("VmHWM"),
             "views": [v[0] for v in VIEWS], "seconds": time.monotonic() - started}
    collections = [_collect_ms()]  # as the app runs: the window's long-lived objects set aside
    gc.unfreeze()
    collections.append(_collect_ms())  # every object walked
    print(json.dumps({**found, "collect_ms": collections}), flush=True)
    os._exit(0)


if __name__ == "__main__":
    mode, *rest = sys.argv[1:]
    sys.exit({"floor": floor, "app": app, "app-first": app_first, "memory": memory}[mode](*rest))
