"""The tranches table model: typed text kept per cell, parsed on edit, errors named by row."""

from __future__ import annotations

import pytest
from lodestone.core.records import Company, FieldError, FieldWarning, Money, Tranche
from lodestone.ui.forms.pickers import RecordLookup
from lodestone.ui.forms.tranche_draft import (
    AMOUNT,
    CURRENCY,
    FUNDER,
    INSTRUMENT,
    NOTES,
    STATUS,
    amount_text,
)
from lodestone.ui.forms.tranche_model import ERROR_COLOR, WARNING_COLOR, TrancheTableModel
from PySide6.QtCore import Qt

ROLE = Qt.ItemDataRole


def usd(millions: int) -> Money:
    return Money(millions * 100_000_000, "USD")


@pytest.fixture
def funders(ctx) -> dict[str, int]:
    names = {
        "Office of Strategic Capital": "government agency",
        "Commerce Department": "government agency",
        "Private investors": "investor",
    }
    return {n: ctx.repo.save(Company(n, company_type=k)).id for n, k in names.items()}  # fmt: skip


@pytest.fixture
def model(ctx, funders, qapp) -> TrancheTableModel:
    m = TrancheTableModel(RecordLookup(ctx.repo, "company"))
    m.set_tranches([
        Tranche("loan", usd(620), funders["Office of Strategic Capital"], id=None),
        Tranche("grant", usd(50), funders["Commerce Department"]),
        Tranche("equity", usd(550), funders["Private investors"], notes="private round"),
    ], "USD")  # fmt: skip
    return m


def cell(model: TrancheTableModel, row: int, column: int, role=ROLE.DisplayRole):
    return model.data(model.index(row, column), role)


def edit(model: TrancheTableModel, row: int, column: int, text: str) -> bool:
    return model.setData(model.index(row, column), text, ROLE.EditRole)


def test_a_stored_deal_shows_names_and_short_amounts(model, funders):
    assert [cell(model, r, FUNDER) for r in range(3)] == [
        "Office of Strategic Capital",
        "Commerce Department",
        "Private investors",
    ]
    assert [cell(model, r, AMOUNT) for r in range(3)] == ["$620M", "$50M", "$550M"]
    assert cell(model, 0, CURRENCY) == "USD"
    assert cell(model, 0, AMOUNT, ROLE.ToolTipRole) == "$620,000,000.00"
    assert model.headerData(1, Qt.Orientation.Vertical, ROLE.DisplayRole) == "2"
    tranches, errors = model.tranches()
    assert errors == []
    assert [t.amount for t in tranches] == [usd(620), usd(50), usd(550)]
    assert tranches[2].funder_id == funders["Private investors"]
    assert tranches[2].notes == "private round"


@pytest.mark.parametrize("force_py", [False, True])
def test_model_contract_holds_through_inserts_edits_and_removes(model, qtmodeltester, force_py):
    qtmodeltester.check(model, force_py=force_py)
    row = model.insert_tranche()
    assert row == 3 and model.rowCount() == 4
    assert edit(model, row, AMOUNT, "12 apples")
    assert edit(model, row, FUNDER, "Nobody Inc")
    assert model.insert_tranche(0) == 0
    model.remove_tranches([0, 2, 3])
    assert model.rowCount() == 2
    assert [cell(model, r, AMOUNT) for r in range(2)] == ["$620M", "12 apples"]
    model.set_tranches([], None)
    assert model.rowCount() == 0


def test_editing_parses_and_the_currency_follows_the_amount(model):
    assert edit(model, 1, AMOUNT, "€75 million")
    assert cell(model, 1, AMOUNT) == "€75 million"  # kept as typed
    assert cell(model, 1, CURRENCY) == "EUR"
    assert model.amounts()[1] == Money(75_000_000_00, "EUR")
    assert edit(model, 1, AMOUNT, "80M")  # no currency typed: the row's currency is used
    assert model.amounts()[1] == Money(80_000_000_00, "EUR")


def test_an_amount_without_currency_uses_the_headline_currency(ctx, qapp):
    m = TrancheTableModel(RecordLookup(ctx.repo, "company"))
    row = m.insert_tranche()
    edit(m, row, AMOUNT, "620M")
    _, [error] = m.tranches()
    assert error.field == "tranches[0].amount"
    assert error.message.startswith("Tranche 1 amount: ")
    assert "currency" in error.message
    m.set_default_currency("USD")
    assert m.tranches() == ([Tranche("other", usd(620))], [])
    assert cell(m, 0, CURRENCY) == "USD"


@pytest.mark.parametrize(("column", "text", "field", "words"), [
    (AMOUNT, "12 apples", "tranches[1].amount", "Tranche 2 amount: Cannot read '12 apples'"),
    (AMOUNT, "1,40,0", "tranches[1].amount", "digit grouping"),
    (FUNDER, "Nobody Inc", "tranches[1].funder_id", "Tranche 2 funder: no company is named"),
    (CURRENCY, "XYZ", "tranches[1].currency", "'XYZ' is not a known ISO 4217 code"),
    (CURRENCY, "eur", "tranches[1].currency", "is EUR but the amount '$50M' is in USD"),
])  # fmt: skip
def test_unreadable_cells_keep_their_text_and_say_why(model, column, text, field, words):
    assert edit(model, 1, column, text)
    _, errors = model.tranches()
    assert [e.field for e in errors] == [field]
    assert words in errors[0].message
    assert cell(model, 1, column) in (text, text.upper())
    assert cell(model, 1, column, ROLE.ForegroundRole) == ERROR_COLOR
    assert cell(model, 1, column, ROLE.ToolTipRole) == errors[0].message
    assert not cell(model, 1, column, ROLE.DecorationRole).isNull()
    assert cell(model, 0, column, ROLE.ForegroundRole) is None


def test_a_unreadable_amount_is_not_counted(model):
    edit(model, 2, AMOUNT, "lots")
    assert model.amounts() == [usd(620), usd(50), None]
    assert model.unreadable_amounts() == 1


def test_funder_names_are_matched_regardless_of_case(model, funders):
    assert edit(model, 0, FUNDER, "  commerce   department ")
    assert cell(model, 0, FUNDER) == "Commerce Department"
    assert model.tranches()[0][0].funder_id == funders["Commerce Department"]
    assert edit(model, 0, FUNDER, "")
    assert model.tranches() == (model.tranches()[0], [])
    assert model.tranches()[0][0].funder_id is None


def test_currency_edit_rereads_an_amount_typed_without_one(model):
    edit(model, 0, AMOUNT, "620M")
    edit(model, 0, CURRENCY, "eur")
    assert cell(model, 0, CURRENCY) == "EUR"
    assert model.amounts()[0] == Money(620_000_000_00, "EUR")


def test_validation_messages_land_on_their_cells(model):
    model.set_checks(
        [FieldError("tranches[1].amount", "Tranche 2 amount cannot be negative"),
         FieldError("tranches[2]", "Tranche 3 repeats tranche 1"),
         FieldError("tranches[9].amount", "out of range"), FieldError("title", "elsewhere")],
        [FieldWarning("tranches[0].amount", "Tranche 1 amount is in EUR")],
    )  # fmt: skip
    assert cell(model, 1, AMOUNT, ROLE.ToolTipRole) == "Tranche 2 amount cannot be negative"
    assert cell(model, 1, AMOUNT, ROLE.ForegroundRole) == ERROR_COLOR
    assert cell(model, 2, FUNDER, ROLE.ToolTipRole) == "Tranche 3 repeats tranche 1"
    assert cell(model, 0, AMOUNT, ROLE.ForegroundRole) == WARNING_COLOR
    assert cell(model, 0, AMOUNT, ROLE.ToolTipRole) == "Tranche 1 amount is in EUR"
    edit(model, 1, AMOUNT, "$60M")  # editing the cell retires its old message
    assert cell(model, 1, AMOUNT, ROLE.ForegroundRole) is None


def test_removing_rows_renumbers_the_messages(model):
    edit(model, 2, AMOUNT, "12 apples")
    model.remove_tranches([0])
    _, [error] = model.tranches()
    assert error.field == "tranches[1].amount"
    assert error.message.startswith("Tranche 2 amount")


def test_edited_is_emitted_for_edits_not_for_loading(model, qtbot):
    with qtbot.assertNotEmitted(model.edited):
        model.set_tranches([Tranche("loan", usd(1))], "USD")
    for change in (lambda: edit(model, 0, NOTES, "x"), model.insert_tranche,
                   lambda: model.remove_tranches([0])):  # fmt: skip
        with qtbot.waitSignal(model.edited, timeout=100):
            change()
    with qtbot.assertNotEmitted(model.edited):
        model.remove_tranches([5])


def test_instrument_and_status_are_stored_as_chosen(model):
    edit(model, 0, INSTRUMENT, "loan guarantee")
    edit(model, 0, STATUS, "disbursed")
    [first, *_], _ = model.tranches()
    assert (first.instrument, first.status) == ("loan guarantee", "disbursed")


def test_read_only_refuses_edits(model):
    model.set_read_only(True)
    assert not model.flags(model.index(0, AMOUNT)) & Qt.ItemFlag.ItemIsEditable
    assert not edit(model, 0, AMOUNT, "$1")
    assert cell(model, 0, AMOUNT) == "$620M"


@pytest.mark.parametrize(("amount", "text"), [
    (usd(620), "$620M"), (Money(62_000_000_001, "USD"), "$620,000,000.01"),
    (Money(123_456_789_00, "EUR"), "€123,456,789.00"), (None, ""),
])  # fmt: skip
def test_amount_text_reads_back_exactly(amount, text):
    assert amount_text(amount) == text
