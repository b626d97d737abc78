"""A record's history from the change log: what changed, when, and from what."""

from __future__ import annotations

from PySide6.QtWidgets import QTreeWidgetItem, QWidget

from lodestone.core.history.describe import describe_update
from lodestone.core.storage.repository import ChangeEntry, Repository
from lodestone.ui.dialogs.tree import TreeDialog

ACTIONS = {"create": "Created", "update": "Changed", "delete": "Moved to Trash",
           "restore": "Restored"}  # fmt: skip


class HistoryDialog(TreeDialog):
    def __init__(self, repo: Repository, kind: str, record_id: int,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        record = repo.get(kind, record_id)
        super().__init__(parent, "history", f"History of “{record.label}”",
                         ["When (UTC)", "What", "Before", "After"], (760, 440))  # fmt: skip
        currency = getattr(getattr(record, "amount", None), "currency", None)
        for entry in reversed(repo.history(kind, record_id)):
            when = entry.at.replace("T", " ")[:19]
            item = QTreeWidgetItem([when, _what(entry), "", ""])
            if entry.action == "update":
                for line in describe_update(entry, repo.company_names, currency):
                    item.addChild(QTreeWidgetItem(["", *line]))
            self.tree.addTopLevelItem(item)
        self.fit_columns()


def _what(entry: ChangeEntry) -> str:
    """The action in words; a record a CSV import created says the file and row it came from."""
    after = entry.after or {}
    if entry.action == "create" and "imported_from" in after:
        return f"Imported from {after['imported_from']}, row {after.get('row')}"
    return ACTIONS[entry.action]
