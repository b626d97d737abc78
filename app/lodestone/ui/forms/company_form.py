"""The company form: who a company is, where it sits in the supply chain, and its deals and
events one click away."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from lodestone.core.lists import ListQuery
from lodestone.core.records import COMMODITIES, COMPANY_TYPES, STAGES, Company, Record
from lodestone.ui.forms.cited_form import CitedRecordForm
from lodestone.ui.forms.fields import (
    ChoiceField,
    CompanyPicker,
    CountryField,
    MultiChoiceField,
    MultilineField,
    TagsField,
    TextField,
)
from lodestone.ui.forms.related import RelatedList


class CompanyForm(CitedRecordForm):
    """Name, kind, ticker and exchange, country, parent, stages, commodities, website, notes,
    tags; below them the company's deals (as a party) and events."""

    KIND = "company"

    def build(self) -> None:
        repo = self.ctx.repo
        self.add_field(TextField("name", object_name="company.name"))
        self.add_field(ChoiceField("kind", COMPANY_TYPES, object_name="company.kind",
                                   attribute="company_type"))  # fmt: skip
        ticker = self.add_field(TextField("ticker", object_name="company.ticker"))
        ticker.set_placeholder("e.g. AREC")
        exchange = self.add_field(TextField("exchange", object_name="company.exchange"))
        exchange.set_placeholder("e.g. NASDAQ")
        self.add_field(CountryField("country", object_name="company.country"))
        self.add_field(CompanyPicker("parent_id", repo, object_name="company.parent"))
        self.add_field(MultiChoiceField("stages", STAGES, object_name="company.stages"))
        self.add_field(
            MultiChoiceField("commodities", COMMODITIES, object_name="company.commodities")
        )
        website = self.add_field(TextField("website", object_name="company.website"))
        website.set_placeholder("https://…")
        self.add_field(MultilineField("notes", object_name="company.notes"))
        self.add_field(TagsField("tags", object_name="company.tags"))
        self.deals = RelatedList("deal", "Deals", "company.deals", self.body)
        self.events = RelatedList("event", "Events", "company.events", self.body)
        for related in (self.deals, self.events):
            related.opened.connect(self.openRecord)
            self.body_layout.addWidget(related)

    def blank(self) -> Record:
        return Company("")

    def focus_chain(self) -> list[QWidget]:
        return super().focus_chain() + [self.deals.list, self.events.list]

    def fill(self, record: Record) -> None:
        super().fill(record)
        self._show_related()

    def related_changed(self, kind: str, ids: list) -> None:
        if kind in ("deal", "event", "company"):
            self._show_related()

    def _show_related(self) -> None:
        """The deals the company is a party to and the events it is involved in (by its
        saved name, which is unique)."""
        record = self.record()
        name = record.label if record is not None else None
        conn = self.ctx.repo.conn

        def query(kind: str) -> ListQuery | None:
            return None if name is None else ListQuery(kind, filters=(("company", (name,)),))

        self.deals.show_query(conn, query("deal"), _describe_deal)
        self.events.show_query(conn, query("event"), _describe_event)


def _describe_deal(cells: dict[str, str]) -> str:
    details = ", ".join(cells[k] for k in ("announced", "amount", "status") if cells.get(k))
    return f"{cells['title']} ({details})" if details else cells["title"]


def _describe_event(cells: dict[str, str]) -> str:
    return f"{cells['date']} — {cells['title']}" if cells.get("date") else cells["title"]
