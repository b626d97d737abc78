"""The charts take their colours from the palette: a dark desktop gets dark charts, at once
and when the theme changes while they are shown."""

from __future__ import annotations

from lodestone.core.funding import breakdown
from lodestone.core.records import Deal, Tranche, parse_money
from PySide6.QtCore import QPoint
from PySide6.QtGui import QColor, QPalette

BASE, TEXT = QColor("#1e1f22"), QColor("#dfe1e5")


def dark() -> QPalette:
    palette = QPalette()
    for role, colour in ((QPalette.ColorRole.Base, BASE), (QPalette.ColorRole.Text, TEXT),
                         (QPalette.ColorRole.Window, BASE),
                         (QPalette.ColorRole.WindowText, TEXT)):  # fmt: skip
        palette.setColor(role, colour)
    return palette


def test_the_funding_chart_turns_dark_with_the_palette(qtbot, ctx) -> None:
    from lodestone.ui.funding.chart import FundingChart

    ctx.repo.save(Deal("Magnet plant", amount=parse_money("$10M"),
                       tranches=[Tranche("loan", parse_money("$6M"))]))  # fmt: skip
    chart = FundingChart()
    qtbot.addWidget(chart)
    chart.resize(640, 420)
    chart.show()
    chart.show_breakdown(breakdown(ctx.repo.conn))
    corner = QPoint(4, 4)
    assert chart.pixel(corner) == chart.palette().color(QPalette.ColorRole.Base)
    chart.setPalette(dark())  # the desktop switched to a dark theme while it was shown
    assert chart.pixel(corner) == BASE
    assert chart.plot.getAxis("left").textPen().color() == TEXT
    assert chart.plot.titleLabel.opts["color"] == TEXT
    assert [label.text for _, label in chart.legend.items] == ["Unallocated", "Loan"]
    assert len(chart.placed) == 2  # the segments drawn again, none lost


def test_the_timeline_turns_dark_with_the_palette(qtbot) -> None:
    from lodestone.ui.timeline.plot import TimelineCanvas

    canvas = TimelineCanvas()
    qtbot.addWidget(canvas)
    canvas.setPalette(dark())
    canvas.resize(400, 300)
    canvas.show()
    assert canvas.grab().toImage().pixelColor(QPoint(4, 4)) == BASE
    assert canvas.date_axis.textPen().color() == TEXT
