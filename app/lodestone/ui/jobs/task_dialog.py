"""Long core operations (export, import, compare) run as jobs (`lodestone.ui.jobs.runner`)
shown in a progress dialog with Cancel; the dialog base that runs them (`TaskDialog`) and the
windows that say how they went (`show_message`, `ReportDialog`).

The job reports progress (throttled: a million rows must not mean a million repaints), Cancel
stops it (a running SQLite statement included), and a cancel is not a failure.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
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

from lodestone.ui.context import AppContext
from lodestone.ui.jobs.runner import Job

ERROR_STYLE = "color: #b00020;"
STEPS = 1000  # the progress bar's range (a byte count may not fit a C int)


class ProgressShown:
    """A job shown in a window-modal progress dialog whose Cancel button cancels it; the
    dialog closes as soon as the job is over, before anyone else hears how it went."""

    def __init__(self, job: Job, title: str, label: str, parent: QWidget | None) -> None:
        self.job = job
        dialog = QProgressDialog(label, "Cancel", 0, STEPS, parent)
        dialog.setObjectName("progress.dialog")
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.setValue(0)
        dialog.canceled.connect(self.cancel)
        self.dialog = dialog
        job.progressed.connect(self._show_progress)
        for outcome in (job.done, job.failed, job.wasCancelled):
            outcome.connect(self._close)

    def start(self) -> None:
        self.dialog.show()
        self.job.start()

    def cancel(self) -> None:
        """Ask the work to stop; it stops at its next check and leaves nothing behind."""
        self.job.cancel()
        self.dialog.setLabelText("Cancelling…")

    def _show_progress(self, done: int, total: int) -> None:
        self.dialog.setValue(STEPS * done // total if total else 0)

    def _close(self, *_: object) -> None:
        self.dialog.canceled.disconnect(self.cancel)  # closing a QProgressDialog "cancels" it
        self.dialog.close()
        self.dialog.deleteLater()


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
    error: QLabel  # made by each dialog (with `error_label`) where its layout has room

    def __init__(self, ctx: AppContext, parent: QWidget | None, name: str, title: str) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName(name)
        self.setWindowTitle(title)
        self.task: ProgressShown | None = None
        # The message or report shown when the task is done (kept: it may have no parent).
        self.result_window: QWidget | None = None
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.rejected.connect(self.reject)

    def add_button(self, text: str, name: str) -> QPushButton:
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
        button.setObjectName(name)
        button.setDefault(True)
        return button

    def run(self, job: Job, title: str, label: str, done: Callable[[Any], None] | None = None,
            *, failure: str = "", cancelled: str = "") -> None:  # fmt: skip
        """Start `job` under a progress dialog titled `title` saying `label`; `done(result)` on
        success, else `failure` (with the reason in place of {}) or `cancelled` shown in the
        dialog's `error` label."""
        self.task = ProgressShown(job, title, label, self)  # first: it closes first
        if done is not None:
            job.done.connect(done)
        if failure:
            job.failed.connect(lambda message: self.error.setText(failure.format(message)))
        if cancelled:
            job.wasCancelled.connect(lambda _message: self.error.setText(cancelled))
        job.finished.connect(self._task_finished)
        self.task.start()

    def _task_finished(self) -> None:
        self.task = None

    def reject(self) -> None:
        if self.task is None:  # never leave a running task without its dialog
            super().reject()
