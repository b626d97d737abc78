"""The one entry point the main window's File menu calls for every snapshot, CSV import and
compare dialog: each dialog's module is imported only when first asked for.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWidget

from lodestone.ui.context import AppContext
from lodestone.ui.jobs.task_dialog import TaskDialog


def dialog_class(action: str) -> type[TaskDialog]:
    """The dialog class of a File-menu action, its module imported when first asked for."""
    if action == "import_csv":
        from lodestone.ui.dialogs.csv_import import CsvImportDialog

        return CsvImportDialog
    if action == "compare_snapshots":
        from lodestone.ui.dialogs.compare import CompareDialog

        return CompareDialog
    from lodestone.ui.dialogs.snapshot import ExportSnapshotDialog, ImportSnapshotDialog

    return {"export_snapshot": ExportSnapshotDialog, "import_snapshot": ImportSnapshotDialog}[
        action]


def show_file_dialog(window: QWidget, ctx: AppContext, action: str) -> QDialog:
    """Open the dialog of a File-menu action (`export_snapshot`, `import_snapshot`,
    `import_csv`, `compare_snapshots`) on `ctx`'s tracker over `window`, or raise the one
    already open."""
    cls = dialog_class(action)
    for open_dialog in window.findChildren(cls):
        if open_dialog.isVisible():
            open_dialog.raise_()
            return open_dialog
    # Each File-menu dialog takes (ctx, parent): the name and title TaskDialog needs are its own.
    dialog = cls(ctx, window)  # type: ignore[call-arg]
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    if dialog.MODELESS:
        dialog.show()
    else:
        dialog.open()  # window-modal: the tracker is not edited while it is being written
    return dialog
