"""The event form: something that happened (an export ban, a shipment, a stake), when, and
who was involved. A period (a ban in force for a year) has an end date."""

from __future__ import annotations

from lodestone.core.records import EVENT_TYPES, Event, Record
from lodestone.ui.forms.cited_form import CitedRecordForm
from lodestone.ui.forms.fields import (
    ChoiceField,
    CompanyListField,
    CountryField,
    DealPicker,
    FuzzyDateField,
    MultilineField,
    TagsField,
    TextField,
)


class EventForm(CitedRecordForm):
    """Date and optional end date, title, kind, companies involved, related deal, country,
    description and tags."""

    KIND = "event"

    def build(self) -> None:
        repo = self.ctx.repo
        self.add_field(FuzzyDateField("date", object_name="event.date"))
        end = self.add_field(FuzzyDateField("end_date", object_name="event.end_date"))
        end.set_placeholder("optional: when a period (a ban, a reprieve) ends")
        self.add_field(TextField("title", object_name="event.title"))
        self.add_field(ChoiceField("kind", EVENT_TYPES, object_name="event.kind",
                                   attribute="event_type"))  # fmt: skip
        self.add_field(
            CompanyListField(
                "company_ids", repo, "Companies involved", object_name="event.companies"
            )
        )
        self.add_field(DealPicker("deal_id", repo, "Related deal", object_name="event.deal"))
        self.add_field(CountryField("country", object_name="event.country"))
        self.add_field(MultilineField("description", object_name="event.description"))
        self.add_field(TagsField("tags", object_name="event.tags"))

    def blank(self) -> Record:
        return Event("", None)  # type: ignore[arg-type]  # no date yet: validation says so
