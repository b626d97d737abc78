"""The Funding view at each size (a tenth as many deals as events): its first render, and
regrouping it (every Group by, Stack by and currency choice in turn) until the chart is drawn.
The figures are computed in the background, so each step waits for the figures of the choice
made to arrive, then for the chart to paint them.

Reports into the shared table; asserts only that each step drew a breakdown, never a time.
"""

from __future__ import annotations

import time

import pytest
from bench_gui import discard, open_window, painted
from bench_harness import elapsed_ms, median_ms, middle, runs_for
from bench_table import BenchTable, Target, slowest_of
from lodestone.ui.funding.view import FundingView
from lodestone.ui.main_window import MainWindow
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication, QComboBox

pytestmark = pytest.mark.bench

REGROUP_TARGET = Target(limit=200)
CURRENCIES_TRIED = 3  # the first currencies present, then "All in ... (converted)"


def funding_view(window: MainWindow) -> FundingView:
    view = window.page("funding")
    assert isinstance(view, FundingView)
    window.show_view("funding")
    return view


def drawn(view: FundingView, timeout: float = 120.0) -> None:
    """Process events until the figures of the controls' current choice have arrived, then
    until the chart has painted them. Waiting sleeps until an event comes (the figures, or the
    waker's tick), so the GUI thread takes no core from the threads computing them."""
    deadline = time.perf_counter() + timeout
    waker = QTimer()
    waker.start(50)
    try:
        while view.data is None or view.data.query != view.query():
            if time.perf_counter() > deadline:
                raise TimeoutError("the funding figures never arrived")
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    finally:
        waker.stop()
    painted(view.chart.canvas.viewport())


def test_funding_first_render(bench_ctx, bench_size: int, bench_table: BenchTable) -> None:
    windows: list[MainWindow] = []

    def fresh() -> None:
        while windows:
            discard(windows.pop())
        windows.append(open_window(bench_ctx))

    def show() -> None:
        window = windows[-1]
        window.show_view("funding")
        drawn(funding_view(window))

    ms, runs = median_ms(show, prepare=fresh)
    view = windows[-1].page("funding")
    assert view.data is not None and view.data.bars
    bench_table.add("Funding view: first render", bench_size, ms, runs=runs,
                    note=f"{view.data.bar_count:,} bars; pyqtgraph imported by the first run")
    fresh()
    discard(windows.pop())


def test_funding_regroup(bench_ctx, bench_size: int, bench_table: BenchTable) -> None:
    window = open_window(bench_ctx)
    view = funding_view(window)
    drawn(view)
    combos: list[tuple[str, QComboBox, list[int]]] = [
        ("group by", view.group_by, list(range(view.group_by.count()))),
        ("stack by", view.stack_by, list(range(view.stack_by.count()))),
    ]
    currencies = [i for i in range(view.currency.count())
                  if not str(view.currency.itemData(i)).startswith("reporting:")]
    converted = [i for i in range(view.currency.count()) if i not in currencies]
    combos.append(("currency", view.currency, currencies[:CURRENCIES_TRIED] + converted[:1]))
    # every choice of every control, each reached from the one before (never a no-op)
    steps = [(name, combo, i) for name, combo, choices in combos for i in choices[1:] + [0]]
    times: dict[str, list[float]] = {}

    def cycle() -> None:
        for name, combo, index in steps:
            before = view.data

            def choose(combo: QComboBox = combo, index: int = index) -> None:
                combo.setCurrentIndex(index)
                drawn(view)

            ms = elapsed_ms(choose)
            assert view.data is not before and view.data is not None
            times.setdefault(f"{name} {combo.itemText(index)}", []).append(ms)

    try:
        cycle()
        runs = runs_for([max(map(max, times.values()))], 3)
        for _ in range(runs - 1):
            cycle()
    finally:
        discard(window)
    medians = {label: middle(found) for label, found in times.items()}
    ms, note = slowest_of(medians, REGROUP_TARGET)
    bench_table.add("Funding view: regroup (slowest choice)", bench_size, ms,
                    target=REGROUP_TARGET, runs=runs, note=note)
