"""The Timeline view driven like an analyst would: the example's lanes and items, zoom and pan,
hover and click-through, highlight, the lists' filters, density versus markers, export, and a
rendered picture checked at a few known pixels (not against a golden image)."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from lodestone.core.history import save_operation
from lodestone.core.lists import ListQuery
from lodestone.core.paths import AppPaths
from lodestone.core.records import Event, parse_fuzzy_date
from lodestone.core.samples import GenerateSpec, generate_tracker
from lodestone.core.samples.example import load_example
from lodestone.core.timeline import data as tl
from lodestone.core.timeline import day_x
from lodestone.ui.timeline.feed import timeline_channel
from lodestone.ui.timeline.items import OFFSETS
from lodestone.ui.timeline.view import TimelineView
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage, QWheelEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QApplication

D = dt.date
SHIPMENT = "Pakistan's first shipment of processed rare earths to the U.S."
REPRIEVE = "China agrees to lift its rare-earth export restrictions for one year"
MAGNET_DEAL = "Vulcan Elements and ReElement $1.4 billion domestic magnet supply chain"
SIZE = (1000, 640)


@pytest.fixture
def make_view(qtbot):
    made: list[TimelineView] = []

    def build(context) -> TimelineView:
        view = TimelineView(context)
        qtbot.addWidget(view)
        view.resize(*SIZE)
        view.show()
        view.flush()
        made.append(view)
        return view

    yield build
    for view in made:
        view.shutdown()


@pytest.fixture
def view(ctx, make_view) -> TimelineView:
    load_example(ctx.repo)
    return make_view(ctx)


def item(view: TimelineView, title: str):
    found = [i for i in view.data.items if i.title == title]
    assert len(found) == 1, [i.title for i in view.data.items]
    return found[0]


def centre(view: TimelineView, found, lane_index: int = 0) -> tuple[float, float]:
    """The view point of an item's marker in one of its lanes."""
    x = (day_x(found.start) + day_x(found.end) + 1) / 2
    return x, view.rows[found.lanes[lane_index]] + OFFSETS[found.kind]


def lane_row(view: TimelineView, label: str) -> int:
    return next(i for i, lane in enumerate(view.lanes) if lane.label == label)


def bars(view: TimelineView, layer: str, category: str) -> list[tuple[float, float]]:
    graphic = getattr(view.canvas.layer, layer)[category]
    x0, x1 = graphic.opts["x0"], graphic.opts["x1"]
    return sorted(zip(x0.tolist(), x1.tolist(), strict=True))


# -- what is drawn -------------------------------------------------------------------------


def test_the_example_is_drawn_lane_by_company_with_its_items(view):
    labels = [lane.label for lane in view.lanes]
    assert len(labels) == 13 and labels == sorted(labels, key=str.casefold)
    ticks = view.canvas.lane_axis._tickLevels[0]
    assert [i for i, _ in ticks] == list(range(13))
    assert ticks[lane_row(view, "Energy Fuels")][1] == "Energy Fuels"
    assert {i.title for i in view.data.items} >= {SHIPMENT, REPRIEVE, MAGNET_DEAL}
    placements = sum(len(i.lanes) for i in view.data.items)
    assert view.canvas.layer.placements == placements and view.canvas.layer.cell_count == 0
    assert "9 items" in view.status.text()


def test_the_shipment_spans_october_and_the_reprieve_is_a_band(view):
    assert bars(view, "spans", "shipment") == [(day_x(D(2025, 10, 1)), day_x(D(2025, 11, 1)))]
    assert bars(view, "bands", "trade restriction") == [
        (day_x(D(2025, 11, 1)), day_x(D(2026, 12, 1)))]
    assert bars(view, "bands", "shipment") == []


def test_the_view_fits_the_data_when_first_shown(view):
    first, last = view.visible_range()
    assert first <= D(2025, 1, 1) and last >= D(2026, 11, 30)
    assert (last - first).days < 800


def test_choosing_a_grouping_redraws_the_lanes(view):
    combo = view.bar.group_by
    combo.setCurrentIndex(combo.findData("kind"))
    view.flush()
    assert [lane.label for lane in view.lanes][-1] == "Deals"
    assert all(len(i.lanes) == 1 for i in view.data.items)
    combo.setCurrentIndex(combo.findData("country"))
    view.flush()
    assert [lane.label for lane in view.lanes] == ["China", "Pakistan", "United States"]


def test_an_unknown_grouping_is_refused(view):
    with pytest.raises(ValueError, match="cannot group the timeline by 'year'"):
        view.set_group_by("year")
    assert view.group_by == "company" and view.bar.group_by.currentData() == "company"


# -- zoom and pan --------------------------------------------------------------------------


def count_window_queries(view: TimelineView, monkeypatch) -> list[str]:
    asked: list[str] = []
    real = view.loader.submit

    def counting(tag, job):
        asked.append(tag)
        real(tag, job)

    monkeypatch.setattr(view.loader, "submit", counting)
    return asked


def test_zooming_in_narrows_the_range_without_asking_again(view, monkeypatch):
    asked = count_window_queries(view, monkeypatch)
    first, last = view.visible_range()
    view.canvas.view.scaleBy(x=0.5, y=None)
    view.flush()
    narrow = view.visible_range()
    assert (narrow[1] - narrow[0]).days < (last - first).days * 0.6
    assert asked == []  # the loaded window still covers it


def test_panning_away_asks_for_the_new_window(view, monkeypatch):
    asked = count_window_queries(view, monkeypatch)
    view.canvas.view.setXRange(day_x(D(2020, 1, 1)), day_x(D(2020, 12, 31)), padding=0)
    view.flush()
    assert asked == ["window"]
    assert view.data.start <= D(2020, 1, 1) and view.data.end >= D(2020, 12, 31)
    assert view.data.items == [] and view.canvas.layer.placements == 0
    view.canvas.view.translateBy(x=day_x(D(2025, 10, 1)) - day_x(D(2020, 1, 1)))
    view.flush()
    assert asked == ["window", "window"] and view.canvas.layer.placements > 0


def test_the_mouse_wheel_zooms_time_only(view):
    first, last = view.visible_range()
    y_range = view.canvas.view.viewRange()[1]
    viewport = view.canvas.viewport()
    middle = QPointF(viewport.width() / 2, viewport.height() / 2)
    wheel = QWheelEvent(middle, QPointF(viewport.mapToGlobal(middle.toPoint())), QPoint(0, 0),
                        QPoint(0, 240), Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier,
                        Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(viewport, wheel)
    after = view.visible_range()
    assert (after[1] - after[0]).days < (last - first).days
    assert view.canvas.view.viewRange()[1] == y_range


def test_keys_zoom_and_pan(view, qtbot):
    first, last = view.visible_range()
    qtbot.keyClick(view.canvas, Qt.Key.Key_Plus)
    zoomed = view.visible_range()
    assert (zoomed[1] - zoomed[0]).days < (last - first).days
    qtbot.keyClick(view.canvas, Qt.Key.Key_Right)
    assert view.visible_range()[0] > zoomed[0]
    qtbot.keyClick(view.canvas, Qt.Key.Key_Minus)
    qtbot.keyClick(view.canvas, Qt.Key.Key_Minus)
    widest = view.visible_range()
    assert (widest[1] - widest[0]).days > (zoomed[1] - zoomed[0]).days


def test_presets_and_fit_all(view, qtbot):
    qtbot.mouseClick(view.bar.buttons["year"], Qt.MouseButton.LeftButton)
    first, last = view.visible_range()
    assert 360 <= (last - first).days <= 370
    qtbot.mouseClick(view.bar.buttons["fiveYears"], Qt.MouseButton.LeftButton)
    first, last = view.visible_range()
    assert 1820 <= (last - first).days <= 1830
    qtbot.mouseClick(view.bar.buttons["fitAll"], Qt.MouseButton.LeftButton)
    first, last = view.visible_range()
    assert first <= D(2025, 1, 1) and last >= D(2026, 11, 30) and (last - first).days < 800


# -- hover, click-through, highlight -----------------------------------------------------------


def test_hovering_the_deal_shows_title_date_amount_and_parties(view):
    x, y = centre(view, item(view, MAGNET_DEAL))
    scene = view.canvas.view.mapViewToScene(QPointF(x, y))
    view.input.mouse_moved(scene)
    tip = view.canvas.view.toolTip()
    assert tip.splitlines()[0] == MAGNET_DEAL
    assert "Nov 2025 (month precision)" in tip and "$1,400,000,000.00 ($1.4B)" in tip
    assert "Parties: Vulcan Elements, ReElement Technologies, American Resources Corp." in tip
    view.input.mouse_moved(view.canvas.view.mapViewToScene(QPointF(day_x(D(2026, 6, 1)), 4.0)))
    assert view.canvas.view.toolTip() == ""


def test_hovering_a_period_shows_its_range(view):
    x, y = centre(view, item(view, REPRIEVE))
    assert "Nov 2025 – Nov 2026" in view.input.tooltip_at(x, y)


def test_clicking_an_item_opens_its_record(view, qtbot):
    shipment = item(view, SHIPMENT)
    x, y = centre(view, shipment)
    with qtbot.waitSignal(view.openRecord, timeout=1000) as opened:
        assert view.input.click_at(x, y)
    assert opened.args == ["event", shipment.id]
    assert view.highlighted == shipment


def test_a_real_mouse_click_on_a_deal_opens_it(view, qtbot):
    deal = item(view, MAGNET_DEAL)
    point = view.canvas.view_to_widget(*centre(view, deal), view.canvas.viewport())
    with qtbot.waitSignal(view.openRecord, timeout=1000) as opened:
        qtbot.mouseClick(view.canvas.viewport(), Qt.MouseButton.LeftButton,
                         pos=point.toPoint())
    assert opened.args == ["deal", deal.id]


def test_clicking_empty_space_opens_nothing(view, qtbot):
    with qtbot.assertNotEmitted(view.openRecord):
        assert not view.input.click_at(day_x(D(2026, 6, 1)), float(lane_row(view, "Energy Fuels")))


def test_highlight_scrolls_to_the_record_and_rings_it(view):
    view.canvas.view.setXRange(day_x(D(2010, 1, 1)), day_x(D(2011, 1, 1)), padding=0)
    shipment = item(view, SHIPMENT)
    assert view.highlight("event", shipment.id)
    first, last = view.visible_range()
    assert first <= D(2025, 10, 1) and D(2025, 10, 31) <= last
    assert len(view.canvas.layer.ring.data) == 1
    view.flush()
    assert len(view.canvas.layer.ring.data) == 1  # kept when the window is redrawn


def test_highlight_refuses_what_is_not_on_the_timeline(view, ctx):
    shipment = item(view, SHIPMENT)
    ctx.repo.delete("event", shipment.id)
    view.flush()
    assert not view.highlight("event", shipment.id)
    assert not view.highlight("company", 1)
    assert not view.highlight("deal", 999)


def test_highlight_scrolls_the_lanes_when_the_record_is_below(ctx, make_view):
    load_example(ctx.repo)
    view = make_view(ctx)
    view.resize(1000, 260)
    view.flush()
    shown = view.rows_shown()
    assert view.lane_scroll.isVisible() and view.top == 0 and shown < len(view.lanes)
    everything = tl.items_in_range(ctx.repo.conn, D(2000, 1, 1), D(2030, 1, 1))
    below = max(everything, key=lambda i: min(view.rows[lane] for lane in i.lanes))
    rows = sorted(view.rows[lane] for lane in below.lanes)
    assert rows[0] >= shown  # none of its lanes is in view
    assert view.highlight(below.kind, below.id)
    assert view.top <= rows[0] < view.top + shown
    assert view.lane_scroll.value() == view.top


# -- filters and changes -----------------------------------------------------------------------


def test_the_timeline_follows_a_list_filter(view):
    assert view.set_query(ListQuery("event", filters=(("kind", ("shipment",)),)))
    view.flush()
    assert [lane.label for lane in view.lanes] == ["Government of Pakistan"]
    assert [i.title for i in view.data.items] == [SHIPMENT]
    assert view.set_query(None)
    view.flush()
    assert len(view.lanes) == 13


def test_a_filter_the_timeline_cannot_follow_changes_nothing(view):
    assert not view.set_query(ListQuery("company", search="vulcan"))
    view.flush()
    assert len(view.lanes) == 13 and view.query is None


def test_a_saved_event_appears_without_reloading(view, ctx):
    pakistan = ctx.repo.find_company("Government of Pakistan")
    ctx.run(save_operation(ctx.repo, Event("Second shipment", parse_fuzzy_date("2026-03-02"),
                                           event_type="shipment", company_ids=[pakistan.id])))
    view.flush()
    assert "Second shipment" in {i.title for i in view.data.items}


def test_records_without_a_company_get_a_last_lane(view, ctx):
    ctx.run(save_operation(ctx.repo, Event("Export ban rumour", parse_fuzzy_date("2025-06"),
                                           event_type="policy")))
    view.flush()
    assert view.lanes[-1].label == "(no company)" and len(view.lanes) == 14
    assert "Export ban rumour" in {i.title for i in view.data.items}


def test_only_the_newest_request_of_a_kind_is_answered(tmp_path, ctx, qtbot):
    loader = timeline_channel(ctx.path)
    answers: list[tuple[str, object]] = []
    loader.loaded.connect(lambda tag, result: answers.append((tag, result)))
    release = threading.Event()

    def slow(conn):
        release.wait(5)
        return "old"

    loader.submit("window", slow)
    loader.submit("window", lambda conn: "stale too")
    loader.submit("window", lambda conn: "newest")
    loader.submit("axes", lambda conn: conn.execute("SELECT 41 + 1").fetchone()[0])
    release.set()
    loader.wait()
    qtbot.waitUntil(lambda: len(answers) == 2)
    assert answers == [("window", "newest"), ("axes", 42)]
    loader.shutdown()
    loader.shutdown()  # twice is harmless


def test_a_running_query_is_interrupted_when_no_longer_wanted(ctx, qtbot):
    loader = timeline_channel(ctx.path)
    answers: list[object] = []
    loader.loaded.connect(lambda tag, result: answers.append((tag, result)))
    endless = ("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
               "SELECT count(*) FROM n")
    started = time.perf_counter()
    running = threading.Event()

    def count_forever(conn):
        running.set()
        return conn.execute(endless).fetchone()

    loader.submit("window", count_forever)
    assert running.wait(10)
    loader.cancel("window")
    loader.submit("axes", lambda conn: "lanes")
    loader.wait(timeout=10)
    qtbot.waitUntil(lambda: answers == [("axes", "lanes")])
    assert time.perf_counter() - started < 10
    loader.shutdown()


def test_a_failing_query_is_reported_not_lost(ctx, qtbot):
    loader = timeline_channel(ctx.path)
    with qtbot.waitSignal(loader.failed, timeout=5000) as failed:
        loader.submit("window", lambda conn: conn.execute("SELECT * FROM no_such_table"))
    assert failed.args[0] == "window" and "no_such_table" in failed.args[1]
    loader.shutdown()


# -- level of detail ---------------------------------------------------------------------------


@pytest.fixture
def generated(tmp_path, make_ctx):
    path = tmp_path / "generated.db"
    generate_tracker(path, AppPaths(tmp_path / "gen-home"),
                     GenerateSpec(companies=12, deals=150, events=3000, seed=11))
    return make_ctx(name="generated.db")


def test_many_items_are_drawn_as_density_and_few_as_markers(generated, make_view):
    view = make_view(generated)
    view.THRESHOLD = 400
    view.fit_all()
    view.set_group_by("kind")
    view.flush()
    layer = view.canvas.layer
    assert view.data.items is None and layer.placements == 0 and layer.cell_count > 0
    assert "Zoom in" in view.status.text()
    view.show_range(D(2024, 3, 1), D(2024, 3, 31))
    view.flush()
    assert view.data.density is None and 0 < layer.placements <= 400 and layer.cell_count == 0
    view.show_range(D(2001, 1, 1), D(2026, 12, 31))
    view.flush()
    assert view.data.density is not None and layer.placements == 0
    first, last, count = next(c for c in layer._cells)[:3]
    assert count > 0 and first <= last


def test_clicking_a_density_cell_zooms_into_it(generated, make_view):
    view = make_view(generated)
    view.THRESHOLD = 50
    view.set_group_by("kind")
    view.flush()
    first, last, _, lane = max(view.canvas.layer._cells, key=lambda c: c[2])
    x, y = (day_x(first) + day_x(last) + 1) / 2, float(view.rows[lane])
    assert "items in" in view.input.tooltip_at(x, y)
    before = view.visible_range()
    assert view.input.click_at(x, y)
    after = view.visible_range()
    assert (after[1] - after[0]).days < (before[1] - before[0]).days


# -- pictures ----------------------------------------------------------------------------------


def pixel(view: TimelineView, image: QImage, day: dt.date, y: float) -> QColor:
    point = view.canvas.view_to_widget(day_x(day) + 0.5, y, view)
    return image.pixelColor(point.toPoint())


def close_to(colour: QColor, expected: tuple[int, int, int], tolerance: int = 10) -> bool:
    got = (colour.red(), colour.green(), colour.blue())
    return all(abs(a - b) <= tolerance for a, b in zip(got, expected, strict=True))


def blend(hex_colour: str, alpha: int) -> tuple[int, int, int]:
    fg = QColor(hex_colour)
    a = alpha / 255
    return tuple(round(255 * (1 - a) + c * a) for c in (fg.red(), fg.green(), fg.blue()))


def test_the_rendered_timeline_has_the_band_span_and_background_where_expected(view):
    view.fit_all()
    view.flush()
    image = view.grab().toImage()
    assert (image.width(), image.height()) == SIZE
    china = lane_row(view, "China Ministry of Commerce (MOFCOM)")
    assert close_to(pixel(view, image, D(2026, 6, 15), china - 0.3), blend("#C44E52", 48))
    energy = lane_row(view, "Energy Fuels")
    assert close_to(pixel(view, image, D(2026, 6, 15), energy), (255, 255, 255), 3)
    pakistan = lane_row(view, "Government of Pakistan")
    on_span = pixel(view, image, D(2025, 10, 5), pakistan + OFFSETS["event"])
    assert close_to(on_span, blend("#55A868", 120))


def test_export_writes_png_and_svg(view, tmp_path):
    png = view.export(tmp_path / "timeline.png")
    image = QImage(str(png))
    assert not image.isNull() and image.width() > 500
    svg = view.export(tmp_path / "timeline.svg")
    assert QSvgRenderer(str(svg)).isValid() and "Lodestone timeline" in svg.read_text()
    with pytest.raises(ValueError, match=r"\.png or \.svg"):
        view.export(tmp_path / "timeline.pdf")


def test_prepare_render_shows_everything(view):
    view.canvas.view.setXRange(day_x(D(2001, 1, 1)), day_x(D(2001, 2, 1)), padding=0)
    view.prepare_render()
    first, last = view.visible_range()
    assert first <= D(2025, 1, 1) and last >= D(2026, 11, 30)
    assert view.canvas.layer.placements > 0


def test_importing_the_view_does_not_load_pyqtgraph():
    code = ("import sys, lodestone.ui.timeline.view, lodestone.ui.main_window; "
            "print('pyqtgraph' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True, cwd=Path(__file__).parent)
    assert result.stdout.strip() == "False"


def test_the_timeline_asks_through_the_runner_and_a_failure_reaches_the_log(
        ctx, make_view, monkeypatch, caplog):
    from lodestone.ui.jobs.channel import Channel
    from lodestone.ui.timeline import feed

    def broken(*args, **kwargs):
        raise ZeroDivisionError("lanes of nothing")

    monkeypatch.setattr(feed, "lanes", broken)
    view = make_view(ctx)
    assert isinstance(view.loader, Channel)
    assert view.status.text().startswith("The timeline could not be loaded: an unexpected "
                                         "error stopped it (ZeroDivisionError: lanes of nothing)")
    assert "A timeline query failed" in caplog.text
    assert "Traceback" in caplog.text and "in broken" in caplog.text
