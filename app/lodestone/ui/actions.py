"""The menu bar: every action with its text, shortcut and stable objectName, in one table.

The Keyboard Shortcuts dialog reads the same actions, so the list it shows is always complete.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

Shortcut = QKeySequence.StandardKey | str | None


@dataclass(frozen=True)
class ActionSpec:
    name: str
    text: str
    shortcut: Shortcut = None
    tip: str = ""


def make_action(
    window: QMainWindow, menu: QMenu, spec: ActionSpec, slot: Callable[[], object] | None
) -> QAction:
    action = QAction(spec.text, window)
    action.setObjectName(f"action.{spec.name}")
    if spec.shortcut is not None:
        action.setShortcut(QKeySequence(spec.shortcut))
    if spec.tip:
        action.setStatusTip(spec.tip)
    if slot is not None:
        action.triggered.connect(lambda _checked=False: slot())
    menu.addAction(action)
    return action


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(menu, action, shortcut) for every action with a shortcut, in menu order."""
    rows = []
    for menu_action in window.menuBar().actions():
        menu = menu_action.menu()
        if not isinstance(menu, QMenu):
            continue
        for action in menu.actions():
            keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            if keys:
                rows.append(
                    (menu_action.text().replace("&", ""), action.text().replace("&", ""), keys)
                )
    return rows


EXTRA_SHORTCUTS = (
    ("Lists", "Move to the previous / next record", "Up / Down"),
    ("Lists", "Edit the selected record", "Enter"),
    ("Forms", "Save the form", "Ctrl+S"),
    ("Forms", "Revert the form to the saved record", "Esc"),
    ("Forms", "Next / previous field", "Tab / Shift+Tab"),
)
