"""The timeline's pyqtgraph canvas: a date axis that adapts as you zoom, lanes named on the
left axis, a legend below the plot, and export of what is shown to PNG or SVG.

Imported only when the timeline is first shown: pyqtgraph costs about half a second to load.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyqtgraph as pg
import pyqtgraph.exporters as exporters
from PySide6.QtCore import QEvent, QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetrics, QPainter
from PySide6.QtSvg import QSvgGenerator
from PySide6.QtWidgets import QWidget

from lodestone.core.timeline import Lane, day_x
from lodestone.ui.chart_colours import ChartColours, recoloured
from lodestone.ui.timeline.items import TimelineLayer

DAY_SECONDS = 86400

LANE_AXIS_WIDTH = 190
LABEL_MARGIN = 22  # tick and spacing: a wider label is not drawn at all by AxisItem
MIN_DAYS_SHOWN = 3
MAX_YEARS_SHOWN = 400
_EARLIEST = day_x(dt.date(1000, 1, 1))


class DayAxis(pg.DateAxisItem):
    """pyqtgraph's date axis (labels adapt from years to months to days as you zoom) over x
    in days since 1970-01-01 rather than seconds."""

    def __init__(self) -> None:
        super().__init__(orientation="bottom", utcOffset=0)  # dates, not local clock times
        self._seconds: dict[float, float] = {}

    def tickValues(  # noqa: N802 - pyqtgraph API
        self, minVal: float, maxVal: float, size: float  # noqa: N803
    ) -> list[tuple[float, list[float]]]:
        levels = super().tickValues(minVal * DAY_SECONDS, maxVal * DAY_SECONDS, size)
        self._seconds = {spacing / DAY_SECONDS: spacing for spacing, _ in levels}
        return [(spacing / DAY_SECONDS, [v / DAY_SECONDS for v in values])
                for spacing, values in levels]

    def tickStrings(  # noqa: N802 - pyqtgraph API
        self, values: list[float], scale: float, spacing: float
    ) -> list[str]:
        seconds = self._seconds.get(spacing, spacing * DAY_SECONDS)
        return super().tickStrings([v * DAY_SECONDS for v in values], scale, seconds)

    def linkToView(self, view: pg.ViewBox) -> None:  # noqa: N802 - pyqtgraph API
        # The base class limits the view to its range in seconds; the canvas sets day limits.
        self._linkToView_internal(view)


class TimelineCanvas(pg.GraphicsLayoutWidget):
    """One plot of lanes (y, lane 0 on top) against days (x, UTC seconds)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, show=False)
        self.date_axis = DayAxis()
        self.lane_axis = pg.AxisItem(orientation="left")
        self.plot = pg.PlotItem(axisItems={"bottom": self.date_axis, "left": self.lane_axis})
        self.addItem(self.plot, row=0, col=0)
        self.legend = pg.LegendItem(colCount=5)
        self.addItem(self.legend, row=1, col=0)
        self.ci.layout.setRowStretchFactor(0, 10)
        self.view: pg.ViewBox = self.plot.getViewBox()
        self.view.setMouseEnabled(x=True, y=False)  # drag pans, wheel zooms: time only
        self.view.setMenuEnabled(False)
        self.view.invertY(True)
        self.view.disableAutoRange()
        self.view.setLimits(xMin=_EARLIEST, xMax=day_x(dt.date(9999, 12, 31)),
                            minXRange=MIN_DAYS_SHOWN, maxXRange=MAX_YEARS_SHOWN * 365)
        self.plot.hideButtons()
        self.plot.showGrid(x=True, y=False, alpha=0.25)
        self.colours = ChartColours.of(self)
        self.colours.paint(self, [self.date_axis, self.lane_axis], self.legend)
        self.lane_axis.setWidth(LANE_AXIS_WIDTH)
        self.layer = TimelineLayer(self.view, self.legend)
        self._separators: list[pg.InfiniteLine] = []

    def show_lanes(self, lanes: list[Lane], top: int, rows: int) -> None:
        """Name lanes top..top+rows on the left axis, with a line between neighbours."""
        shown = range(top, min(top + rows, len(lanes)))
        metrics = QFontMetrics(self.font())
        width = LANE_AXIS_WIDTH - LABEL_MARGIN
        self.lane_axis.setTicks([[
            (i, metrics.elidedText(lanes[i].label, Qt.TextElideMode.ElideRight, width))
            for i in shown], []])
        self.view.setYRange(top - 0.5, top + rows - 0.5, padding=0)
        for line in self._separators:
            self.view.removeItem(line)
        self._separators = [
            pg.InfiniteLine(pos=i + 0.5, angle=0, pen=pg.mkPen(self.colours.faint()))
            for i in shown if i + 1 < len(lanes)]
        for line in self._separators:
            self.view.addItem(line, ignoreBounds=True)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's API
        super().changeEvent(event)
        if (colours := recoloured(self, event)) is not None:
            self.colours = colours
            self.colours.paint(self, [self.date_axis, self.lane_axis], self.legend)
            for line in self._separators:
                line.setPen(pg.mkPen(self.colours.faint()))

    def visible_days(self) -> tuple[float, float]:
        """The x range shown, in view units (days since 1970-01-01)."""
        (x0, x1), _ = self.view.viewRange()
        return float(x0), float(x1)

    def lane_rows(self, lane_px: int) -> int:
        """How many lanes fit the plot's height at `lane_px` pixels each (at least one)."""
        return max(1, int(self.view.height() // lane_px))

    def view_to_widget(self, x: float, y: float, widget: QWidget) -> QPointF:
        """Where a view point lands in `widget`'s coordinates (for clicks and pixel checks)."""
        in_viewport = self.mapFromScene(self.view.mapViewToScene(QPointF(x, y)))
        return QPointF(widget.mapFromGlobal(self.viewport().mapToGlobal(in_viewport)))

    def export(self, path: Path) -> Path:
        """Write the plot and legend as shown to a PNG or SVG file, chosen by the suffix."""
        suffix = path.suffix.lower()
        if suffix not in (".png", ".svg"):
            raise ValueError(f"cannot export the timeline as '{path.suffix or path.name}': "
                             "choose a .png or .svg file name")
        if suffix == ".png":
            exporter = exporters.ImageExporter(self.ci)
            exporter.parameters()["background"] = self.colours.background
            exporter.export(str(path))
        else:
            self._export_svg(path)
        if not path.exists():
            raise OSError(f"the timeline could not be written to {path}")
        return path

    def _export_svg(self, path: Path) -> None:
        """Paint the canvas into an SVG file with Qt's own generator, one SVG unit per
        screen pixel. pyqtgraph's SVGExporter cannot read the closed paths recent Qt
        versions write (pyqtgraph issue 3495), and rendering the scene at another scale
        misplaces the markers pyqtgraph draws in screen pixels."""
        size = self.viewport().size()
        generator = QSvgGenerator()
        generator.setFileName(str(path))
        generator.setSize(size)
        generator.setViewBox(QRectF(0, 0, size.width(), size.height()))
        generator.setResolution(self.logicalDpiX())
        generator.setTitle("Lodestone timeline")
        # Export mode, as pyqtgraph's exporters set it: markers drawn as shapes, not pixmaps.
        items = [item for item in self.scene().items() if hasattr(item, "setExportMode")]
        painter = QPainter(generator)
        try:
            for item in items:
                item.setExportMode(True, {"antialias": True})
            self.render(painter)
        finally:
            painter.end()
            for item in items:
                item.setExportMode(False)

    def key_scroll(self, fraction: float) -> None:
        x0, x1 = self.visible_days()
        shift = (x1 - x0) * fraction
        self.view.setXRange(x0 + shift, x1 + shift, padding=0)

    def key_zoom(self, factor: float) -> None:
        self.view.scaleBy(x=factor, y=None)
