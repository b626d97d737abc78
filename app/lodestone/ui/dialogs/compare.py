"""File → Compare Snapshots…: what changed between an older snapshot and a newer one (or the
open tracker), as a tree of kinds, records and fields, with the values before and after.

The comparison is `lodestone.core.snapshots.compare.compare_snapshots`, the same function as
`lodestone
compare`, run on a worker thread: it reads the open tracker through a read-only connection of
its own, so the analyst can keep working while it runs.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lodestone.core.records import RECORD_KINDS
from lodestone.core.snapshots import ADDED, CHANGED, MARKS, REMOVED, Comparison, compare_snapshots
from lodestone.ui.context import AppContext
from lodestone.ui.dialogs.tracker_files import FOLDER_KEY
from lodestone.ui.jobs.runner import Job
from lodestone.ui.jobs.task_dialog import TaskDialog, error_label, path_row

COLOURS = {ADDED: QColor("#1b5e20"), REMOVED: QColor("#b00020"), CHANGED: QColor("#0d47a1")}
EXPAND_UP_TO = 200  # records: a short comparison opens fully, a long one by kind


class CompareDialog(TaskDialog):
    """Two sides (each a snapshot folder or zip, or a tracker file), Compare, and the tree.
    Modeless: the analyst can look records up in the window while reading the differences."""

    MODELESS = True

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, "compare.dialog", "Compare Snapshots")
        self.comparison: Comparison | None = None
        self.older = self._side("compare.older", "Older (before)")
        self.newer = self._side("compare.newer", "Newer (after)")
        self.newer.setText(str(ctx.path))
        grid = QGridLayout()
        for row, (label, edit) in enumerate((("Older:", self.older), ("Newer:", self.newer))):
            grid.addWidget(QLabel(label), row, 0)
            name = edit.objectName()
            folder = self._button("Folder…", f"{name}Folder", edit, True)
            grid.addLayout(path_row(edit, folder, self._button("File…", f"{name}File", edit,
                                                               False)), row, 1)  # fmt: skip
        open_tracker = QPushButton("Open Tracker")
        open_tracker.setObjectName("compare.newerTracker")
        open_tracker.setToolTip(f"Compare with {ctx.path.name}, as it is now")
        open_tracker.clicked.connect(lambda: self.newer.setText(str(ctx.path)))
        grid.addWidget(open_tracker, 1, 2)
        self.summary = QLabel("Choose an older snapshot, then Compare.")
        self.summary.setObjectName("compare.summary")
        self.summary.setWordWrap(True)
        self.error = error_label("compare.error")
        self.tree = QTreeWidget()
        self.tree.setObjectName("compare.tree")
        self.tree.setAccessibleName("Differences")
        self.tree.setHeaderLabels(["Record / field", "Before", "After"])
        self.tree.setColumnWidth(0, 320)
        self.tree.setColumnWidth(1, 220)
        self.save_button = QPushButton("Save as CSV…")
        self.save_button.setObjectName("compare.saveCsv")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save_csv)
        self.buttons.addButton(self.save_button, self.buttons.ButtonRole.ActionRole)
        self.compare_button = self.add_button("Compare", "compare.compare")
        self.compare_button.clicked.connect(self.compare)
        self.buttons.button(self.buttons.StandardButton.Cancel).setText("Close")
        layout = QVBoxLayout(self)
        layout.addLayout(grid)
        layout.addWidget(self.summary)
        layout.addWidget(self.error)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.buttons)
        self.resize(900, 600)

    def _side(self, name: str, accessible: str) -> QLineEdit:
        edit = QLineEdit()
        edit.setObjectName(name)
        edit.setAccessibleName(accessible)
        edit.setPlaceholderText("A snapshot folder or .zip, or a tracker file")
        return edit

    def _button(self, text: str, name: str, edit: QLineEdit, folder: bool) -> QPushButton:
        button = QPushButton(text)
        button.setObjectName(name)
        button.clicked.connect(lambda: self._choose(edit, folder))
        return button

    def _choose(self, edit: QLineEdit, folder: bool) -> None:
        start = str(self.ctx.settings.value(FOLDER_KEY, str(self.ctx.path.parent)))
        if folder:
            path = QFileDialog.getExistingDirectory(self, "Snapshot Folder", start)
        else:
            path, _ = QFileDialog.getOpenFileName(
                self, "Snapshot or Tracker", start,
                "Snapshots and trackers (*.zip *.db);;All files (*)")  # fmt: skip
        if path:
            edit.setText(path)

    def compare(self) -> None:
        older, newer = self.older.text().strip(), self.newer.text().strip()
        missing = [name for name, text in (("older", older), ("newer", newer)) if not text]
        if missing:
            self.error.setText(f"Choose the {' and the '.join(missing)} snapshot to compare.")
            return
        a, b = Path(older).expanduser(), Path(newer).expanduser()
        for side in (a, b):
            if not side.exists():
                self.error.setText(f"Cannot compare: {side} does not exist.")
                return
        self.error.clear()
        self.ctx.settings.setValue(FOLDER_KEY, str(a.parent))
        job = Job(lambda job: compare_snapshots(a, b, progress=job.progress,
                                                cancelled=job.cancelled),
                  what="The comparison")  # fmt: skip
        self.run(job, "Compare Snapshots", f"Comparing {a.name} with {b.name}…",
                 self.show_comparison, failure="Cannot compare: {}.",
                 cancelled="The comparison was cancelled.")  # fmt: skip

    def show_comparison(self, comparison: Comparison) -> None:
        self.comparison = comparison
        self.tree.clear()
        self.save_button.setEnabled(True)
        if comparison.same:
            self.summary.setText(f"No differences: {comparison.a.name} and {comparison.b.name} "
                                 "hold the same records.")  # fmt: skip
            return
        parts = [f"{kind.plural}: {comparison.summary(kind.name)}" for kind in RECORD_KINDS
                 if sum(comparison.counts[kind.name].values())]  # fmt: skip
        self.summary.setText(f"From {comparison.a.name} to {comparison.b.name}: "
                             + "; ".join(parts) + ".")
        for kind, plural in ((k.name, k.plural) for k in RECORD_KINDS):
            if not sum(comparison.counts[kind].values()):
                continue
            heading = f"{plural.capitalize()} ({comparison.summary(kind)})"
            top = QTreeWidgetItem(self.tree, [heading])
            top.setFirstColumnSpanned(True)
            for record in comparison.of(kind):
                item = QTreeWidgetItem(top, [f"{MARKS[record.change]} {record.title()}"])
                item.setFirstColumnSpanned(True)  # a long title reads across the columns
                item.setToolTip(0, record.title())
                item.setForeground(0, QBrush(COLOURS[record.change]))
                item.setData(0, Qt.ItemDataRole.UserRole, (record.kind, record.id))
                for change in record.fields:
                    child = QTreeWidgetItem(item, [change.field, change.before, change.after])
                    for column in (1, 2):
                        child.setToolTip(column, child.text(column))
            if comparison.unlisted(kind):
                QTreeWidgetItem(top, [f"… and {comparison.unlisted(kind):,} more"])
            top.setExpanded(True)
        if len(comparison.changes) <= EXPAND_UP_TO:
            self.tree.expandAll()

    def save_csv(self) -> None:
        if self.comparison is None:
            return
        start = str(Path(str(self.ctx.settings.value(FOLDER_KEY, str(self.ctx.path.parent))))
                    / "changes.csv")  # fmt: skip
        path, _ = QFileDialog.getSaveFileName(self, "Save Differences", start,
                                              "CSV files (*.csv)")  # fmt: skip
        if not path:
            return
        try:
            self.comparison.write_csv(Path(path))
        except OSError as exc:
            self.error.setText(f"Not saved: {exc}.")
            return
        self.summary.setText(self.summary.text() + f" Saved to {path}.")
