"""The Trash: deleted records of every kind, each one Restore away from coming back."""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lodestone.core.history import REFUSALS, Composite, refusal_sentence, restore_operation
from lodestone.core.lists import ListQuery
from lodestone.core.records import COMPANY, DEAL, EVENT, SOURCE
from lodestone.ui.context import AppContext
from lodestone.ui.lists.model import RecordListModel

log = logging.getLogger(__name__)
TAB_ORDER = (DEAL, EVENT, COMPANY, SOURCE)  # deals first: what is deleted most often


class TrashPage(QWidget):
    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("page.trash")
        self.tabs = QTabWidget()
        self.tabs.setObjectName("trash.tabs")
        self.models: dict[str, RecordListModel] = {}
        self.tables: dict[str, QTableView] = {}
        for described in TAB_ORDER:
            kind, title = described.name, described.plural.capitalize()
            model = RecordListModel(ctx, kind, self)
            model.set_query(ListQuery(kind, deleted=True))
            table = QTableView()
            table.setObjectName(f"trash.{kind}.table")
            table.setAccessibleName(f"Deleted {title.lower()}")
            table.setModel(model)
            table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
            table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            table.verticalHeader().hide()
            table.horizontalHeader().setStretchLastSection(True)
            table.doubleClicked.connect(self.restore_selected)
            self.models[kind] = model
            self.tables[kind] = table
            self.tabs.addTab(table, title)
        self.message = QLabel()
        self.message.setObjectName("trash.message")
        self.message.setWordWrap(True)
        self.restore_button = QPushButton("&Restore")
        self.restore_button.setObjectName("trash.restore")
        self.restore_button.setToolTip("Put the selected records back where they were")
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_button.setEnabled(not ctx.readonly)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addWidget(self.restore_button)
        intro = QLabel(
            "Deleted records stay here until you restore them. "
            "Undo (Ctrl+Z) also brings back what you just deleted."
        )
        intro.setWordWrap(True)
        intro.setAlignment(Qt.AlignmentFlag.AlignLeft)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.tabs)
        layout.addLayout(buttons)

    def current_kind(self) -> str:
        return TAB_ORDER[self.tabs.currentIndex()].name

    def restore_selected(self, *_: object) -> None:
        kind = self.current_kind()
        table = self.tables[kind]
        model = self.models[kind]
        selected = (model.id_at(i.row()) for i in table.selectionModel().selectedRows())
        ids = [record_id for record_id in selected if record_id is not None]
        if not ids:
            self.message.setText("Select the records to restore first.")
            return
        try:
            steps = [restore_operation(self.ctx.repo, kind, record_id) for record_id in ids]
            self.ctx.run(steps[0] if len(steps) == 1 else
                         Composite(steps, text=f"Restore {len(steps)} Records"))  # fmt: skip
        except REFUSALS as exc:  # all of them or none: one step of the undo history
            log.info("restore refused", exc_info=exc)
            self.message.setText(refusal_sentence("Not restored", exc))
            return
        self.message.setText(f"Restored {len(ids)} record{'s' if len(ids) != 1 else ''}.")
