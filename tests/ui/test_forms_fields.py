"""The field widgets on their own: what they read, what they hint, what they refuse."""

from __future__ import annotations

import pytest
from lodestone.core.records import COMMODITIES, COMPANY_TYPES, Company, Money, parse_fuzzy_date
from lodestone.ui.forms.fields import (
    ChoiceField,
    CompanyPicker,
    CountryField,
    FieldInvalid,
    FuzzyDateField,
    MoneyField,
    MultiChoiceField,
    MultilineField,
    TagsField,
    TextField,
)
from PySide6.QtCore import Qt


@pytest.fixture
def shown(qtbot):
    def show(field):
        qtbot.addWidget(field)
        field.show()
        return field

    return show


def type_into(qtbot, field, text: str) -> None:
    """Type ASCII key by key; anything else is pasted (QTest cannot type "€")."""
    if text.isascii():
        qtbot.keyClicks(field.editor, text)
    else:
        field.editor.insert(text)


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("$1.4 billion", "→ $1,400,000,000.00"),
        ("620M", "→ $620,000,000.00"),
        ("USD 50 million", "→ $50,000,000.00"),
        ("€2.3bn", "→ €2,300,000,000.00"),
    ],
)
def test_money_shows_its_exact_reading_and_keeps_the_typed_text(qtbot, shown, typed, hint):
    field = shown(MoneyField("amount", object_name="deal.amount"))
    type_into(qtbot, field, typed)
    assert field.hint() == hint
    assert field.text() == typed
    assert isinstance(field.value(), Money)


def test_money_without_a_currency_uses_the_default(qtbot, shown):
    field = shown(MoneyField("amount", default_currency="EUR"))
    type_into(qtbot, field, "5")
    assert field.value() == Money(500, "EUR") and field.hint() == "→ €5.00"
    field.set_default_currency("JPY")
    assert field.value() == Money(5, "JPY")


@pytest.mark.parametrize("typed", ["lots", "$1.4 billion and change", "1,40,0"])
def test_unreadable_money_is_an_error_that_names_the_field(qtbot, shown, typed):
    field = shown(MoneyField("tranches[1].amount", object_name="tranche.amount"))
    type_into(qtbot, field, typed)
    assert field.hint() == ""
    with pytest.raises(FieldInvalid) as raised:
        field.value()
    assert raised.value.error.field == "tranches[1].amount"
    assert raised.value.error.message.startswith("Tranche 2 amount: ")
    assert field.text() == typed


def test_money_round_trips_what_it_shows(shown):
    field = shown(MoneyField("amount"))
    field.set_value(Money(140_000_000_000, "USD"))
    assert field.text() == "$1,400,000,000.00" and field.value() == Money(140_000_000_000, "USD")
    assert not field.is_modified()


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("Aug 2025", "→ Aug 2025 (month)"),
        ("2025-11-09", "→ Nov 9, 2025 (day)"),
        ("Sunday, Nov 9, 2025", "→ Nov 9, 2025 (day)"),
        ("Q3 2025", "→ Q3 2025 (quarter)"),
        ("2025", "→ 2025 (year)"),
    ],
)
def test_fuzzy_date_hint(qtbot, shown, typed, hint):
    field = shown(FuzzyDateField("date"))
    type_into(qtbot, field, typed)
    assert field.hint() == hint and field.text() == typed
    assert field.value() == parse_fuzzy_date(typed)


def test_an_unreadable_date_shows_its_error_when_leaving(qtbot, shown):
    field = shown(FuzzyDateField("announced"))
    type_into(qtbot, field, "Smarch")
    assert field.error() is None  # no scolding while typing
    field.editor.editingFinished.emit()
    assert field.error().startswith("Announced date: 'Smarch' is not a date")
    type_into(qtbot, field, " 2025")
    assert field.error() is None  # an edit clears it


def test_an_error_is_visible_under_the_field_and_read_out(qtbot, shown):
    field = shown(TextField("title"))
    field.set_error("Title is required")
    error_label = field.findChild(type(field.label), "title.error")
    assert error_label.isVisible() and error_label.wordWrap()
    assert error_label.text() == "Title is required"
    assert field.editor.accessibleDescription() == "Title is required"
    field.set_error(None)
    assert not error_label.isVisible() and field.editor.accessibleDescription() == ""


def test_text_is_stored_cleaned(qtbot, shown):
    field = shown(TextField("name"))
    type_into(qtbot, field, "  Vulcan   Elements ")
    assert field.value() == "Vulcan Elements" and field.text() == "  Vulcan   Elements "


def test_multiline_keeps_lines(qtbot, shown):
    field = shown(MultilineField("notes"))
    field.editor.insertPlainText("line one  \n\nline two\n")
    assert field.value() == "line one\n\nline two"


def test_tags_ignore_blanks_between_commas(qtbot, shown):
    field = shown(TagsField("tags"))
    type_into(qtbot, field, "magnets, , DoD ,")
    assert field.value() == ["magnets", "DoD"]


@pytest.mark.parametrize(
    ("typed", "code"),
    [("PK", "PK"), ("pk", "PK"), ("pakistan", "PK"), ("Pakistan (PK)", "PK"),
     ("South Korea", "KR"), ("Atlantis", "Atlantis")],
)  # fmt: skip
def test_country_by_code_or_name(qtbot, shown, typed, code):
    field = shown(CountryField("country"))
    type_into(qtbot, field, typed)
    assert field.value() == code  # unknown text goes on to validation, which names it


def test_country_completion_offers_names(qtbot, shown):
    field = shown(CountryField("country"))
    completer = field.editor.completer()
    completer.setCompletionPrefix("pak")
    assert completer.currentCompletion() == "Pakistan (PK)"


def test_choice_keeps_a_value_outside_its_vocabulary(shown):
    field = shown(ChoiceField("kind", COMPANY_TYPES))
    field.set_value("legacy kind")
    assert field.value() == "legacy kind" and not field.is_modified()
    field.editor.setCurrentIndex(1)
    assert field.value() == COMPANY_TYPES[1] and field.is_modified()


def test_optional_choice_starts_blank(shown):
    field = shown(ChoiceField("stage", ["mining"], optional=True))
    field.set_value(None)
    assert field.value() == "" and field.editor.currentText() == "—"


def test_checklist_keeps_values_it_does_not_list(qtbot, shown):
    field = shown(MultiChoiceField("commodities", COMMODITIES))
    field.set_value(["NdPr", "scandium"])
    assert field.value() == ["NdPr", "scandium"]
    field.editor.setFocus()
    field.editor.setCurrentRow(0)
    qtbot.keyClick(field.editor, Qt.Key.Key_Space)
    assert field.value() == ["rare earths", "NdPr", "scandium"] and field.is_modified()


def test_company_picker_finds_by_any_word_and_reads_the_exact_name(ctx, qtbot, shown):
    vulcan = ctx.repo.save(Company("Vulcan Elements"))
    ctx.repo.save(Company("Energy Fuels"))
    field = shown(CompanyPicker("parent_id", ctx.repo))
    assert field.lookup.suggest("elem") == ["Vulcan Elements"]
    type_into(qtbot, field, "VULCAN ELEMENTS")
    assert field.value() == vulcan.id
    field.editor.clear()
    type_into(qtbot, field, "Vulcan")
    with pytest.raises(FieldInvalid, match="no company is named 'Vulcan'"):
        field.value()
    assert ctx.repo.counts()["company"] == 2  # nothing was created
    field.editor.clear()
    assert field.value() is None
