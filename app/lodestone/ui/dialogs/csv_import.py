"""File → Import CSV…: a foreign CSV file (a spreadsheet, a government site's download) into
the tracker in four steps — the file and its kind, the column mapping, a preview of the first
rows, the new companies — then the import itself.

Every step calls the core functions the `lodestone import-csv` command runs, with the same
options, so the dialog and the command can never disagree about a row. Checking the whole
file (a dry run) and the import run on a worker thread with progress and Cancel; the import
takes a backup first, writes in one transaction, and the views then re-read; the import is
one step of the undo history (undo moves what it created to the Trash). Going back never
loses a choice: the mapping of a file and kind is kept while the dialog is open.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from lodestone.core.csvio import (
    CsvImportError,
    CsvImportReport,
    CsvSource,
    ImportOptionError,
    MappingError,
    import_csv,
    preview,
)
from lodestone.core.history import import_step, log_mark
from lodestone.core.lists import ListQuery, count_rows, fetch_rows
from lodestone.ui.context import AppContext
from lodestone.ui.dialogs.csv_import_pages import Mapping, MappingPage, SourcePage
from lodestone.ui.dialogs.csv_import_review import CompaniesPage, PreviewPage, company_model
from lodestone.ui.dialogs.tracker_files import FOLDER_KEY, announce_import, backup_before_import
from lodestone.ui.jobs.runner import Job
from lodestone.ui.jobs.task_dialog import (
    IMPORT_CANCELLED,
    NOT_IMPORTED,
    ReportDialog,
    TaskDialog,
    error_label,
)

PREVIEW_ROWS = 50
STEPS = ("the file", "match the columns", "check the first rows", "companies and import")


class CsvImportDialog(TaskDialog):
    """The import wizard; `report` holds the last import's report once one has run."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent, "csvImport.dialog", "Import CSV")
        start = str(ctx.settings.value(FOLDER_KEY, str(ctx.path.parent)))
        self.source_page = SourcePage(start)
        self.mapping_page = MappingPage()
        self.preview_page = PreviewPage()
        self.companies_page = CompaniesPage()
        self._log_mark = 0
        self.stack = QStackedWidget()
        for page in (self.source_page, self.mapping_page, self.preview_page, self.companies_page):
            self.stack.addWidget(page)
        self.step = QLabel("")
        self.step.setObjectName("csvImport.step")
        self.error = error_label("csvImport.error")
        self.back_button = QPushButton("< Back")
        self.back_button.setObjectName("csvImport.back")
        self.back_button.clicked.connect(self.go_back)
        self.next_button = self.add_button("Next >", "csvImport.next")
        self.next_button.clicked.connect(self.go_next)
        self.import_button = self.add_button("Import", "csvImport.import")
        self.import_button.clicked.connect(self.start_import)
        layout = QVBoxLayout(self)
        layout.addWidget(self.step)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.error)
        row = QHBoxLayout()
        row.addWidget(self.back_button)  # on the left, before Next, as in every wizard
        row.addStretch(1)
        row.addWidget(self.buttons)
        layout.addLayout(row)
        self.source: CsvSource | None = None
        self.kind = ""
        self.saved: dict[tuple[str, str], tuple[tuple[str, ...], Mapping]] = {}
        self.checked: CsvImportReport | None = None
        self.report: CsvImportReport | None = None
        self.resize(860, 560)
        self.show_step(0)

    # -- moving between steps ---------------------------------------------------------------

    def show_step(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        self.step.setText(f"Step {index + 1} of {len(STEPS)}: {STEPS[index]}")
        last = index == len(STEPS) - 1
        self.back_button.setEnabled(index > 0)
        self.next_button.setVisible(not last)
        self.import_button.setVisible(last)
        (self.import_button if last else self.next_button).setDefault(True)
        self.error.clear()

    def go_next(self) -> None:
        index = self.stack.currentIndex()
        if index == 0:
            self.to_mapping()
        elif index == 1:
            self.to_preview()
        elif index == 2:
            self.check_file()

    def go_back(self) -> None:
        index = self.stack.currentIndex()
        if index == 1:
            self._remember_mapping()
        if index > 0:
            self.show_step(index - 1)

    def _remember_mapping(self) -> None:
        if self.source is not None:
            key = (str(self.source.path), self.kind)
            self.saved[key] = (self.source.headers, self.mapping_page.mapping())

    def to_mapping(self) -> None:
        source = self.source_page.open_source()
        if source is None:
            return
        kind = self.source_page.selected_kind()
        headers, mapping = self.saved.get((str(source.path), kind), ((), None))
        try:
            self.mapping_page.load(source, kind, mapping if headers == source.headers else None)
        except (CsvImportError, OSError) as exc:
            self.source_page.error.setText(f"Cannot import: {exc}.")
            return
        self.source, self.kind = source, kind
        self.ctx.settings.setValue(FOLDER_KEY, str(source.path.parent))
        self.show_step(1)

    def _options(self) -> dict[str, Any]:
        currency, date_format = self.mapping_page.options()
        return {"mapping": self.mapping_page.explicit(), "currency": currency,
                "date_format": date_format}  # fmt: skip

    def to_preview(self) -> None:
        if self.source is None or not self.mapping_page.check():
            return
        try:
            columns, rows = preview(self.source.path, self.kind, conn=self.ctx.repo.conn,
                                    limit=PREVIEW_ROWS, **self._options())  # fmt: skip
        except (CsvImportError, MappingError, ImportOptionError, OSError) as exc:
            self.error.setText(f"Cannot preview: {exc}.")
            return
        self.preview_page.show_rows(columns, rows)
        self.show_step(2)

    # -- the whole file: checked, then imported ---------------------------------------------

    def _job(self, **extra: Any) -> Job:
        """The import (or with dry_run, the check) of the whole file, on a connection of its
        own: read-only for a check."""
        assert self.source is not None
        path, kind, options = self.source.path, self.kind, self._options()
        writes = not extra.get("dry_run", False)
        return Job(lambda job: import_csv(job.writer() if writes else job.reader(), path, kind,
                                          progress=job.progress, cancelled=job.cancelled,
                                          **options, **extra),
                   tracker=self.ctx.path, what="The CSV import")  # fmt: skip

    def check_file(self) -> None:
        """A dry run of the whole file: the rows with problems and the companies it would
        create, for the last step."""
        assert self.source is not None
        self.run(self._job(dry_run=True, skip_invalid=True), "Import CSV",
                 f"Checking every row of {self.source.path.name}…", self._checked,
                 failure="Cannot check the file: {}.",
                 cancelled="The check was cancelled.")  # fmt: skip

    def _checked(self, report: CsvImportReport) -> None:
        self.checked = report
        self.companies_page.load(report, company_model(self._tracker_companies()))
        self.show_step(3)

    def _tracker_companies(self) -> list[tuple[int, str]]:
        """(id, name) of the tracker's companies by name, through the lists' own query."""
        conn, query = self.ctx.repo.conn, ListQuery("company", sort="name")
        rows = fetch_rows(conn, query, 0, count_rows(conn, query))
        return [(row.id, row.cells[0]) for row in rows]

    def start_import(self) -> None:
        if self.ctx.readonly:
            self.error.setText("This tracker is open read-only; nothing can be imported.")
            return
        skip = self.companies_page.skip_invalid.isChecked()
        if self.checked is not None and self.checked.invalid and not skip:
            self.error.setText(f"{len(self.checked.invalid):,} rows have problems: tick "
                               "\u201cSkip invalid rows\u201d to import the others, or go Back "
                               "and change the mapping.")  # fmt: skip
            return
        assert self.source is not None
        ctx = self.ctx
        self._log_mark = log_mark(ctx.repo)  # what the import logs after this is its step
        job = self._job(skip_invalid=skip, company_choices=self.companies_page.choices(),
                        before_write=lambda: backup_before_import(ctx))  # fmt: skip
        self.run(job, "Import CSV", f"Importing {self.source.path.name}…", self._imported,
                 failure=NOT_IMPORTED, cancelled=IMPORT_CANCELLED)

    def _imported(self, report: CsvImportReport) -> None:
        self.report = report
        if not report.written:
            self.error.setText(f"Nothing was imported: {len(report.invalid):,} rows have "
                               "problems.")  # fmt: skip
            return
        step = import_step(self.ctx.repo, self._log_mark, f"Import {report.path.name}")
        if step is not None:
            self.ctx.history.record(*step)
        announce_import(self.ctx, report.changes, forget_history=False)
        backed_up = " A backup was taken first." if self.ctx.session is not None else ""
        headline = f"Imported {report.stored:,} {report.mapping.kind} from {report.path.name}."
        self.result_window = ReportDialog("CSV imported", headline + backed_up, report.lines(),
                                          self.parentWidget(), name="csvImport.report")
        self.result_window.open()
        self.accept()
