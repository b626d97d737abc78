"""Long core operations (export, import, compare) off the GUI thread, with a progress dialog
and Cancel; the dialog base that runs them (`TaskDialog`) and the windows that say how they
went (`show_message`, `ReportDialog`).

`lodestone.ui.jobs.runner.Job` runs a function once; these operations also report progress and can
be
cancelled, and a cancel (`Cancelled`, deliberately not a TrackerError) is not a failure. The
core function runs in Qt's thread pool and opens its own SQLite connection; its
`progress(done, total)` calls arrive from that thread, so they only emit a signal (queued to
the GUI thread), at most every PROGRESS_INTERVAL_S: a million rows must not mean a million
repaints.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressDialog,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lodestone.core.progress import Cancelled
from lodestone.core.storage.db import TrackerError
from lodestone.ui.context import AppContext
from lodestone.ui.jobs.runner import Runnable

PROGRESS_INTERVAL_S = 0.05
ERROR_STYLE = "color: #b00020;"
STEPS = 1000  # the progress bar's range (a byte count may not fit a C int)
Work = Callable[[Callable[[int, int], None], Callable[[], bool]], Any]


class BackgroundTask(QObject):
    """Runs `work(progress, cancelled)` once in the thread pool, showing a QProgressDialog.

    Exactly one of `succeeded(result)`, `failed(message)` or `wasCancelled(message)` arrives,
    then `finished()`. The worker thread only emits private signals, received by this
    object's own slots on the GUI thread, which emit the public ones there: whatever is
    connected to them (lambdas included) runs on the GUI thread. Keep a reference until then.
    """

    progressed = Signal(int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    wasCancelled = Signal(str)
    finished = Signal()
    _progress = Signal(int, int)  # from the worker thread
    _outcome = Signal(str, object)  # from the worker thread: ("succeeded", result), ...

    def __init__(self, work: Work, title: str, label: str) -> None:
        super().__init__()
        self._work = work
        self._title = title
        self._label = label
        self._cancel = threading.Event()
        self._last_report = 0.0
        self.running = False
        self.dialog: QProgressDialog | None = None
        self._progress.connect(self._show_progress)
        self._outcome.connect(self._deliver)

    def start(self, parent: QWidget | None) -> None:
        """Show the progress dialog over `parent` and start the work."""
        dialog = QProgressDialog(self._label, "Cancel", 0, STEPS, parent)
        dialog.setObjectName("progress.dialog")
        dialog.setWindowTitle(self._title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.setValue(0)
        dialog.canceled.connect(self.cancel)
        self.dialog = dialog
        self.running = True
        dialog.show()
        QThreadPool.globalInstance().start(Runnable(self))

    def cancel(self) -> None:
        """Ask the work to stop; it stops at its next check and leaves nothing behind."""
        self._cancel.set()
        if self.dialog is not None:
            self.dialog.setLabelText("Cancelling…")

    def is_cancelled(self) -> bool:
        return self._cancel.is_set()

    # -- on the worker thread ---------------------------------------------------------------

    def report(self, done: int, total: int) -> None:
        """The core function's progress callback: throttled, and only a signal emission."""
        now = time.monotonic()
        if done >= total or now - self._last_report >= PROGRESS_INTERVAL_S:
            self._last_report = now
            self._progress.emit(done, total)

    def run_here(self) -> None:
        try:
            result = self._work(self.report, self.is_cancelled)
        except Cancelled as exc:
            self._outcome.emit("wasCancelled", str(exc))
        except (TrackerError, OSError, sqlite3.Error, ValueError) as exc:
            self._outcome.emit("failed", str(exc) or type(exc).__name__)
        except Exception as exc:  # a bug: say so rather than leave the dialog spinning
            traceback.print_exc()
            self._outcome.emit("failed", f"an unexpected error stopped it "
                                         f"({type(exc).__name__}: {exc})")  # fmt: skip
        else:
            self._outcome.emit("succeeded", result)

    # -- back on the GUI thread -------------------------------------------------------------

    def _show_progress(self, done: int, total: int) -> None:
        if self.dialog is not None and self.running:
            self.dialog.setValue(STEPS * done // total if total else 0)
        self.progressed.emit(done, total)

    def _deliver(self, outcome: str, payload: object) -> None:
        self.running = False
        dialog, self.dialog = self.dialog, None
        if dialog is not None:
            dialog.canceled.disconnect(self.cancel)  # closing a QProgressDialog "cancels" it
            dialog.close()
            dialog.deleteLater()
        getattr(self, outcome).emit(payload)
        self.finished.emit()


def show_message(parent: QWidget | None, title: str, text: str, *, name: str,
                 warning: bool = False, details: str = "") -> QMessageBox:  # fmt: skip
    """A message box shown without blocking (the caller carries on); `name` is its
    objectName, so tests and screen readers can find it."""
    box = QMessageBox(parent)
    box.setObjectName(name)
    box.setIcon(QMessageBox.Icon.Warning if warning else QMessageBox.Icon.Information)
    box.setWindowTitle(title)
    box.setText(text)
    if details:
        box.setInformativeText(details)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box


class ReportDialog(QDialog):
    """The report of an import: a headline, then its lines in a text box to read or copy."""

    def __init__(self, title: str, headline: str, lines: list[str], parent: QWidget | None = None,
                 *, name: str = "report.dialog") -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.headline = QLabel(headline)
        self.headline.setObjectName("report.headline")
        self.headline.setWordWrap(True)
        self.text = QPlainTextEdit("\n".join(lines))
        self.text.setObjectName("report.text")
        self.text.setAccessibleName("Report")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        buttons.button(QDialogButtonBox.StandardButton.Close).setObjectName("report.close")
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(720, 420)


def path_row(edit: QLineEdit, *buttons: QPushButton) -> QHBoxLayout:
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    for button in buttons:
        row.addWidget(button)
    return row


def error_label(name: str) -> QLabel:
    label = QLabel("")
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


NOT_IMPORTED = "Not imported: {}. The tracker was not changed."
IMPORT_CANCELLED = "The import was cancelled; the tracker was not changed."


class TaskDialog(QDialog):
    """A dialog that runs one background task at a time and shows its problems inline."""

    MODELESS = False  # True: the analyst may keep working in the window while it is open

    def __init__(self, ctx: AppContext, parent: QWidget | None, name: str, title: str) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.task: BackgroundTask | None = None
        # The message or report shown when the task is done (kept: it may have no parent).
        self.result_window: QWidget | None = None
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)

    def add_button(self, text: str, name: str) -> QPushButton:
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
        button.setObjectName(name)
        button.setDefault(True)
        return button

    def run(self, task: BackgroundTask, done: Callable[[Any], None] | None = None, *,
            failure: str = "", cancelled: str = "") -> None:  # fmt: skip
        """Start `task`; `done(result)` on success, else `failure` (with the reason in place
        of {}) or `cancelled` shown in the dialog's `error` label."""
        if done is not None:
            task.succeeded.connect(done)
        if failure:
            task.failed.connect(lambda message: self.error.setText(failure.format(message)))
        if cancelled:
            task.wasCancelled.connect(lambda _message: self.error.setText(cancelled))
        self.task = task
        task.finished.connect(self._task_finished)
        task.start(self)

    def _task_finished(self) -> None:
        self.task = None

    def reject(self) -> None:
        if self.task is None:  # never leave a running task without its dialog
            super().reject()
