"""The company form driven as an analyst would: typing, clicking Save, pressing Esc."""

from __future__ import annotations

import pytest
from lodestone.core.records import Company, Deal, Event, Party, parse_fuzzy_date
from lodestone.ui.forms.company_form import CompanyForm
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QListWidget, QPlainTextEdit
from ui_helpers import field_of, type_in, widget


def check(qtbot, form, name: str, value: str) -> None:
    """Tick a checklist entry from the keyboard: move to it, press Space."""
    checklist = widget(form, name)
    assert isinstance(checklist, QListWidget)
    checklist.setFocus()
    row = next(i for i in range(checklist.count()) if checklist.item(i).text() == value)
    checklist.setCurrentRow(row)
    qtbot.keyClick(checklist, Qt.Key.Key_Space)


def click_save(qtbot, form) -> None:
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)


@pytest.fixture
def form(ctx, show_widget) -> CompanyForm:
    return show_widget(CompanyForm(ctx))


def test_create_a_company_by_typing(ctx, qtbot, form):
    parent = ctx.repo.save(Company("ReElement Technologies"))
    type_in(qtbot, form, "company.name", "American Resources Corp.")
    kind = widget(form, "company.kind")
    assert isinstance(kind, QComboBox)
    kind.setFocus()
    qtbot.keyClicks(kind, "inv")  # keyboard search in the closed combo
    type_in(qtbot, form, "company.ticker", "AREC")
    type_in(qtbot, form, "company.exchange", "NASDAQ")
    type_in(qtbot, form, "company.country", "united states")
    assert field_of(form, "company.country").hint() == "→ United States (US)"
    type_in(qtbot, form, "company.parent", "reelement technologies")
    check(qtbot, form, "company.stages", "magnets")
    check(qtbot, form, "company.commodities", "NdPr")
    type_in(qtbot, form, "company.website", "https://americanresourcescorp.com")
    type_in(qtbot, form, "company.notes", "Holds ReElement.")
    type_in(qtbot, form, "company.tags", "magnets, US listed")
    with qtbot.waitSignal(form.savedRecord) as saved:
        click_save(qtbot, form)
    kind_name, company_id = saved.args
    assert kind_name == "company" and company_id == form.current_id
    stored = ctx.repo.get("company", company_id)
    assert stored == Company(
        "American Resources Corp.", "investor", "AREC", "NASDAQ", "US", parent.id,
        ["magnets"], ["NdPr"], "https://americanresourcescorp.com", "Holds ReElement.",
        ["magnets", "US listed"], company_id,
    )  # fmt: skip
    assert not form.is_dirty() and not form.save_button.isEnabled()
    assert form.title_label.text() == "Company: American Resources Corp."
    assert ctx.undo_stack.undoText() == "Add Company"


BAD_INPUT = [
    # (widget, typed text, words the message must contain)
    ("company.name", "x" * 201, "Name is too long"),
    ("company.ticker", "NASDAQ:AREC", "Ticker 'NASDAQ:AREC' holds two things"),
    ("company.ticker", "AR EC", "Ticker 'AR EC' may contain only letters"),
    ("company.exchange", "nasdaq", "Exchange 'nasdaq' must be upper-case"),
    ("company.country", "Atlantis", "Country 'Atlantis' must be a two-letter ISO 3166 code"),
    ("company.country", "XX", "Country 'XX' is not a known ISO 3166"),
    ("company.parent", "Nobody Inc", "Parent company: no company is named 'Nobody Inc'"),
    ("company.website", "ftp://example.com", "Website 'ftp://example.com' must start with http"),
    ("company.website", "example dot com", "Website cannot contain spaces"),
    ("company.tags", "magnets, Magnets", "Tags list 'Magnets' twice"),
    ("company.tags", "x" * 51, "is too long"),
]


@pytest.mark.parametrize(("name", "text", "message"), BAD_INPUT)
def test_wrong_input_is_refused_next_to_its_field_and_kept(ctx, qtbot, form, name, text, message):
    if name != "company.name":
        type_in(qtbot, form, "company.name", "Vulcan Elements")
    if name == "company.exchange":
        type_in(qtbot, form, "company.ticker", "AREC")
    type_in(qtbot, form, name, text)
    click_save(qtbot, form)
    bad = field_of(form, name)
    assert message in (bad.error() or "")
    assert widget(form, f"{name}.error").isVisible()
    assert bad.editor.accessibleDescription() == bad.error()
    assert bad.text() == text  # nothing typed is lost
    assert ctx.repo.counts()["company"] == 0
    assert ctx.undo_stack.count() == 0
    assert bad.editor.hasFocus()  # the first invalid field takes the focus
    assert [f for f in form.fields if f.error()] == [bad]


def test_control_character_pasted_into_notes_is_named(ctx, qtbot, form):
    type_in(qtbot, form, "company.name", "Vulcan Elements")
    notes = widget(form, "company.notes")
    assert isinstance(notes, QPlainTextEdit)
    notes.insertPlainText("bell\x07here")  # as a paste does
    assert not form.save()
    assert "Notes contains a control character (U+0007)" in field_of(form, "company.notes").error()
    assert notes.toPlainText() == "bell\x07here"
    assert ctx.repo.counts()["company"] == 0


def test_a_required_name_is_asked_for(ctx, qtbot, form):
    type_in(qtbot, form, "company.ticker", "AREC")
    click_save(qtbot, form)
    assert field_of(form, "company.name").error() == "Name is required"
    assert widget(form, "company.ticker").text() == "AREC"
    assert ctx.repo.counts()["company"] == 0


def test_the_error_goes_when_the_field_is_edited(qtbot, form):
    type_in(qtbot, form, "company.ticker", "AREC")
    click_save(qtbot, form)
    assert field_of(form, "company.name").error()
    type_in(qtbot, form, "company.name", "A")
    assert field_of(form, "company.name").error() is None
    assert not widget(form, "company.name.error").isVisible()


def test_duplicate_name_is_refused_by_the_tracker_and_shown_on_the_name(ctx, qtbot, form):
    ctx.repo.save(Company("Vulcan Elements"))
    type_in(qtbot, form, "company.name", "vulcan elements")
    click_save(qtbot, form)
    assert field_of(form, "company.name").error() == (
        "Another company is already named 'Vulcan Elements'"
    )
    assert widget(form, "company.name").text() == "vulcan elements"
    assert ctx.repo.counts()["company"] == 1
    assert ctx.undo_stack.count() == 0 and form.is_dirty()


def test_a_company_cannot_be_its_own_parent(ctx, qtbot, form):
    company = ctx.repo.save(Company("Vulcan Elements"))
    form.load(company)
    type_in(qtbot, form, "company.parent", "Vulcan Elements")
    click_save(qtbot, form)
    assert field_of(form, "company.parent").error() == "Parent company cannot be the company itself"
    assert ctx.repo.get("company", company.id).parent_id is None


def test_a_parent_in_the_trash_stays_the_parent_until_changed(ctx, qtbot, form):
    parent = ctx.repo.save(Company("Old Parent"))
    child = ctx.repo.save(Company("Child", parent_id=parent.id))
    ctx.repo.delete("company", parent.id)
    form.load(ctx.repo.get("company", child.id))
    assert widget(form, "company.parent").text() == "Old Parent"
    type_in(qtbot, form, "company.notes", "edited")
    assert form.save()
    assert ctx.repo.get("company", child.id).parent_id == parent.id


def test_the_deals_and_events_of_a_company_are_one_click_away(ctx, qtbot, form):
    vulcan = ctx.repo.save(Company("Vulcan Elements"))
    other = ctx.repo.save(Company("Energy Fuels"))
    deal = ctx.repo.save(Deal("Magnet supply chain", parties=[Party(vulcan.id, "recipient")]))
    ctx.repo.save(Deal("Someone else's deal", parties=[Party(other.id, "recipient")]))
    event = ctx.repo.save(
        Event("Partnership", parse_fuzzy_date("Aug 2025"), company_ids=[other.id, vulcan.id])
    )
    form.load(ctx.repo.get("company", vulcan.id))
    assert form.deals.ids() == [deal.id] and form.events.ids() == [event.id]
    deals = widget(form, "company.deals")
    assert deals.item(0).text().startswith("Magnet supply chain")
    assert widget(form, "company.events").item(0).text() == "Aug 2025 — Partnership"
    rect = deals.visualItemRect(deals.item(0))
    with qtbot.waitSignal(form.openRecord) as opened:
        qtbot.mouseClick(deals.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == ["deal", deal.id]
    events = widget(form, "company.events")
    events.setFocus()
    events.setCurrentRow(0)
    with qtbot.waitSignal(form.openRecord) as opened:
        qtbot.keyClick(events, Qt.Key.Key_Return)
    assert opened.args == ["event", event.id]
    later = ctx.repo.save(Deal("Second deal", parties=[Party(vulcan.id, "partner")]))
    assert later.id in form.deals.ids()  # the list follows the tracker


def test_a_new_company_lists_no_deals(form):
    assert form.deals.ids() == [] and widget(form, "company.deals.empty").isVisible()
