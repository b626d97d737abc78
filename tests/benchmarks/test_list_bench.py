"""How the events list feels with a million events: first paint, jump to the end, a search
keystroke and a sort by each column, timed through the real model, filter bar and view.

Prints a table; asserts nothing about time (machines differ), only that each step showed
what it should. The generated tracker is cached under `.bench-cache/` at the repository root
(git-ignored) because generating it takes about a minute.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from lodestone.core import queries
from lodestone.core.generate import GenerateSpec, generate_tracker
from lodestone.core.paths import AppPaths
from lodestone.core.queries import KINDS
from lodestone.core.repository import Repository
from lodestone.ui.context import AppContext
from lodestone.ui.filter_bar import FilterBar
from lodestone.ui.list_model import RecordListModel
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTableView

pytestmark = pytest.mark.bench

SPEC = GenerateSpec(companies=5_000, deals=50_000, events=1_000_000, seed=7)
CACHE = Path(__file__).resolve().parents[2] / ".bench-cache"
TYPED = "export"


def cached_tracker() -> Path:
    """The benchmark tracker, generated once (under a temporary name until complete)."""
    path = CACHE / f"events-{SPEC.events}-c{SPEC.companies}-d{SPEC.deals}-s{SPEC.seed}.db"
    if not path.exists():
        CACHE.mkdir(exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        for leftover in CACHE.glob(partial.name + "*"):
            leftover.unlink()
        generate_tracker(partial, SPEC)
        partial.rename(path)
    return path


@pytest.fixture(scope="module")
def tracker() -> Path:
    return cached_tracker()


@pytest.fixture
def ctx(tracker: Path, tmp_path: Path, qapp) -> Iterator[AppContext]:
    # read-only: the cached file is never migrated or written by a benchmark
    context = AppContext.create(
        Repository.open(tracker, readonly=True), AppPaths(tmp_path / "home"), tracker, True
    )
    yield context
    context.close()


class Timings:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.rows: list[tuple[str, float, int]] = []
        self._fetched = 0
        real = queries.fetch_rows

        def counting(conn, query, offset, limit):
            found = real(conn, query, offset, limit)
            self._fetched += len(found)
            return found

        monkeypatch.setattr(queries, "fetch_rows", counting)

    def time(self, label: str, step: Callable[[], object]) -> None:
        self._fetched = 0
        started = time.perf_counter()
        step()
        QApplication.processEvents()
        self.rows.append((label, (time.perf_counter() - started) * 1000, self._fetched))

    def print(self) -> None:
        print(f"\n{'events list, ' + format(SPEC.events, ',') + ' events':<44}{'ms':>10}"
              f"{'rows read':>11}")
        for label, ms, fetched in self.rows:
            print(f"{label:<44}{ms:>10.1f}{fetched:>11,}")


def painted(view: QTableView) -> None:
    view.viewport().repaint()  # paints now: data() for every visible row


def test_events_list_with_a_million_events(ctx, qtbot, monkeypatch):
    timings = Timings(monkeypatch)
    shown: dict[str, object] = {}

    def create_model() -> None:
        shown["model"] = RecordListModel(ctx, "event")

    def show_view() -> None:
        view = QTableView()
        qtbot.addWidget(view)
        view.setModel(shown["model"])  # type: ignore[arg-type]
        view.resize(1200, 800)
        view.show()
        painted(view)
        shown["view"] = view

    timings.time("  model created (counts the rows)", create_model)
    timings.time("  view shown, first rows painted", show_view)
    timings.rows.insert(0, ("first paint", timings.rows[-2][1] + timings.rows[-1][1], 200))
    model: RecordListModel = shown["model"]  # type: ignore[assignment]
    view: QTableView = shown["view"]  # type: ignore[assignment]
    assert model.rowCount() == SPEC.events and view.rowAt(0) == 0
    last = model.rowCount() - 1

    def jump_to_end() -> None:
        view.scrollToBottom()
        painted(view)
        model.data(model.index(last, 0))

    timings.time("jump to the end", jump_to_end)
    assert view.rowAt(view.viewport().height() - 1) == last

    bar = FilterBar(ctx, "event")
    qtbot.addWidget(bar)
    bar.bind(model)
    view.scrollToTop()
    for length in range(1, len(TYPED) + 1):

        def keystroke(char: str = TYPED[length - 1]) -> None:
            qtbot.keyClick(bar.search, char)
            bar.flush_search()  # the 150 ms pause after typing is not counted
            painted(view)

        timings.time(f"search keystroke -> {TYPED[:length]!r} ({{n}} rows)", keystroke)
        label, ms, fetched = timings.rows[-1]
        timings.rows[-1] = (label.format(n=f"{model.rowCount():,}"), ms, fetched)
    assert 0 < model.rowCount() < SPEC.events
    bar.clear()
    assert model.rowCount() == SPEC.events

    for column, spec in enumerate(KINDS["event"].columns):
        for order in (Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder):
            arrow = "asc" if order == Qt.SortOrder.AscendingOrder else "desc"

            def sort(column: int = column, order: Qt.SortOrder = order) -> None:
                model.sort(column, order)
                painted(view)

            timings.time(f"sort by {spec.title} {arrow}", sort)
            assert model.query.sort == spec.key
    timings.print()
