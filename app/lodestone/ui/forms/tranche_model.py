"""The tranches of the deal being edited, as an editable Qt table model.

Rows are `TrancheDraft`s: the typed text of each cell and what could be read from it. A cell
that cannot be read is shown red with its reason as tooltip and icon, a cell validation only
warns about in amber. `tranches()` hands back the `Tranche` records together with the errors
that stop them being saved, named "tranches[i].amount" like validation's own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QIcon
from PySide6.QtWidgets import QApplication, QStyle

from lodestone.core.records import (
    FieldError,
    FieldWarning,
    Money,
    Tranche,
    field_label,
    format_money,
)
from lodestone.ui.forms.tranche_draft import (
    AMOUNT,
    ATTRIBUTES,
    COLUMNS,
    FUNDER,
    NOTES,
    TITLES,
    CompanyLookup,
    TrancheDraft,
)

Index = QModelIndex | QPersistentModelIndex
ERROR_COLOR = QColor(176, 0, 32)
WARNING_COLOR = QColor(160, 82, 0)
_TRANCHE_FIELD = re.compile(r"tranches\[([0-9]+)\](?:\.(\w+))?")


class TrancheTableModel(QAbstractTableModel):
    """The deal's tranches being edited in memory; nothing reaches the database from here."""

    edited = Signal()  # the analyst changed, added or removed a tranche

    def __init__(self, companies: CompanyLookup, parent: Any = None) -> None:
        super().__init__(parent)
        self._companies = companies
        self._rows: list[TrancheDraft] = []
        self._default_currency: str | None = None
        self._read_only = False
        self._icons: dict[str, QIcon] = {}
        self._baseline: list[tuple[str, ...]] = []

    # -- loading and reading back -----------------------------------------------------------

    def set_tranches(self, tranches: Iterable[Tranche], default_currency: str | None) -> None:
        """Show a stored deal's tranches (not an edit: `edited` is not emitted)."""
        self.beginResetModel()
        self._default_currency = default_currency
        self._rows = [TrancheDraft.of(t, self._companies) for t in tranches]
        self._baseline = [row.texts() for row in self._rows]
        self.endResetModel()

    def tranches(self) -> tuple[list[Tranche], list[FieldError]]:
        """The tranches as records, and every cell that cannot be read, named by row."""
        errors = [FieldError(self.field_name(i, c), self._problem(i, c))
                  for i, row in enumerate(self._rows) for c in sorted(row.problems)]  # fmt: skip
        return [row.record() for row in self._rows], errors

    def amounts(self) -> list[Money | None]:
        """The readable amounts, in row order (None where there is none or it is unreadable)."""
        return [row.money for row in self._rows]

    def unreadable_amounts(self) -> int:
        return sum(1 for row in self._rows if AMOUNT in row.problems)

    @staticmethod
    def field_name(row: int, column: int) -> str:
        return f"tranches[{row}].{ATTRIBUTES[column]}"

    def message(self, row: int, column: int) -> str | None:
        """The error shown on a cell: validation's message, else why it cannot be read."""
        draft = self._rows[row]
        if column in draft.checks:
            return draft.checks[column]
        return self._problem(row, column) if column in draft.problems else None

    def _problem(self, row: int, column: int) -> str:
        """Why a cell cannot be read, worded as parse_field words it for the other fields."""
        label = field_label(self.field_name(row, column))
        return f"{label}: {self._rows[row].problems[column]}"

    # -- editing ----------------------------------------------------------------------------

    def set_default_currency(self, currency: str | None) -> None:
        """The headline's currency, which amounts typed without one ("620M") are read in."""
        if currency == self._default_currency:
            return
        self._default_currency = currency
        for i, row in enumerate(self._rows):
            if not row.currency and row.amount.strip():
                row.read_amount(currency, follow=True)
                self._changed(i)

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only

    def insert_tranche(self, row: int | None = None) -> int:
        """Add a blank tranche (at the end by default); returns its row."""
        row = len(self._rows) if row is None else max(0, min(row, len(self._rows)))
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, TrancheDraft())
        self.endInsertRows()
        self._clear_checks()
        self.edited.emit()
        return row

    def remove_tranches(self, rows: Iterable[int]) -> None:
        """Remove these rows, each contiguous run with one beginRemoveRows, last run first."""
        wanted = sorted({r for r in rows if 0 <= r < len(self._rows)}, reverse=True)
        if not wanted:
            return
        runs: list[list[int]] = []
        for r in wanted:
            if runs and runs[-1][0] == r + 1:
                runs[-1][0] = r
            else:
                runs.append([r, r])
        for first, last in runs:
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._rows[first : last + 1]
            self.endRemoveRows()
        self._clear_checks()
        self.edited.emit()

    def set_checks(self, errors: Iterable[FieldError], warnings: Iterable[FieldWarning]) -> None:
        """Show validation's messages ("tranches[1].amount") on their cells; a message naming
        only the row ("tranches[1]") goes on its first cell; messages naming no cell are the
        caller's to show (see `cell_of`)."""
        for row in self._rows:
            row.checks, row.warnings = {}, {}
        for items, attribute in ((errors, "checks"), (warnings, "warnings")):
            for item in items:
                if (cell := self.cell_of(item.field)) is not None:
                    getattr(self._rows[cell[0]], attribute).setdefault(cell[1], item.message)
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, NOTES))

    def is_modified(self) -> bool:
        """Whether any text differs from what was loaded (rows added or removed included)."""
        return [row.texts() for row in self._rows] != self._baseline

    def cell_of(self, name: str) -> tuple[int, int] | None:
        """The (row, column) an error path such as "tranches[1].amount" names, if any."""
        match = _TRANCHE_FIELD.fullmatch(name)
        if match is None or int(match.group(1)) >= len(self._rows):
            return None
        leaf = {"amount_minor": "amount"}.get(match.group(2) or "", match.group(2))
        return int(match.group(1)), ATTRIBUTES.index(leaf) if leaf in ATTRIBUTES else FUNDER

    def _clear_checks(self) -> None:
        """Rows moved, so row-numbered messages are stale until validation runs again."""
        for row in self._rows:
            row.checks, row.warnings = {}, {}

    def _changed(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, NOTES))

    # -- Qt model interface -----------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags if self._read_only else flags | Qt.ItemFlag.ItemIsEditable

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return TITLES[section] if 0 <= section < len(TITLES) else None
        return str(section + 1) if 0 <= section < len(self._rows) else None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row, column = self._rows[index.row()], index.column()
        error = self.message(index.row(), column)
        warning = row.warnings.get(column)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return row.text(column)
        if role == Qt.ItemDataRole.ForegroundRole and (error or warning):
            return ERROR_COLOR if error else WARNING_COLOR
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleDescriptionRole):
            if error or warning:
                return error or warning
            if column == AMOUNT and row.money is not None:
                return format_money(row.money)
            return None
        if role == Qt.ItemDataRole.DecorationRole and (error or warning):
            return self._icon("error" if error else "warning")
        if role == Qt.ItemDataRole.TextAlignmentRole and column == AMOUNT:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (role != Qt.ItemDataRole.EditRole or not index.isValid() or self._read_only
                or index.row() >= len(self._rows)):  # fmt: skip
            return False
        text = "" if value is None else str(value)
        self._rows[index.row()].enter(index.column(), text, self._companies, self._default_currency)
        self._changed(index.row())
        self.edited.emit()
        return True

    def _icon(self, kind: str) -> QIcon:
        if kind not in self._icons:
            pixmap = (QStyle.StandardPixmap.SP_MessageBoxCritical if kind == "error"
                      else QStyle.StandardPixmap.SP_MessageBoxWarning)  # fmt: skip
            self._icons[kind] = QApplication.style().standardIcon(pixmap)
        return self._icons[kind]
