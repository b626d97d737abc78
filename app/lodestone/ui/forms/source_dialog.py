"""The dialog that cites a source on a record: pick an existing source or write a new one,
optionally name the field it backs and quote the sentence.

A new source is entered in the source form itself (embedded), so it is read, validated and
saved by exactly the code that saves a source from the Sources list. Until the dialog is
accepted nothing is written; a refusal keeps every typed text where it was.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QListWidget,
    QListWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from lodestone.core.history import AddCitation
from lodestone.core.lists import ListQuery, fetch_rows
from lodestone.core.records import Citation
from lodestone.ui.context import AppContext
from lodestone.ui.forms.citation_edit import (
    checked_quote,
    citation_fields,
    problem_label,
    run_or_say,
)
from lodestone.ui.forms.fields import TextField
from lodestone.ui.forms.source_form import SourceForm

RESULTS = 50


class AddCitationDialog(QDialog):
    """Cite an existing source (tab 1) or a new one (tab 2) on one record."""

    def __init__(
        self,
        ctx: AppContext,
        kind: str,
        record_id: int,
        field_titles: dict[str, str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.record_id = record_id
        self.citation: Citation | None = None
        self.setObjectName("citationDialog")
        self.setWindowTitle("Add source")
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("citation.tabs")
        layout.addWidget(self.tabs)
        existing = QWidget(self.tabs)
        box = QVBoxLayout(existing)
        self.search = TextField("search", "Find a source", object_name="citation.search")
        self.search.set_placeholder("words of its title, publisher or URL")
        box.addWidget(self.search)
        self.results = QListWidget(existing)
        self.results.setObjectName("citation.results")
        self.results.setAccessibleName("Sources found")
        self.results.itemDoubleClicked.connect(lambda *_: self.accept())
        self.results.currentItemChanged.connect(lambda *_: self.search.set_error(None))
        box.addWidget(self.results)
        self.tabs.addTab(existing, "Existing source")
        self.source_form = SourceForm(ctx, self.tabs)
        self.source_form.set_embedded(True)
        self.tabs.addTab(self.source_form, "New source")
        self.field, self.quote = citation_fields(field_titles)
        layout.addWidget(self.field)
        layout.addWidget(self.quote)
        self.problem = problem_label(self)
        layout.addWidget(self.problem)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Add")
        ok.setObjectName("citation.ok")
        ok.setAccessibleName("Add")
        cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setObjectName("citation.cancel")
        cancel.setAccessibleName("Cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.search.edited.connect(self.list_matches)
        self.list_matches()
        self.resize(560, 600)

    def list_matches(self) -> None:  # not `find`: that is QWidget's, a static method
        """List the sources matching the search words (the latest ones when it is blank)."""
        words = self.search.text()
        query = ListQuery("source", search=words, sort="published", descending=True)
        self.results.clear()
        keys = [c.key for c in query.spec.columns]
        for row in fetch_rows(self.ctx.repo.conn, query, 0, RESULTS):
            cells = dict(zip(keys, row.cells, strict=True))
            publisher, title = cells.get("publisher", ""), cells.get("title", "")
            published, url = cells.get("published", ""), cells.get("url", "")
            head = " — ".join(p for p in (publisher, title) if p) or url
            item = QListWidgetItem(head + (f" ({published})" if published else ""))
            item.setData(Qt.ItemDataRole.UserRole, row.id)
            item.setToolTip(url)
            self.results.addItem(item)
        if self.results.count() == 1:
            self.results.setCurrentRow(0)

    def _source_id(self) -> int | None:
        """The chosen source's id, saving a new one first; None (with errors shown) if none."""
        if self.tabs.currentWidget() is self.source_form:
            return self.source_form.current_id if self.source_form.save() else None
        item = self.results.currentItem()
        if item is None:
            self.search.set_error("Pick a source from the list (search by its title or "
                                  "publisher), or write a new one under New source")  # fmt: skip
            self.search.focus()
            return None
        return int(item.data(Qt.ItemDataRole.UserRole))

    def accept(self) -> None:
        """Cite the source, or stay open with the reason shown where it applies."""
        quote = checked_quote(self.quote)
        if quote is None:
            self.quote.focus()
            return
        steps = self.ctx.history.index
        source_id = self._source_id()
        if source_id is None:
            return
        citation = Citation(source_id, self.kind, self.record_id, self.field.value(), quote)
        if not run_or_say(self.ctx, AddCitation(citation), "The source was not added",
                          self.problem):  # fmt: skip
            return  # what was picked and typed stays for another try
        # a source saved just now and its citation: one Undo takes back both
        self.ctx.history.join(self.ctx.history.index - steps, "Add Source and Citation")
        self.citation = citation
        super().accept()
