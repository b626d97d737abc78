"""Lists of the records related to the one in a form (a company's deals and events), each
one click away: clicking a row asks the main window to show that record."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from lodestone.core.lists import ListQuery, fetch_rows

LIMIT = 200


class RelatedList(QWidget):
    """A titled list of one kind of record; `opened(kind, id)` on click or Enter (one signal
    per gesture, so a double-click does not ask twice to leave an edited form)."""

    opened = Signal(str, int)

    def __init__(self, kind: str, title: str, object_name: str,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.kind = kind
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        self.title = QLabel(title, self)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        layout.addWidget(self.title)
        self.list = _ClickList(self)
        self.list.setObjectName(object_name)
        self.list.setAccessibleName(title)
        self.list.setMaximumHeight(self.list.fontMetrics().lineSpacing() * 8)
        self.list.setCursor(Qt.CursorShape.PointingHandCursor)
        self.list.chosen.connect(self._chosen)
        self.title.setBuddy(self.list)
        layout.addWidget(self.list)
        self.empty = QLabel("None yet.", self)
        self.empty.setObjectName(f"{object_name}.empty")
        layout.addWidget(self.empty)

    def show_query(self, conn: sqlite3.Connection, query: ListQuery | None,
                   describe: Callable[[dict[str, str]], str]) -> None:  # fmt: skip
        """Fill from one list query (None: nothing to list); `describe(cells)` gives a row's
        text from its display cells by column key."""
        self.list.clear()
        rows = [] if query is None else fetch_rows(conn, query, 0, LIMIT)
        keys = [] if query is None else [c.key for c in query.spec.columns]
        for row in rows:
            item = QListWidgetItem(describe(dict(zip(keys, row.cells, strict=True))))
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            self.list.addItem(item)
        self.list.setVisible(bool(rows))
        self.empty.setVisible(not rows)

    def ids(self) -> list[int]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def _chosen(self, item: QListWidgetItem) -> None:
        self.opened.emit(self.kind, int(item.data(Qt.ItemDataRole.UserRole)))


class _ClickList(QListWidget):
    chosen = Signal(QListWidgetItem)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.itemClicked.connect(self.chosen)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentItem():
            self.chosen.emit(self.currentItem())
            return
        super().keyPressEvent(event)
