"""The funding chart itself: a pyqtgraph stacked bar chart of one `Breakdown`.

Imported only when the Funding view is first built (pyqtgraph costs about half a second to
load). Each stack key is one BarGraphItem whose bars start where the previous key's ended
(`y0`), so a legend entry is one item and every segment keeps its colour in every bar. Amounts
are drawn as floats of major units, which is fine for pixels; every figure a person reads
(axis, tooltip) is formatted from the exact Money.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QFileDialog, QMenu, QToolButton, QVBoxLayout, QWidget

from lodestone.core.funding import UNALLOCATED, Bar, Breakdown, Key, Segment
from lodestone.core.records import CURRENCY_DIGITS, INSTRUMENTS, Money, format_money
from lodestone.ui.chart_colours import ChartColours, recoloured

BAR_WIDTH = 0.7
# Colour-blind-safe colours (Okabe-Ito first), fixed per instrument and funder type so a loan
# is the same blue in every chart and export.
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442",
           "#8C564B", "#7F7F7F", "#17BECF", "#BCBD22", "#393B79")  # fmt: skip
FIXED_COLOURS = {
    **{instrument: PALETTE[i] for i, instrument in enumerate(INSTRUMENTS[:-1])},
    "other": "#7F7F7F",
    "government": "#0072B2",
    "private": "#E69F00",
}
UNALLOCATED_COLOUR = "#E3E3E3"


def colour_for(key: Key, position: int) -> str:
    """A stack key's colour: fixed for vocabulary keys, by legend position for funders."""
    if key == UNALLOCATED:
        return UNALLOCATED_COLOUR
    if isinstance(key, str) and key in FIXED_COLOURS:
        return FIXED_COLOURS[key]
    return PALETTE[position % len(PALETTE)]


def _major(amount: Money) -> float:
    return amount.minor / 10 ** CURRENCY_DIGITS[amount.currency]


class MoneyAxis(pg.AxisItem):
    """A value axis labelled in human units of the chart's currency: $0, $500M, $1.5B."""

    currency: str | None = None

    def tickSpacing(  # noqa: N802 - pyqtgraph's API
        self, minVal: float, maxVal: float, size: float  # noqa: N803
    ) -> list[tuple[float, float]]:
        """One level of round steps (1, 2 or 5 x 10^n), about one label per 50 pixels."""
        span = maxVal - minVal
        if span <= 0 or size <= 0:
            return super().tickSpacing(minVal, maxVal, size)
        raw = span / max(2, int(size / 50))
        power = 10 ** math.floor(math.log10(raw))
        step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
        return [(step, 0)]

    def tickStrings(  # noqa: N802 - pyqtgraph's API
        self, values: list[float], scale: float, spacing: float
    ) -> list[str]:
        if self.currency is None:
            return super().tickStrings(values, scale, spacing)
        factor = 10 ** CURRENCY_DIGITS[self.currency]  # no SI scaling: see enableAutoSIPrefix
        return [format_money(Money(round(v * factor), self.currency), short=True)
                for v in values]  # fmt: skip


@dataclass(frozen=True)
class Placed:
    """A segment as drawn: its bar and segment, and its extent in data coordinates."""

    bar: Bar
    segment: Segment
    index: int
    bottom: float
    top: float


def tooltip(placed: Placed) -> str:
    """Exact amounts: the segment, its share of the bar, and the bar's total."""
    bar, segment = placed.bar, placed.segment
    lines = [f"{bar.label} — {segment.label}", format_money(segment.amount),
             f"of {format_money(bar.total)} in this bar"]  # fmt: skip
    if segment.key == UNALLOCATED:
        lines.append(f"{segment.count} deal(s) whose tranches fall short of the headline")
    else:
        lines.append(f"{segment.count} tranche(s) — click to list their deals")
    return "\n".join(lines)


def title(data: Breakdown) -> str:
    """"Funding by year and instrument, USD": says what the exported picture shows."""
    query = data.query
    by = {"company": "recipient", "all": "all deals"}.get(query.by, query.by)
    stack = query.stack.replace("-", " ")
    if data.currency is None:
        return f"Funding by {by} and {stack}"
    converted = " (converted)" if query.reporting else ""
    return f"Funding by {by} and {stack}, {data.currency}{converted}"


class FundingChart(QWidget):
    """Draws a Breakdown; reports hovers as tooltips and clicks as segmentClicked(bar, segment)."""

    segmentClicked = Signal(object, object)  # noqa: N815 - Qt signal naming

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = pg.GraphicsLayoutWidget()
        self.canvas.setObjectName("funding.chart")
        self.axis = MoneyAxis("left")
        self.axis.enableAutoSIPrefix(False)
        self.axis.setWidth(76)  # room for "PKR 1.25B" from the first paint on
        self.plot = self.canvas.addPlot(row=0, col=0, axisItems={"left": self.axis})
        side = self.canvas.addLayout(row=0, col=1)  # the legend at the top right, beside
        self.legend = pg.LegendItem()
        side.addItem(self.legend, row=0, col=0)
        side.addItem(pg.LabelItem(""), row=1, col=0)
        side.layout.setRowStretchFactor(1, 1)
        self.canvas.ci.layout.setColumnStretchFactor(0, 1)
        self.canvas.ci.layout.setColumnStretchFactor(1, 0)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.setMenuEnabled(False)
        self.plot.hideButtons()
        self.colours = ChartColours.of(self)
        self.colours.paint(self.canvas, [self.plot.getAxis(s) for s in ("left", "bottom")],
                           self.legend)  # fmt: skip
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas)
        self.data: Breakdown | None = None
        self.placed: list[Placed] = []
        self.items: list[pg.BarGraphItem] = []
        self.canvas.scene().sigMouseMoved.connect(self._hover)
        self.canvas.scene().sigMouseClicked.connect(self._click)
        self.plot.getViewBox().sigResized.connect(self._label_bars)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's API
        super().changeEvent(event)
        if (colours := recoloured(self, event)) is not None:
            self.colours = colours
            self.colours.paint(self.canvas, [self.plot.getAxis(s) for s in ("left", "bottom")],
                               self.legend)  # fmt: skip
            shown, self.data = self.data, None
            if shown is not None:
                self.show_breakdown(shown)  # bars parted by lines of the new background

    # -- drawing ----------------------------------------------------------------------------

    def show_breakdown(self, data: Breakdown) -> None:
        """Draw `data`; when its stack keys are those already drawn (a regroup, another
        currency), the bar items and the legend are kept and only their bars are changed."""
        keep = self.data is not None and data.stacks == self.data.stacks and self.items
        if not keep:
            for item in self.items:
                self.plot.removeItem(item)
            self.legend.clear()
        items, self.items, self.placed, self.data = self.items, [], [], data
        self.axis.currency = data.currency
        self.plot.setTitle(title(data), color=self.colours.foreground)
        bottoms = [0.0] * len(data.bars)
        for position, (key, label) in enumerate(data.stacks):
            x0: list[float] = []
            y0: list[float] = []
            heights: list[float] = []
            for index, bar in enumerate(data.bars):
                for segment in bar.segments:
                    if segment.key != key:
                        continue
                    value = _major(segment.amount)
                    x0.append(index - BAR_WIDTH / 2)
                    y0.append(bottoms[index])
                    heights.append(value)
                    self.placed.append(Placed(bar, segment, index, bottoms[index],
                                              bottoms[index] + value))  # fmt: skip
                    bottoms[index] += value
            if keep:
                items[position].setOpts(x0=x0, y0=y0, height=heights)
                self.items.append(items[position])
            else:
                self._add_item(key, label, position, x0, y0, heights)
        if not keep:
            for item in reversed(self.items):  # the legend reads top-down, like the stacks
                self.legend.addItem(item, item.name())
        top = max(bottoms, default=0.0)
        self.plot.setXRange(-0.6, max(len(data.bars), 1) - 0.4, padding=0)
        self.plot.setYRange(0, top * 1.05 if top > 0 else 1.0, padding=0)
        self._label_bars()

    def _add_item(self, key: Key, label: str, position: int, x0: list, y0: list,
                  heights: list) -> None:  # fmt: skip
        colour = colour_for(key, position)
        pen = pg.mkPen("#808080", style=Qt.PenStyle.DashLine) if key == UNALLOCATED else (
            pg.mkPen(self.colours.background, width=1))  # segments parted by a background line
        item = pg.BarGraphItem(x0=x0, y0=y0, width=BAR_WIDTH, height=heights, brush=colour,
                               pen=pen, name=label)  # fmt: skip
        self.plot.addItem(item)
        self.items.append(item)

    def _label_bars(self) -> None:
        """Bar names under the axis, shortened to the room each bar has."""
        if self.data is None:
            return
        bars = self.data.bars
        room = max(int(self.plot.getViewBox().width() / max(len(bars), 1)) - 6, 24)
        metrics = QFontMetrics(self.font())
        ticks = [(float(i), metrics.elidedText(bar.label, Qt.TextElideMode.ElideRight, room))
                 for i, bar in enumerate(bars)]  # fmt: skip
        self.plot.getAxis("bottom").setTicks([ticks])

    # -- finding segments -----------------------------------------------------------------

    def placed_at(self, x: float, y: float) -> Placed | None:
        """The segment drawn at a point in data coordinates, if any."""
        for placed in self.placed:
            low, high = sorted((placed.bottom, placed.top))
            if abs(x - placed.index) <= BAR_WIDTH / 2 and low <= y <= high:
                return placed
        return None

    def _placed_at_scene(self, scene_pos: QPointF) -> Placed | None:
        box = self.plot.getViewBox()
        if not box.sceneBoundingRect().contains(scene_pos):
            return None
        point = box.mapSceneToView(scene_pos)
        return self.placed_at(point.x(), point.y())

    def widget_point(self, placed: Placed, fraction: float = 0.5) -> QPoint:
        """Where a segment is on the canvas widget (a point `fraction` of its way up)."""
        y = placed.bottom + (placed.top - placed.bottom) * fraction
        scene = self.plot.getViewBox().mapViewToScene(QPointF(placed.index, y))
        return self.canvas.mapFromScene(scene)

    def _hover(self, scene_pos: QPointF) -> None:
        placed = self._placed_at_scene(scene_pos)
        self.canvas.setToolTip("" if placed is None else tooltip(placed))

    def _click(self, event: Any) -> None:  # pyqtgraph's MouseClickEvent (it has no stubs)
        if event.button() != Qt.MouseButton.LeftButton:
            return
        placed = self._placed_at_scene(event.scenePos())
        if placed is not None:
            self.segmentClicked.emit(placed.bar.key, placed.segment.key)

    # -- export -----------------------------------------------------------------------------

    def export_png(self, path: Path, width: int | None = None) -> Path:
        from pyqtgraph.exporters import ImageExporter

        exporter = ImageExporter(self.canvas.scene())
        if width is not None:
            exporter.parameters()["width"] = width
        exporter.export(str(path))
        return path

    def export_svg(self, path: Path) -> Path:
        """SVG through Qt's own generator: pyqtgraph's SVG exporter cannot read the paths that
        current Qt versions write (pyqtgraph issue 3485)."""
        size = self.canvas.size()
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(QSize(size.width(), size.height()))
        generator.setViewBox(QRect(0, 0, size.width(), size.height()))
        generator.setTitle("Lodestone funding breakdown")
        painter = QPainter(generator)
        try:
            self.canvas.render(painter)
        finally:
            painter.end()
        return path

    def pixel(self, point: QPoint) -> QColor:
        """The colour drawn at a point of the canvas (for tests and checks)."""
        return self.canvas.grab().toImage().pixelColor(point)


def export_button(owner: QWidget, exports: tuple[tuple[str, str, Callable[[Path], Path]], ...]
                  ) -> QToolButton:  # fmt: skip
    """An "Export" button whose menu asks where to save each (text, suffix, export) choice."""
    button = QToolButton()
    button.setText("Export")
    button.setObjectName("funding.export")
    button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    menu = QMenu(button)
    for text, suffix, export in exports:
        action = menu.addAction(text)
        action.setObjectName(f"funding.export.{suffix}")
        action.triggered.connect(lambda _=False, s=suffix, f=export: _ask_path(owner, s, f))
    button.setMenu(menu)
    return button


def _ask_path(owner: QWidget, suffix: str, export: Callable[[Path], Path]) -> None:
    path, _ = QFileDialog.getSaveFileName(
        owner, "Export", f"funding.{suffix}", f"{suffix.upper()} (*.{suffix})")
    if path:
        export(Path(path))
