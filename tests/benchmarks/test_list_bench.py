"""How the record lists feel at each size: the window's first paint, each list's first paint,
the jump to its end, a search keystroke and a sort by every column, timed through the real
main window, filter bar and table until the rows are drawn.

Reports into the shared table; asserts nothing about time (machines differ), only that each
step showed what it should. The trackers are the harness's cached ones, opened read-only.
"""

from __future__ import annotations

import pytest
from bench_gui import discard, open_window, painted, show_list
from bench_harness import elapsed_ms, median_ms, middle, runs_for, sample_median
from bench_table import BenchTable, Target, slowest_of
from lodestone.core.lists import LIST_LAYOUTS
from lodestone.ui.lists.page import ListPage
from lodestone.ui.main_window import KIND_OF_VIEW, MainWindow
from PySide6.QtCore import Qt

pytestmark = pytest.mark.bench

LISTS = ("companies", "deals", "events")
# A word an analyst would type into each list's search, one key at a time; for companies the
# first word of the first company's name (there are only ten at the smallest size).
TYPED = {"deals": "offtake", "events": "export"}
LIST_TARGET = Target(limit=100)
SORT_TARGET = Target(limit=300)
ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder


class Windows:
    """Fresh windows for each run (so no page is cached from the last), discarded at the end."""

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        self.ctx = ctx
        self.made: list[MainWindow] = []

    def fresh(self, view: str | None = None) -> MainWindow:
        for window in self.made:
            discard(window)
        self.made = [open_window(self.ctx)]
        if view is not None:
            show_list(self.made[0], view)
        return self.made[0]

    @property
    def current(self) -> MainWindow:
        return self.made[-1]

    def page(self, view: str) -> ListPage:
        page = self.current.pages[view]
        assert isinstance(page, ListPage)
        return page

    def close(self) -> None:
        for window in self.made:
            discard(window)
        self.made = []


@pytest.fixture
def windows(bench_ctx):  # type: ignore[no-untyped-def]
    made = Windows(bench_ctx)
    yield made
    made.close()


def test_main_window_in_process(bench_ctx, bench_size: int, bench_table: BenchTable) -> None:
    """Building the window over an open tracker and painting its first view (the Deals
    list): the part of start-up that depends on the tracker's size."""
    shown: list[MainWindow] = []

    def build() -> None:
        shown.append(open_window(bench_ctx, "deals"))

    def discard_shown() -> None:
        while shown:
            discard(shown.pop())

    ms, runs = median_ms(build, prepare=discard_shown)
    page = shown[-1].current_list()
    assert page is not None and page.kind == "deal" and page.model.rowCount() > 0
    discard_shown()
    bench_table.add("main window built and painted (in-process, tracker open)", bench_size, ms,
                    runs=runs, note="the Deals list is the first view")  # fmt: skip


@pytest.mark.parametrize("view", LISTS)
def test_list_first_paint_and_end(windows: Windows, view: str, bench_size: int,
                                  bench_table: BenchTable) -> None:  # fmt: skip
    title = view.capitalize()
    ms, runs = median_ms(lambda: show_list(windows.current, view), prepare=windows.fresh)
    page = windows.page(view)
    rows = page.model.rowCount()
    assert rows > 0 and page.table.rowAt(0) == 0
    bench_table.add(f"{title} list: first paint", bench_size, ms, target=LIST_TARGET, runs=runs,
                    note=f"{rows:,} rows; page built, rows drawn")  # fmt: skip

    def jump() -> None:
        painted(windows.page(view).table.viewport(), windows.page(view).table.scrollToBottom)

    ms, runs = median_ms(jump, prepare=lambda: windows.fresh(view))
    table = windows.page(view).table
    last = table.visualRect(table.model().index(rows - 1, 0))
    assert table.viewport().rect().contains(last)
    bench_table.add(f"{title} list: jump to the end", bench_size, ms, target=LIST_TARGET,
                    runs=runs)  # fmt: skip


@pytest.mark.parametrize("view", LISTS)
def test_search_keystrokes(windows: Windows, view: str, bench_size: int, bench_table: BenchTable,
                           qtbot) -> None:  # fmt: skip
    """Typing a word: each keystroke until the list shows its matches (the 150 ms pause the
    bar waits for more typing is skipped); the figure is the slowest keystroke."""
    conn = windows.ctx.repo.conn
    word = TYPED.get(view) or conn.execute(
        "SELECT lower(name) FROM companies ORDER BY id LIMIT 1").fetchone()[0].split()[0]
    slowest: list[tuple[float, str, int]] = []

    def type_word() -> float:
        page = windows.page(view)
        bar, viewport = page.filter_bar, page.table.viewport()
        times = []
        for n, char in enumerate(word, 1):

            def keystroke(char: str = char) -> None:
                qtbot.keyClick(bar.search, char)
                painted(viewport, bar.flush_search)

            times.append((elapsed_ms(keystroke), word[:n], page.model.rowCount()))
        slowest.append(max(times))
        return slowest[-1][0]

    ms, runs = sample_median(type_word, runs=3, prepare=lambda: windows.fresh(view))
    rows = windows.page(view).model.rowCount()
    assert windows.page(view).model.query.search == word and 0 < rows
    _, typed, matches = max(slowest)
    bench_table.add(f"{view.capitalize()} list: search keystroke (slowest)", bench_size, ms,
                    target=LIST_TARGET, runs=runs,
                    note=f"typing {word!r}; slowest at {typed!r} ({matches:,} matches)")


@pytest.mark.parametrize("view", LISTS)
def test_sort_by_every_column(windows: Windows, view: str, bench_size: int,
                              bench_table: BenchTable) -> None:  # fmt: skip
    """Clicking each column header, each way: every sort is timed coming from another one,
    so none is a no-op; the figure is the slowest column."""
    windows.fresh(view)
    page = windows.page(view)
    spec = LIST_LAYOUTS[KIND_OF_VIEW[view]]
    columns = spec.columns
    steps = [(c, order) for c in range(len(columns)) for order in (ASC, DESC)]
    opened = ([c.key for c in columns].index(spec.default_sort), ASC)
    steps.remove(opened)  # the list opens in its default order: that sort comes last
    steps.append(opened)
    times: dict[tuple[int, Qt.SortOrder], list[float]] = {step: [] for step in steps}

    def cycle() -> None:
        for column, order in steps:
            times[(column, order)].append(elapsed_ms(lambda c=column, o=order: painted(
                page.table.viewport(), lambda: page.table.sortByColumn(c, o))))
            assert page.model.query.sort == columns[column].key

    cycle()
    wanted = runs_for([max(map(max, times.values()))], 3)
    for _ in range(wanted - 1):
        cycle()
    medians = {f"{columns[c].title} {'asc' if o == ASC else 'desc'}": middle(found)
               for (c, o), found in times.items()}  # fmt: skip
    ms, note = slowest_of(medians, SORT_TARGET)
    bench_table.add(f"{view.capitalize()} list: sort by any column (slowest)", bench_size, ms,
                    target=SORT_TARGET, runs=wanted, note=note)
