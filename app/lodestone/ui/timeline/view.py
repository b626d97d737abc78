"""The Timeline view: every event and deal on one zoomable time axis, lane by lane.

The view asks for one window at a time (the visible days plus half a width either side, so a
pan stays inside what is loaded) on a worker thread; the answer is either the window's items,
drawn one by one, or, past `THRESHOLD` placements, their density per lane and time bucket.
pyqtgraph is imported here, in the constructor, never when the main window loads.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QScrollBar,
    QVBoxLayout,
    QWidget,
)

from lodestone.core.lists import ListQuery
from lodestone.core.timeline import (
    Lane,
    LaneKey,
    TimelineItem,
    WindowData,
    check_grouping,
    day_x,
    locate,
    none_lane,
    record_queries,
    x_day,
)
from lodestone.ui.context import AppContext
from lodestone.ui.timeline.bar import TimelineBar
from lodestone.ui.timeline.feed import TimelineFeed
from lodestone.ui.timeline.input import TimelineInput

LANE_PX = 26
MIN_LANE_PX = 64  # fewer lanes than fit are spread out, but no taller than this
BUCKET_PX = 5
WATCHED_KINDS = ("event", "deal", "company")


class TimelineView(QWidget):
    """Events and deals over time; `openRecord(kind, id)` asks to show a record's form."""

    openRecord = Signal(str, int)
    windowShown = Signal()  # a window's items or density has been drawn

    THRESHOLD = 5000

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from lodestone.ui.timeline.plot import TimelineCanvas

        self.ctx = ctx
        self.setObjectName("timeline")
        self.group_by = "company"
        self.query: ListQuery | None = None
        self.lanes: list[Lane] = []
        self.rows: dict[LaneKey, int] = {}
        self.top = 0
        self.extent: tuple[dt.date, dt.date] | None = None
        self.data: WindowData | None = None
        self.highlighted: TimelineItem | None = None
        self._pending_highlight: tuple[str, int] | None = None
        self.bar = TimelineBar(self, ctx.paths.data_dir, self)
        self.canvas = TimelineCanvas(self)
        self.canvas.setObjectName("timeline.plot")
        self.lane_scroll = QScrollBar(Qt.Orientation.Vertical)
        self.lane_scroll.setObjectName("timeline.lanes")
        self.lane_scroll.setAccessibleName("Lanes")
        self.status = QLabel()
        self.status.setObjectName("timeline.status")
        self._layout()
        self.feed = feed = TimelineFeed(ctx.path, self)
        self.loader = feed.loader
        feed.debounce.timeout.connect(self._refresh)
        feed.axesLoaded.connect(self._axes_loaded)
        feed.noneLaneFound.connect(self._add_none_lane)
        feed.windowLoaded.connect(self._window_loaded)
        feed.slow.connect(lambda: self.status.setText("Counting the items in view…"))
        feed.failed.connect(
            lambda message: self.status.setText(f"The timeline could not be loaded: {message}"))
        loader = feed.loader  # not the feed: a child, gone with the view
        self.destroyed.connect(lambda *_: loader.shutdown())
        self.canvas.view.sigXRangeChanged.connect(self._schedule)
        self.canvas.view.sigResized.connect(self._resized)
        self.lane_scroll.valueChanged.connect(self._scroll_lanes)
        self.input = TimelineInput(self, self)
        ctx.notifier.changed.connect(self._records_changed)
        self._request_axes()

    def _layout(self) -> None:
        plot_row = QHBoxLayout()
        plot_row.setContentsMargins(0, 0, 0, 0)
        plot_row.addWidget(self.canvas, 1)
        plot_row.addWidget(self.lane_scroll)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.bar)
        layout.addLayout(plot_row, 1)
        layout.addWidget(self.status)

    # -- public API ----------------------------------------------------------------------------

    def set_query(self, query: ListQuery | None) -> bool:
        """Follow an event or deal list's filter (None: show everything); False, and nothing
        changes, for a filter the timeline cannot follow (a company or source list's)."""
        try:
            record_queries(query)
        except ValueError:
            return False
        if query is not None:
            query = replace(query, sort="", descending=False)
        if query != self.query:
            self.query = query
            self._request_axes()
        return True

    def set_group_by(self, group_by: str) -> None:
        """Lanes by "company", "kind", "commodity" or "country" (ValueError for others)."""
        check_grouping(group_by)
        if group_by != self.group_by:
            self.group_by = group_by
            self.top = 0
            self.bar.show_grouping(group_by)
            self._request_axes()

    def highlight(self, kind: str, record_id: int) -> bool:
        """Scroll and zoom to a record and ring it; False when it is not on the timeline
        (deleted, undated, or kept out by the filter). Asked while the lanes still load,
        it is done when they arrive."""
        if self.feed.axes_stale:  # lanes still loading: ring it once they are
            self._pending_highlight = (kind, record_id)
            return True
        item = locate(self.ctx.repo.conn, kind, record_id, self.group_by)
        shown = [lane for lane in item.lanes if lane in self.rows] if item else []
        if item is None or not shown:
            return False
        self.highlighted = item
        rows = self.rows_shown()
        if not any(self.top <= self.rows[lane] < self.top + rows for lane in shown):
            self.set_top(min(self.rows[lane] for lane in shown) - rows // 2)
        x0, x1 = self.canvas.visible_days()
        width = min(max(x1 - x0, 90.0), 2 * 365.0)
        middle = (day_x(item.start) + day_x(item.end) + 1) / 2
        self.canvas.view.setXRange(middle - width / 2, middle + width / 2, padding=0)
        self.canvas.layer.highlight(item, self.rows)
        return True

    def open_item(self, item: TimelineItem) -> None:
        """Ring a clicked item and ask for its record's form."""
        self.highlighted = item
        self.canvas.layer.highlight(item, self.rows)
        self.openRecord.emit(item.kind, item.id)

    def fit_all(self) -> None:
        """Show every item: the whole span of the data, from the first lane."""
        self.set_top(0)
        self.show_everything()

    def show_everything(self) -> None:
        """The whole span of the data (this year when there is none), lanes as they are."""
        today = dt.date.today()
        self.show_range(*(self.extent or (today.replace(month=1, day=1), today)))

    def show_years(self, years: int) -> None:
        """A preset: `years` years around the middle of what is shown."""
        x0, x1 = self.canvas.visible_days()
        half = years * 365.25 / 2
        self.canvas.view.setXRange((x0 + x1) / 2 - half, (x0 + x1) / 2 + half, padding=0)

    def show_range(self, first: dt.date, last: dt.date) -> None:
        pad = max((last - first).days, 30) * 0.03
        self.canvas.view.setXRange(day_x(first) - pad, day_x(last) + 1 + pad, padding=0)

    def visible_range(self) -> tuple[dt.date, dt.date]:
        x0, x1 = self.canvas.visible_days()
        return x_day(x0), x_day(x1)

    def export(self, path: Path | str) -> Path:
        """Save what is shown as PNG or SVG (by the file name's suffix)."""
        return self.canvas.export(Path(path))

    def prepare_render(self) -> None:
        """For `lodestone render`: everything in view, drawn before the picture is taken."""
        self.flush()
        self.fit_all()
        self.flush()

    def flush(self, timeout: float = 60.0) -> None:
        """Run pending queries now and draw their answers (rendering, tests)."""
        self.feed.flush(self._refresh, timeout)

    def shutdown(self) -> None:
        """Stop the worker thread (also done when the view is destroyed)."""
        self.feed.shutdown()

    # -- loading -----------------------------------------------------------------------------

    def _request_axes(self) -> None:
        self.feed.request_axes(self.group_by, self.query)

    def _schedule(self, *_: object) -> None:
        self.feed.debounce.start()

    def _refresh(self) -> None:
        if self.lanes:
            first, last = self.visible_range()
            keys = tuple(lane.key for lane in self.lanes[self.top:self.top + self.rows_shown()])
            buckets = max(self.canvas.width() // BUCKET_PX, 10)
            self.feed.request_window(keys, first, last, buckets, self.THRESHOLD)

    def _axes_loaded(self, found: list[Lane], extent: tuple[dt.date, dt.date] | None) -> None:
        first_time = self.extent is None and not self.lanes
        self.lanes, self.extent = found, extent
        self.rows = {lane.key: i for i, lane in enumerate(found)}
        self.data = None
        self.set_top(self.top)
        if first_time:
            self.fit_all()
        if self._pending_highlight is not None:
            self.highlight(*self._pending_highlight)
            self._pending_highlight = None
        self._refresh()
        if "" not in self.rows:
            self.feed.request_none_lane()  # after the window: the picture comes first

    def _add_none_lane(self) -> None:
        if "" not in self.rows:
            self.lanes.append(none_lane(self.group_by))
            self.rows[""] = len(self.lanes) - 1
            self.set_top(self.top)

    def _window_loaded(self, data: WindowData) -> None:
        self.data = data
        self.canvas.layer.show(data, self.rows)
        self.canvas.layer.highlight(self.highlighted, self.rows)
        self._show_status(data)
        self.windowShown.emit()

    def _show_status(self, data: WindowData) -> None:
        if data.density is not None:
            self.status.setText(
                f"More than {self.THRESHOLD:,} items around this period: shading shows how "
                "many fall in each lane and period. Zoom in to see them one by one.")
        elif not self.lanes:
            self.status.setText("Nothing to show: no dated events or deals match.")
        else:
            self.status.setText(f"{len(data.items or []):,} items around this period, "
                                f"{len(self.lanes):,} lanes.")

    def _records_changed(self, kind: str, _ids: list) -> None:
        if kind in WATCHED_KINDS:
            self._request_axes()

    # -- lanes -------------------------------------------------------------------------------

    def rows_shown(self) -> int:
        """How many lanes the plot shows at once."""
        fit = self.canvas.lane_rows(LANE_PX)
        return min(max(len(self.lanes), self.canvas.lane_rows(MIN_LANE_PX)), fit)

    def set_top(self, top: int) -> None:
        """Scroll the lanes so that lane `top` is the first shown."""
        rows = self.rows_shown()
        self.top = max(0, min(top, len(self.lanes) - rows))
        self.lane_scroll.blockSignals(True)
        self.lane_scroll.setRange(0, max(len(self.lanes) - rows, 0))
        self.lane_scroll.setPageStep(rows)
        self.lane_scroll.setValue(self.top)
        self.lane_scroll.blockSignals(False)
        self.lane_scroll.setVisible(len(self.lanes) > rows)
        self.canvas.show_lanes(self.lanes, self.top, rows)
        self._schedule()

    def _scroll_lanes(self, value: int) -> None:
        self.set_top(value)

    def _resized(self, *_: object) -> None:
        self.set_top(self.top)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt API
        if not self.input.handle_key(event):
            super().keyPressEvent(event)
