"""Start-up of the GUI: the QApplication, and opening tracker files into main windows."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from lodestone import __version__
from lodestone.core.db import TrackerError
from lodestone.core.paths import AppPaths, resources_dir
from lodestone.core.repository import Repository
from lodestone.ui.context import AppContext
from lodestone.ui.main_window import MainWindow


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
    """Open a tracker file into a context (raises TrackerError with a sentence for the user)."""
    repo = Repository.open(path, readonly=readonly)
    return AppContext.create(repo, paths, path, readonly=readonly)


class Session:
    """The open windows of this process; opening another tracker replaces the window."""

    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths
        self.window: MainWindow | None = None

    def open(self, path: Path, *, create: bool = False) -> bool:
        if not create and not path.exists():
            self._error(f"{path} does not exist.")
            return False
        try:
            ctx = open_context(path, self.paths)
        except TrackerError as exc:
            self._error(str(exc))
            return False
        old = self.window
        if old is not None and not old.may_close():
            ctx.close()
            return False
        window = MainWindow(ctx)
        window.openRequested.connect(lambda p: self.open(Path(p)))
        window.newRequested.connect(lambda p: self.open(Path(p), create=True))
        window.exampleRequested.connect(self.open_example)
        window.remember_file()
        window.show()
        self.window = window
        if old is not None:
            old.close()
            old.ctx.close()
            old.deleteLater()
        return True

    def open_example(self) -> bool:
        ensure_example(self.paths)
        return self.open(self.paths.example_tracker)

    def _error(self, message: str) -> None:
        QMessageBox.warning(self.window, "Cannot open tracker", message)


def ensure_example(paths: AppPaths) -> Path:
    """The example tracker, written on first use into its own file."""
    from lodestone.core.example import write_example

    paths.ensure()
    if not paths.example_tracker.exists():
        write_example(paths.example_tracker)
    return paths.example_tracker


def run_gui(db_path: Path, paths: AppPaths, example: bool = False) -> int:
    app = make_application()
    session = Session(paths)
    if example:
        ensure_example(paths)
    if not session.open(db_path, create=True):
        return 1
    return app.exec()
