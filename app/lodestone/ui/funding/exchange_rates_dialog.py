"""The Exchange Rates dialog: the rates the analyst records for converted funding charts.

A small table per reporting currency with one line to add a rate (currency, date, rate) and a
Remove button. Bad input is refused next to the fields, in the validator's words, and what was
typed stays in place so it can be corrected.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lodestone.core.funding.exchange_rates import add_rate, delete_rate, list_rates, validate_rate
from lodestone.core.records.money import CURRENCY_DIGITS
from lodestone.core.storage.repository import InvalidRecord
from lodestone.ui.context import AppContext
from lodestone.ui.funding.models import RatesModel

CODES = sorted(CURRENCY_DIGITS)


def _combo(name: str, label: str, current: str) -> QComboBox:
    combo = QComboBox()
    combo.addItems(CODES)
    combo.setCurrentText(current)
    combo.setObjectName(name)
    combo.setAccessibleName(label)
    return combo


class ExchangeRatesDialog(QDialog):
    def __init__(self, ctx: AppContext, base: str = "USD", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Exchange Rates")
        self.setObjectName("dialog.exchangeRates")
        self.base = _combo("rates.base", "Reporting currency", base)
        self.model = RatesModel(self)
        self.table = QTableView()
        self.table.setObjectName("rates.table")
        self.table.setAccessibleName("Exchange rates")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.currency = _combo("rates.currency", "Currency", "EUR" if base != "EUR" else "USD")
        self.date = QDateEdit(QDate.currentDate())
        self.date.setObjectName("rates.date")
        self.date.setAccessibleName("Date")
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setCalendarPopup(True)
        self.rate = QLineEdit()
        self.rate.setObjectName("rates.rate")
        self.rate.setAccessibleName("Rate")
        self.rate.setPlaceholderText("e.g. 1.0825")
        self.add = QPushButton("Add")
        self.add.setObjectName("rates.add")
        self.remove = QPushButton("Remove")
        self.remove.setObjectName("rates.remove")
        self.error = QLabel()
        self.error.setObjectName("rates.error")
        self.error.setStyleSheet("color: #B00020")
        self.error.setWordWrap(True)
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        self._lay_out(buttons)
        self.base.currentTextChanged.connect(self.reload)
        self.add.clicked.connect(self.add_rate)
        self.rate.returnPressed.connect(self.add_rate)
        self.remove.clicked.connect(self.remove_selected)
        for widget in (self.add, self.remove, self.currency, self.date, self.rate):
            widget.setEnabled(not ctx.readonly)
        self.reload()

    def _lay_out(self, buttons: QDialogButtonBox) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("Rates into"))
        top.addWidget(self.base)
        top.addStretch(1)
        entry = QHBoxLayout()
        for label, widget in (("Currency", self.currency), ("From", self.date),
                              ("Rate", self.rate)):  # fmt: skip
            caption = QLabel(label)
            caption.setBuddy(widget)
            entry.addWidget(caption)
            entry.addWidget(widget)
        entry.addWidget(self.add)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.hint)
        layout.addWidget(self.table)
        layout.addLayout(entry)
        layout.addWidget(self.error)
        row = QHBoxLayout()
        row.addWidget(self.remove)
        row.addStretch(1)
        row.addWidget(buttons)
        layout.addLayout(row)

    def reload(self) -> None:
        base = self.base.currentText()
        self.model.set_rows(list_rates(self.ctx.repo.conn, base))
        self.hint.setText(
            f"Rate = {base} per one unit of the currency. A deal is converted with the latest "
            "rate on or before the first day of its announced date."
        )

    def add_rate(self) -> None:
        values = (
            self.currency.currentText(),
            self.base.currentText(),
            self.date.date().toString(Qt.DateFormat.ISODate),
            self.rate.text(),
        )
        errors = validate_rate(*values)
        try:
            if not errors:
                add_rate(self.ctx.repo, *values)
        except InvalidRecord as refused:
            errors = refused.errors
        self.error.setText("\n".join(e.message for e in errors))
        if errors:
            focus = {"currency": self.currency, "base": self.base, "date": self.date}
            focus.get(errors[0].field, self.rate).setFocus()
            return
        self.rate.clear()
        self.reload()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        for row in rows:
            rate_id = self.model.rows[row].id
            if rate_id is not None:
                delete_rate(self.ctx.repo, rate_id)
        self.error.clear()
        self.reload()
