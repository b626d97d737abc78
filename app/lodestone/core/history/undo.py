"""The undo history of one open tracker: every change the analyst makes, as one list of steps.

A step is an operation that was applied and the inverse it returned. Undo applies the inverse
in one transaction and keeps what that returned as the step's new redo; redo does the reverse.
If the tracker refuses (another program is writing, the file became read-only, the disk is
full, a restored company's name is taken meanwhile), the transaction is rolled back and the
step stays exactly where it was: the history never claims a change the file does not hold.

No Qt here: the window's Undo and Redo actions display this history and call it; the command
line and the tests drive it directly.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass

from lodestone.core.history.operations import Composite, Operation
from lodestone.core.lists.saved_views import ViewError, ViewNotFound
from lodestone.core.storage.db import SaveFailed
from lodestone.core.storage.repository import InvalidRecord, RecordNotFound, Repository

HistoryListener = Callable[[], None]

# What a tracker may answer instead of doing a change; each leaves the file as it was.
REFUSALS = (SaveFailed, InvalidRecord, RecordNotFound, ViewError, ViewNotFound, sqlite3.Error)


class ChangeRefused(Exception):
    """A change, an undo or a redo the tracker refused; `str()` is one sentence for the analyst
    and `cause` the error behind it. The data and the history are as they were."""

    def __init__(self, message: str, cause: BaseException) -> None:
        super().__init__(message)
        self.cause = cause


def refusal_reason(error: BaseException) -> str:
    """Why a change was refused, as the end of a sentence: "another program is writing to
    the tracker; try again in a moment"."""
    text = " ".join(str(error).split()) or type(error).__name__
    if isinstance(error, SaveFailed):
        text = text.removeprefix("Not saved: ")
    elif isinstance(error, sqlite3.Error):
        text = f"the tracker refused the change ({text})"
    text = text.rstrip(".")
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def refusal_sentence(what: str, error: BaseException) -> str:
    """"Cannot undo Add Company: another program is writing to the tracker; try again in a
    moment." — what was not done, and why, in one sentence."""
    return f"{what}: {refusal_reason(error)}."


@dataclass
class Step:
    """One undoable change: `redo` applies it, `undo` takes it back; `text` names it."""

    text: str
    redo: Operation
    undo: Operation


class UndoHistory:
    """The undo and redo stacks of one tracker, with a clean mark and listeners."""

    def __init__(self, repo: Repository, limit: int | None = None) -> None:
        self.repo = repo
        self.limit = limit
        self._done: list[Step] = []
        self._undone: list[Step] = []
        self._clean: int | None = 0
        self._listeners: list[HistoryListener] = []

    # -- reading -----------------------------------------------------------------------------

    @property
    def index(self) -> int:
        """How many steps are done (the position between the undo and the redo stack)."""
        return len(self._done)

    def count(self) -> int:
        return len(self._done) + len(self._undone)

    def can_undo(self) -> bool:
        return bool(self._done)

    def can_redo(self) -> bool:
        return bool(self._undone)

    def undo_text(self) -> str:
        return self._done[-1].text if self._done else ""

    def redo_text(self) -> str:
        return self._undone[-1].text if self._undone else ""

    def texts(self) -> tuple[list[str], list[str]]:
        """The names of the done steps (oldest first) and of the undone ones (next first)."""
        return [s.text for s in self._done], [s.text for s in reversed(self._undone)]

    @property
    def clean_index(self) -> int | None:
        """The index at which the history was last marked clean (None: unreachable now)."""
        return self._clean

    def is_clean(self) -> bool:
        return self._clean == self.index

    # -- listeners ---------------------------------------------------------------------------

    def subscribe(self, listener: HistoryListener) -> None:
        """`listener()` is called after every change of the stacks (not after a refusal)."""
        self._listeners.append(listener)

    def unsubscribe(self, listener: HistoryListener) -> None:
        self._listeners.remove(listener)

    def _changed(self) -> None:
        for listener in list(self._listeners):
            listener()

    # -- changing ----------------------------------------------------------------------------

    def run(self, operation: Operation) -> Operation:
        """Apply an operation in one transaction and make it the newest step; return its
        inverse. If the tracker refuses, its own error (one of REFUSALS) is raised as it is,
        so a form can show it beside the field it names; nothing is applied or recorded."""
        with self.repo.transaction():  # the caller reads the error itself (a form's fields)
            inverse = operation.apply(self.repo)
        self.record(operation, inverse)
        return inverse

    def record(self, applied: Operation, inverse: Operation, text: str | None = None) -> None:
        """Add a step that was already applied (an import written by its own connection)."""
        self._done.append(Step(applied.text if text is None else text, applied, inverse))
        if self._clean is not None and self._clean > len(self._done) - 1:
            self._clean = None  # the clean state was among the redo steps just dropped
        self._undone.clear()
        if self.limit is not None and len(self._done) > self.limit:
            del self._done[0]
            self._clean = None if self._clean in (None, 0) else self._clean - 1
        self._changed()

    def join(self, count: int, text: str) -> None:
        """Make the newest `count` done steps one step named `text` (a new source saved, then
        cited: one Undo takes back both)."""
        if count < 2 or count > len(self._done):
            return
        top = len(self._done)
        steps, self._done[-count:] = self._done[-count:], []
        redo = Composite([s.redo for s in steps], text=text)
        undo = Composite([s.undo for s in reversed(steps)], text=text)
        self._done.append(Step(text, redo, undo))
        if self._clean is not None and self._clean >= top:
            self._clean -= count - 1  # the same state, fewer steps below it
        elif self._clean is not None and self._clean > top - count:
            self._clean = None  # the clean state was inside the joined steps
        self._changed()

    def undo(self) -> None:
        """Take back the newest step; ChangeRefused (and nothing moves) if the file refuses."""
        if not self._done:
            return
        step = self._done[-1]
        step.redo = self._apply(step.undo, step.text, "Cannot undo")
        self._undone.append(self._done.pop())
        self._changed()

    def redo(self) -> None:
        """Do again the step undone last; ChangeRefused (and nothing moves) if refused."""
        if not self._undone:
            return
        step = self._undone[-1]
        step.undo = self._apply(step.redo, step.text, "Cannot redo")
        self._done.append(self._undone.pop())
        self._changed()

    def clear(self) -> None:
        """Forget every step (after a change the steps cannot follow, such as a restore)."""
        self._done.clear()
        self._undone.clear()
        self._clean = 0
        self._changed()

    def set_clean(self) -> None:
        self._clean = self.index
        self._changed()

    def _apply(self, operation: Operation, text: str, verb: str) -> Operation:
        try:
            with self.repo.transaction():
                return operation.apply(self.repo)
        except REFUSALS as exc:
            what = f"{verb} {text}" if text else verb
            raise ChangeRefused(refusal_sentence(what, exc), exc) from exc
