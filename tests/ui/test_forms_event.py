"""The event form: fuzzy dates and periods, the companies involved and the related deal."""

from __future__ import annotations

import pytest
from lodestone.core.records import Company, Deal, Event, parse_fuzzy_date
from lodestone.ui.forms.event_form import EventForm
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit, QListWidget, QPushButton
from ui_helpers import field_of, type_in, widget


@pytest.fixture
def form(ctx, show_widget) -> EventForm:
    return show_widget(EventForm(ctx))


@pytest.fixture
def companies(ctx) -> dict[str, int]:
    names = ("Vulcan Elements", "Energy Fuels", "Pakistan Government")
    return {name: ctx.repo.save(Company(name)).id for name in names}


def test_create_an_event_by_typing(ctx, qtbot, form, companies):
    deal = ctx.repo.save(Deal("US-Pakistan minerals partnership"))
    type_in(qtbot, form, "event.date", "Sep 2025")
    assert field_of(form, "event.date").hint() == "→ Sep 2025 (month)"
    type_in(qtbot, form, "event.end_date", "2026")
    type_in(qtbot, form, "event.title", "First shipment of processed rare earths")
    kind = widget(form, "event.kind")
    kind.setFocus()
    qtbot.keyClicks(kind, "sh")
    for name in ("Pakistan Government", "Energy Fuels"):
        type_in(qtbot, form, "event.companies", name)
        qtbot.keyClick(widget(form, "event.companies"), Qt.Key.Key_Return)
    type_in(qtbot, form, "event.companies", "vulcan elements")  # typed, not yet added
    type_in(qtbot, form, "event.deal", "us-pakistan minerals partnership")
    type_in(qtbot, form, "event.country", "PK")
    type_in(qtbot, form, "event.description", "Launches a $500 million partnership.")
    type_in(qtbot, form, "event.tags", "shipment")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    stored = ctx.repo.get("event", form.current_id)
    assert stored == Event(
        "First shipment of processed rare earths", parse_fuzzy_date("2025-09"), "shipment",
        parse_fuzzy_date("2026"),
        [companies["Pakistan Government"], companies["Energy Fuels"], companies["Vulcan Elements"]],
        deal.id, "PK", "Launches a $500 million partnership.", ["shipment"], form.current_id,
    )  # fmt: skip
    assert widget(form, "event.date").text() == "Sep 2025"
    assert widget(form, "event.companies.list").count() == 3


def test_end_before_start_is_refused_on_the_end_date(ctx, qtbot, form):
    type_in(qtbot, form, "event.date", "2025-11-09")
    type_in(qtbot, form, "event.end_date", "Oct 2025")
    type_in(qtbot, form, "event.title", "Export ban")
    assert not form.save()
    assert field_of(form, "event.end_date").error() == (
        "End date (Oct 2025) is before the start (Nov 9, 2025)"
    )
    assert widget(form, "event.end_date").hasFocus()
    assert widget(form, "event.end_date").text() == "Oct 2025"
    assert ctx.repo.counts()["event"] == 0


def test_an_end_date_within_a_fuzzy_start_is_fine(ctx, qtbot, form):
    type_in(qtbot, form, "event.date", "Nov 2025")
    type_in(qtbot, form, "event.end_date", "2025-11-09")
    type_in(qtbot, form, "event.title", "Reprieve")
    assert form.save()


BAD_INPUT = [
    ("event.date", "Smarch 2025", "Date: 'Smarch 2025' is not a date"),
    ("event.date", "03/04/2025", "Date: '03/04/2025'"),
    ("event.end_date", "2025-02-30", "End date: "),
    ("event.title", "x" * 301, "Title is too long"),
    ("event.companies", "Nobody Inc", "Companies involved: no company is named 'Nobody Inc'"),
    ("event.deal", "No such deal", "Related deal: no deal is titled 'No such deal'"),
    ("event.country", "Narnia", "Country 'Narnia' must be a two-letter ISO 3166 code"),
    ("event.tags", "a, A", "Tags list 'A' twice"),
]


@pytest.mark.parametrize(("name", "text", "message"), BAD_INPUT)
def test_wrong_input_is_named_and_kept(ctx, qtbot, form, name, text, message):
    if name != "event.date":
        type_in(qtbot, form, "event.date", "2025")
    if name != "event.title":
        type_in(qtbot, form, "event.title", "An event")
    type_in(qtbot, form, name, text)
    assert not form.save()
    bad = field_of(form, name)
    assert message in (bad.error() or ""), bad.error()
    assert widget(form, name).text() == text
    assert [f for f in form.fields if f.error()] == [bad]
    assert ctx.repo.counts()["event"] == 0


def test_an_unreadable_date_is_said_on_leaving_the_field(qtbot, form):
    type_in(qtbot, form, "event.date", "next Tuesday-ish")
    type_in(qtbot, form, "event.title", "x")  # the focus moves on
    assert "is not a date" in field_of(form, "event.date").error()
    assert widget(form, "event.date").text() == "next Tuesday-ish"


def test_a_date_and_a_title_are_required(ctx, qtbot, form):
    type_in(qtbot, form, "event.description", "something happened")
    assert not form.save()
    assert field_of(form, "event.date").error() == "Date is required"
    assert field_of(form, "event.title").error() == "Title is required"
    assert widget(form, "event.date").hasFocus()  # the first one, top to bottom


def test_companies_are_added_and_removed(ctx, qtbot, form, companies):
    editor = widget(form, "event.companies")
    listed = widget(form, "event.companies.list")
    assert isinstance(listed, QListWidget) and isinstance(editor, QLineEdit)
    type_in(qtbot, form, "event.companies", "Nobody")
    qtbot.mouseClick(widget(form, "event.companies.add"), Qt.MouseButton.LeftButton)
    assert "no company is named 'Nobody'" in field_of(form, "event.companies").error()
    assert editor.text() == "Nobody" and listed.count() == 0
    editor.clear()
    for name in ("Energy Fuels", "energy fuels", "Vulcan Elements"):
        type_in(qtbot, form, "event.companies", name)
        qtbot.keyClick(editor, Qt.Key.Key_Return)
    assert [listed.item(i).text() for i in range(listed.count())] == [
        "Energy Fuels", "Vulcan Elements",
    ]  # fmt: skip
    listed.setCurrentRow(0)
    remove = widget(form, "event.companies.remove")
    assert isinstance(remove, QPushButton)
    qtbot.mouseClick(remove, Qt.MouseButton.LeftButton)
    assert field_of(form, "event.companies").value() == [companies["Vulcan Elements"]]


def test_twin_deal_titles_are_told_apart(ctx, qtbot, form):
    first = ctx.repo.save(Deal("Offtake agreement"))
    second = ctx.repo.save(Deal("Offtake agreement"))
    picker = field_of(form, "event.deal")
    assert picker.lookup.suggest("offtake") == [
        f"Offtake agreement [#{first.id}]", f"Offtake agreement [#{second.id}]",
    ]  # fmt: skip
    type_in(qtbot, form, "event.deal", "Offtake agreement")
    assert "several deals are titled 'Offtake agreement'" in picker.parse()[1].message
    widget(form, "event.deal").setText(f"Offtake agreement [#{second.id}]")
    assert picker.value() == second.id


def test_loading_an_event_shows_it_as_stored(ctx, form, companies):
    deal = ctx.repo.save(Deal("Magnet deal"))
    event = ctx.repo.save(Event(
        "China lifts export restrictions", parse_fuzzy_date("2025-11-10"), "trade restriction",
        parse_fuzzy_date("2026-11"), [companies["Vulcan Elements"]], deal.id, "CN",
    ))  # fmt: skip
    form.load(event)
    assert widget(form, "event.date").text() == "Nov 10, 2025"
    assert widget(form, "event.end_date").text() == "Nov 2026"
    assert widget(form, "event.deal").text() == "Magnet deal"
    assert widget(form, "event.country").text() == "China (CN)"
    assert widget(form, "event.companies.list").item(0).text() == "Vulcan Elements"
    assert widget(form, "event.kind").currentText() == "trade restriction"
    assert not form.is_dirty()
    form.fields[0].editor.setFocus()
    assert form.gather() == (event, [])  # an untouched form describes the stored record
