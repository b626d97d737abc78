"""The tranches part of the deal form: the table, its editors, Add/Remove and the live totals.

The delegate gives each column the editor an analyst expects: a company name with completion
for the funder, a closed list for instrument and status, plain text for the amount (read by
`parse_money` when the cell is committed, so "$620 million" can be pasted as is).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lodestone.core.records import (
    CURRENCY_DIGITS,
    INSTRUMENTS,
    TRANCHE_STATUSES,
    Deal,
    FieldError,
    FieldWarning,
    Money,
    Tranche,
    deal_warnings,
    validate_deal,
)
from lodestone.core.storage import Repository
from lodestone.ui.forms.field_base import ERROR_STYLE
from lodestone.ui.forms.pickers import RecordLookup
from lodestone.ui.forms.reconciliation import ReconciliationLabel
from lodestone.ui.forms.tranche_draft import (
    AMOUNT,
    COLUMNS,
    CURRENCY,
    FUNDER,
    INSTRUMENT,
    STATUS,
    TITLES,
)
from lodestone.ui.forms.tranche_model import TrancheTableModel

Index = QModelIndex | QPersistentModelIndex
_CHOICES = {INSTRUMENT: INSTRUMENTS, STATUS: TRANCHE_STATUSES}
_PLACEHOLDERS = {FUNDER: "Company or agency", AMOUNT: "e.g. $620 million", CURRENCY: "USD"}


class TrancheDelegate(QStyledItemDelegate):
    """Per-column editors, each named "tranche.<column>" with the column title as its
    accessible name, so tests and screen readers find them as the analyst sees them."""

    def __init__(self, companies: RecordLookup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._companies = companies

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Index) -> QWidget:
        column = index.column()
        editor: QWidget
        if column in _CHOICES:
            combo = QComboBox(parent)
            combo.addItems(list(_CHOICES[column]))
            combo.activated.connect(lambda _=0, c=combo: self._commit(c))
            editor = combo
        else:
            line = QLineEdit(parent)
            line.setPlaceholderText(_PLACEHOLDERS.get(column, ""))
            if column == FUNDER:
                self._companies.attach(line)
            elif column == CURRENCY:
                completer = QCompleter(sorted(CURRENCY_DIGITS), line)
                completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                line.setCompleter(completer)
            editor = line
        editor.setObjectName(f"tranche.{COLUMNS[column]}")
        editor.setAccessibleName(TITLES[column])
        return editor

    def setEditorData(self, editor: QWidget, index: Index) -> None:
        text = str(index.data(Qt.ItemDataRole.EditRole) or "")
        if isinstance(editor, QComboBox):
            found = editor.findText(text)
            if found < 0:  # a value outside the vocabulary stays visible until replaced
                editor.addItem(text)
                found = editor.count() - 1
            editor.setCurrentIndex(found)
        elif isinstance(editor, QLineEdit):
            editor.setText(text)
            editor.selectAll()

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: Index) -> None:
        if isinstance(editor, QComboBox):
            text = editor.currentText()
        elif isinstance(editor, QLineEdit):
            text = editor.text()
        else:
            return
        if text != index.data(Qt.ItemDataRole.EditRole):
            model.setData(index, text, Qt.ItemDataRole.EditRole)

    def _commit(self, editor: QWidget) -> None:
        self.commitData.emit(editor)
        self.closeEditor.emit(editor, QStyledItemDelegate.EndEditHint.NoHint)


class TrancheTable(QWidget):
    """The tranches table with Add and Remove buttons and the reconciliation line beneath."""

    edited = Signal()

    def __init__(self, repo: Repository, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        companies = RecordLookup(repo, "company")
        self.setObjectName("deal.tranches")
        self.model = TrancheTableModel(companies, self)
        self.view = QTableView(self)
        self.view.setObjectName("deal.tranches.view")
        self.view.setAccessibleName("Tranches")
        self.view.setModel(self.model)
        self.view.setItemDelegate(TrancheDelegate(companies, self.view))
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
        )
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        # the funder's name matters most; amounts are short ("$620M"), currencies three letters
        for column, width in ((FUNDER, 190), (INSTRUMENT, 90), (AMOUNT, 80), (CURRENCY, 50)):
            header.resizeSection(column, width)
        self.add_button = self._button("Add Tranche", "deal.tranches.add", self.add_tranche)
        self.remove_button = self._button(
            "Remove Tranche", "deal.tranches.remove", self.remove_selected
        )
        self.remove_button.setEnabled(False)
        remove = QAction("Remove Tranche", self.view)  # Delete on the table, as in any list
        remove.setObjectName("deal.tranches.removeAction")
        remove.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        remove.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        remove.triggered.connect(self.remove_selected)
        self.view.addAction(remove)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.rowsRemoved.connect(self._update_buttons)
        self.reconciliation = ReconciliationLabel(self)
        self.error_label = QLabel(self)  # messages about the whole table ("Tranches …")
        self.error_label.setObjectName("deal.tranches.error")
        self.error_label.setStyleSheet(ERROR_STYLE)
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        layout.addLayout(buttons)
        layout.addWidget(self.reconciliation)
        layout.addWidget(self.error_label)
        self._headline: Money | None = None
        self._warnings: list[FieldWarning] = []
        self._read_only = False
        self.model.edited.connect(self.refresh)
        self.model.edited.connect(self.edited)

    def _button(self, text: str, name: str, slot: Callable[[], None]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAccessibleName(text)
        button.setAutoDefault(False)
        button.clicked.connect(lambda: slot())
        return button

    def load(self, tranches: list[Tranche], headline: Money | None) -> None:
        """Show a stored deal's tranches (not an edit: `edited` is not emitted)."""
        self.model.set_tranches(tranches, headline.currency if headline else None)
        self.set_headline(headline)

    def set_headline(self, headline: Money | None) -> None:
        """The deal's amount: the default currency of tranche amounts and what they add up to."""
        self._headline = headline
        if headline is not None:
            self.model.set_default_currency(headline.currency)
        self.refresh()

    def refresh(self) -> None:
        """Re-check the rows and recount the totals after any edit of a tranche or headline.

        The rules are validation's own, run over a deal made of just these tranches (only
        the messages about tranches are kept), so a negative amount is red as soon as typed.
        """
        tranches, _ = self.model.tranches()
        probe = Deal(title="tranches only", amount=self._headline, tranches=tranches)
        self._warnings = deal_warnings(probe)
        self.show_errors([e for e in validate_deal(probe) if e.field.startswith("tranches")])
        self.reconciliation.show_reconciliation(
            self._headline, self.model.amounts(), self.model.unreadable_amounts()
        )

    def show_errors(self, errors: list[FieldError]) -> None:
        """Messages about one tranche on its cell, about the whole list under the table."""
        self.model.set_checks(errors, self._warnings)
        general = [e.message for e in errors if self.model.cell_of(e.field) is None]
        self.error_label.setText("\n".join(general))
        self.error_label.setVisible(bool(general))

    def first_error_cell(self, errors: list[FieldError]) -> QModelIndex | None:
        cells = [c for e in errors if (c := self.model.cell_of(e.field)) is not None]
        return self.model.index(*min(cells)) if cells else None

    def add_tranche(self) -> None:
        if self._read_only:
            return
        row = self.model.insert_tranche()
        index = self.model.index(row, FUNDER)
        self.view.setCurrentIndex(index)
        self.view.edit(index)

    def remove_selected(self) -> None:
        if self._read_only:
            return
        self.model.remove_tranches({i.row() for i in self.view.selectionModel().selectedIndexes()})

    def set_read_only(self, read_only: bool) -> None:
        self._read_only = read_only
        self.model.set_read_only(read_only)
        self.add_button.setEnabled(not read_only)
        self._update_buttons()

    def _update_buttons(self, *_: object) -> None:
        has_selection = self.view.selectionModel().hasSelection()
        self.remove_button.setEnabled(has_selection and self.add_button.isEnabled())
