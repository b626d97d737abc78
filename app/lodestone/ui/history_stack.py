"""The window's Undo and Redo, bound straight to the tracker's undo history in core.

`HistoryStack` shows the core `UndoHistory` with the names of Qt's QUndoStack (undoText,
canUndo, createUndoAction…), so menus and tests read it the same way; it holds no steps of
its own. A refused undo or redo (the file busy, locked, read-only, the disk full) leaves the
history where it was, so the menu keeps offering the same step, and `refused` carries the
one-sentence reason for the window to show; the traceback goes to the log.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, SignalInstance
from PySide6.QtGui import QAction

from lodestone.core.history import ChangeRefused, UndoHistory

log = logging.getLogger(__name__)


def prefixed(prefix: str, text: str) -> str:
    """"&Undo Add Company", or "&Undo" alone when there is nothing to name (as QUndoStack)."""
    return f"{prefix} {text}" if prefix and text else prefix or text


class HistoryStack(QObject):
    """A Qt face of one UndoHistory: signals when it moves, actions that undo and redo."""

    indexChanged = Signal(int)  # noqa: N815 - QUndoStack's names
    canUndoChanged = Signal(bool)  # noqa: N815
    canRedoChanged = Signal(bool)  # noqa: N815
    undoTextChanged = Signal(str)  # noqa: N815
    redoTextChanged = Signal(str)  # noqa: N815
    cleanChanged = Signal(bool)  # noqa: N815
    refused = Signal(str)  # why an undo or redo was not done, in one sentence

    def __init__(self, history: UndoHistory, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.history = history
        self._shown = self._state()
        history.subscribe(self._history_changed)

    def _state(self) -> tuple[int, bool, bool, str, str, bool]:
        h = self.history
        return (h.index, h.can_undo(), h.can_redo(), h.undo_text(), h.redo_text(),
                h.is_clean())  # fmt: skip

    def _history_changed(self) -> None:
        old, new = self._shown, self._state()
        self._shown = new
        signals = (self.indexChanged, self.canUndoChanged, self.canRedoChanged,
                   self.undoTextChanged, self.redoTextChanged, self.cleanChanged)  # fmt: skip
        for signal, before, after in zip(signals, old, new, strict=True):
            if before != after or signal is self.indexChanged:
                signal.emit(after)

    def detach(self) -> None:
        self.history.unsubscribe(self._history_changed)

    # -- QUndoStack's reading names ----------------------------------------------------------

    def count(self) -> int:
        return self.history.count()

    def index(self) -> int:
        return self.history.index

    def canUndo(self) -> bool:  # noqa: N802
        return self.history.can_undo()

    def canRedo(self) -> bool:  # noqa: N802
        return self.history.can_redo()

    def undoText(self) -> str:  # noqa: N802
        return self.history.undo_text()

    def redoText(self) -> str:  # noqa: N802
        return self.history.redo_text()

    def isClean(self) -> bool:  # noqa: N802
        return self.history.is_clean()

    # -- moving ------------------------------------------------------------------------------

    def undo(self) -> bool:
        """Undo the newest step; False (and `refused` emitted) when the tracker refuses."""
        return self._move(self.history.undo)

    def redo(self) -> bool:
        return self._move(self.history.redo)

    def _move(self, move: Callable[[], None]) -> bool:
        try:
            move()
        except ChangeRefused as refusal:
            log.info("%s", refusal, exc_info=refusal.cause)
            self.refused.emit(str(refusal))
            return False
        return True

    def clear(self) -> None:
        self.history.clear()

    def setClean(self) -> None:  # noqa: N802
        self.history.set_clean()

    # -- actions -----------------------------------------------------------------------------

    def createUndoAction(self, parent: QObject, prefix: str = "Undo") -> QAction:  # noqa: N802
        return self._action(parent, prefix, self.undo, self.canUndo, self.undoText,
                            self.canUndoChanged, self.undoTextChanged)  # fmt: skip

    def createRedoAction(self, parent: QObject, prefix: str = "Redo") -> QAction:  # noqa: N802
        return self._action(parent, prefix, self.redo, self.canRedo, self.redoText,
                            self.canRedoChanged, self.redoTextChanged)  # fmt: skip

    @staticmethod
    def _action(parent: QObject, prefix: str, move: Callable[[], bool],
                can: Callable[[], bool], step: Callable[[], str], can_changed: SignalInstance,
                step_changed: SignalInstance) -> QAction:  # fmt: skip
        """An action that moves the history, enabled when it can, naming the step it takes."""
        action = QAction(prefixed(prefix, step()), parent)
        action.setEnabled(can())
        action.triggered.connect(lambda _checked=False: move())
        can_changed.connect(action.setEnabled)
        step_changed.connect(_StepText(prefix, action).show)
        return action


class _StepText(QObject):
    """Keeps an Undo or Redo action's text naming its step (a child of the action, so it goes
    away with it, and with it the connection)."""

    def __init__(self, prefix: str, action: QAction) -> None:
        super().__init__(action)
        self.prefix = prefix
        self.action = action

    def show(self, step: str) -> None:
        self.action.setText(prefixed(self.prefix, step))
