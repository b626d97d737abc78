"""Fields that point at other records (a parent company, the companies of an event, a related
deal) and the vocabulary checklists.

A picker never creates what it cannot find: an unknown name is an error next to the field
that says so, because a silently created "Vulcan Elemnts" would split one company in two.
Completion asks the tracker's full-text index for a few matches as the analyst types, so it
stays instant with any number of records.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QStringListModel, Qt
from PySide6.QtWidgets import (
    QCompleter,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QWidget,
)

from lodestone.core.lists import ListQuery, fetch_rows
from lodestone.core.records import FieldError, clean_text, record_kind
from lodestone.core.storage import RecordNotFound, Repository
from lodestone.ui.forms.field_base import Field, LineField

SUGGESTIONS = 20
_ID_SUFFIX = re.compile(r"(.*?)\s*\[#([0-9]+)\]")  # "Magnet deal [#12]" names one of twins


class RecordLookup:
    """Finds companies or deals by name/title for one picker: suggestions while typing, and
    the one record a finished text means (or why it means none)."""

    def __init__(self, repo: Repository, kind: str) -> None:
        self.repo = repo
        self.kind = kind
        self.model = QStringListModel()

    def _matches(self, text: str, limit: int) -> list[tuple[int, str]]:
        query = ListQuery(self.kind, search=text)
        title_column = record_kind(self.kind).title_column
        column = [c.key for c in query.spec.columns].index(title_column)
        return [(row.id, row.cells[column]) for row in fetch_rows(self.repo.conn, query, 0, limit)]

    def suggest(self, text: str) -> list[str]:
        """Labels offered for `text`; twins carry their id so each can be picked."""
        matches = self._matches(text, SUGGESTIONS) if text.strip() else []
        counts: dict[str, int] = {}
        for _, label in matches:
            counts[label.casefold()] = counts.get(label.casefold(), 0) + 1
        return [label if counts[label.casefold()] == 1 else f"{label} [#{record_id}]"
                for record_id, label in matches]  # fmt: skip

    def label(self, record_id: int) -> str:
        try:
            return self.repo.get(self.kind, record_id).label
        except RecordNotFound:
            return f"[#{record_id}]"

    def resolve(self, text: str, field: str, label: str) -> tuple[int | None, FieldError | None]:
        """The id `text` names; blank is None; unknown or ambiguous text is a FieldError."""
        text = clean_text(text, multiline=False)
        if not text:
            return None, None
        described = record_kind(self.kind)
        noun, plural, page = described.title.lower(), described.plural, described.plural.title()
        verb = "named" if described.title_column == "name" else "titled"
        suffix = _ID_SUFFIX.fullmatch(text)
        if suffix:
            wanted, record_id = suffix.group(1), int(suffix.group(2))
            if any(i == record_id for i, _ in self._matches(wanted, 200)):
                return record_id, None
        exact = [i for i, name in self._matches(text, 200) if name.casefold() == text.casefold()]
        if len(exact) == 1:
            return exact[0], None
        if exact:
            return None, FieldError(field, f"{label}: several {plural} are {verb} {text!r}; "
                                           "pick one from the list")  # fmt: skip
        return None, FieldError(field, f"{label}: no {noun} is {verb} {text!r}. Pick one from "
                                       f"the list, or add it under {page} first")  # fmt: skip

    def attach(self, editor: QLineEdit) -> None:
        """Completion on `editor` that refreshes its few suggestions as the analyst types."""
        completer = QCompleter(self.model, editor)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        editor.setCompleter(completer)
        editor.textEdited.connect(lambda text: self.model.setStringList(self.suggest(text)))


class RecordPicker(LineField):
    """One company or deal, typed by name with completion; `value()` is its id."""

    def __init__(
        self, field: str, repo: Repository, kind: str, label: str | None = None, *,
        object_name: str | None = None, parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        self.lookup = RecordLookup(repo, kind)
        self._loaded_id: int | None = None
        super().__init__(field, label, object_name=object_name, parent=parent)
        self.lookup.attach(self.editor)

    def format(self, value: Any) -> str:
        return "" if value is None else self.lookup.label(value)

    def set_value(self, value: Any) -> None:
        self._loaded_id = value
        super().set_value(value)

    def parse(self) -> tuple[Any, FieldError | None]:
        # The loaded record stays chosen while its text is untouched, even if it has since
        # been moved to the Trash (and so is no longer offered).
        if self._loaded_id is not None and self.text() == self._baseline:
            return self._loaded_id, None
        return self.lookup.resolve(self.text(), self.field, self.label_text)


class CompanyPicker(RecordPicker):
    def __init__(self, field: str, repo: Repository, label: str | None = None, **kw: Any) -> None:
        super().__init__(field, repo, "company", label, **kw)


class DealPicker(RecordPicker):
    def __init__(self, field: str, repo: Repository, label: str | None = None, **kw: Any) -> None:
        super().__init__(field, repo, "deal", label, **kw)


class CompanyListField(Field):
    """Several companies: type a name (with completion), Enter or Add puts it on the list;
    Remove (or Delete) takes the selected ones off. A name typed but not yet added is still
    read at Save, so it is not lost."""

    editor: QLineEdit

    def __init__(self, field: str, repo: Repository, label: str | None = None, **kw: Any) -> None:
        self.lookup = RecordLookup(repo, "company")
        super().__init__(field, label, **kw)
        self.lookup.attach(self.editor)
        name = self.editor.objectName()
        row = QWidget(self)
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        self.column.replaceWidget(self.editor, row)
        line.addWidget(self.editor, 1)
        self.add_button = self._button("Add", f"{name}.add", line, self.add_pending)
        self.list = QListWidget(self)
        self.list.setObjectName(f"{name}.list")
        self.list.setAccessibleName(f"{self.label_text} list")
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.list.setMaximumHeight(self.list.fontMetrics().lineSpacing() * 5 + 8)
        self.column.insertWidget(self.column.indexOf(row) + 1, self.list)
        self.remove_button = self._button("Remove", f"{name}.remove", line, self.remove_selected)
        self.editor.returnPressed.connect(self.add_pending)

    def _button(self, text: str, name: str, layout: QHBoxLayout, slot: Any) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        layout.addWidget(button)
        return button

    def _make_editor(self) -> QWidget:
        editor = QLineEdit(self)
        editor.setPlaceholderText("type a company name, then Enter")
        editor.textChanged.connect(self._user_edited)
        return editor

    def ids(self) -> list[int]:
        return [self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count())]

    def text(self) -> str:
        names = [self.list.item(i).text() for i in range(self.list.count())]
        return "\n".join(names + [self.editor.text()])

    def _apply_text(self, text: str) -> None:
        self.editor.setText(text)

    def format(self, value: Any) -> str:
        return ""

    def set_value(self, value: Any) -> None:
        self.list.clear()
        for company_id in value or []:
            self._append(company_id)
        super().set_value(value)

    def _append(self, company_id: int) -> None:
        item = QListWidgetItem(self.lookup.label(company_id))
        item.setData(Qt.ItemDataRole.UserRole, company_id)
        self.list.addItem(item)

    def parse(self) -> tuple[Any, FieldError | None]:
        company_id, error = self.lookup.resolve(self.editor.text(), self.field, self.label_text)
        ids = self.ids()
        return (ids if company_id is None or company_id in ids else [*ids, company_id]), error

    def add_pending(self) -> bool:
        """Put the typed company on the list; an unknown name stays typed, with the error."""
        company_id, error = self.lookup.resolve(self.editor.text(), self.field, self.label_text)
        if error is not None:
            self.set_error(error.message)
            return False
        if company_id is not None and company_id not in self.ids():
            self._append(company_id)
        self.set_text("")
        self._user_edited()
        return True

    def remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))
        self._user_edited()

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Delete and self.list.hasFocus():
            self.remove_selected()
            return
        super().keyPressEvent(event)

    def set_read_only(self, readonly: bool) -> None:
        self.editor.setReadOnly(readonly)
        self.add_button.setVisible(not readonly)
        self.remove_button.setVisible(not readonly)

    def focus_widgets(self) -> list[QWidget]:
        return [self.editor, self.add_button, self.remove_button, self.list]

    def hint_for(self, value: Any) -> str:
        return ""


class MultiChoiceField(Field):
    """Several values of a vocabulary (stages, commodities) as a checklist. A stored value
    outside the vocabulary is kept, shown checked, rather than dropped."""

    editor: QListWidget

    def __init__(self, field: str, choices: Sequence[str], label: str | None = None,
                 **kw: Any) -> None:  # fmt: skip
        self._choices = list(choices)
        super().__init__(field, label, **kw)

    def _make_editor(self) -> QWidget:
        editor = QListWidget(self)
        for choice in self._choices:
            self._add_item(editor, choice)
        rows = min(len(self._choices), 6)
        editor.setFixedHeight(editor.sizeHintForRow(0) * rows + 2 * editor.frameWidth() + 4)
        editor.itemChanged.connect(self._user_edited)
        return editor

    @staticmethod
    def _add_item(editor: QListWidget, value: str) -> QListWidgetItem:
        item = QListWidgetItem(value, editor)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Unchecked)
        return item

    def _items(self) -> list[QListWidgetItem]:
        return [self.editor.item(i) for i in range(self.editor.count())]

    def checked(self) -> list[str]:
        return [i.text() for i in self._items() if i.checkState() == Qt.CheckState.Checked]

    def text(self) -> str:
        return ", ".join(self.checked())

    def _apply_text(self, text: str) -> None:
        wanted = [v.strip() for v in text.split(",") if v.strip()]
        known = {item.text() for item in self._items()}
        for value in wanted:
            if value not in known:
                self._add_item(self.editor, value)
        for item in self._items():
            checked = item.text() in wanted
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def format(self, value: Any) -> str:
        return ", ".join(value or [])

    def parse(self) -> tuple[Any, FieldError | None]:
        return self.checked(), None

    def set_read_only(self, readonly: bool) -> None:
        for item in self._items():
            flags = item.flags()
            item.setFlags(flags & ~Qt.ItemFlag.ItemIsUserCheckable if readonly
                          else flags | Qt.ItemFlag.ItemIsUserCheckable)  # fmt: skip
