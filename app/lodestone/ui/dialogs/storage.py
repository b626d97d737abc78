"""What the analyst sees when storage needs a decision: the tracker is in use elsewhere, the
file is damaged, or they want a backup now or an old one back.

Each is a small self-contained widget or function; the main window decides when to show
them. None of them replaces the open tracker itself: restoring needs the app to close its
connection first, so the Backups dialog asks and then emits `restoreRequested(path)`, or
`restoreOtherRequested(path)` once the analyst confirmed restoring another tracker's backup.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lodestone.core.backups import (
    BackupInfo,
    backup_folder,
    human_size,
    list_backups,
    of_another_tracker,
    take_backup,
)
from lodestone.core.paths import AppPaths
from lodestone.core.storage import LockedError, TrackerError
from lodestone.core.tracker import ForeignWalError, can_recover, latest_good_backup, recover
from lodestone.ui.context import AppContext
from lodestone.ui.jobs.runner import Job

RIGHT_ALIGNED = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
REASON_LABELS = {
    "manual": "Backed up by you",
    "open": "When opened",
    "auto": "While editing",
    "before-migration": "Before upgrade",
    "before-import": "Before import",
}


def reason_label(reason: str) -> str:
    return REASON_LABELS.get(reason, reason.replace("-", " ").capitalize())


def when_label(backup: BackupInfo) -> str:
    return backup.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")


def ask_locked(parent: QWidget | None, error: LockedError) -> str:
    """Tell who holds the tracker; return "readonly" or "cancel"."""
    box = QMessageBox(parent)
    box.setObjectName("storage.lockedBox")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Tracker in use")
    box.setText(str(error))
    box.setInformativeText(
        "Only one Lodestone can change a tracker at a time. You can open it read-only to "
        "look things up while the other one keeps working."
    )
    readonly = box.addButton("Open Read-Only", QMessageBox.ButtonRole.AcceptRole)
    readonly.setObjectName("storage.openReadOnly")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    cancel.setObjectName("storage.cancel")
    box.setDefaultButton(readonly)
    box.setEscapeButton(cancel)
    box.exec()
    return "readonly" if box.clickedButton() is readonly else "cancel"


def recovery_offer(error: TrackerError, backup: BackupInfo | None) -> tuple[str, str]:
    """(what will happen, the button that does it) for a file that cannot be opened."""
    if isinstance(error, ForeignWalError):
        return ("Lodestone can move that file aside (nothing is deleted) and open the "
                "tracker as it was last saved.", "Move It Aside")
    if backup is not None:
        return (f"Lodestone can move the damaged file aside (nothing is deleted) and restore "
                f"the backup of {when_label(backup)} ({reason_label(backup.reason).lower()}, "
                f"{human_size(backup.size)}).", "Restore Backup")
    return ("There is no backup to restore. Lodestone can move the damaged file aside "
            "(nothing is deleted) and start a new, empty tracker.", "Start New Tracker")


def ask_recover(parent: QWidget | None, error: TrackerError, backup: BackupInfo | None) -> bool:
    """Explain what is wrong and what recovery will do; True if the analyst agrees."""
    informative, action = recovery_offer(error, backup)
    box = QMessageBox(parent)
    box.setObjectName("storage.recoverBox")
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Tracker cannot be opened")
    box.setText(str(error))
    box.setInformativeText(informative)
    accept = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    accept.setObjectName("storage.recover")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    cancel.setObjectName("storage.cancel")
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.exec()
    return box.clickedButton() is accept


def offer_recovery(parent: QWidget | None, db: Path, error: TrackerError, paths: AppPaths) -> bool:
    """The whole damaged-file flow for app start-up: True when recovered (open `db` again)."""
    if not can_recover(db, error):
        return False
    backup = latest_good_backup(paths, db)
    if not ask_recover(parent, error, backup):
        return False
    recover(db, error, backup)
    return True


class BackupsDialog(QDialog):
    """The tracker's backups (date, reason, size), with Back Up Now and Restore…."""

    restoreRequested = Signal(object)  # Path of the chosen backup, after confirmation
    restoreOtherRequested = Signal(object)  # Path of another tracker's backup, confirmed
    backupFinished = Signal(object)  # BackupInfo, or None when it failed

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storage.backupsDialog")
        self.setWindowTitle("Backups")
        self._ctx = ctx
        self._job: Job | None = None
        self.folder_label = QLabel(f"Backups of {ctx.path.name} are kept in "
                                   f"{backup_folder(ctx.paths, ctx.path)}")
        self.folder_label.setWordWrap(True)
        self.table = QTableWidget(0, 3, self)
        self.table.setObjectName("backups.table")
        self.table.setAccessibleName("Backups")
        self.table.setHorizontalHeaderLabels(["Date", "Reason", "Size"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.status = QLabel("", self)
        self.status.setObjectName("backups.status")
        self.back_up_button = QPushButton("Back Up Now", self)
        self.back_up_button.setObjectName("backups.backUpNow")
        self.restore_button = QPushButton("Restore…", self)
        self.restore_button.setObjectName("backups.restore")
        close = QPushButton("Close", self)
        close.setObjectName("backups.close")
        buttons = QHBoxLayout()
        for button in (self.back_up_button, self.restore_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        for widget in (self.folder_label, self.table, self.status):
            layout.addWidget(widget)
        layout.addLayout(buttons)
        self.back_up_button.clicked.connect(self.back_up_now)
        self.restore_button.clicked.connect(self.ask_restore)
        close.clicked.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.refresh()

    def refresh(self) -> None:
        self.backups = list_backups(self._ctx.paths, self._ctx.path)
        self.table.setRowCount(len(self.backups))
        for row, backup in enumerate(self.backups):
            cells = (when_label(backup), reason_label(backup.reason), human_size(backup.size))
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:
                    item.setTextAlignment(RIGHT_ALIGNED)
                self.table.setItem(row, column, item)
        if not self.backups:
            self.status.setText("No backups yet.")
        self._update_buttons()

    def selected(self) -> BackupInfo | None:
        rows = self.table.selectionModel().selectedRows()
        return self.backups[rows[0].row()] if rows else None

    def _update_buttons(self) -> None:
        self.restore_button.setEnabled(self.selected() is not None and not self._ctx.readonly)
        self.back_up_button.setEnabled(self._job is None)

    def back_up_now(self) -> None:
        """A verified backup, taken off the GUI thread; the list refreshes when it is done."""
        if self._job is not None:
            return
        path, paths = self._ctx.path, self._ctx.paths
        self._job = Job(lambda _job: take_backup(path, paths, "manual"), what="The backup",
                        parent=self)
        self._job.done.connect(self._backed_up)
        self._job.failed.connect(self._backup_failed)
        self.status.setText("Backing up…")
        self._update_buttons()
        self._job.start()

    def _backed_up(self, info: BackupInfo) -> None:
        self._job = None
        self.refresh()
        self.status.setText(f"Backed up ({human_size(info.size)}, verified).")
        self.backupFinished.emit(info)

    def _backup_failed(self, message: str) -> None:
        self._job = None
        self.refresh()
        self.status.setText(f"Not backed up: {message}")
        self.backupFinished.emit(None)

    def ask_restore(self) -> None:
        backup = self.selected()
        if backup is None or self._ctx.readonly:
            return
        other = of_another_tracker(backup.path, self._ctx.path)
        box = QMessageBox(self)
        box.setObjectName("storage.confirmRestore")
        box.setIcon(QMessageBox.Icon.Warning if other else QMessageBox.Icon.Question)
        box.setWindowTitle("Restore backup")
        name = self._ctx.path.name
        box.setText(f"The backup of {when_label(backup)} is of another tracker. Replace the "
                    f"records of {name} with that tracker's?" if other else
                    f"Replace {name} with the backup of {when_label(backup)}?")
        box.setInformativeText(
            "The current file is kept next to it, renamed …before-restore-<time> (nothing "
            "is deleted). Changes made since this backup will not be in the restored tracker."
        )
        restore = box.addButton("Restore", QMessageBox.ButtonRole.AcceptRole)
        restore.setObjectName("storage.confirmRestore.restore")
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.setEscapeButton(cancel)
        box.exec()
        if box.clickedButton() is restore:
            (self.restoreOtherRequested if other else self.restoreRequested).emit(backup.path)
            self.accept()
