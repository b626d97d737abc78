"""One record view: the filter bar, the lazy table and the kind's form, side by side.

Moving to another record never loses typing: a dirty form asks Save / Discard / Cancel first,
and Cancel puts the selection back. The form is built just after the list is first painted
(see `form_slot`): the list is what a start or a switch of view shows first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lodestone.core.lists import ListQuery, in_list
from lodestone.core.records import record_kind
from lodestone.ui.context import AppContext
from lodestone.ui.first_paint import after_first_paint
from lodestone.ui.lists.filter_bar import FilterBar
from lodestone.ui.lists.form_slot import FormSlot
from lodestone.ui.lists.model import RecordListModel

if TYPE_CHECKING:
    from lodestone.ui.forms.base import RecordForm



class EmptyState(QLabel):
    """What a new user sees instead of an empty table: what to do next."""

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"{kind}.empty")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self._kind = kind

    def show_for(self, query: ListQuery) -> None:
        described = record_kind(self._kind)
        noun = described.plural
        if query.search or query.filters or query.date_from or query.date_to:
            text = f"<h3>No {noun} match these filters</h3><p>Clear the search or the filters."
        else:
            text = (
                f"<h3>No {noun} yet</h3><p>Add one with <b>Edit → New {described.title}</b>"
                "<br>or open the example tracker with <b>File → Open Example Tracker</b>."
            )
        self.setText(text)


class ListPage(QWidget):
    """A list of one kind of record with its filter bar and edit form."""

    countsChanged = Signal()
    openRecord = Signal(str, int)
    recordSelected = Signal(str, int)

    def __init__(self, ctx: AppContext, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.kind = kind
        self.setObjectName(f"page.{kind}")
        self.filter_bar = FilterBar(ctx, kind)
        self.model = RecordListModel(ctx, kind, self)
        self.table = QTableView()
        self.table.setObjectName(f"{kind}.table")
        self.table.setAccessibleName(f"{record_kind(kind).title} list")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        spec = self.model.query.spec
        default = [c.key for c in spec.columns].index(spec.default_sort)
        self.table.horizontalHeader().setSortIndicator(default, Qt.SortOrder.AscendingOrder)
        self.table.setSortingEnabled(True)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(24)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.empty = EmptyState(kind)
        self.list_stack = QStackedWidget()
        self.list_stack.addWidget(self.table)
        self.list_stack.addWidget(self.empty)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter_bar)
        left_layout.addWidget(self.list_stack)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName(f"{kind}.splitter")
        self.splitter.addWidget(left)
        self.form_slot = FormSlot(ctx, kind, self.splitter, self._wire_form)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([640, 480])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)

        self.filter_bar.bind(self.model)
        self.filter_bar.queryChanged.connect(self._filtered)
        self.table.selectionModel().currentRowChanged.connect(self._row_changed)
        self.table.activated.connect(lambda _index: self.edit_current())
        self.model.modelReset.connect(self._update_empty)
        self.model.rowsInserted.connect(self._update_empty)
        self.model.rowsRemoved.connect(self._update_empty)
        ctx.notifier.changed.connect(lambda *_: self.countsChanged.emit())
        self._update_empty()
        self._restoring = False
        after_first_paint(self, self._build_form_now)

    # -- the form -------------------------------------------------------------------------

    @property
    def form(self) -> RecordForm:
        """The kind's form (built now if it was not yet)."""
        return self.form_slot.form()

    def _wire_form(self, form: RecordForm) -> None:
        form.savedRecord.connect(self._saved)
        form.openRecord.connect(self.openRecord)

    def _build_form_now(self) -> None:
        if self.ctx.closed:
            return
        if self.isVisible():
            self.form_slot.form()
        else:  # another view was chosen at once: the form follows this list's next paint
            after_first_paint(self, self._build_form_now)

    def may_leave(self, parent: QWidget | None = None) -> bool:
        """Whether the form's edits (if any) were saved or knowingly discarded."""
        return self.form_slot.may_leave(parent or self)

    def forget(self, record_id: int) -> None:
        """The record is going away (deleted): the form must not keep showing it."""
        self.form_slot.forget(record_id)

    # -- selection ------------------------------------------------------------------------

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def select_id(self, record_id: int) -> bool:
        """Select a record (clearing filters if they hide it); returns whether it was found."""
        row = self.model.row_of(record_id)
        if row is None:
            self.filter_bar.clear()
            self._set_query(self.filter_bar.query())
            row = self.model.row_of(record_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        return True

    def _row_changed(self, current: QModelIndex, previous: QModelIndex) -> None:
        if self._restoring:
            return
        new_id = self.model.id_at(current.row()) if current.isValid() else None
        if new_id == self.form_slot.shown_id():
            return
        if not self.may_leave():
            self._restoring = True
            self.table.selectionModel().setCurrentIndex(
                previous,
                QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows,
            )
            self._restoring = False
            return
        self.form_slot.show_record(new_id)
        if new_id is not None:
            self.recordSelected.emit(self.kind, new_id)

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt's name)
        """The first time a list is shown, its first record is in the form, not a blank one."""
        super().showEvent(event)
        slot = self.form_slot
        if slot.shown_id() is None and not slot.has_edits() and self.model.rowCount():
            if not self.table.currentIndex().isValid():
                self.table.selectRow(0)

    def edit_current(self) -> None:
        """Enter on a record: into its form, at the first field."""
        chain = self.form.focus_chain()
        (chain[0] if chain else self.form).setFocus(Qt.FocusReason.TabFocusReason)

    def new_record(self) -> None:
        if self.may_leave():
            self.table.clearSelection()
            self.form.load(None)
            self.edit_current()

    def _saved(self, kind: str, record_id: int) -> None:
        if kind == self.kind and self.selected_id() != record_id:
            self.select_id(record_id)

    # -- filters --------------------------------------------------------------------------

    def _set_query(self, query: ListQuery) -> None:
        self.model.set_query(query)
        self.filter_bar.set_query(query)
        self._update_empty()

    def _filtered(self, *_: object) -> None:
        """After a search or filter, the form shows a record of the list: the one it showed
        if the list still holds it, else the first (never when the form holds edits)."""
        self._update_empty()
        if self.form_slot.has_edits() or not self.model.rowCount():
            return
        current = self.form_slot.shown_id()
        if current is None or not in_list(self.ctx.repo.conn, self.model.query, current):
            self.table.selectRow(0)
        elif not self.table.currentIndex().isValid():
            row = self.model.row_of(current)  # rare: finding a row costs more than knowing
            if row is not None:
                self.table.selectRow(row)

    def _update_empty(self, *_: object) -> None:
        empty = self.model.rowCount() == 0
        if empty:
            self.empty.show_for(self.model.query)
        self.list_stack.setCurrentWidget(self.empty if empty else self.table)

    def show_only(self, ids: list[int]) -> None:
        """Narrow the list to these records (a funding chart segment was clicked)."""
        from dataclasses import replace

        self._set_query(replace(self.filter_bar.query(), ids=tuple(ids)))

    def focus_search(self) -> None:
        self.filter_bar.focus_search()

    # -- settings -------------------------------------------------------------------------

    def save_state(self) -> None:
        settings = self.ctx.settings
        settings.setValue(f"{self.kind}/splitter", self.splitter.saveState())
        settings.setValue(f"{self.kind}/header", self.table.horizontalHeader().saveState())

    def fit_columns(self) -> None:
        """Columns as wide as their first rows need (sampled: never a whole table), capped."""
        header = self.table.horizontalHeader()
        header.setResizeContentsPrecision(40)
        self.table.resizeColumnsToContents()
        for column in range(self.model.columnCount() - 1):
            cap = 240 if column == 0 else 170
            header.resizeSection(column, max(70, min(header.sectionSize(column), cap)))

    def restore_state(self) -> None:
        """The splitter and the columns as the analyst left them; columns fitted to the first
        rows only when no saved widths fit this list (a first start, or a column added)."""
        settings = self.ctx.settings
        splitter = settings.value(f"{self.kind}/splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        header = settings.value(f"{self.kind}/header")
        if header is None or not self.table.horizontalHeader().restoreState(header):
            self.fit_columns()
