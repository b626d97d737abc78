"""The automatic backup every N minutes of editing, off the GUI thread.

A backup reads the whole tracker and runs integrity_check on the copy: seconds for a big
file. The GUI must never wait for it, so it runs in Qt's thread pool; the core functions
open their own SQLite connections, so no connection is shared between threads.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

from lodestone.core.backups import BackupInfo, maybe_backup
from lodestone.ui.context import AppContext
from lodestone.ui.jobs.runner import Job

DEFAULT_INTERVAL_MINUTES = 10


class AutoBackup(QObject):
    """Every `minutes`, back up the tracker if it was edited since the last look.

    The lead starts one per writable context; `backedUp(BackupInfo)` and `failed(str)` let the
    window show a discreet status message. Nothing happens while the tracker is untouched.
    """

    backedUp = Signal(object)
    failed = Signal(str)

    def __init__(
        self, ctx: AppContext, minutes: float = DEFAULT_INTERVAL_MINUTES,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("storage.autoBackup")
        self._ctx = ctx
        self._edited = False
        self._job: Job | None = None
        ctx.notifier.changed.connect(self._mark_edited)
        self.timer = QTimer(self)
        self.timer.setInterval(int(minutes * 60_000))
        self.timer.timeout.connect(self.run_now)
        if not ctx.readonly:
            self.timer.start()

    @property
    def busy(self) -> bool:
        return self._job is not None and self._job.running

    def _mark_edited(self, *_: object) -> None:
        self._edited = True

    def run_now(self) -> bool:
        """Start a backup if there were edits and none is running; True if one started."""
        if not self._edited or self.busy or self._ctx.readonly:
            return False
        self._edited = False
        path, paths = self._ctx.path, self._ctx.paths
        self._job = Job(lambda _job: maybe_backup(path, paths, "auto"),
                        what="The automatic backup", parent=self)
        self._job.done.connect(self._done)
        self._job.failed.connect(self._failed)
        self._job.start()
        return True

    def _done(self, info: BackupInfo | None) -> None:
        if info is not None:
            self.backedUp.emit(info)

    def _failed(self, message: str) -> None:
        self._edited = True  # try again at the next tick
        self.failed.emit(message)
