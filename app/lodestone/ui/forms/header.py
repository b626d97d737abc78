"""The strip above every record form: what is being edited, Save and Revert (with Ctrl+S and
Esc), and the messages that belong to the whole record rather than to one field."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from lodestone.ui.forms.field_base import ERROR_STYLE, HINT_STYLE


class FormHeader(QWidget):
    """Title, Save and Revert, a notice line and a line of record-wide errors.

    The shortcuts are actions on the form itself with a widget-with-children context, so
    Ctrl+S and Esc act on the form that has the focus and never on a form elsewhere.
    """

    def __init__(self, form: QWidget, kind: str, save: Callable[[], object],
                 revert: Callable[[], object], readonly: bool) -> None:  # fmt: skip
        super().__init__(form)
        self.setObjectName(f"{kind}.headerBar")
        self.readonly = readonly
        self.column = layout = QVBoxLayout(self)  # the buttons' row, then the messages
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        layout.addLayout(row)
        self.title = QLabel(self)
        self.title.setObjectName(f"{kind}.header")
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.title.setWordWrap(True)
        row.addWidget(self.title, 1)
        self.save_button = self._button(kind, "Save", "save", save, row)
        self.revert_button = self._button(kind, "Revert", "revert", revert, row)
        self.notice = self._line(f"{kind}.notice", HINT_STYLE)
        self.errors = self._line(f"{kind}.errors", ERROR_STYLE)
        self.save_action = self._action(form, kind, "saveAction", QKeySequence.StandardKey.Save,
                                        save)  # fmt: skip
        self.revert_action = self._action(form, kind, "revertAction",
                                          QKeySequence(Qt.Key.Key_Escape), revert)  # fmt: skip
        self.save_button.setVisible(not readonly)
        self.revert_button.setVisible(not readonly)

    def _button(self, kind: str, text: str, name: str, slot: Callable[[], object],
                layout: QHBoxLayout) -> QPushButton:  # fmt: skip
        button = QPushButton(text, self)
        button.setObjectName(f"{kind}.{name}")
        button.setAccessibleName(text)
        button.setAutoDefault(False)
        button.clicked.connect(lambda: slot())
        layout.addWidget(button)
        return button

    def _line(self, name: str, style: str) -> QLabel:
        label = QLabel(self)
        label.setObjectName(name)
        label.setStyleSheet(style)
        label.setWordWrap(True)
        label.hide()
        self.column.addWidget(label)
        return label

    @staticmethod
    def _action(form: QWidget, kind: str, name: str, keys: QKeySequence | QKeySequence.StandardKey,
                slot: Callable[[], object]) -> QAction:  # fmt: skip
        action = QAction(name, form)
        action.setObjectName(f"{kind}.{name}")
        action.setShortcut(keys)
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(lambda *_: slot())
        form.addAction(action)
        return action

    def set_dirty(self, dirty: bool) -> None:
        """Save only with something to save; a clean form leaves Esc to its surroundings (a
        dialog closes, a list clears its search)."""
        self.save_button.setEnabled(dirty and not self.readonly)
        self.save_action.setEnabled(dirty and not self.readonly)
        self.revert_action.setEnabled(dirty)

    def set_embedded(self, embedded: bool) -> None:
        self.title.setVisible(not embedded)
        for button in (self.save_button, self.revert_button):
            button.setVisible(not embedded and not self.readonly)

    def show_notice(self, text: str) -> None:
        self.notice.setText(text)
        self.notice.setVisible(bool(text))

    def show_errors(self, messages: list[str]) -> None:
        self.errors.setText("\n".join(messages))
        self.errors.setVisible(bool(messages))
