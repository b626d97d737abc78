"""The reusable field widgets of every record form.

Each field reads its own text with the same parsers CSV import uses (`parse_field`), so a
form and an import report an unreadable date or amount in the same words. Lookups against
the tracker (companies, deals) live in `pickers`; everything is importable from here.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QCompleter, QLineEdit, QPlainTextEdit, QWidget

from lodestone.core.records import (
    COUNTRIES,
    FieldError,
    FuzzyDate,
    Money,
    clean_text,
    country_code,
    country_name,
    format_money,
    is_country,
    parse_field,
    parse_fuzzy_date,
    parse_money,
)
from lodestone.ui.forms.field_base import Field, FieldInvalid, LineField
from lodestone.ui.forms.pickers import (
    CompanyListField,
    CompanyPicker,
    DealPicker,
    MultiChoiceField,
    RecordLookup,
    RecordPicker,
)

__all__ = [
    "ChoiceField", "CompanyListField", "CompanyPicker", "CountryField", "DealPicker", "Field",
    "FieldInvalid", "FuzzyDateField", "LineField", "MoneyField", "MultiChoiceField",
    "MultilineField", "RecordLookup", "RecordPicker", "TagsField", "TextField",
]  # fmt: skip


class TextField(LineField):
    """One line of free text, stored cleaned (single spaces, composed Unicode)."""

    def parse(self) -> tuple[Any, FieldError | None]:
        return clean_text(self.text(), multiline=False), None


class MultilineField(Field):
    """Notes and descriptions. Tab moves on to the next field rather than typing a tab."""

    editor: QPlainTextEdit

    def _make_editor(self) -> QWidget:
        editor = QPlainTextEdit(self)
        editor.setTabChangesFocus(True)
        editor.setFixedHeight(editor.fontMetrics().lineSpacing() * 5 + 12)
        editor.textChanged.connect(self._user_edited)
        return editor

    def text(self) -> str:
        return self.editor.toPlainText()

    def _apply_text(self, text: str) -> None:
        self.editor.setPlainText(text)

    def parse(self) -> tuple[Any, FieldError | None]:
        return clean_text(self.text(), multiline=True), None


class ChoiceField(Field):
    """One value of a closed vocabulary. A stored value outside it is kept and shown, never
    silently replaced by the first choice; `optional` adds a blank choice; `titles` shows
    some values by another name (a field's label for its attribute name)."""

    editor: QComboBox

    def __init__(
        self, field: str, choices: Sequence[str], label: str | None = None, *,
        optional: bool = False, titles: dict[str, str] | None = None,
        object_name: str | None = None, parent: QWidget | None = None,
        attribute: str | None = None,
    ) -> None:  # fmt: skip
        self._choices = ([""] if optional else []) + list(choices)
        self._titles = titles or {}
        super().__init__(field, label, object_name=object_name, parent=parent,
                         attribute=attribute)  # fmt: skip

    def _make_editor(self) -> QWidget:
        editor = QComboBox(self)
        for choice in self._choices:
            editor.addItem(self._titles.get(choice, choice) or "—", choice)
        editor.currentIndexChanged.connect(self._user_edited)
        return editor

    def text(self) -> str:
        data = self.editor.currentData()
        return "" if data is None else str(data)

    def _apply_text(self, text: str) -> None:
        index = self.editor.findData(text)
        if index < 0:
            self.editor.addItem(text or "—", text)
            index = self.editor.count() - 1
        self.editor.setCurrentIndex(index)

    def format(self, value: Any) -> str:
        return self._choices[0] if value is None and self._choices else str(value or "")

    def set_read_only(self, readonly: bool) -> None:
        self.editor.setEnabled(not readonly)


class FuzzyDateField(LineField):
    """A date known to a day, month, quarter or year: "Aug 2025", "2025-11-09", "Q3 2025".
    The reading is shown as a hint ("→ Aug 2025 (month)"); the typed text stays as typed."""

    def _make_editor(self) -> QLineEdit:
        editor = super()._make_editor()
        editor.setPlaceholderText("e.g. Aug 2025, 2025-11-09, Q3 2025")
        return editor

    def format(self, value: Any) -> str:
        return value.display() if isinstance(value, FuzzyDate) else ""

    def parse(self) -> tuple[Any, FieldError | None]:
        return parse_field(self.field, parse_fuzzy_date, self.text())

    def hint_for(self, value: Any) -> str:
        return f"→ {value.display()} ({value.precision})"


class MoneyField(LineField):
    """An amount as analysts paste it ("$1.4 billion", "620M"); amounts that name no currency
    are in `default_currency`. The exact reading is shown as a hint ("→ $1,400,000,000.00")."""

    def __init__(
        self, field: str, label: str | None = None, *, default_currency: str = "USD",
        object_name: str | None = None, parent: QWidget | None = None,
    ) -> None:  # fmt: skip
        self._default_currency = default_currency
        super().__init__(field, label, object_name=object_name, parent=parent)
        self.set_placeholder("e.g. $1.4 billion, USD 620M, €2.3bn")

    def set_default_currency(self, currency: str) -> None:
        self._default_currency = currency
        self.refresh_hint()

    def default_currency(self) -> str:
        return self._default_currency

    def format(self, value: Any) -> str:
        return format_money(value) if isinstance(value, Money) else ""

    def parse(self) -> tuple[Any, FieldError | None]:
        currency = self._default_currency
        return parse_field(self.field, lambda t: parse_money(t, currency), self.text())

    def hint_for(self, value: Any) -> str:
        return f"→ {format_money(value)}"


class TagsField(LineField):
    """Tags typed as comma-separated words; blanks between commas are ignored."""

    def _make_editor(self) -> QLineEdit:
        editor = super()._make_editor()
        editor.setPlaceholderText("comma-separated, e.g. magnets, DoD")
        return editor

    def format(self, value: Any) -> str:
        return ", ".join(value or [])

    def parse(self) -> tuple[Any, FieldError | None]:
        tokens = (clean_text(t, multiline=False) for t in self.text().split(","))
        return [t for t in tokens if t], None


_NAMED_CODE = re.compile(r"(.*)\(([A-Za-z]{2})\)\s*")  # "Pakistan (PK)"


class CountryField(LineField):
    """A country stored as its ISO 3166 alpha-2 code, typed as a code or a name with
    completion ("Pak" offers "Pakistan (PK)"). Text that is neither is handed on unchanged,
    so validation names the field and suggests the code."""

    def _make_editor(self) -> QLineEdit:
        editor = super()._make_editor()
        names = sorted(f"{name} ({code})" for code, name in COUNTRIES.items())
        completer = QCompleter(names, editor)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        editor.setCompleter(completer)
        editor.setPlaceholderText("name or ISO code, e.g. Pakistan or PK")
        return editor

    def format(self, value: Any) -> str:
        return f"{country_name(value)} ({value})" if value and is_country(value) else value or ""

    def parse(self) -> tuple[Any, FieldError | None]:
        text = clean_text(self.text(), multiline=False)
        named = _NAMED_CODE.fullmatch(text)
        if named and is_country(named.group(2).upper()):
            return named.group(2).upper(), None
        if is_country(text.upper()) and len(text) == 2:
            return text.upper(), None
        return country_code(text) or text, None

    def hint_for(self, value: Any) -> str:
        return f"→ {country_name(value)} ({value})" if is_country(value) else ""
