"""File → Export Snapshot… and Import Snapshot….

Both run the core functions (`export_snapshot`, `import_snapshot`) on a worker thread with the
tracker's path, so they read or write through a connection of their own while the window
stays responsive. An import writes behind the repository's back, so afterwards every view is
told what the import changed (`announce_import`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from lodestone.core.snapshots import (
    ImportReport,
    Manifest,
    SnapshotError,
    SnapshotReader,
    check_new_destination,
    export_snapshot,
    import_snapshot,
)
from lodestone.ui.context import AppContext
from lodestone.ui.dialogs.tracker_files import FOLDER_KEY, announce_import, backup_before_import
from lodestone.ui.jobs.runner import Job
from lodestone.ui.jobs.task_dialog import (
    IMPORT_CANCELLED,
    NOT_IMPORTED,
    ReportDialog,
    TaskDialog,
    error_label,
    path_row,
    show_message,
)


def describe_rows(manifest: Manifest) -> str:
    """"12 companies, 3 deals, …" of the files that hold rows."""
    counts = [f"{entry.rows:,} {name.removesuffix('.csv').replace('_', ' ')}"
              for name, entry in manifest.files.items() if entry.rows]  # fmt: skip
    return ", ".join(counts) or "no records"


class ExportSnapshotDialog(TaskDialog):
    """Where to write the snapshot (a new folder or .zip) and whether for Excel; then the
    export on a worker thread, and a message saying where it went and how many rows."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, "snapshot.exportDialog", "Export Snapshot")
        intro = QLabel("Every record, those in the Trash too, is written as CSV files with a "
                       "manifest. A name ending in .zip writes one zip file; any other name "
                       "makes a new folder.")  # fmt: skip
        intro.setWordWrap(True)
        self.destination = QLineEdit(str(self._default_destination()))
        self.destination.setObjectName("export.destination")
        self.destination.setAccessibleName("Save to")
        browse = QPushButton("Browse…")
        browse.setObjectName("export.browse")
        browse.clicked.connect(self.browse)
        self.excel = QCheckBox("Excel-friendly (BOM, CRLF)")
        self.excel.setObjectName("export.excel")
        self.excel.setAccessibleName("Excel-friendly (BOM, CRLF)")
        self.excel.setChecked(bool(ctx.settings.value("snapshots/excel", False, type=bool)))
        self.error = error_label("export.error")
        self.export_button = self.add_button("Export", "export.export")
        self.export_button.clicked.connect(self.export)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel("Save to:"))
        layout.addLayout(path_row(self.destination, browse))
        layout.addWidget(self.excel)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())

    def _default_destination(self) -> Path:
        folder = Path(str(self.ctx.settings.value(FOLDER_KEY, str(self.ctx.path.parent))))
        stem = f"{self.ctx.path.stem}-{dt.date.today().isoformat()}"
        candidate, number = folder / f"{stem}.zip", 2
        while candidate.exists():
            candidate, number = folder / f"{stem}-{number}.zip", number + 1
        return candidate

    def browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Export Snapshot", self.destination.text(),
            "Zip file (*.zip);;Folder of CSV files (*)", "",
            QFileDialog.Option.DontConfirmOverwrite)  # fmt: skip
        if path:
            self.destination.setText(path)
            self.error.clear()

    def export(self) -> None:
        text = self.destination.text().strip()
        if not text:
            self.error.setText("Choose where to write the snapshot: a new folder or .zip name.")
            return
        dest = Path(text).expanduser()
        try:
            check_new_destination(dest)
        except SnapshotError as exc:
            self.error.setText(f"Cannot export: {exc}.")
            return
        self.error.clear()
        self.ctx.settings.setValue(FOLDER_KEY, str(dest.parent))
        self.ctx.settings.setValue("snapshots/excel", self.excel.isChecked())
        source, excel = self.ctx.path, self.excel.isChecked()
        job = Job(lambda job: export_snapshot(job.reader(), dest, excel=excel,
                                              progress=job.progress, cancelled=job.cancelled),
                  tracker=source, what="The export")  # fmt: skip
        self.run(job, "Export Snapshot", f"Writing {dest.name}…",
                 lambda manifest: self._exported(dest, manifest),
                 failure="Not exported: {}.",
                 cancelled="The export was cancelled; nothing was written.")  # fmt: skip

    def _exported(self, dest: Path, manifest: Manifest) -> None:
        self.result_window = show_message(self.parentWidget(), "Snapshot exported",
                     f"Exported {manifest.total_rows:,} rows to {dest}.",
                     details=describe_rows(manifest).capitalize() + ".", name="export.done")
        self.accept()


class ImportSnapshotDialog(TaskDialog):
    """Choose a snapshot (its manifest is shown), then restore or merge it on a worker thread
    after a backup, and show what was added, unchanged and in conflict."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, "snapshot.importDialog", "Import Snapshot")
        intro = QLabel("Into an empty tracker the snapshot is restored exactly. Into one with "
                       "records it is merged by id: nothing is overwritten, and rows that "
                       "differ are listed as conflicts. A backup is taken first.")  # fmt: skip
        intro.setWordWrap(True)
        self.source = QLineEdit()
        self.source.setObjectName("import.source")
        self.source.setAccessibleName("Snapshot")
        self.source.setPlaceholderText("A snapshot folder or .zip file")
        self.source.editingFinished.connect(self.inspect)
        folder = QPushButton("Folder…")
        folder.setObjectName("import.chooseFolder")
        folder.clicked.connect(self.choose_folder)
        archive = QPushButton("Zip File…")
        archive.setObjectName("import.chooseZip")
        archive.clicked.connect(self.choose_zip)
        self.info = QLabel("")
        self.info.setObjectName("import.info")
        self.info.setWordWrap(True)
        self.error = error_label("import.error")
        self.import_button = self.add_button("Import", "import.import")
        self.import_button.clicked.connect(self.start_import)
        self.import_button.setEnabled(False)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel("Snapshot:"))
        layout.addLayout(path_row(self.source, folder, archive))
        layout.addWidget(self.info)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())

    def _start_folder(self) -> str:
        return str(self.ctx.settings.value(FOLDER_KEY, str(self.ctx.path.parent)))

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Import Snapshot Folder",
                                                self._start_folder())  # fmt: skip
        if path:
            self.set_source(Path(path))

    def choose_zip(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import Snapshot", self._start_folder(),
                                              "Zip file (*.zip);;All files (*)")  # fmt: skip
        if path:
            self.set_source(Path(path))

    def set_source(self, path: Path) -> None:
        self.source.setText(str(path))
        self.inspect()

    def inspect(self) -> Manifest | None:
        """Read the manifest (a small file) to say what the snapshot holds, or why it cannot
        be imported; the files themselves are checked by the import."""
        self.info.clear()
        self.error.clear()
        self.import_button.setEnabled(False)
        text = self.source.text().strip()
        if not text:
            return None
        try:
            with SnapshotReader(Path(text).expanduser()) as reader:
                manifest = reader.manifest
        except (SnapshotError, OSError) as exc:
            self.error.setText(f"Cannot import: {exc}.")
            return None
        when = manifest.created_at.replace("T", " ")[:16]
        self.info.setText(f"Snapshot of {when} UTC (Lodestone {manifest.app_version}): "
                          f"{describe_rows(manifest)}.")  # fmt: skip
        self.import_button.setEnabled(not self.ctx.readonly)
        return manifest

    def start_import(self) -> None:
        if self.ctx.readonly:
            self.error.setText("This tracker is open read-only; nothing can be imported.")
            return
        if self.inspect() is None:
            return
        source = Path(self.source.text().strip()).expanduser()
        tracker, ctx = self.ctx.path, self.ctx
        self.ctx.settings.setValue(FOLDER_KEY, str(source.parent))
        job = Job(lambda job: import_snapshot(
            job.writer(), source, progress=job.progress, cancelled=job.cancelled,
            before_write=lambda: backup_before_import(ctx)),
            tracker=tracker, what="The snapshot import")  # fmt: skip
        self.run(job, "Import Snapshot", f"Importing {source.name}…", self._imported,
                 failure=NOT_IMPORTED, cancelled=IMPORT_CANCELLED)

    def _imported(self, report: ImportReport) -> None:
        announce_import(self.ctx, report.changes)
        backed_up = " A backup was taken first." if self.ctx.session is not None else ""
        verb = "Restored" if report.restored else "Merged"
        self.result_window = ReportDialog("Snapshot imported", f"{verb} {report.source.name} into "
                                     f"{self.ctx.path.name}.{backed_up}", report.lines(),
                                     self.parentWidget(), name="import.report")  # fmt: skip
        self.result_window.open()
        self.accept()
