"""Drawing one timeline window with pyqtgraph: markers, date spans, period bands, density.

Kept apart from the widget so the drawing (and finding what is under the mouse) can be read
in one place. Items of one look share one graphics item: a few calls draw thousands of
markers, and single-colour bar items take pyqtgraph's fast path.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from lodestone.core.records import EVENT_TYPES
from lodestone.core.timeline import Density, LaneKey, TimelineItem, WindowData, day_x

# category -> (colour, pyqtgraph symbol): shape and colour both tell the kind apart.
STYLES: dict[str, tuple[str, str]] = {
    "policy": ("#4C72B0", "s"),
    "trade restriction": ("#C44E52", "t"),
    "shipment": ("#55A868", "t1"),
    "partnership": ("#8172B2", "d"),
    "financing": ("#B8A038", "p"),
    "production": ("#3D9BB8", "h"),
    "stake": ("#DD8452", "star"),
    "other": ("#7F7F7F", "+"),
    "deal": ("#8C564B", "o"),  # brown: clear on a light or a dark background alike
}
CATEGORIES = (*EVENT_TYPES, "deal")
CATEGORY_INDEX = {name: index for index, name in enumerate(CATEGORIES)}
DENSITY_COLOUR = (31, 119, 180)
DENSITY_LEVELS = 8
MARKER_PX = 11
SPAN_HEIGHT = 0.3  # of a lane
# Deals ride above the middle of a lane, events below it: a deal and the event announcing it
# share a date, and neither may hide the other.
OFFSETS = {"deal": -0.2, "event": 0.12}
CELL_HEIGHT = 0.8


def deal_size(item: TimelineItem) -> float:
    """Marker diameter in pixels, growing with the log of the amount (not converted between
    currencies: the size says "large" or "small", the tooltip says how much)."""
    if item.amount is None:
        return MARKER_PX - 2
    major = abs(item.amount.minor) / 100
    size = min(max(MARKER_PX - 2 + 3.2 * math.log10(max(major, 1) / 1e6), 7), 26)
    return float(round(size / 2) * 2)  # a few sizes: pyqtgraph renders each size once


@dataclass
class Hit:
    item: TimelineItem | None = None  # a marker or span
    lane: LaneKey | None = None
    cell: tuple[dt.date, dt.date, int] | None = None  # a density cell: first, last day, count


class TimelineLayer:
    """All graphics of the current window in one view box, rebuilt by `show`."""

    def __init__(self, view: pg.ViewBox, legend: pg.LegendItem) -> None:
        self.view = view
        self.bands = {c: self._bars(c, alpha=48, z=-30, pen=False) for c in CATEGORIES}
        self.spans = {c: self._bars(c, alpha=120, z=-10, pen=True) for c in CATEGORIES}
        self.markers: dict[str, pg.ScatterPlotItem] = {}
        for category in CATEGORIES:
            colour, symbol = STYLES[category]
            scatter = pg.ScatterPlotItem(
                symbol=symbol, size=MARKER_PX, pen=pg.mkPen("#202020", width=0.8),
                brush=pg.mkBrush(colour), name=_label(category))
            scatter.setZValue(10)
            view.addItem(scatter)
            legend.addItem(scatter, _label(category))
            self.markers[category] = scatter
        self.cells = [self._cell_level(level) for level in range(DENSITY_LEVELS)]
        self.ring = pg.ScatterPlotItem(symbol="o", size=MARKER_PX + 14, brush=None,
                                       pen=pg.mkPen("#FF8C00", width=3))
        self.ring.setZValue(20)
        view.addItem(self.ring)
        self._placed: list[tuple[TimelineItem, LaneKey]] = []
        self._geometry = np.zeros((0, 4))  # x0, x1, y, size px of each placement
        self._cells: list[tuple[dt.date, dt.date, int, LaneKey]] = []
        self._cell_geometry = np.zeros((0, 3))

    def _bars(self, category: str, alpha: int, z: float, pen: bool) -> pg.BarGraphItem:
        colour = QColor(STYLES[category][0])
        fill = QColor(colour)
        fill.setAlpha(alpha)
        bars = pg.BarGraphItem(x0=[], x1=[], y0=[], height=[], brush=fill,
                               pen=pg.mkPen(colour, width=1) if pen else pg.mkPen(None))
        bars.setZValue(z)
        self.view.addItem(bars)
        return bars

    def _cell_level(self, level: int) -> pg.BarGraphItem:
        alpha = int(50 + 205 * (level + 1) / DENSITY_LEVELS)
        bars = pg.BarGraphItem(x0=[], x1=[], y0=[], height=[], pen=pg.mkPen(None),
                               brush=QColor(*DENSITY_COLOUR, alpha))
        bars.setZValue(-20)
        self.view.addItem(bars)
        return bars

    # -- drawing -----------------------------------------------------------------------------

    def show(self, data: WindowData, rows: dict[LaneKey, int]) -> None:
        """Draw a window's items (or density) in the lanes `rows` places on the y axis."""
        self._show_items(data.items or [], data.periods, rows)
        self._show_density(data.density, rows)

    def _show_items(self, items: list[TimelineItem], periods: list[TimelineItem],
                    rows: dict[LaneKey, int]) -> None:
        """One marker per placement (an item in each of its shown lanes), a bar across the
        span of an imprecise date, a band behind a period's lane; arrays, not loops per
        category, since a window may hold thousands."""
        placed = [(item, lane) for item in items for lane in item.lanes if lane in rows]
        self._placed = placed
        spans = {id(i): (day_x(i.start), day_x(i.end) + 1) for i in items}
        geometry = np.array(
            [(*spans[id(i)], rows[lane] + OFFSETS[i.kind],
              deal_size(i) if i.kind == "deal" else MARKER_PX) for i, lane in placed],
            dtype=float).reshape(-1, 4)
        self._geometry = geometry
        category = np.array([CATEGORY_INDEX[i.category] for i, _ in placed], dtype=int)
        centre = (geometry[:, 0] + geometry[:, 1]) / 2
        long = geometry[:, 1] - geometry[:, 0] > 1  # more than one day: a span
        band_rows = [(CATEGORY_INDEX[p.category], day_x(p.start),
                      day_x(p.period_end or p.end) + 1, rows[lane] - 0.5)
                     for p in periods for lane in p.lanes if lane in rows]
        bands = np.array(band_rows, dtype=float).reshape(-1, 4)
        for index, name in enumerate(CATEGORIES):
            mine = category == index
            self.markers[name].setData(x=centre[mine], y=geometry[mine, 2],
                                       size=geometry[mine, 3])
            span = geometry[mine & long]
            _set_bars(self.spans[name], np.column_stack([
                span[:, 0], span[:, 1], span[:, 2] - SPAN_HEIGHT / 2,
                np.full(len(span), SPAN_HEIGHT)]))
            band = bands[bands[:, 0] == index]
            _set_bars(self.bands[name], np.column_stack([
                band[:, 1], band[:, 2], band[:, 3], np.ones(len(band))]))

    def _show_density(self, counts: Density | None, rows: dict[LaneKey, int]) -> None:
        cells = []
        if counts is not None:
            width = dt.timedelta(days=counts.bucket_days)
            for lane, buckets in counts.counts.items():
                if lane in rows:
                    for index, n in buckets.items():
                        first = counts.bucket_start(index)
                        cells.append((first, first + width - dt.timedelta(days=1), n, lane))
        self._cells = cells
        self._cell_geometry = np.array(
            [(day_x(a), day_x(b) + 1, rows[lane]) for a, b, _, lane in cells],
            dtype=float).reshape(-1, 3)
        top = max((n for _, _, n, _ in cells), default=1)
        levels: list[list[tuple[float, float, float, float]]] = [[] for _ in self.cells]
        for (_, _, n, lane), geometry in zip(cells, self._cell_geometry, strict=True):
            level = min(int(DENSITY_LEVELS * math.log1p(n) / math.log1p(top)), DENSITY_LEVELS - 1)
            levels[level].append((geometry[0], geometry[1], rows[lane] - CELL_HEIGHT / 2,
                                  CELL_HEIGHT))
        for bars, rects in zip(self.cells, levels, strict=True):
            _set_bars(bars, rects)

    def highlight(self, item: TimelineItem | None, rows: dict[LaneKey, int]) -> None:
        """Ring the item in each of its shown lanes (nothing when None)."""
        spots = [] if item is None else [
            ((day_x(item.start) + day_x(item.end) + 1) / 2, rows[lane] + OFFSETS[item.kind])
            for lane in item.lanes if lane in rows]
        self.ring.setData(pos=np.array(spots, dtype=float).reshape(-1, 2))

    # -- finding what is under the mouse ---------------------------------------------------

    def hit(self, x: float, y: float, pixel: tuple[float, float]) -> Hit | None:
        """The marker, span or density cell at view point (x, y); `pixel` is the size of one
        pixel in view units, so markers are found by their drawn size."""
        px, py = pixel
        g = self._geometry
        if len(g):
            centre = (g[:, 0] + g[:, 1]) / 2
            radius = g[:, 3] / 2 + 2
            on_marker = (np.abs(x - centre) <= radius * px) & (np.abs(y - g[:, 2]) <= radius * py)
            on_span = (x >= g[:, 0]) & (x <= g[:, 1]) & (np.abs(y - g[:, 2]) <= SPAN_HEIGHT / 2)
            found = np.flatnonzero(on_marker | on_span)
            if len(found):
                best = found[np.argmin(np.abs(x - centre[found]) + (g[found, 1] - g[found, 0]))]
                item, lane = self._placed[int(best)]
                return Hit(item=item, lane=lane)
        c = self._cell_geometry
        if len(c):
            found = np.flatnonzero((x >= c[:, 0]) & (x < c[:, 1])
                                   & (np.abs(y - c[:, 2]) <= CELL_HEIGHT / 2))
            if len(found):
                first, last, n, lane = self._cells[int(found[0])]
                return Hit(cell=(first, last, n), lane=lane)
        return None

    @property
    def placements(self) -> int:
        return len(self._placed)

    @property
    def cell_count(self) -> int:
        return len(self._cells)


def _label(category: str) -> str:
    return "Deal" if category == "deal" else category.capitalize()


def _set_bars(bars: pg.BarGraphItem, rects: Any) -> None:
    """x0, x1, y0, height of each bar (rows of a list or an array); hidden when none."""
    array = np.asarray(rects, dtype=float).reshape(-1, 4)
    bars.setOpts(x0=array[:, 0], x1=array[:, 1], y0=array[:, 2], height=array[:, 3])
    bars.setVisible(bool(len(array)))
