"""The Sources panel every record form carries: where each fact came from.

Citations are saved the moment they are added (they are not part of the form's unsaved
edits), so a source found and quoted is never lost to a Revert. Adding, editing and removing
one are undoable steps of the tracker's history, logged in the record's history; a new source is
saved through the same save operation as any record; its URL opens in the browser.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lodestone.core.history import RemoveCitation, describe_source
from lodestone.core.records import Citation, Source
from lodestone.core.storage import RecordNotFound
from lodestone.ui.context import AppContext
from lodestone.ui.forms.citation_edit import EditCitationDialog, problem_label, run_or_say
from lodestone.ui.forms.field_base import HINT_STYLE

SOURCE_ROLE = Qt.ItemDataRole.UserRole + 1
URL_ROLE = Qt.ItemDataRole.UserRole + 2


class CitationsPanel(QWidget):
    """Lists a record's citations with buttons to add, open, edit and remove them."""

    def __init__(
        self,
        ctx: AppContext,
        kind: str,
        parent: QWidget | None = None,
        field_titles: dict[str, str] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.record_id: int | None = None
        self.field_titles = field_titles or {}
        self.dialog: QDialog | None = None
        self.setObjectName(f"{kind}.citations")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 8, 0, 0)
        title = QLabel("Sources", self)
        font = title.font()
        font.setBold(True)
        title.setFont(font)
        layout.addWidget(title)
        self.list = QListWidget(self)
        self.list.setObjectName(f"{kind}.citations.list")
        self.list.setAccessibleName("Sources")
        self.list.setWordWrap(True)
        self.list.setMaximumHeight(self.list.fontMetrics().lineSpacing() * 8)
        self.list.itemDoubleClicked.connect(self.open_item)
        self.list.currentItemChanged.connect(self._update_buttons)
        title.setBuddy(self.list)
        layout.addWidget(self.list)
        self.note = QLabel("Save the record first, then add the sources it comes from.", self)
        self.note.setObjectName(f"{kind}.citations.note")
        self.note.setStyleSheet(HINT_STYLE)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.problem = problem_label(self)
        self.problem.setObjectName(f"{kind}.citations.problem")
        layout.addWidget(self.problem)
        row = QHBoxLayout()
        self.add_button = self._button("Add source…", "add", self.add, row)
        self.open_button = self._button("Open link", "open", self.open_current, row)
        self.edit_button = self._button("Edit…", "edit", self.edit_current, row)
        self.remove_button = self._button("Remove", "remove", self.remove_current, row)
        row.addStretch(1)
        layout.addLayout(row)
        for button in (self.add_button, self.edit_button, self.remove_button):
            button.setVisible(not ctx.readonly)
        ctx.notifier.changed.connect(self._on_changed)
        self.set_record(None)

    def _button(self, text: str, name: str, slot: Callable[[], object],
                layout: QHBoxLayout) -> QPushButton:  # fmt: skip
        button = QPushButton(text, self)
        button.setObjectName(f"{self.kind}.citations.{name}")
        button.setAccessibleName(text.rstrip("…"))
        button.setAutoDefault(False)
        button.clicked.connect(lambda: slot())
        layout.addWidget(button)
        return button

    def focus_widgets(self) -> list[QWidget]:
        return [self.list, self.add_button, self.open_button, self.edit_button,
                self.remove_button]  # fmt: skip

    def set_record(self, record_id: int | None) -> None:
        self.record_id = record_id
        self.show_problem("")
        self.note.setVisible(record_id is None)
        self.list.setVisible(record_id is not None)
        self.refresh()

    def refresh(self) -> None:
        self.list.clear()
        if self.record_id is not None:
            for citation in self.ctx.repo.citations(self.kind, self.record_id):
                self.list.addItem(self._item(citation))
        self._update_buttons()

    def _item(self, citation: Citation) -> QListWidgetItem:
        try:
            source = self.ctx.repo.get("source", citation.source_id)
            assert isinstance(source, Source)
            text = describe_source(source)
            if self.ctx.repo.is_deleted("source", citation.source_id):
                text += " (source in the Trash)"
            url = source.url
        except RecordNotFound:
            text, url = f"Missing source #{citation.source_id}", ""
        if citation.field:
            text += f"\nabout {self.field_titles.get(citation.field, citation.field)}"
        if citation.quote:
            text += f"\n“{citation.quote}”"
        item = QListWidgetItem(text)
        item.setData(Qt.ItemDataRole.UserRole, citation.id)
        item.setData(SOURCE_ROLE, citation.source_id)
        item.setData(URL_ROLE, url)
        item.setToolTip(url or text)
        return item

    def _update_buttons(self, *_: object) -> None:
        editable = self.record_id is not None and not self.ctx.readonly
        item = self.list.currentItem()
        self.add_button.setEnabled(editable)
        self.remove_button.setEnabled(editable and item is not None)
        self.edit_button.setEnabled(editable and item is not None)
        self.open_button.setEnabled(item is not None and bool(item.data(URL_ROLE)))

    def _on_changed(self, kind: str, ids: list) -> None:
        if self.record_id is not None and (
            kind == "source" or (kind == self.kind and self.record_id in ids)
        ):
            self.refresh()

    def add(self) -> None:
        """Open the dialog that cites an existing or a new source (saved when it is accepted)."""
        from lodestone.ui.forms.source_dialog import AddCitationDialog

        if self.record_id is None or self.ctx.readonly:
            return
        self.dialog = AddCitationDialog(
            self.ctx, self.kind, self.record_id, self.field_titles, self
        )
        self.dialog.finished.connect(self._dialog_closed)
        self.dialog.open()

    def _dialog_closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None
        self.refresh()

    def remove_current(self) -> None:
        item = self.list.currentItem()
        if item is None or self.ctx.readonly:
            return
        buttons = QMessageBox.StandardButton
        answer = QMessageBox.question(
            self,
            "Remove source",
            f"Stop citing this source here?\n\n{item.text()}",
            buttons.Yes | buttons.No,
            buttons.No,
        )
        if answer != buttons.Yes:
            return
        remove = RemoveCitation(item.data(Qt.ItemDataRole.UserRole))
        if run_or_say(self.ctx, remove, "The source was not removed", self.problem):
            self.show_problem("")

    def edit_current(self) -> None:
        """Change the field the selected citation backs and its quote, in a small dialog."""
        item = self.list.currentItem()
        if item is None or self.ctx.readonly:
            return
        try:
            citation = self.ctx.repo.citation(item.data(Qt.ItemDataRole.UserRole))
        except RecordNotFound:
            self.refresh()  # gone meanwhile (an undo)
            return
        source = item.text().split("\n", 1)[0]
        self.dialog = EditCitationDialog(self.ctx, citation, source, self.field_titles, self)
        self.dialog.finished.connect(self._dialog_closed)
        self.dialog.open()

    def show_problem(self, sentence: str) -> None:
        self.problem.setText(sentence)
        self.problem.setVisible(bool(sentence))

    def open_item(self, item: QListWidgetItem) -> None:
        url = item.data(URL_ROLE)
        if url:
            QDesktopServices.openUrl(QUrl(url))

    def open_current(self) -> None:
        item = self.list.currentItem()
        if item is not None:
            self.open_item(item)
