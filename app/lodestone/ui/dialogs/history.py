"""A record's history from the change log: what changed, when, and from what.

The same dialog lists the history of things kept beside the records (the exchange rates):
entries of several ids of one kind, newest first, each named by what it is about
("EUR rate: Changed"), with `KEPT_ACTIONS` as they are removed outright, not trashed.
"""

from __future__ import annotations

from PySide6.QtWidgets import QTreeWidgetItem, QWidget

from lodestone.core.history import describe_update
from lodestone.core.storage import ChangeEntry, Repository
from lodestone.ui.dialogs.tree import TreeDialog

ACTIONS = {"create": "Created", "update": "Changed", "delete": "Moved to Trash",
           "restore": "Restored"}  # fmt: skip
KEPT_ACTIONS = {"create": "Added", "update": "Changed", "delete": "Removed"}  # no Trash there
HEADERS = ["When (UTC)", "What", "Before", "After"]
SIZE = (760, 440)


class ChangeLogDialog(TreeDialog):
    """Change-log entries, newest first, each with its field-by-field lines."""

    def __init__(self, repo: Repository, title: str, entries: list[tuple[str, ChangeEntry]],
                 currency: str | None = None, parent: QWidget | None = None,
                 actions: dict[str, str] = ACTIONS) -> None:  # fmt: skip
        super().__init__(parent, "history", title, HEADERS, SIZE)
        for about, entry in sorted(entries, key=lambda pair: pair[1].id, reverse=True):
            when = entry.at.replace("T", " ")[:19]
            what = _what(entry, actions)
            item = QTreeWidgetItem([when, f"{about}: {what}" if about else what, "", ""])
            if entry.action == "update" or about:
                for line in describe_update(entry, repo.company_names, currency):
                    item.addChild(QTreeWidgetItem(["", *line]))
            self.tree.addTopLevelItem(item)
        self.fit_columns()


class HistoryDialog(ChangeLogDialog):
    def __init__(self, repo: Repository, kind: str, record_id: int,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        record = repo.get(kind, record_id)
        currency = getattr(getattr(record, "amount", None), "currency", None)
        entries = [("", entry) for entry in repo.history(kind, record_id)]
        super().__init__(repo, f"History of “{record.label}”", entries, currency, parent)


def _what(entry: ChangeEntry, actions: dict[str, str]) -> str:
    """The action in words; a record an import created says where it came from (the file and
    row of a CSV import, the snapshot it was restored from), a citation says it was added or
    removed."""
    before, after = entry.before or {}, entry.after or {}
    if entry.action == "create" and entry.origin:
        return f"Imported from {entry.origin}"
    if entry.action == "update" and "citation" in (before.keys() | after.keys()):
        if not before:
            return "Source cited"
        return "Source no longer cited" if not after else "Citation changed"
    return actions[entry.action]
