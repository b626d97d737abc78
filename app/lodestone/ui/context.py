"""What every window, view and form of one open tracker shares, passed in by constructor.

No globals: the main window builds one `AppContext` per open file and hands it down.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from lodestone.core.history.operations import Operation
from lodestone.core.paths import AppPaths
from lodestone.core.storage.repository import Repository
from lodestone.core.tracker.session import Session


class ChangeNotifier(QObject):
    """Turns the repository's after-commit callbacks into a Qt signal: changed(kind, ids)."""

    changed = Signal(str, list)

    def __init__(self, repo: Repository, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._repo = repo
        repo.subscribe(self._emit)

    def _emit(self, kind: str, ids: tuple[int, ...]) -> None:
        self.changed.emit(kind, list(ids))

    def detach(self) -> None:
        self._repo.unsubscribe(self._emit)


class OperationCommand(QUndoCommand):
    """A thin QUndoCommand over a core Operation: redo applies it, undo applies its inverse.

    The operation has already been applied once when the command is pushed (so a refused
    save never reaches the stack); the first redo() that QUndoStack.push makes is skipped.
    """

    def __init__(self, repo: Repository, applied: Operation, inverse: Operation) -> None:
        super().__init__(applied.text)
        self._repo = repo
        self._redo_op = applied
        self._undo_op = inverse
        self._first = True

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._undo_op = self._redo_op.apply(self._repo)

    def undo(self) -> None:
        self._redo_op = self._undo_op.apply(self._repo)


def settings_for(paths: AppPaths) -> QSettings:
    """Lodestone's settings, kept in an ini file under the (redirectable) data folder."""
    paths.ensure()
    return QSettings(str(paths.settings_file), QSettings.Format.IniFormat)


GUI_BUSY_TIMEOUT_MS = 200


@dataclass
class AppContext:
    repo: Repository
    notifier: ChangeNotifier
    undo_stack: QUndoStack
    settings: QSettings
    paths: AppPaths
    path: Path
    readonly: bool = False
    session: Session | None = None  # the writer lock and backups, when opened by the app
    closed: bool = False  # set by close(): work deferred by a window must not read after it

    @classmethod
    def create(
        cls,
        repo: Repository,
        paths: AppPaths,
        path: Path,
        readonly: bool = False,
        parent: QObject | None = None,
    ) -> AppContext:
        return cls(
            repo,
            ChangeNotifier(repo, parent),
            QUndoStack(parent),
            settings_for(paths),
            paths,
            path,
            readonly,
        )

    @classmethod
    def from_session(cls, session: Session, parent: QObject | None = None) -> AppContext:
        ctx = cls.create(session.repo, session.paths, session.path, session.readonly, parent)
        ctx.session = session
        # The window must not freeze while another program writes: wait a moment only; a
        # form that finds the file busy says so and retries on a timer.
        session.repo.conn.execute(f"PRAGMA busy_timeout = {GUI_BUSY_TIMEOUT_MS}")
        return ctx

    def run(self, operation: Operation) -> Operation:
        """Apply an operation now and make it undoable; raises (nothing pushed) if refused."""
        inverse = operation.apply(self.repo)
        self.undo_stack.push(OperationCommand(self.repo, operation, inverse))
        return inverse

    def close(self) -> None:
        """Close the tracker (and release the writer lock, if this context holds it)."""
        if self.closed:
            return
        self.closed = True
        self.notifier.detach()
        if self.session is not None:
            self.session.close()
        else:
            self.repo.close()
