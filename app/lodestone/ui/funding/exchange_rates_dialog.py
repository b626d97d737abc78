"""The Exchange Rates dialog: the rates the analyst records for converted funding charts.

A small table per reporting currency with one line to add a rate (currency, date, rate), a
Remove button, and the date and rate of each row editable in place. Every change is a step of
the tracker's undo history (Ctrl+Z in the window takes it back) and is kept in the rates'
history. Bad input is refused next to the fields, in the validator's words, and what was
typed stays in place so it can be corrected.
"""

from __future__ import annotations

import logging

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

from lodestone.core.funding import RATE_KIND, ExchangeRate, list_rates, parse_rate, validate_rate
from lodestone.core.history import (
    REFUSALS,
    AddRate,
    EditRate,
    Operation,
    rate_history,
    refusal_sentence,
    remove_rates_operation,
)
from lodestone.core.records import CURRENCY_DIGITS, FieldError
from lodestone.core.storage import InvalidRecord
from lodestone.ui.context import AppContext
from lodestone.ui.funding.models import RatesModel

CODES = sorted(CURRENCY_DIGITS)
log = logging.getLogger(__name__)


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
        self.model = RatesModel(self, editable=not ctx.readonly)
        # queued: the table is not reset under its editor while the edit is being committed
        self.model.editRequested.connect(self.edit_rate, Qt.ConnectionType.QueuedConnection)
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
        self.history = QPushButton("History…")
        self.history.setObjectName("rates.history")
        self.history.setToolTip("When each rate was added, changed or removed, and from what")
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
        self.history.clicked.connect(self.show_history)
        ctx.notifier.changed.connect(self._changed)
        for widget in (self.add, self.remove, self.currency, self.date, self.rate):  # writers
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
        row.addWidget(self.history)
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

    def _changed(self, kind: str, _ids: list) -> None:
        if kind == RATE_KIND:  # an undo in the window, say: show what is stored now
            self.reload()

    def _run(self, operation: Operation, verb: str) -> list[FieldError]:
        """Apply one change as a step of the undo history; the reasons it was refused."""
        try:
            self.ctx.run(operation)
        except InvalidRecord as refused:
            return list(refused.errors)
        except REFUSALS as exc:
            log.info("exchange rate change refused", exc_info=exc)
            return [FieldError("", refusal_sentence(verb, exc))]
        return []

    def _show_errors(self, errors: list[FieldError]) -> None:
        self.error.setText("\n".join(e.message for e in errors))

    def add_rate(self) -> None:
        values = (
            self.currency.currentText(),
            self.base.currentText(),
            self.date.date().toString(Qt.DateFormat.ISODate),
            self.rate.text(),
        )
        errors = validate_rate(*values)
        if not errors:
            rate = ExchangeRate(*values[:3], parse_rate(values[3]))
            errors = self._run(AddRate(rate), "The rate was not added")
        self._show_errors(errors)
        if errors:
            focus = {"currency": self.currency, "base": self.base, "date": self.date}
            focus.get(errors[0].field, self.rate).setFocus()
            return
        self.rate.clear()
        self.reload()

    def edit_rate(self, rate: ExchangeRate, date: str, text: str) -> None:
        """A date or rate typed over in the table: stored as one step, or refused in words."""
        if rate.id is None:
            return
        self._show_errors(self._run(EditRate(rate.id, date, text), "The rate was not changed"))
        self.reload()

    def remove_selected(self) -> None:
        rows = sorted({i.row() for i in self.table.selectionModel().selectedRows()})
        ids = [rate_id for row in rows if (rate_id := self.model.rows[row].id) is not None]
        errors = self._run(remove_rates_operation(ids), "Not removed") if ids else []
        self._show_errors(errors)
        self.reload()

    def show_history(self) -> None:
        from lodestone.ui.dialogs.history import KEPT_ACTIONS, ChangeLogDialog

        base = self.base.currentText()
        dialog = ChangeLogDialog(self.ctx.repo, f"History of the rates into {base}",
                                 rate_history(self.ctx.repo, base), parent=self,
                                 actions=KEPT_ACTIONS)  # fmt: skip
        dialog.exec()
