"""How the Timeline feels at each size: its first render, one pan step and one zoom step (the
issue's targets: 500 ms and 50 ms at a million events), and the heavier moves around them,
each timed until the new window is drawn and the plot painted.

The floor is a bare window of the same size shown and painted in the same run. Queries run on
the view's worker thread, so a figure is the wait for the new picture, not a frozen window;
the GUI thread's own share is in the note. The 30 ms debounce that turns a burst of wheel
steps into one query is skipped (the view is flushed at once). Reports into the shared table;
asserts nothing about time, only that each step drew what it should.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable

import pytest
from bench_gui import SIZE, painted
from bench_harness import elapsed_ms, median_ms, sample_median
from bench_table import BenchTable, Target
from PySide6.QtWidgets import QApplication, QWidget

pytestmark = pytest.mark.bench

RENDER_TARGET = Target(limit=500)
STEP_TARGET = Target(limit=50)


@pytest.fixture(scope="module")
def bare_window(qapp) -> float:
    """The floor: an empty window of the timeline's size, shown and painted."""

    def show() -> None:
        window = QWidget()
        window.resize(*SIZE)
        painted(window, window.show)
        window.hide()
        window.deleteLater()

    show()  # warm-up
    return median_ms(show)[0]


def drawn(view) -> str:  # type: ignore[no-untyped-def]
    data = view.data
    if data is None or data.density is None:
        return f"markers, {view.canvas.layer.placements:,} placements"
    return f"density, {view.canvas.layer.cell_count:,} cells of {data.density.bucket_days} days"


def until_drawn(view, act: Callable[[], object]) -> float:  # type: ignore[no-untyped-def]
    """Milliseconds from `act` until the answer it needs is drawn and painted."""
    started = time.perf_counter()
    act()
    view.flush()
    painted(view.canvas.viewport())
    return (time.perf_counter() - started) * 1000


def gui_share(view, act: Callable[[], object]) -> float:  # type: ignore[no-untyped-def]
    """Milliseconds the GUI thread itself spends on `act` and the paint right after it."""
    ms = elapsed_ms(lambda: painted(view.canvas.viewport(), act))
    view.flush()
    return ms


def test_timeline(bench_ctx, bench_size: int, bench_table: BenchTable, bare_window: float,
                  qtbot) -> None:
    import_ms = elapsed_ms(lambda: __import__("pyqtgraph"))  # paid by the first view only
    from lodestone.ui.timeline.view import TimelineView

    views: list[TimelineView] = []

    def open_view() -> TimelineView:
        view = TimelineView(bench_ctx)
        qtbot.addWidget(view)
        view.resize(*SIZE)
        view.show()
        deadline = time.perf_counter() + 120
        while view.data is None and time.perf_counter() < deadline:
            QApplication.processEvents()
            time.sleep(0.0005)
        painted(view.canvas.viewport())
        views.append(view)
        return view

    def first_render() -> float:
        ms = elapsed_ms(open_view)
        views[-1].flush()  # the "(no company)" check, after the first picture
        views[-1].shutdown()
        return ms

    ms, runs = sample_median(first_render)
    bench_table.add("Timeline: first render (lanes, extent, window)", bench_size, ms,
                    floor=bare_window, target=RENDER_TARGET, runs=runs,
                    note=drawn(views[-1]) + (f"; + {import_ms:.0f} ms importing pyqtgraph"
                                             if import_ms > 1 else ""))  # fmt: skip
    view = open_view()
    view.flush()
    box = view.canvas.view
    try:
        def width() -> float:
            x0, x1 = view.canvas.visible_days()
            return x1 - x0

        flip = [1]

        def pan() -> None:
            flip[0] = -flip[0]
            box.translateBy(x=width() * 0.1 * flip[0])

        def zoom() -> None:
            flip[0] = -flip[0]
            box.scaleBy(x=0.8 if flip[0] > 0 else 1.25, y=None)

        def steps(how: str) -> None:
            for what, act in (("pan step (a tenth of the width)", pan),
                              ("zoom step (a fifth in or out)", zoom)):
                ms, runs = sample_median(lambda a=act: until_drawn(view, a))
                busy = sample_median(lambda a=act: gui_share(view, a))[0]
                bench_table.add(f"Timeline: {what}, {how}", bench_size, ms, floor=bare_window,
                                target=STEP_TARGET, runs=runs,
                                note=f"{drawn(view)}; GUI thread {busy:.0f} ms")

        steps("lanes by company")
        moves: list[tuple[str, Callable[[], object]]] = [
            ("pan a whole width (asks again)", lambda: box.translateBy(x=-width())),
            ("scroll the lanes a page", lambda: view.set_top(
                0 if view.top else view.rows_shown())),
            ("zoom to two weeks", lambda: view.show_range(dt.date(2024, 3, 1),
                                                          dt.date(2024, 3, 14))),
            ("lanes by kind, all time", lambda: (view.set_group_by("kind"), view.fit_all())),
            ("then steps", lambda: steps("lanes by kind")),
            ("zoom in twice as close, lanes by kind (asks again)",
             lambda: box.scaleBy(x=0.5, y=None)),
            ("lanes by country", lambda: view.set_group_by("country")),
            ("lanes by commodity", lambda: view.set_group_by("commodity")),
        ]  # fmt: skip
        for what, act in moves:
            if what == "then steps":
                act()
                continue
            ms = until_drawn(view, act)
            assert view.data is not None
            bench_table.add(f"Timeline: {what}", bench_size, ms, floor=bare_window,
                            note=drawn(view))
    finally:
        for made in views:
            made.shutdown()
