"""A record's history from the change log: what changed, when, and from what."""

from __future__ import annotations

import json

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTreeWidget, QTreeWidgetItem, QVBoxLayout

from lodestone.core.repository import Repository

ACTIONS = {
    "create": "Created",
    "update": "Changed",
    "delete": "Moved to Trash",
    "restore": "Restored",
}


def _show(value: object) -> str:
    return "—" if value is None else (value if isinstance(value, str) else json.dumps(value))


class HistoryDialog(QDialog):
    def __init__(self, repo: Repository, kind: str, record_id: int, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("history.dialog")
        label = repo.get(kind, record_id).label
        self.setWindowTitle(f"History of “{label}”")
        self.tree = QTreeWidget()
        self.tree.setObjectName("history.tree")
        self.tree.setHeaderLabels(["When (UTC)", "What", "Before", "After"])
        for entry in reversed(repo.history(kind, record_id)):
            item = QTreeWidgetItem([entry.at.replace("T", " ")[:19], ACTIONS[entry.action], "", ""])
            if entry.action == "update":
                before, after = entry.before or {}, entry.after or {}
                for field in sorted(set(before) | set(after)):
                    item.addChild(
                        QTreeWidgetItem(
                            ["", field, _show(before.get(field)), _show(after.get(field))]
                        )
                    )
            self.tree.addTopLevelItem(item)
        self.tree.expandAll()
        for column in range(4):
            self.tree.resizeColumnToContents(column)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.resize(720, 420)
