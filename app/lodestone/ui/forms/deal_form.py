"""The deal form: a financing as the news reports it, with its parties and tranches.

Dates and amounts are typed the way the analyst reads them ("Aug 2025", "$1.4 billion"); the
tranches table sits under the headline amount with a live line saying how much of it the
tranches account for, because the gap ("$180M unallocated") is as much a fact as the parts.
Saving is RecordForm's: one undoable step whose menu text says what changed
("Undo Edit Tranche Amount").
"""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QWidget

from lodestone.core.records import COMMODITIES, DEAL_STATUSES, STAGES, Deal, FieldError, Record
from lodestone.ui.forms.cited_form import CitedRecordForm
from lodestone.ui.forms.fields import (
    ChoiceField,
    CountryField,
    Field,
    FuzzyDateField,
    MoneyField,
    MultiChoiceField,
    MultilineField,
    TagsField,
    TextField,
)
from lodestone.ui.forms.parties import PartiesEditor
from lodestone.ui.forms.tranche_table import TrancheTable

_NESTED = ("tranches", "parties")


class DealForm(CitedRecordForm):
    """Title, status, dates, headline amount, parties, tranches, capacity and the rest."""

    KIND = "deal"

    def build(self) -> None:
        self.title = self.add_field(TextField("title", object_name="deal.title"))
        self.status = self.add_field(
            ChoiceField("status", DEAL_STATUSES, object_name="deal.status")
        )
        self.announced = self.add_field(FuzzyDateField("announced", object_name="deal.announced"))
        self.closed = self.add_field(FuzzyDateField("closed", object_name="deal.closed"))
        self.amount = self.add_field(
            MoneyField("amount", "Headline amount", object_name="deal.amount")
        )
        self.amount.edited.connect(self._headline_edited)
        self._default_currency = self.amount.default_currency()
        self.parties = PartiesEditor(self.ctx.repo, self.body)
        self.parties.set_read_only(self.ctx.readonly)
        self.parties.edited.connect(self.update_dirty)
        self.parties.rowsChanged.connect(lambda: self._chain_tab_order())  # rows come and go
        self._add_section("Parties", self.parties)
        self.tranches = TrancheTable(self.ctx.repo, self.body)
        self.tranches.set_read_only(self.ctx.readonly)
        self.tranches.edited.connect(self.update_dirty)
        self._add_section("Tranches", self.tranches, self.tranches.view)
        self._build_capacity()
        self.stage = self.add_field(
            ChoiceField("stage", STAGES, optional=True, object_name="deal.stage")
        )
        self.commodities = self.add_field(
            MultiChoiceField("commodities", COMMODITIES, object_name="deal.commodities")
        )
        self.country = self.add_field(CountryField("country", object_name="deal.country"))
        self.description = self.add_field(
            MultilineField("description", object_name="deal.description")
        )
        self.tags = self.add_field(TagsField("tags", object_name="deal.tags"))

    def _add_section(self, title: str, widget: QWidget, buddy: QWidget | None = None) -> None:
        label = QLabel(title, self.body)
        label.setObjectName(f"{widget.objectName()}.label")
        label.setBuddy(buddy or widget)
        widget.setAccessibleName(title)
        self.form_layout.addRow(label, widget)

    def _build_capacity(self) -> None:
        """Value, unit and product side by side: "10,000" "t/yr" "magnets"."""
        row = QWidget(self.body)
        row.setObjectName("deal.capacity")
        line = QHBoxLayout(row)
        line.setContentsMargins(0, 0, 0, 0)
        self.capacity: list[Field] = []
        for name, label, placeholder in (
            ("capacity_value", "Value", "e.g. 10,000"),
            ("capacity_unit", "Unit", "e.g. t/yr"),
            ("capacity_product", "Product", "e.g. NdFeB magnets"),
        ):
            field = TextField(name, label, object_name=f"deal.{name}", parent=row)
            field.set_placeholder(placeholder)
            field.editor.setAccessibleName(f"Capacity {label.lower()}")
            line.addWidget(field)
            self.register_field(field)
            self.capacity.append(field)
        self._add_section("Capacity", row, self.capacity[0].editor)

    def blank(self) -> Record:
        return Deal(title="")

    # -- the parts that are not single fields ------------------------------------------------

    def fill(self, record: Record) -> None:
        super().fill(record)
        assert isinstance(record, Deal)
        self.parties.set_parties(record.parties)
        self.tranches.load(record.tranches, record.amount)
        # "1.5B" typed over a EUR deal's amount stays in EUR
        currency = record.amount.currency if record.amount else self._default_currency
        self.amount.set_default_currency(currency)

    def gather(self) -> tuple[Record, list[FieldError]]:
        record, errors = super().gather()
        assert isinstance(record, Deal)
        record.parties, party_errors = self.parties.parties()
        record.tranches, tranche_errors = self.tranches.model.tranches()
        return record, errors + party_errors + tranche_errors

    def extra_dirty(self) -> bool:
        return self.parties.is_modified() or self.tranches.model.is_modified()

    def show_errors(self, errors: list[FieldError]) -> None:
        """Field errors beside their fields (RecordForm), party errors beside their row and
        tranche errors on their cell ("tranches[1].amount" -> row 2, Amount)."""
        super().show_errors([e for e in errors if not e.field.startswith(_NESTED)])
        self.parties.show_errors([e for e in errors if e.field.startswith("parties")])
        tranche_errors = [e for e in errors if e.field.startswith("tranches")]
        self.tranches.show_errors(tranche_errors)
        # RecordForm focused the first field in error; else the first party or tranche cell
        if any(f.error() for f in self.fields) or self.parties.focus_first_error():
            return
        cell = self.tranches.first_error_cell(tranche_errors)
        if cell is not None:
            self.tranches.view.setCurrentIndex(cell)
            self.tranches.view.setFocus()

    def focus_chain(self) -> list[QWidget]:
        """Tab follows the page: the fields down to the headline, the parties and tranches
        under it, then the rest."""
        split = self.fields.index(self.amount) + 1
        table = self.tranches
        chain = [w for f in self.fields[:split] for w in f.focus_widgets()]
        chain += [*self.parties.focus_widgets(), table.view, table.add_button, table.remove_button]
        return chain + [w for f in self.fields[split:] for w in f.focus_widgets()]

    def _headline_edited(self) -> None:
        """Recount the tranches against the headline as it is typed; amounts typed without a
        currency are read in the headline's."""
        headline, error = self.amount.parse()
        self.tranches.set_headline(headline if error is None else None)
