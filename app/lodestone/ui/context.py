"""What every window, view and form of one open tracker shares, passed in by constructor.

No globals: the main window builds one `AppContext` per open file and hands it down.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QSettings, Signal

from lodestone.core.history import Operation, UndoHistory
from lodestone.core.paths import AppPaths
from lodestone.core.storage import Change, Repository
from lodestone.core.tracker import Session
from lodestone.ui.history_stack import HistoryStack


class ChangeNotifier(QObject):
    """Passes the tracker's after-commit notices on as Qt signals: `change(Change)` says which
    records of which kind were created, updated, deleted or restored (the list models insert,
    remove and refresh exactly those rows); `changed(kind, ids)` is the same news for views
    that only re-read whatever shows that kind."""

    change = Signal(object)  # a core Change
    changed = Signal(str, list)

    def __init__(self, repo: Repository, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._repo = repo
        repo.subscribe(self.deliver)

    def deliver(self, change: Change) -> None:
        """Pass one committed change on (also for a change committed through another
        connection: an import run in the background)."""
        self.change.emit(change)
        self.changed.emit(change.kind, list(change.ids))

    def detach(self) -> None:
        self._repo.unsubscribe(self.deliver)


def settings_for(paths: AppPaths) -> QSettings:
    """Lodestone's settings, kept in an ini file under the (redirectable) data folder."""
    paths.ensure()
    return QSettings(str(paths.settings_file), QSettings.Format.IniFormat)


GUI_BUSY_TIMEOUT_MS = 200


@dataclass
class AppContext:
    repo: Repository
    notifier: ChangeNotifier
    undo_stack: HistoryStack  # the window's face of `history`, the tracker's undo history
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
            HistoryStack(UndoHistory(repo), parent),
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

    @property
    def history(self) -> UndoHistory:
        return self.undo_stack.history

    def run(self, operation: Operation) -> Operation:
        """Apply an operation now and make it undoable; raises the tracker's own error
        (nothing applied, nothing recorded) if refused."""
        return self.history.run(operation)

    def close(self) -> None:
        """Close the tracker (and release the writer lock, if this context holds it)."""
        if self.closed:
            return
        self.closed = True
        self.notifier.detach()
        self.undo_stack.detach()
        if self.session is not None:
            self.session.close()
        else:
            self.repo.close()
