"""The source form: where a fact was read (an article, a filing), so it can be found again."""

from __future__ import annotations

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QPushButton, QWidget

from lodestone.core.records import Record, Source
from lodestone.ui.forms.base import RecordForm
from lodestone.ui.forms.fields import FuzzyDateField, MultilineField, TagsField, TextField


class SourceForm(RecordForm):
    """URL, publisher, title and dates of a source; the URL opens in the browser."""

    KIND = "source"

    def build(self) -> None:
        self.url = self.add_field(TextField("url", object_name="source.url"))
        self.url.set_placeholder("https://…")
        self.open_button = QPushButton("Open link", self.body)
        self.open_button.setObjectName("source.open")
        self.open_button.setAccessibleName("Open link")
        self.open_button.setAutoDefault(False)
        self.open_button.clicked.connect(self.open_link)
        self.form_layout.addRow("", self.open_button)
        self.url.edited.connect(self._update_open)
        self.add_field(TextField("publisher", object_name="source.publisher"))
        self.add_field(TextField("title", object_name="source.title"))
        self.add_field(FuzzyDateField("published", object_name="source.published"))
        accessed = self.add_field(TextField("accessed", object_name="source.accessed"))
        accessed.set_placeholder("the day you read it, YYYY-MM-DD")
        self.add_field(MultilineField("notes", object_name="source.notes"))
        self.add_field(TagsField("tags", object_name="source.tags"))

    def blank(self) -> Record:
        return Source()

    def fill(self, record: Record) -> None:
        super().fill(record)
        self._update_open()

    def focus_chain(self) -> list[QWidget]:
        chain = super().focus_chain()
        chain.insert(chain.index(self.url.editor) + 1, self.open_button)
        return chain

    def _link(self) -> str:
        text = self.url.text().strip()
        return text if text.lower().startswith(("http://", "https://")) else ""

    def _update_open(self) -> None:
        self.open_button.setEnabled(bool(self._link()))

    def open_link(self) -> None:
        """Open the URL as typed (saved or not) in the analyst's browser; web links only."""
        if self._link():
            QDesktopServices.openUrl(QUrl(self._link()))
