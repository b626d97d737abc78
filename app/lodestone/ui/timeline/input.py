"""What the mouse and keyboard do on the timeline: hover tips, click-through, zoom and pan keys.

Hover and click both ask the drawn layer what is under a view point, so what shows a tip is
exactly what a click opens; tests drive `tooltip_at` and `click_at` as the mouse would.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent

from lodestone.core.records import FuzzyDate, format_money
from lodestone.core.timeline import Lane, TimelineItem

if TYPE_CHECKING:  # pyqtgraph loads with the canvas, when the view is first shown
    from lodestone.ui.timeline.plot import TimelineCanvas

ZOOM_IN, ZOOM_OUT = 0.8, 1.25
PAN_STEP = 0.1  # of the visible width


class TimelineSurface(Protocol):
    """What the mouse and keys act on: the canvas and its lanes, and the view's moves."""

    @property
    def canvas(self) -> TimelineCanvas: ...

    @property
    def lanes(self) -> list[Lane]: ...

    @property
    def top(self) -> int: ...

    def rows_shown(self) -> int: ...

    def set_top(self, top: int) -> None: ...

    def fit_all(self) -> None: ...

    def show_range(self, first: dt.date, last: dt.date) -> None: ...

    def open_item(self, item: TimelineItem) -> None: ...


class TimelineInput(QObject):
    """Connects the canvas's mouse signals and keys to the view."""

    def __init__(self, view: TimelineSurface, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.view = view
        scene = view.canvas.scene()
        scene.sigMouseMoved.connect(self.mouse_moved)
        scene.sigMouseClicked.connect(self.mouse_clicked)
        view.canvas.installEventFilter(self)

    def mouse_moved(self, pos: Any) -> None:
        """Show the tip of what is under a scene position (nothing when over nothing)."""
        box = self.view.canvas.view
        if box.sceneBoundingRect().contains(pos):
            point = box.mapSceneToView(pos)
            box.setToolTip(self.tooltip_at(point.x(), point.y()))

    def mouse_clicked(self, event: Any) -> None:
        if event.button() == Qt.MouseButton.LeftButton and not event.double():
            point = self.view.canvas.view.mapSceneToView(event.scenePos())
            self.click_at(point.x(), point.y())

    def tooltip_at(self, x: float, y: float) -> str:
        """What hovering view point (x, y) shows: an item's title, date as written, amount
        and companies, or how many items a density cell holds."""
        hit = self.view.canvas.layer.hit(x, y, self._pixel())
        if hit is None:
            return ""
        if hit.item is not None:
            return describe(hit.item)
        if hit.cell is None:  # a hit is an item or a density cell
            return ""
        first, last, count = hit.cell
        label = next((lane.label for lane in self.view.lanes if lane.key == hit.lane), "")
        return (f"{count:,} items in {label}, {FuzzyDate.of_day(first).display()} – "
                f"{FuzzyDate.of_day(last).display()}\nClick or zoom in to see them.")

    def click_at(self, x: float, y: float) -> bool:
        """Open the item at view point (x, y), or zoom into a density cell; False for none."""
        view = self.view
        hit = view.canvas.layer.hit(x, y, self._pixel())
        if hit is None:
            return False
        if hit.item is not None:
            view.open_item(hit.item)
        elif hit.cell is not None:
            first, last, _ = hit.cell
            view.show_range(first - (last - first), last + (last - first))
        return True

    def _pixel(self) -> tuple[float, float]:
        px, py = self.view.canvas.view.viewPixelSize()
        return float(px), float(py)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            return self.handle_key(event)
        return super().eventFilter(watched, event)

    def handle_key(self, event: QKeyEvent) -> bool:
        """+/- zoom, left/right pan, up/down and page keys scroll lanes, Home fits all."""
        view, key, text = self.view, event.key(), event.text()
        lanes_keys = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1,
                      Qt.Key.Key_PageUp: -view.rows_shown(), Qt.Key.Key_PageDown: view.rows_shown()}
        if text in ("+", "="):
            view.canvas.key_zoom(ZOOM_IN)
        elif text in ("-", "_"):
            view.canvas.key_zoom(ZOOM_OUT)
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            view.canvas.key_scroll(-PAN_STEP if key == Qt.Key.Key_Left else PAN_STEP)
        elif key in lanes_keys:
            view.set_top(view.top + lanes_keys[Qt.Key(key)])
        elif key == Qt.Key.Key_Home:
            view.fit_all()
        else:
            return False
        return True


def describe(item: TimelineItem) -> str:
    """The hover text of an item: title, the date as written with its precision, amount,
    companies."""
    kind = "Deal" if item.kind == "deal" else item.category.capitalize()
    lines = [item.title, f"{kind} · {item.display} ({item.precision.value} precision)"]
    if item.amount is not None:
        lines.append(f"Amount: {format_money(item.amount)} ({format_money(item.amount, True)})")
    if item.companies:
        noun = "Parties" if item.kind == "deal" else "Companies"
        lines.append(f"{noun}: {', '.join(item.companies)}")
    return "\n".join(lines)
