"""The Funding view: where the money for the deals comes from, and whether it adds up.

Controls on top (group by, stack by, currency), the stacked bar chart on the left and the
reconciliation list on the right. The figures all come from
`lodestone.core.funding.figures.breakdown`
(the same function `lodestone stats` prints), narrowed by the Deals list's filters, computed in
the background (`BreakdownLoader`) so a change of control never freezes the window.

pyqtgraph is imported when this view is first built, never when the main window starts.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QModelIndex, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from lodestone.core.funding import (
    Breakdown,
    Facts,
    FundingQuery,
    Key,
    breakdown,
    currencies_present,
    load_facts,
    write_csv,
)
from lodestone.core.funding import segment_deal_ids as deal_ids_of
from lodestone.core.lists import ListQuery
from lodestone.ui.context import AppContext
from lodestone.ui.funding.loader import BreakdownLoader
from lodestone.ui.funding.models import ReconciliationModel, describe_breakdown

GROUPS = (("year", "Year"), ("quarter", "Quarter"), ("company", "Recipient company"),
          ("deal", "Deal"))  # fmt: skip
STACKS = (("instrument", "Instrument"), ("funder-type", "Funder type"), ("funder", "Funder"))
TOP_BARS = 40  # company and deal bars: the largest ones; the CSV and `stats` have them all
TOP_STACKS = 12  # the largest funders get a colour each; the others share one segment
GAP_LIMIT = 500
REFRESH_KINDS = {"deal", "company", "exchange_rate"}
RESIZE_ROWS = 50  # rows measured to fit the reconciliation's columns (not all 500)


def _combo(name: str, label: str, items: tuple[tuple[str, str], ...]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(label)
    for key, text in items:
        combo.addItem(text, key)
    return combo


class FundingView(QWidget):
    filterDeals = Signal(list)  # noqa: N815 - deal ids of a clicked segment
    openRecord = Signal(str, int)  # noqa: N815

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from lodestone.ui.funding.chart import FundingChart, export_button  # loads pyqtgraph

        self.ctx = ctx
        self.filters = ListQuery("deal")
        self.data: Breakdown | None = None
        self._stale = False
        self.group_by = _combo("funding.groupBy", "Group by", GROUPS)
        self.stack_by = _combo("funding.stackBy", "Stack by", STACKS)
        self.currency = _combo("funding.currency", "Currency", ())
        # filled when the first figures arrive: as wide as its longest choice then
        self.currency.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.rates_button = QPushButton("Exchange Rates…")
        self.rates_button.setObjectName("funding.exchangeRates")
        self.export_button = export_button(self, (
            ("Chart as PNG…", "png", self.export_png), ("Chart as SVG…", "svg", self.export_svg),
            ("Numbers as CSV…", "csv", self.export_csv)))  # fmt: skip
        self.status = QLabel()
        self.status.setObjectName("funding.status")
        self.status.setWordWrap(True)
        self.chart = FundingChart()
        self.model = ReconciliationModel(self)
        self.table = self._table()
        self._lay_out()
        self._restore_settings()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self.refresh)
        self._loader = BreakdownLoader(
            ctx.path, lambda conn, query, facts: breakdown(conn, query, facts=facts), self)
        self._loader.loaded.connect(self._show)
        self._loader.failed.connect(self._failed)
        for combo in (self.group_by, self.stack_by, self.currency):
            combo.currentIndexChanged.connect(self._controls_changed)
        self.rates_button.clicked.connect(self.edit_rates)
        self.chart.segmentClicked.connect(self._segment_clicked)
        self.table.activated.connect(self._gap_activated)
        self._currencies_stale = True
        ctx.notifier.changed.connect(self._records_changed)
        self.refresh()

    def _table(self) -> QTableView:
        table = QTableView()
        table.setObjectName("funding.reconciliation")
        table.setAccessibleName("Reconciliation")
        table.setModel(self.model)
        table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        table.verticalHeader().hide()
        table.setWordWrap(False)
        header = table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setResizeContentsPrecision(RESIZE_ROWS)
        table.setMinimumWidth(360)
        table.setToolTip("Deals whose tranches do not add up to the headline; "
                         "double-click one to open it")  # fmt: skip
        return table

    def _lay_out(self) -> None:
        controls = QHBoxLayout()
        for label, widget in (("Group by", self.group_by), ("Stack by", self.stack_by),
                              ("Currency", self.currency)):  # fmt: skip
            caption = QLabel(label)
            caption.setBuddy(widget)
            controls.addWidget(caption)
            controls.addWidget(widget)
        controls.addStretch(1)
        controls.addWidget(self.rates_button)
        controls.addWidget(self.export_button)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 0, 0, 0)
        side_layout.addWidget(QLabel("Reconciliation"))
        side_layout.addWidget(self.table)
        self.splitter = QSplitter()
        self.splitter.addWidget(self.chart)
        self.splitter.addWidget(side)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.column = layout = QVBoxLayout(self)
        layout.addLayout(controls)
        layout.addWidget(self.status)
        layout.addWidget(self.splitter, 1)

    # -- state ------------------------------------------------------------------------------

    def query(self) -> FundingQuery:
        """What the controls and the lists' filters ask for."""
        by = self.group_by.currentData()
        mode, _, code = (self.currency.currentData() or "currency:").partition(":")
        code = code or None
        return FundingQuery(
            by=by,
            stack=self.stack_by.currentData(),
            currency=code if mode == "currency" else None,
            reporting=code if mode == "reporting" else None,
            filters=self.filters,
            top=TOP_BARS if by in ("company", "deal") else None,
            top_stacks=TOP_STACKS,
            gap_limit=GAP_LIMIT,
        )

    def set_filters(self, query: ListQuery) -> None:
        """Follow the Deals list's filters (search, facets, dates). Its `ids` are left out: they
        come from a click on this chart, which must not then shrink to that one segment."""
        if query.kind != "deal":
            raise ValueError("the funding chart follows the Deals list's filters")
        filters = replace(query, sort="", descending=False, deleted=False, ids=None)
        if filters != self.filters:  # the same filters again: the chart already shows them
            self.filters = filters
            self._schedule()

    def _restore_settings(self) -> None:
        settings = self.ctx.settings
        for combo, key in ((self.group_by, "funding/groupBy"), (self.stack_by, "funding/stackBy")):
            index = combo.findData(settings.value(key, combo.currentData()))
            combo.setCurrentIndex(max(index, 0))

    def _controls_changed(self) -> None:
        self.ctx.settings.setValue("funding/groupBy", self.group_by.currentData())
        self.ctx.settings.setValue("funding/stackBy", self.stack_by.currentData())
        self._schedule()

    def _records_changed(self, kind: str, _ids: list) -> None:
        if kind in REFRESH_KINDS:
            self._currencies_stale = True
            self._loader.forget_facts()
            self._schedule()

    def _schedule(self) -> None:
        """Refresh soon (once for a burst of changes); a hidden view waits until shown, so
        saving a form over a big tracker does not pay for a chart nobody is looking at."""
        if self.isVisible():
            self._timer.start()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt's API
        super().showEvent(event)
        if self._stale:
            self._timer.start()

    def _fill_currencies(self, facts: Facts) -> None:
        """Currencies present, then "converted to" each of them and each rates' base: taken
        from the facts the figures came from, counted again only after records changed (a
        regroup changes no currency), never by a query on the GUI thread."""
        if not self._currencies_stale:
            return
        self._currencies_stale = False
        present = currencies_present(facts)
        bases = dict.fromkeys([*present, *facts.rates])
        options = [(f"currency:{c}", c) for c in present]  # item data: "mode:CODE"
        options += [(f"reporting:{c}", f"All in {c} (converted)") for c in bases]
        if [self.currency.itemData(i) for i in range(self.currency.count())] == [
                o[0] for o in options]:  # fmt: skip
            return
        current = self.currency.currentData()
        self.currency.blockSignals(True)
        self.currency.clear()
        for data, text in options:
            self.currency.addItem(text, data)
        self.currency.setCurrentIndex(max(self.currency.findData(current), 0))
        self.currency.blockSignals(False)

    def refresh(self) -> None:
        """Compute the chart again, in the background; it is drawn when the figures arrive."""
        self._timer.stop()
        self._stale = False
        self._loader.request(self.query())

    def _show(self, data: Breakdown) -> None:
        if data.facts is not None:
            self._fill_currencies(data.facts)
            if self.query() != data.query:  # the currency chosen went with the records
                self._schedule()
        self.data = data
        self.chart.show_breakdown(data)
        self.model.set_breakdown(data)
        self.status.setText(describe_breakdown(data))

    def _failed(self, message: str) -> None:
        self.status.setText(f"The chart could not be computed: {message}")

    # -- actions ----------------------------------------------------------------------------

    def _segment_clicked(self, bar_key: Key, segment_key: Key) -> None:
        if self.data is not None:
            ids = deal_ids_of(self.ctx.repo.conn, self.data, bar_key, segment_key)
            self.filterDeals.emit(ids)

    def _gap_activated(self, index: QModelIndex) -> None:
        deal_id = self.model.deal_id(index)
        if deal_id is not None:
            self.openRecord.emit("deal", deal_id)

    def edit_rates(self) -> None:
        from lodestone.ui.funding.exchange_rates_dialog import ExchangeRatesDialog

        code = (self.currency.currentData() or ":USD").partition(":")[2]
        dialog = ExchangeRatesDialog(self.ctx, code, self)
        dialog.exec()
        self.refresh()

    def export_png(self, path: Path) -> Path:
        return self.chart.export_png(Path(path))

    def export_svg(self, path: Path) -> Path:
        return self.chart.export_svg(Path(path))

    def export_csv(self, path: Path) -> Path:
        """All the numbers, including bars the chart leaves out for room."""
        shown = None if self.data is None else self.data.facts  # the very figures on screen
        data = breakdown(self.ctx.repo.conn, replace(self.query(), top=None, top_stacks=None),
                         facts=shown)  # fmt: skip
        return write_csv(data, Path(path))

    def prepare_render(self) -> None:
        """Draw the current figures before returning, for a screenshot."""
        self._timer.stop()
        self._stale = False
        self._loader.cancel()
        facts = load_facts(self.ctx.repo.conn)
        self._fill_currencies(facts)  # before the query: it names the currency chosen
        self._show(breakdown(self.ctx.repo.conn, self.query(), facts=facts))

    def render_to(self, path: Path, size: tuple[int, int] = (1280, 800)) -> Path:
        """Save the whole view as PNG (or, for a .svg path, the chart as SVG)."""
        path = Path(path)
        self.resize(*size)
        self.ensurePolished()
        self.column.activate()
        self.prepare_render()
        if path.suffix.lower() == ".svg":
            return self.export_svg(path)
        if not self.grab().save(str(path), "PNG"):
            raise OSError(f"cannot write {path}")
        return path
