"""The charts' colours, taken from the window's palette: under a dark desktop theme the
timeline and the funding chart are dark too, with light text, not a white block in a dark
window. The data's own colours (instruments, event kinds) stay the same in both."""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QEvent
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QWidget


@dataclass(frozen=True)
class ChartColours:
    background: QColor  # the palette's base: what lists and text fields are drawn on
    foreground: QColor  # its text

    @classmethod
    def of(cls, widget: QWidget) -> ChartColours:
        palette = widget.palette()
        return cls(palette.color(QPalette.ColorRole.Base), palette.color(QPalette.ColorRole.Text))

    def faint(self, alpha: int = 40) -> QColor:
        """The text colour, nearly transparent: lines between lanes."""
        colour = QColor(self.foreground)
        colour.setAlpha(alpha)
        return colour

    def paint(self, canvas: pg.GraphicsView, axes: list[pg.AxisItem],
              legend: pg.LegendItem) -> None:  # fmt: skip
        """Background, axes and legend text of a chart in these colours."""
        canvas.setBackground(self.background)
        for axis in axes:
            axis.setPen(pg.mkPen(self.foreground))
            axis.setTextPen(pg.mkPen(self.foreground))
        legend.setLabelTextColor(self.foreground)
        for _, label in legend.items:
            label.setText(label.text)  # drawn again in the new colour


def recoloured(chart: QWidget, event: QEvent) -> ChartColours | None:
    """The chart's new colours when `event` changed its palette, or None: no change, or the
    chart is still being built (its `colours` not yet set)."""
    old = getattr(chart, "colours", None)
    if old is None or event.type() not in (QEvent.Type.PaletteChange,
                                            QEvent.Type.ApplicationPaletteChange):  # fmt: skip
        return None
    new = ChartColours.of(chart)
    return None if new == old else new
