"""The part every form field shares: a visible label, an inline error, an optional hint.

A field owns the text the analyst typed and never rewrites it while they work: parsing
happens on demand (`value()`), the reading is shown beside it as a hint, and an error is shown
under it in words that name the field. Whether the field differs from what was loaded is a
comparison of texts, so "dirty" means exactly "something typed would be lost".
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFocusEvent
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from lodestone.core.records import FieldError, field_label

ERROR_STYLE = "color: #b00020;"
HINT_STYLE = "color: palette(placeholder-text);"


class FieldInvalid(ValueError):
    """Raised by `Field.value()` when the text cannot be read; `error` says why, by field."""

    def __init__(self, error: FieldError) -> None:
        super().__init__(error.message)
        self.error = error


class Field(QWidget):
    """Base of all fields. `field` is the path errors are reported under ("title",
    "tranches[0].amount"), and the name citations of the field store; it is the record's
    attribute too, unless `attribute` names another (a company's `company_type` is the field
    "kind", as its column). The editor's objectName is `object_name` (default `field`) and
    its accessible name is the visible label text.

    The label starts inside the field (above the editor); a form that lays fields out in a
    QFormLayout takes `field.label` into its own label column instead.
    """

    edited = Signal()

    def __init__(
        self,
        field: str,
        label: str | None = None,
        *,
        object_name: str | None = None,
        parent: QWidget | None = None,
        attribute: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.field = field
        self.attribute = attribute or field
        self.label_text = label or field_label(field)
        name = object_name or field
        self.setObjectName(f"{name}.field")
        self._baseline = ""
        self._loading = False
        self._error_text: str | None = None
        self.column = layout = QVBoxLayout(self)  # the label, the editor, the hint, the error
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        self.label = QLabel(self.label_text, self)
        self.label.setObjectName(f"{name}.label")
        layout.addWidget(self.label)
        self.editor = self._make_editor()
        self.editor.setObjectName(name)
        self.editor.setAccessibleName(self.label_text)
        self.label.setBuddy(self.editor)
        layout.addWidget(self.editor)
        self._hint = QLabel(self)
        self._hint.setObjectName(f"{name}.hint")
        self._hint.setStyleSheet(HINT_STYLE)
        self._hint.setWordWrap(True)
        self._hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._hint.hide()
        layout.addWidget(self._hint)
        self._error = QLabel(self)
        self._error.setObjectName(f"{name}.error")
        self._error.setAccessibleName(f"{self.label_text} error")
        self._error.setStyleSheet(ERROR_STYLE)
        self._error.setWordWrap(True)
        self._error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._error.hide()
        layout.addWidget(self._error)

    # -- what subclasses provide --------------------------------------------------------------

    def _make_editor(self) -> QWidget:
        raise NotImplementedError

    def text(self) -> str:
        """The raw text as typed (what dirtiness compares and what is never thrown away)."""
        raise NotImplementedError

    def _apply_text(self, text: str) -> None:
        raise NotImplementedError

    def format(self, value: Any) -> str:
        """The text that shows a stored value; parses back to the same value."""
        return "" if value is None else str(value)

    def parse(self) -> tuple[Any, FieldError | None]:
        """The value of the text, or the error that says (by field) why it cannot be read."""
        return self.text(), None

    def hint_for(self, value: Any) -> str:
        """The reading of a parsed value shown under the field ("→ Aug 2025 (month)")."""
        return ""

    # -- the shared API -------------------------------------------------------------------------

    def value(self) -> Any:
        value, error = self.parse()
        if error is not None:
            raise FieldInvalid(error)
        return value

    def set_value(self, value: Any) -> None:
        """Show a stored value; it becomes what `is_modified` compares against."""
        self.set_text(self.format(value))
        self._baseline = self.text()
        self.set_error(None)

    def set_text(self, text: str) -> None:
        """Put raw text in the field without it counting as the analyst's edit."""
        self._loading = True
        try:
            self._apply_text(text)
        finally:
            self._loading = False
        self.refresh_hint()

    def is_modified(self) -> bool:
        return self.text() != self._baseline

    def set_error(self, message: str | None) -> None:
        """Show (or clear) the reason the field is refused, under it, and tell screen readers."""
        self._error_text = message or None
        self._error.setText(message or "")
        self._error.setVisible(bool(message))
        self.editor.setAccessibleDescription(message or "")
        self.editor.setProperty("invalid", bool(message))

    def error(self) -> str | None:
        return self._error_text

    def hint(self) -> str:
        return self._hint.text() if self._hint.isVisibleTo(self) else ""

    def refresh_hint(self) -> None:
        value, error = self.parse() if self.text().strip() else (None, None)
        text = "" if error is not None or value in (None, "", []) else self.hint_for(value)
        self._hint.setText(text)
        self._hint.setVisible(bool(text))

    def set_read_only(self, readonly: bool) -> None:
        setter = getattr(self.editor, "setReadOnly", None)
        if setter is not None:
            setter(readonly)
        else:
            self.editor.setEnabled(not readonly)

    def focus_widgets(self) -> list[QWidget]:
        """The widgets Tab visits inside this field, in order."""
        return [self.editor]

    def focus(self) -> None:
        self.editor.setFocus(Qt.FocusReason.OtherFocusReason)

    def _user_edited(self, *_: Any) -> None:
        """Any change the analyst makes: the old error no longer applies to the new text."""
        if self._loading:
            return
        if self._error_text is not None:
            self.set_error(None)
        self.refresh_hint()
        self.edited.emit()

    def _editing_finished(self) -> None:
        """Leaving the field: say now, not only at Save, when its text cannot be read (not
        when the focus leaves because the form is being hidden or closed)."""
        if self.isVisible() and self.text().strip():
            _, error = self.parse()
            if error is not None:
                self.set_error(error.message)


class LineField(Field):
    """A one-line text editor (QLineEdit) field."""

    editor: QLineEdit

    def _make_editor(self) -> QLineEdit:
        editor = QLineEdit(self)
        editor.textChanged.connect(self._user_edited)
        editor.editingFinished.connect(self._editing_finished)
        self._from_start = False
        editor.installEventFilter(self)  # the only object this field watches
        return editor

    def text(self) -> str:
        return self.editor.text()

    def _apply_text(self, text: str) -> None:
        """Show a loaded text from its start (a long title reads from its first word, not its
        last), and continue it at its end when the program, not a click or Tab, focuses it."""
        self.editor.setText(text)
        self._from_start = not self.editor.hasFocus()
        if self._from_start:
            self.editor.setCursorPosition(0)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's API
        if isinstance(watched, QLineEdit) and isinstance(event, QFocusEvent) and event.gotFocus():
            if self._from_start and event.reason() == Qt.FocusReason.OtherFocusReason:
                watched.end(False)
            self._from_start = False
        return super().eventFilter(watched, event)

    def set_placeholder(self, text: str) -> None:
        self.editor.setPlaceholderText(text)
