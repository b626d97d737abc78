"""Driving forms as a user would: find a widget by its objectName, type into it."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def widget(parent: QWidget, name: str) -> QWidget:
    found = parent.findChild(QWidget, name)
    assert found is not None, name
    return found


def field_of(form, name: str):
    """The form's Field whose editor has this objectName."""
    return next(f for f in form.fields if f.editor.objectName() == name)


def type_in(qtbot, parent: QWidget, name: str, text: str) -> None:
    editor = widget(parent, name)
    editor.setFocus()
    qtbot.keyClicks(editor, text)
