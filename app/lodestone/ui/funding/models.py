"""Table models beside the funding chart: the reconciliation list and the exchange rates.

Both hold a short, already-computed list (the breakdown caps the gaps it returns; rates are a
handful of rows), so a plain list behind a QAbstractTableModel is enough: no paging.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from lodestone.core.funding import Breakdown, DealGap, ExchangeRate, Unconvertible
from lodestone.core.records import format_money

Index = QModelIndex | QPersistentModelIndex
_DISPLAY = Qt.ItemDataRole.DisplayRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
STATUS_TEXT = {
    "unallocated": "unallocated",
    "over-allocated": "over-allocated",
    "no headline": "no headline",
    "balanced": "balanced",
}


class _ListModel(QAbstractTableModel):
    headers: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []

    def set_rows(self, rows: list[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = _DISPLAY) -> Any:  # fmt: skip
        if role == _DISPLAY and orientation == Qt.Orientation.Horizontal:
            if 0 <= section < len(self.headers):
                return self.headers[section]
        return None

    def row_at(self, index: Index) -> Any:
        return self.rows[index.row()] if index.isValid() else None


class ReconciliationModel(_ListModel):
    """Each deal whose tranches do not add up to its headline, then each deal left out of a
    converted chart for want of a rate."""

    headers = ("Deal", "Headline", "Allocated", "Gap")

    def set_breakdown(self, data: Breakdown) -> None:
        self.set_rows([*data.gaps, *data.unconvertible])

    def deal_id(self, index: Index) -> int | None:
        row = self.row_at(index)
        return None if row is None else row.deal_id

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        row, column = self.rows[index.row()], index.column()
        if role == _DISPLAY:
            return self._text(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if isinstance(row, Unconvertible):
                return f"{row.title}: not converted, {row.reason}"
            return f"{row.title}: {row.reconciliation.describe()}"
        if role == Qt.ItemDataRole.TextAlignmentRole and column > 0:
            return _RIGHT
        return None

    @staticmethod
    def _text(row: DealGap | Unconvertible, column: int) -> str:
        if column == 0:
            return row.title
        if isinstance(row, Unconvertible):
            return "not converted" if column == 3 else ""
        line = row.reconciliation
        if column == 1:
            return "" if line.headline is None else format_money(line.headline, short=True)
        if column == 2:
            return format_money(line.allocated, short=True)
        if line.status in ("unallocated", "over-allocated"):
            return f"{format_money(abs(line.unallocated), short=True)} {STATUS_TEXT[line.status]}"
        return STATUS_TEXT[line.status]


class RatesModel(_ListModel):
    """The recorded rates into one reporting currency. With `editable`, a rate's date and
    value can be typed over; the model does not store them itself but asks (`editRequested`:
    the rate, its new date, its new rate text), and shows what is stored once told."""

    headers = ("Currency", "Date", "Rate")
    editRequested = Signal(object, str, str)  # noqa: N815

    def __init__(self, parent: Any = None, editable: bool = False) -> None:
        super().__init__(parent)
        self.editable = editable

    def flags(self, index: Index) -> Qt.ItemFlag:
        flags = super().flags(index)
        if self.editable and index.isValid() and index.column() in (1, 2):
            flags |= Qt.ItemFlag.ItemIsEditable
        return flags

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if not (self.editable and index.isValid() and role == Qt.ItemDataRole.EditRole):
            return False
        rate: ExchangeRate = self.rows[index.row()]
        text = str(value).strip()
        date, rate_text = (text, rate.text) if index.column() == 1 else (rate.date, text)
        if (date, rate_text) != (rate.date, rate.text):
            self.editRequested.emit(rate, date, rate_text)
        return False  # shown once stored, when the dialog reloads

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        rate: ExchangeRate = self.rows[index.row()]
        if role in (_DISPLAY, Qt.ItemDataRole.EditRole):
            return (rate.currency, rate.date, rate.text)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"1 {rate.currency} = {rate.text} {rate.base} from {rate.date}"
        return None


def describe_breakdown(data: Breakdown) -> str:
    """The line above the chart: what it leaves out, and what does not add up."""
    if data.currency is None:
        return "No deal has an amount yet: add deals with amounts to see who funds them."
    notes = []
    if not data.bars:
        notes.append(f"No deal in {data.currency} matches the current filters.")
    if len(data.bars) < data.bar_count:
        notes.append(f"Showing the {len(data.bars)} largest of {data.bar_count:,} bars; "
                     "the CSV export has them all.")  # fmt: skip
    if data.gap_count:
        notes.append(f"{data.gap_count:,} deal(s) do not add up to their headline.")
    if data.unconvertible_count:
        notes.append(f"{data.unconvertible_count:,} deal(s) not converted for want of an "
                     "exchange rate (listed on the right).")  # fmt: skip
    return " ".join(notes) or f"All amounts in {data.currency}."
