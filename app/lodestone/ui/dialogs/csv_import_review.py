"""The last two steps of the CSV import dialog: a preview of the first rows as the import
reads them (rows with problems in red, each problem in a tooltip), then the companies the
import would create, each of which the analyst may point at an existing company instead.

The preview is `csv_import.preview`; the companies come from a dry run of the whole file
(`import_csv(..., dry_run=True)`), so what this page lists is what the import would do.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lodestone.core.csvio import LISTED, ColumnMapping, CsvImportReport, RowResult
from lodestone.core.records import FuzzyDate, Money, format_money

PROBLEM_BACKGROUND = QBrush(QColor("#fde0e0"))
DUPLICATE_BACKGROUND = QBrush(QColor("#fff4ce"))
SKIPPED_FOREGROUND = QBrush(QColor("#6b6b6b"))
CREATE_NEW = "Create new company"
READ_AS_FIELDS = ("amount", "announced", "closed", "date", "end_date")  # record attributes


def read_as(field: str, result: RowResult) -> str:
    """How the import reads an amount or a date ("$1,400,000,000"), for a cell's tooltip."""
    value = getattr(result.record, field, None) if field in READ_AS_FIELDS else None
    if isinstance(value, Money):
        return f"Read as {format_money(value)} ({value.currency})"
    if isinstance(value, FuzzyDate):
        return f"Read as {value.display()}"
    return ""


def _cell(text: str, tooltip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(" ".join(text.split()))
    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
    if tooltip:
        item.setToolTip(tooltip)
    return item


class PreviewPage(QWidget):
    """Step 3: the first rows, one line each, with the fields they feed and their problems."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("")
        self.summary.setObjectName("csvImport.previewSummary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 0)
        self.table.setObjectName("csvImport.preview")
        self.table.setAccessibleName("Preview")
        self.table.verticalHeader().setVisible(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

    def show_rows(self, mapping: ColumnMapping, results: list[RowResult]) -> None:
        fields = sorted(mapping.columns, key=mapping.columns.__getitem__)
        self.table.clear()
        self.table.setColumnCount(len(fields) + 2)
        self.table.setHorizontalHeaderLabels(["Row", *fields, "Problems"])
        self.table.setRowCount(len(results))
        for line, result in enumerate(results):
            problems = "\n".join(e.describe() for e in result.errors)
            self.table.setItem(line, 0, _cell(str(result.row), problems or result.note))
            for column, field in enumerate(fields, 1):
                index = mapping.columns[field]
                text = result.cells[index] if index < len(result.cells) else ""
                self.table.setItem(line, column, _cell(text, problems or read_as(field, result)))
            shown = "; ".join(f"{e.column or 'row'}: {e.message}" for e in result.errors)
            self.table.setItem(line, len(fields) + 1, _cell(shown or result.note,
                                                            problems or result.note))  # fmt: skip
            for column in range(self.table.columnCount()):
                item = self.table.item(line, column)
                if item is not None and result.errors:
                    item.setBackground(PROBLEM_BACKGROUND)
                elif item is not None and result.note:
                    item.setForeground(SKIPPED_FOREGROUND)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.resizeColumnsToContents()
        bad = sum(1 for r in results if r.errors)
        where = f"The first {len(results):,} rows of the file"
        if not results:
            self.summary.setText("The file has no rows to import below its header.")
        elif bad:
            self.summary.setText(f"{where}: {len(results) - bad:,} ready, {bad:,} with problems "
                                 "(in red; point at a row to read them).")  # fmt: skip
        else:
            self.summary.setText(f"{where}: all ready to import.")

    def problem_rows(self) -> list[int]:
        """The table lines shown as having problems (for tests and screen readers)."""
        firsts = [(line, self.table.item(line, 0)) for line in range(self.table.rowCount())]
        return [line for line, item in firsts
                if item is not None and item.background() == PROBLEM_BACKGROUND]  # fmt: skip


def company_model(rows: list[tuple[int, str]]) -> QStandardItemModel:
    """"Create new company", then the tracker's companies: one model for every combo."""
    model = QStandardItemModel()
    new = QStandardItem(CREATE_NEW)
    new.setData(None, Qt.ItemDataRole.UserRole)
    model.appendRow(new)
    for company_id, name in rows:
        item = QStandardItem(name)
        item.setData(company_id, Qt.ItemDataRole.UserRole)
        model.appendRow(item)
    return model


class CompaniesPage(QWidget):
    """Step 4: what the import would do, the new companies (likely duplicates flagged), and
    whether to skip the rows with problems."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.summary = QLabel("")
        self.summary.setObjectName("csvImport.dryRunSummary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("csvImport.companies")
        self.table.setAccessibleName("New companies")
        self.table.setHorizontalHeaderLabels(["Name in the file", "First row", "Import as",
                                              "Note"])  # fmt: skip
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.verticalHeader().setVisible(False)
        self.problems = QPlainTextEdit()
        self.problems.setObjectName("csvImport.rowProblems")
        self.problems.setAccessibleName("Rows with problems")
        self.problems.setReadOnly(True)
        self.problems.setMaximumHeight(110)
        self.skip_invalid = QCheckBox("Skip invalid rows (they are written to a .rejected.csv "
                                      "file beside the input, to fix and import again)")
        self.skip_invalid.setObjectName("csvImport.skipInvalid")
        self.skip_invalid.setAccessibleName("Skip invalid rows")
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.problems)
        layout.addWidget(self.skip_invalid)
        self.names: list[str] = []

    def load(self, report: CsvImportReport, model: QStandardItemModel) -> None:
        kind = report.mapping.kind
        new = report.new_companies
        text = f"The import would add {report.stored:,} {kind}"
        text += f" and {len(new):,} new companies (below)." if new else "."
        if report.matched:
            text += f" {len(report.matched):,} names match companies already in the tracker."
        if report.invalid:
            text += (f" {len(report.invalid):,} rows have problems (listed below): nothing is "
                     "imported unless you skip them.")  # fmt: skip
        self.summary.setText(text)
        errors = [e.describe() for e in report.errors]
        self.problems.setPlainText("\n".join(errors[:LISTED] + (
            [f"... and {len(errors) - LISTED:,} more"] if len(errors) > LISTED else [])))
        self.problems.setVisible(bool(errors))
        self.skip_invalid.setVisible(bool(report.invalid))
        in_file = {c.name for c in new}
        similar = dict(report.duplicates)
        self.names = [c.name for c in new]
        self.table.setRowCount(len(new))
        for line, company in enumerate(new):
            self.table.setItem(line, 0, _cell(company.name))
            self.table.setItem(line, 1, _cell(str(company.row)))
            combo = QComboBox()
            combo.setObjectName(f"csvImport.company.{line}")
            combo.setAccessibleName(f"Import {company.name} as")
            combo.setModel(model)
            combo.setCurrentIndex(0)
            self.table.setCellWidget(line, 2, combo)
            note = ""
            if company.name in similar:
                other = similar[company.name]
                where = "also in this file" if other in in_file else "in the tracker"
                note = f"Likely the same as \u201c{other}\u201d ({where})"
            self.table.setItem(line, 3, _cell(note))
            if note:
                for column in (0, 1, 3):
                    if (item := self.table.item(line, column)) is not None:
                        item.setBackground(DUPLICATE_BACKGROUND)
        self.table.resizeColumnsToContents()
        self.table.setVisible(bool(new))

    def combo(self, line: int) -> QComboBox:
        widget = self.table.cellWidget(line, 2)
        assert isinstance(widget, QComboBox)
        return widget

    def choices(self) -> dict[str, int]:
        """{name in the file: the existing company chosen for it} (for `company_choices`)."""
        chosen = {}
        for line, name in enumerate(self.names):
            company_id = self.combo(line).currentData(Qt.ItemDataRole.UserRole)
            if company_id is not None:
                chosen[name] = int(company_id)
        return chosen
