"""The deal form driven as an analyst would: typing into fields and the tranches table."""

from __future__ import annotations

import pytest
from lodestone.core.records import Company, Deal, FuzzyDate, Money, Party, Tranche
from lodestone.ui.forms.deal_form import DealForm
from lodestone.ui.forms.tranche_draft import AMOUNT, FUNDER, INSTRUMENT, TITLES
from lodestone.ui.forms.tranche_model import WARNING_COLOR
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QPushButton

ROLE = Qt.ItemDataRole
VULCAN_LINE = "$1.22B of $1.4B allocated — $180M unallocated"


def usd(millions: int) -> Money:
    return Money(millions * 100_000_000, "USD")


@pytest.fixture
def companies(ctx) -> dict[str, int]:
    kinds = {
        "Vulcan Elements": "company",
        "ReElement Technologies": "company",
        "Office of Strategic Capital": "government agency",
        "Commerce Department": "government agency",
        "Private investors": "investor",
    }
    return {n: ctx.repo.save(Company(n, company_type=k)).id for n, k in kinds.items()}  # fmt: skip


@pytest.fixture
def deal(ctx, companies) -> Deal:
    """The design's $1.4B magnet deal, stored through the repository."""
    return ctx.repo.save(Deal(
        title="Vulcan Elements magnet supply chain", status="announced",
        announced=FuzzyDate.from_iso("2025-11"), amount=usd(1400),
        parties=[Party(companies["Vulcan Elements"], "recipient"),
                 Party(companies["ReElement Technologies"], "partner")],
        tranches=[Tranche("loan", usd(620), companies["Office of Strategic Capital"]),
                  Tranche("grant", usd(50), companies["Commerce Department"]),
                  Tranche("equity", usd(550), companies["Private investors"])],
        capacity_value="10,000", capacity_unit="t/yr", capacity_product="magnets",
        stage="magnets", commodities=["NdPr"], country="US", tags=["magnets"],
    ))  # fmt: skip


@pytest.fixture
def form(ctx, deal, qtbot) -> DealForm:
    widget = DealForm(ctx)
    qtbot.addWidget(widget)
    widget.resize(900, 1200)
    widget.show()
    qtbot.waitExposed(widget)
    widget.load(ctx.repo.get("deal", deal.id))
    return widget


def line(form: DealForm) -> str:
    return form.tranches.reconciliation.text()


def enter_text(qtbot, editor, text: str) -> None:
    """Type ASCII; paste anything else ("€50M"), as the analyst does from an article."""
    if text.isascii():
        qtbot.keyClicks(editor, text)
    else:
        QApplication.clipboard().setText(text)
        qtbot.keyClick(editor, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)


def type_into_cell(qtbot, form: DealForm, row: int, column: int, text: str) -> None:
    """Open the cell's editor as a double-click would, type, and press Enter."""
    view = form.tranches.view
    index = form.tranches.model.index(row, column)
    view.setCurrentIndex(index)
    view.edit(index)
    editor = view.indexWidget(index)
    assert editor is not None and editor.objectName().startswith("tranche.")
    assert editor.accessibleName() == TITLES[column]
    editor.selectAll()
    enter_text(qtbot, editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: view.indexWidget(index) is None, timeout=1000)  # committed, closed


def type_into(qtbot, form: DealForm, name: str, text: str) -> QLineEdit:
    editor = form.findChild(QLineEdit, name)
    editor.selectAll()
    if text:
        enter_text(qtbot, editor, text)
    else:
        qtbot.keyClick(editor, Qt.Key.Key_Delete)
    return editor


def click_save(qtbot, form: DealForm) -> None:
    qtbot.mouseClick(form.findChild(QPushButton, "deal.save"), Qt.MouseButton.LeftButton)


def cell(form: DealForm, row: int, column: int, role=ROLE.DisplayRole):
    model = form.tranches.model
    return model.data(model.index(row, column), role)


def test_the_magnet_deal_opens_with_its_gap_in_view(form):
    assert form.title.text() == "Vulcan Elements magnet supply chain"
    assert form.announced.text() == "Nov 2025"
    assert [cell(form, r, FUNDER) for r in range(3)] == [
        "Office of Strategic Capital",
        "Commerce Department",
        "Private investors",
    ]
    assert [cell(form, r, AMOUNT) for r in range(3)] == ["$620M", "$50M", "$550M"]
    assert [row.company.text() for row in form.parties.rows] == [
        "Vulcan Elements",
        "ReElement Technologies",
    ]
    assert line(form) == VULCAN_LINE
    assert form.tranches.reconciliation.state == "unallocated"
    assert not form.is_dirty()


def test_tranche_edit_updates_the_line_saves_and_undoes(form, ctx, deal, qtbot):
    type_into_cell(qtbot, form, 1, AMOUNT, "$100 million")
    assert line(form) == "$1.27B of $1.4B allocated — $130M unallocated"
    assert form.is_dirty()
    click_save(qtbot, form)
    assert ctx.repo.get("deal", deal.id).tranches[1].amount == usd(100)
    assert ctx.undo_stack.undoText() == "Edit Tranche Amount"
    assert not form.is_dirty()
    ctx.undo_stack.undo()
    assert ctx.repo.get("deal", deal.id).tranches[1].amount == usd(50)
    assert cell(form, 1, AMOUNT) == "$50M"
    assert line(form) == VULCAN_LINE


def test_the_headline_is_reconciled_as_it_is_typed(form, qtbot):
    type_into(qtbot, form, "deal.amount", "$1.5 billion")
    assert line(form) == "$1.22B of $1.5B allocated — $280M unallocated"
    type_into(qtbot, form, "deal.amount", "1.5 bil")  # unreadable: nothing to hold against
    assert line(form) == "$1.22B in tranches, no headline amount"


def test_over_allocation_reads_as_a_warning(form, qtbot):
    type_into_cell(qtbot, form, 1, AMOUNT, "$250M")
    assert line(form) == "Over-allocated by $20M: $1.42B of $1.4B"
    assert form.tranches.reconciliation.state == "over-allocated"


WRONG_INPUTS = [  # (where, what is typed, the words that must show, where they show)
    ("deal.amount", "12 apples", "Amount: Cannot read '12 apples'", "amount"),
    ("deal.announced", "2024-02-30", "Announced date: '2024-02-30' is not a date", "announced"),
    ("deal.closed", "2024", "Closed date (2024) is before the announced date", "closed"),
    ("deal.title", "", "Title is required", "title"),
    ("deal.capacity_value", "lots", "Capacity 'lots' must be a number", "capacity"),
    ("deal.country", "Narnia", "Country 'Narnia' must be a two-letter", "country"),
    ((0, FUNDER), "Nobody Inc", "Tranche 1 funder: no company is named 'Nobody Inc'", "cell"),
    ((1, AMOUNT), "12 apples", "Tranche 2 amount: Cannot read '12 apples'", "cell"),
    ((2, AMOUNT), "-$550M", "Tranche 3 amount cannot be negative", "cell"),
    ("party.company", "Nobody Inc", "Party 1 company: no company is named", "party"),
]  # fmt: skip


@pytest.mark.parametrize(("where", "text", "words", "shown"), WRONG_INPUTS)
def test_wrong_input_is_named_kept_and_nothing_is_written(form, ctx, deal, qtbot, where,
                                                          text, words, shown):  # fmt: skip
    before = ctx.repo.history("deal", deal.id)
    if isinstance(where, tuple):
        type_into_cell(qtbot, form, *where, text)
    else:
        type_into(qtbot, form, where, text)
    click_save(qtbot, form)
    assert ctx.repo.history("deal", deal.id) == before
    assert ctx.undo_stack.count() == 0
    if shown == "cell":
        row, column = where
        assert words in cell(form, row, column, ROLE.ToolTipRole)
        assert cell(form, row, column) == text  # kept as typed
        assert form.tranches.view.currentIndex().row() == row
    elif shown == "party":
        assert words in form.parties.rows[0].company.error()
        assert form.parties.rows[0].company.text() == text
    else:
        field = form.capacity[0] if shown == "capacity" else getattr(form, shown)
        assert words in (field.error() or "")
        assert form.findChild(QLineEdit, where).text() == text
    assert form.is_dirty()


def test_add_and_remove_tranches(form, ctx, deal, companies, qtbot):
    qtbot.mouseClick(form.tranches.add_button, Qt.MouseButton.LeftButton)
    assert form.tranches.model.rowCount() == 4
    editor = form.tranches.view.indexWidget(form.tranches.model.index(3, FUNDER))
    assert editor is not None  # Add opens the new row's funder for typing
    qtbot.keyClicks(editor, "Vulcan Elements")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: form.tranches.view.indexWidget(form.tranches.model.index(3, FUNDER))
                    is None, timeout=1000)  # fmt: skip
    type_into_cell(qtbot, form, 3, AMOUNT, "180M")  # no currency: the headline's
    assert line(form) == "$1.4B of $1.4B allocated"
    click_save(qtbot, form)
    stored = ctx.repo.get("deal", deal.id).tranches
    assert [t.amount for t in stored] == [usd(620), usd(50), usd(550), usd(180)]
    assert stored[3].funder_id == companies["Vulcan Elements"]
    assert ctx.undo_stack.undoText() == "Add Tranche"

    form.tranches.view.selectRow(1)
    qtbot.mouseClick(form.tranches.remove_button, Qt.MouseButton.LeftButton)
    assert line(form) == "$1.35B of $1.4B allocated — $50M unallocated"
    click_save(qtbot, form)
    assert [t.amount for t in ctx.repo.get("deal", deal.id).tranches] == [
        usd(620),
        usd(550),
        usd(180),
    ]
    assert ctx.undo_stack.undoText() == "Remove Tranche"


def test_undoing_a_tranche_removal_brings_it_back(form, ctx, deal, qtbot):
    form.tranches.view.selectRow(1)
    qtbot.mouseClick(form.tranches.remove_button, Qt.MouseButton.LeftButton)
    click_save(qtbot, form)
    assert ctx.undo_stack.undoText() == "Remove Tranche"
    ctx.undo_stack.undo()
    assert [t.amount for t in ctx.repo.get("deal", deal.id).tranches] == [
        usd(620),
        usd(50),
        usd(550),
    ]
    assert line(form) == VULCAN_LINE


def test_changing_a_funder_is_undone_by_name(form, ctx, deal, companies, qtbot):
    type_into_cell(qtbot, form, 2, FUNDER, "Vulcan Elements")
    click_save(qtbot, form)
    assert ctx.repo.get("deal", deal.id).tranches[2].funder_id == companies["Vulcan Elements"]
    assert ctx.undo_stack.undoText() == "Edit Tranche Funder"


def test_a_tranche_in_another_currency_is_flagged_not_summed(form, ctx, deal, qtbot):
    qtbot.mouseClick(form.tranches.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(form.tranches.view.focusWidget(), Qt.Key.Key_Escape)
    type_into_cell(qtbot, form, 3, AMOUNT, "€50M")
    assert line(form).split("\n") == [
        VULCAN_LINE,
        "€50M in EUR tranches: not counted against the USD headline",
    ]
    assert form.tranches.reconciliation.state == "mixed"
    assert cell(form, 3, AMOUNT, ROLE.ForegroundRole) == WARNING_COLOR
    assert "in EUR, not the deal's USD" in cell(form, 3, AMOUNT, ROLE.ToolTipRole)
    click_save(qtbot, form)  # a warning, not an error: the analyst may well be right
    assert ctx.repo.get("deal", deal.id).tranches[3].amount == Money(50_000_000_00, "EUR")


def test_instrument_is_chosen_from_the_vocabulary(form, ctx, deal, qtbot):
    view = form.tranches.view
    index = form.tranches.model.index(0, INSTRUMENT)
    view.edit(index)
    combo = view.indexWidget(index)
    assert isinstance(combo, QComboBox) and combo.currentText() == "loan"
    combo.setCurrentIndex(combo.findText("loan guarantee"))
    combo.activated.emit(combo.currentIndex())
    click_save(qtbot, form)
    assert ctx.repo.get("deal", deal.id).tranches[0].instrument == "loan guarantee"
    assert ctx.undo_stack.undoText() == "Edit Tranche Instrument"


def test_parties_are_added_removed_and_saved(form, ctx, deal, companies, qtbot):
    qtbot.mouseClick(form.parties.add_button, Qt.MouseButton.LeftButton)
    row = form.parties.rows[2]
    qtbot.keyClicks(row.company.editor, "Commerce Department")
    row.role.editor.setCurrentIndex(row.role.editor.findData("investor"))
    qtbot.mouseClick(form.parties.rows[1].remove_button, Qt.MouseButton.LeftButton)
    assert form.parties.rows[1].company.field == "parties[1].company_id"
    click_save(qtbot, form)
    assert ctx.repo.get("deal", deal.id).parties == [
        Party(companies["Vulcan Elements"], "recipient"),
        Party(companies["Commerce Department"], "investor"),
    ]


def test_a_new_deal_reads_tranche_amounts_in_the_headline_currency(ctx, companies, qtbot):
    form = DealForm(ctx)
    qtbot.addWidget(form)
    form.show()
    type_into(qtbot, form, "deal.title", "Pakistan partnership")
    type_into(qtbot, form, "deal.amount", "€500 million")
    qtbot.mouseClick(form.tranches.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(form.tranches.view.focusWidget(), Qt.Key.Key_Escape)
    type_into_cell(qtbot, form, 0, AMOUNT, "200M")
    assert line(form) == "€200M of €500M allocated — €300M unallocated"
    click_save(qtbot, form)
    saved = ctx.repo.get("deal", form.current_id)
    assert saved.tranches[0].amount == Money(200_000_000_00, "EUR")
    assert ctx.undo_stack.undoText() == "Add Deal"


def test_revert_throws_away_table_edits(form, qtbot):
    type_into_cell(qtbot, form, 0, AMOUNT, "$1")
    form.tranches.model.remove_tranches([2])
    assert form.is_dirty()
    form.revert()
    assert not form.is_dirty()
    assert [cell(form, r, AMOUNT) for r in range(3)] == ["$620M", "$50M", "$550M"]


def test_read_only_tracker_offers_no_edits(make_ctx, deal, qtbot):
    ctx = make_ctx(readonly=True)  # the same file the deal was saved in
    form = DealForm(ctx)
    qtbot.addWidget(form)
    form.load(ctx.repo.get("deal", deal.id))
    assert line(form) == VULCAN_LINE
    assert not form.tranches.add_button.isEnabled()
    assert not form.parties.add_button.isVisibleTo(form)
    index = form.tranches.model.index(0, AMOUNT)
    assert not form.tranches.model.flags(index) & Qt.ItemFlag.ItemIsEditable
    form.tranches.view.selectRow(0)
    form.tranches.remove_selected()
    assert form.tranches.model.rowCount() == 3
    assert not form.save()


def test_delete_key_removes_the_selected_tranches(form, qtbot):
    view = form.tranches.view
    view.setFocus()
    view.selectRow(0)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert [cell(form, r, AMOUNT) for r in range(2)] == ["$50M", "$550M"]
    assert line(form) == "$600M of $1.4B allocated — $800M unallocated"
    assert form.is_dirty()


def test_tab_goes_from_the_headline_to_parties_and_tranches(form):
    chain = form.focus_chain()
    position = {name: i for i, w in enumerate(chain) if (name := w.objectName())}
    assert (position["deal.amount"] < position["party.company"] < position["deal.tranches.view"]
            < position["deal.tranches.add"] < position["deal.capacity_value"]
            < position["deal.tags"])  # fmt: skip
    assert form.tranches.view.accessibleName() == "Tranches"


def test_a_repeated_party_is_named_on_its_row(form, qtbot):
    qtbot.mouseClick(form.parties.add_button, Qt.MouseButton.LeftButton)
    qtbot.keyClicks(form.parties.rows[2].company.editor, "vulcan elements")
    click_save(qtbot, form)
    assert "Party 3 repeats party 1" in form.parties.rows[2].company.error()
    assert form.parties.rows[0].company.error() is None
    assert form.parties.rows[2].company.editor.hasFocus()
