"""The first two steps of the CSV import dialog: the file and its kind, then which column
feeds which field (with the default currency and the date format).

Every choice is checked as it is made, by the core's own checks (`CsvSource.open`,
`check_options`, the mapping rules), and a problem is named under the input that caused it;
nothing the analyst chose is reset by a problem.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from lodestone.core.csvio import (
    FIELDS,
    KINDS,
    REQUIRED,
    CsvImportError,
    CsvSource,
    ImportOptionError,
    MappingError,
    check_options,
    resolve_mapping,
)
from lodestone.ui.jobs.task_dialog import error_label, path_row

IGNORE = "ignore"
SNIFF_BYTES = 8192
DATE_FORMATS = ("", "%m/%d/%Y", "%d/%m/%Y", "%d.%m.%Y", "%Y-%m-%d")
EXAMPLE_DAY = dt.date(2007, 5, 21)
Mapping = dict[int, str]  # column index -> field


def not_a_csv(path: Path) -> str:
    """Why a file is certainly not CSV text (a workbook, an archive, an image), or ""."""
    with path.open("rb") as handle:
        start = handle.read(SNIFF_BYTES)
    if start.startswith(b"PK\x03\x04"):
        return (f"{path.name} is a zip archive or an Excel workbook, not a CSV file; save it "
                "as CSV from your spreadsheet first")  # fmt: skip
    if b"\x00" in start:
        return f"{path.name} is not a CSV file: it holds binary data, not text"
    return ""


def suggest_mapping(kind: str, headers: tuple[str, ...]) -> Mapping:
    """The columns the import would match by itself, even when a required field finds no
    column (the import refuses that; the dialog shows it and lets the analyst choose).

    The required fields are offered as extra columns after the file's own, so a file column
    always gets a field first; the extra ones are then dropped."""
    extra = [group[0] for group in REQUIRED[kind]]
    mapping = resolve_mapping(kind, [*headers, *extra])
    return {i: f for f, i in mapping.columns.items() if i < len(headers)}


class SourcePage(QWidget):
    """Step 1: the file, and whether its rows are companies, deals or events."""

    def __init__(self, start_folder: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._start = start_folder
        self.file = QLineEdit()
        self.file.setObjectName("csvImport.file")
        self.file.setAccessibleName("CSV file")
        self.file.setPlaceholderText("A .csv file saved from a spreadsheet or a website")
        browse = QPushButton("Browse…")
        browse.setObjectName("csvImport.browse")
        browse.clicked.connect(self.browse)
        self.kind = QComboBox()
        self.kind.setObjectName("csvImport.kind")
        self.kind.setAccessibleName("Each row is")
        for kind in KINDS:
            self.kind.addItem(kind.capitalize(), kind)
        self.kind.setCurrentIndex(KINDS.index("deals"))
        self.error = error_label("csvImport.sourceError")
        form = QFormLayout()
        form.addRow("File:", path_row(self.file, browse))
        form.addRow("Each row is a:", self.kind)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Import companies, deals or events from a CSV file of any "
                                "layout: the next step matches its columns to fields."))
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)

    def browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import CSV", self.file.text() or self._start,
                                              "CSV files (*.csv *.tsv *.txt);;All files (*)")
        if path:
            self.file.setText(path)
            self.error.clear()

    def selected_kind(self) -> str:
        return str(self.kind.currentData())

    def open_source(self) -> CsvSource | None:
        """The chosen file opened for import, or None with the reason shown."""
        text = self.file.text().strip()
        if not text:
            self.error.setText("Choose the CSV file to import.")
            return None
        path = Path(text).expanduser()
        try:
            problem = not_a_csv(path) if path.is_file() else ""
            if problem:
                raise CsvImportError(problem)
            source = CsvSource.open(path)
        except (CsvImportError, OSError) as exc:
            self.error.setText(f"Cannot import: {exc}.")
            return None
        self.error.clear()
        return source


class MappingPage(QWidget):
    """Step 2: a row per column of the file with the field it feeds ("ignore": none), the
    currency of amounts that name none, and how numeric dates are written."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = "deals"
        self.headers: tuple[str, ...] = ()
        self.intro = QLabel("")
        self.intro.setWordWrap(True)
        self.table = QTableWidget(0, 3)
        self.table.setObjectName("csvImport.mapping")
        self.table.setAccessibleName("Column mapping")
        self.table.setHorizontalHeaderLabels(["Column in the file", "First value", "Import as"])
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.currency = QLineEdit()
        self.currency.setObjectName("csvImport.currency")
        self.currency.setAccessibleName("Default currency")
        self.currency.setPlaceholderText("e.g. USD, for amounts that name no currency")
        self.currency.setMaxLength(8)
        self.date_format = QComboBox()
        self.date_format.setObjectName("csvImport.dateFormat")
        self.date_format.setAccessibleName("Date format")
        self.date_format.setEditable(True)
        self.date_format.addItems(DATE_FORMATS)
        if (date_edit := self.date_format.lineEdit()) is not None:  # it is: the box is editable
            date_edit.setPlaceholderText("automatic")
        self.date_hint = QLabel("")
        self.date_hint.setObjectName("csvImport.dateHint")
        self.error = error_label("csvImport.mappingError")
        form = QFormLayout()
        form.addRow("Default currency:", self.currency)
        form.addRow("Numeric dates:", self.date_format)
        form.addRow("", self.date_hint)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.table, 1)
        layout.addLayout(form)
        layout.addWidget(self.error)
        self.currency.textChanged.connect(self.check)
        self.date_format.currentTextChanged.connect(self.check)

    def load(self, source: CsvSource, kind: str, mapping: Mapping | None) -> None:
        """Show the columns of `source` mapped as `mapping` (a previous choice) or, for a new
        file or kind, as the import would match them."""
        self.kind, self.headers = kind, source.headers
        noun = {"companies": "company", "deals": "deal", "events": "event"}[kind]
        self.intro.setText(f"Match each column of {source.path.name} to a field of a {noun}. "
                           f"Columns set to \u201c{IGNORE}\u201d are not imported.")  # fmt: skip
        chosen = suggest_mapping(kind, source.headers) if mapping is None else mapping
        first = next(iter(source.sample(1)), (0, []))[1]
        self.table.setRowCount(len(source.headers))
        for row, header in enumerate(source.headers):
            sample = first[row] if row < len(first) else ""
            for column, text in ((0, header), (1, " ".join(sample.split())[:80])):
                item = QTableWidgetItem(text)
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, column, item)
            combo = QComboBox()
            combo.setObjectName(f"csvImport.map.{row}")
            combo.setAccessibleName(f"Import {header or 'the unnamed column'} as")
            combo.addItems([IGNORE, *FIELDS[kind]])
            combo.setCurrentText(chosen.get(row, IGNORE))
            combo.currentTextChanged.connect(self.check)
            self.table.setCellWidget(row, 2, combo)
        self.table.resizeColumnToContents(0)
        self.check()

    def combo(self, row: int) -> QComboBox:
        widget = self.table.cellWidget(row, 2)
        assert isinstance(widget, QComboBox)
        return widget

    def mapping(self) -> Mapping:
        chosen = {row: self.combo(row).currentText() for row in range(self.table.rowCount())}
        return {row: field for row, field in chosen.items() if field != IGNORE}

    def explicit(self) -> list[tuple[str, str]]:
        """Every column with its field ("" to ignore it), for the core's `mapping=`."""
        mapping = self.mapping()
        return [(header, mapping.get(row, "")) for row, header in enumerate(self.headers)]

    def options(self) -> tuple[str | None, str | None]:
        currency = self.currency.text().strip().upper() or None
        return currency, self.date_format.currentText().strip() or None

    def problems(self) -> list[str]:
        """What stops the import whatever the rows hold, each naming its input."""
        found = []
        currency, date_format = self.options()
        try:
            check_options(self.kind, currency, None)
        except ImportOptionError as exc:
            found.append(f"Default currency: {exc}.")
        try:
            check_options(self.kind, None, date_format)
        except ImportOptionError as exc:
            found.append(f"Numeric dates: {exc}.")
        columns: dict[str, list[str]] = {}
        for row, field in self.mapping().items():
            columns.setdefault(field, []).append(self.headers[row])
        found += [f"Two columns are set to {field}: {', '.join(names)}; keep one."
                  for field, names in columns.items() if len(names) > 1]  # fmt: skip
        if not found:
            try:
                resolve_mapping(self.kind, self.headers, self.explicit())
            except MappingError as exc:
                wanted = str(exc).split(";")[0]
                found.append(f"{wanted[0].upper()}{wanted[1:]}: set the column that holds it "
                             "(or go Back and choose another kind of row).")  # fmt: skip
        return found

    def check(self) -> bool:
        problems = self.problems()
        date_format = self.options()[1]
        if date_format is None:
            self.date_hint.setText("Dates such as 2025-08-29, Aug 2025, 1-May-07 or 2021 are "
                                   "read by themselves; choose a format for 05/01/2007.")
        elif not any(p.startswith("Numeric dates") for p in problems):
            example = EXAMPLE_DAY.strftime(date_format)
            self.date_hint.setText(f"{example} will be read as 21 May 2007.")
        else:
            self.date_hint.clear()
        self.error.setText("\n".join(problems))
        self.changed.emit()
        return not problems
