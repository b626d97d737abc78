"""Start-up of the GUI: the QApplication, and opening tracker files into main windows.

Opening goes through the core session: the writer lock (a second Lodestone is told who holds
the file and offered read-only), the damaged-file check (the latest good backup offered), and
the backups (on open when changed, then every few minutes of editing, off the GUI thread).
The backup on open starts once the window is on screen: it reads the whole file, which must
not slow the first paint. Leaving closes the tracker cleanly (after any running backup), so
the next start can tell that nothing touched it since and need not check it again.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import Qt, QThreadPool
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QWidget

from lodestone import __version__
from lodestone.core.logs import configure_logging
from lodestone.core.paths import AppPaths, resources_dir
from lodestone.core.storage import (
    SCHEMA_VERSION,
    LockedError,
    NewerSchemaError,
    NotATrackerError,
    Repository,
    TrackerError,
    WriteProtectedError,
    cloud_sync_warning,
)
from lodestone.core.tracker import Session, open_for_writing, open_readonly
from lodestone.ui.collector import spare_long_lived
from lodestone.ui.context import AppContext, settings_for
from lodestone.ui.jobs.runner import Job
from lodestone.ui.main_window import MainWindow
from lodestone.ui.qt_messages import log_qt_messages

HEADER_BYTES = 100  # SQLite's file header; the user_version is bytes 60-63


def app_icon() -> QIcon:
    return QIcon(str(resources_dir() / "icons" / "lodestone.svg"))


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Lodestone")
    app.setApplicationVersion(__version__)
    app.setOrganizationName("Lodestone")
    app.setDesktopFileName("lodestone")
    app.setWindowIcon(app_icon())
    return app


def open_context(path: Path, paths: AppPaths, *, readonly: bool = False) -> AppContext:
    """A context without lock or backups: for `lodestone render` and tests (read-only use)."""
    repo = Repository.open(path, readonly=readonly)
    return AppContext.create(repo, paths, path, readonly=readonly)


def stored_version(path: Path) -> int:
    """The schema version in a SQLite file's header (0 if none): read from the first bytes,
    so asking costs nothing on every start. A hint only: the open checks for itself."""
    try:
        with path.open("rb") as file:
            header = file.read(HEADER_BYTES)
    except OSError:
        return 0
    if len(header) < HEADER_BYTES or not header.startswith(b"SQLite format 3\0"):
        return 0
    return int.from_bytes(header[60:64], "big", signed=True)


@contextmanager
def upgrade_notice(parent: QWidget | None, path: Path) -> Iterator[QWidget | None]:
    """A tracker made by an older Lodestone is backed up and upgraded as it opens, which takes
    a while for a big one (13 s for a million events): say so rather than show nothing."""
    if not 0 < stored_version(path) < SCHEMA_VERSION:
        yield None
        return
    from PySide6.QtWidgets import QProgressDialog

    dialog = QProgressDialog(
        f"Upgrading {path.name} for this version of Lodestone.\nA backup is taken first. This "
        "happens once, and takes a while for a large tracker.", "", 0, 0, parent)  # fmt: skip
    dialog.setCancelButton(None)
    dialog.setWindowTitle("Lodestone")
    dialog.setObjectName("upgradeNotice")
    dialog.setMinimumDuration(0)
    dialog.show()
    for _ in range(3):  # shown and painted before the work holds the thread
        QApplication.processEvents()
    try:
        yield dialog
    finally:
        dialog.close()
        dialog.deleteLater()


def open_session(parent: QWidget | None, path: Path, paths: AppPaths, *,
                 create: bool) -> Session | None:  # fmt: skip
    """Open a tracker for the window, asking the user where a choice is theirs."""
    recovered = False
    while True:
        try:
            with upgrade_notice(parent, path):
                return open_for_writing(path, paths, create=create, backup_on_open=False)
        except LockedError as exc:
            from lodestone.ui.dialogs.storage import ask_locked

            if ask_locked(parent, exc) == "readonly":
                return open_readonly(path, paths)
            return None
        except WriteProtectedError as exc:
            from PySide6.QtWidgets import QMessageBox

            QMessageBox.information(parent, "Opened read-only", str(exc))
            return open_readonly(path, paths)
        except (NewerSchemaError, NotATrackerError) as exc:
            show_error(parent, str(exc))
            return None
        except TrackerError as exc:
            from lodestone.ui.dialogs.storage import offer_recovery

            if recovered or not offer_recovery(parent, path, exc, paths):
                show_error(parent, str(exc))
                return None
            recovered = True


def restore_notice(backup: Path) -> QWidget:
    """A window saying a backup is being restored (no Cancel: a half-done restore has nothing
    to stop halfway), shown while no tracker window is open."""
    from PySide6.QtWidgets import QProgressDialog

    notice = QProgressDialog(f"Restoring the backup {backup.name}…", "", 0, 0)
    notice.setCancelButton(None)
    notice.setWindowTitle("Lodestone")
    notice.setObjectName("restoreNotice")
    notice.setMinimumDuration(0)
    notice.show()
    return notice


def show_error(parent: QWidget | None, message: str) -> None:
    from PySide6.QtWidgets import QMessageBox

    QMessageBox.warning(parent, "Cannot open tracker", message)


class WindowManager:
    """The window of this process; opening another tracker replaces it."""

    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths
        self.window: MainWindow | None = None
        self.restoring: Job | None = None  # the copy of a backup, while it runs

    def open(self, path: Path, *, create: bool = False) -> bool:
        if not create and not path.exists():
            show_error(self.window, f"{path} does not exist.")
            return False
        if self.window is not None and self.window.ctx.path.resolve() == path.resolve():
            self.window.raise_()  # already open here: a second lock would refuse ourselves
            return True
        if self.window is not None and not self.window.may_close():
            return False
        session = open_session(self.window, path, self.paths, create=create)
        if session is None:
            return False
        self._show(session)
        return True

    def _show(self, session: Session) -> None:
        old = self.window
        ctx = AppContext.from_session(session)
        window = MainWindow(ctx)
        window.openRequested.connect(lambda p: self.open(Path(p)))
        window.newRequested.connect(lambda p: self.open(Path(p), create=True))
        window.exampleRequested.connect(self.open_example)
        window.restoreRequested.connect(self.restore)
        window.restoreOtherRequested.connect(lambda b: self.restore(b, other_tracker=True))
        window.remember_file()
        self._start_backups(window, session)
        spare_long_lived(window)  # and the collector, paused at start (cli), runs from its paint
        window.show()
        self.window = window
        if old is not None:
            old.close()
            old.ctx.close()
            old.deleteLater()

    def _start_backups(self, window: MainWindow, session: Session) -> None:
        warnings = [w for w in (session.backup_warning, cloud_sync_warning(session.path)) if w]
        if warnings:
            window.statusBar().showMessage("  ".join(warnings), 15000)
        if not session.readonly:
            window.firstPainted.connect(lambda: self._start_backing_up(window, session))

    def _start_backing_up(self, window: MainWindow, session: Session) -> None:
        """Once the window is on screen: the backup on open, then every few minutes of edits."""
        from lodestone.ui.jobs.backup_jobs import AutoBackup

        def not_backed_up(message: str) -> None:
            window.statusBar().showMessage(f"Not backed up: {message}", 15000)

        job = Job(lambda _job: session.backup_if_changed("open"), what="The backup on open",
                  parent=window)
        job.failed.connect(not_backed_up)
        job.start()
        auto_backup = AutoBackup(window.ctx, parent=window)
        auto_backup.failed.connect(not_backed_up)
        window.auto_backup = auto_backup

    def restore(self, backup: Path, *, other_tracker: bool = False) -> None:
        """Replace the open tracker with a backup, keeping the writer lock throughout. The copy
        and its check (seconds for a big file) run as a job, while a notice says so
        (`other_tracker`: the analyst confirmed restoring another tracker's backup)."""
        old = self.window
        if old is None or old.ctx.session is None or not old.may_close():
            return
        session = old.ctx.session
        notice = restore_notice(backup)  # shown first: the app never has no window at all
        old.ctx.notifier.detach()
        old.ctx.session = None  # the session lives on in the new window
        old.ctx.closed = True  # its connection is about to be replaced: nothing may read it
        old.close()
        old.deleteLater()
        self.window = None
        session.repo.close()
        job = Job(lambda _job: session.restore_file(backup, other_tracker=other_tracker),
                  what="Restoring a backup")
        job.failed.connect(
            lambda message: show_error(notice, f"The backup could not be restored: {message}"))
        job.finished.connect(lambda: self._restored(session, notice))
        self.restoring = job
        job.start()

    def _restored(self, session: Session, notice: QWidget) -> None:
        """The copy is done (or failed, and the file is as it was): open the tracker again."""
        self.restoring = None
        try:
            session.reopen()
        except (TrackerError, OSError) as exc:
            notice.close()
            show_error(None, f"The tracker could not be opened again: {exc}")
            return
        self._show(session)
        notice.close()
        notice.deleteLater()

    def open_example(self) -> bool:
        from lodestone.core.samples import ensure_example

        ensure_example(self.paths)
        return self.open(self.paths.example_tracker)

    def close(self) -> None:
        """Once the window has closed: wait for a backup still running, then close the tracker,
        which records a clean close in its lock for the next start."""
        QThreadPool.globalInstance().waitForDone()
        if self.window is not None:
            self.window.ctx.close()
            self.window = None


def last_file(paths: AppPaths) -> Path | None:
    """The tracker the analyst had open last time, if it still exists."""
    value = settings_for(paths).value("last_file")
    path = Path(value) if isinstance(value, str) and value else None
    return path if path is not None and path.is_file() else None


def run_gui(db_path: Path, paths: AppPaths, example: bool = False, *,
            reopen_last: bool = False) -> int:  # fmt: skip
    configure_logging(paths)
    app = make_application()
    manager = WindowManager(paths)
    if example:
        from lodestone.core.samples import ensure_example

        ensure_example(paths)
    if reopen_last:
        db_path = last_file(paths) or db_path
    if not manager.open(db_path, create=True):
        return 1
    if manager.window is not None:  # from the first paint on: a message Qt prints while the
        # window starts (the offscreen platform always has one) would load the log file's
        # module and cost the start 15 ms; it still reaches stderr
        manager.window.firstPainted.connect(log_qt_messages,
                                            Qt.ConnectionType.SingleShotConnection)
    status = app.exec()
    manager.close()
    return status
