"""The Exchange Rates dialog: typing a rate, refusals next to the fields, removing."""

from __future__ import annotations

from lodestone.core.funding import add_rate, list_rates
from lodestone.ui.funding.exchange_rates_dialog import ExchangeRatesDialog
from PySide6.QtCore import QDate, Qt


def dialog_for(qtbot, ctx, base: str = "USD") -> ExchangeRatesDialog:
    dialog = ExchangeRatesDialog(ctx, base)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def test_typing_a_rate_adds_it(qtbot, ctx, qtmodeltester) -> None:
    dialog = dialog_for(qtbot, ctx)
    dialog.currency.setCurrentText("EUR")
    dialog.date.setDate(QDate(2025, 11, 9))
    qtbot.keyClicks(dialog.rate, "1.0825")
    qtbot.mouseClick(dialog.add, Qt.MouseButton.LeftButton)
    assert [(r.currency, r.date, r.text) for r in list_rates(ctx.repo.conn, "USD")] == [
        ("EUR", "2025-11-09", "1.0825")]
    assert dialog.model.rowCount() == 1 and dialog.rate.text() == ""
    assert dialog.model.index(0, 2).data() == "1.0825"
    assert dialog.error.text() == ""
    qtmodeltester.check(dialog.model)


def test_bad_input_is_refused_and_kept(qtbot, ctx) -> None:
    dialog = dialog_for(qtbot, ctx)
    qtbot.keyClicks(dialog.rate, "1,08")
    qtbot.keyClick(dialog.rate, Qt.Key.Key_Return)
    assert "Rate '1,08' is not a plain positive number" in dialog.error.text()
    assert dialog.rate.text() == "1,08" and list_rates(ctx.repo.conn) == []
    dialog.rate.setText("0")
    qtbot.mouseClick(dialog.add, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Rate must be greater than zero"
    dialog.currency.setCurrentText("USD")
    dialog.rate.setText("1")
    qtbot.mouseClick(dialog.add, Qt.MouseButton.LeftButton)
    assert dialog.error.text() == "Currency and reporting currency must differ"


def test_a_duplicate_day_is_refused(qtbot, ctx) -> None:
    add_rate(ctx.repo, "EUR", "USD", "2025-01-01", "1.08")
    dialog = dialog_for(qtbot, ctx)
    dialog.currency.setCurrentText("EUR")
    dialog.date.setDate(QDate(2025, 1, 1))
    dialog.rate.setText("1.2")
    qtbot.mouseClick(dialog.add, Qt.MouseButton.LeftButton)
    assert "already recorded" in dialog.error.text()
    assert dialog.model.rowCount() == 1


def test_removing_and_switching_the_reporting_currency(qtbot, ctx) -> None:
    add_rate(ctx.repo, "EUR", "USD", "2025-01-01", "1.08")
    add_rate(ctx.repo, "EUR", "GBP", "2025-01-01", "0.85")
    dialog = dialog_for(qtbot, ctx)
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.remove, Qt.MouseButton.LeftButton)
    assert dialog.model.rowCount() == 0
    dialog.base.setCurrentText("GBP")
    assert dialog.model.index(0, 2).data() == "0.85"


def test_a_read_only_tracker_cannot_change_rates(qtbot, make_ctx) -> None:
    dialog = dialog_for(qtbot, make_ctx(readonly=True))
    assert not dialog.add.isEnabled() and not dialog.remove.isEnabled()
    assert not dialog.rate.isEnabled()
