"""The Funding view as an analyst uses it: switch, hover, click, reconcile, export."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import pytest
from lodestone.core.funding import add_rate, stats
from lodestone.core.lists import ListQuery
from lodestone.core.records import (
    Company,
    Deal,
    Party,
    Tranche,
    parse_fuzzy_date,
    parse_money,
    to_decimal_string,
)
from lodestone.ui.funding.chart import FIXED_COLOURS, UNALLOCATED_COLOUR
from lodestone.ui.funding.view import FundingView
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage


@pytest.fixture
def deal(ctx) -> Deal:
    """The example's $1.4B magnet deal, entered through the repository."""
    repo = ctx.repo
    vulcan = repo.save(Company("Vulcan Elements"))
    osc = repo.save(Company("Office of Strategic Capital", company_type="government agency"))
    commerce = repo.save(Company("U.S. Department of Commerce", company_type="government agency"))
    private = repo.save(Company("Private investors", company_type="investor"))
    return repo.save(Deal(
        "Vulcan Elements magnet supply chain",
        announced=parse_fuzzy_date("2025-11"),
        amount=parse_money("$1.4 billion"),
        parties=[Party(vulcan.id)],
        tranches=[Tranche("loan", parse_money("$620 million"), osc.id),
                  Tranche("other", parse_money("$50 million"), commerce.id),
                  Tranche("equity", parse_money("$550 million"), private.id)],
    ))  # fmt: skip


@pytest.fixture
def view(ctx, qtbot, deal) -> FundingView:
    widget = FundingView(ctx)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    qtbot.waitExposed(widget)
    arrived(qtbot, widget)
    return widget


def arrived(qtbot, view: FundingView) -> None:
    """Wait for the figures of the controls' current choice (computed in the background)."""
    qtbot.waitUntil(lambda: view.data is not None and view.query() == view.data.query)


def choose(qtbot, view: FundingView, combo, data) -> None:
    combo.setCurrentIndex(combo.findData(data))
    arrived(qtbot, view)


def segments(view: FundingView) -> dict[str, str]:
    return {s.label: to_decimal_string(s.amount) for b in view.data.bars for s in b.segments}


def loan_point(view: FundingView):
    [placed] = [p for p in view.chart.placed if p.segment.key == "loan"]
    return view.chart.widget_point(placed)


def test_switching_group_stack_and_currency(qtbot, view, ctx) -> None:
    assert segments(view)["Unallocated"] == "180000000.00"
    choose(qtbot, view, view.stack_by, "funder-type")
    assert segments(view) == {"Government": "670000000.00", "Private": "550000000.00",
                              "Unallocated": "180000000.00"}  # fmt: skip
    choose(qtbot, view, view.group_by, "company")
    assert [b.label for b in view.data.bars] == ["Vulcan Elements"]
    ctx.repo.save(Deal("Euro grant", amount=parse_money("€5M"),
                       tranches=[Tranche("grant", parse_money("€5M"))]))  # fmt: skip
    qtbot.waitUntil(lambda: view.currency.findData("currency:EUR") >= 0)
    choose(qtbot, view, view.currency, "currency:EUR")
    assert segments(view) == {"Other": "5000000.00"}  # no funder: funder type "other"
    assert view.data.currency == "EUR"


def test_clicking_a_segment_asks_for_its_deals(qtbot, view, deal) -> None:
    with qtbot.waitSignal(view.filterDeals) as clicked:
        qtbot.mouseClick(view.chart.canvas.viewport(), Qt.MouseButton.LeftButton,
                         pos=loan_point(view))  # fmt: skip
    assert clicked.args == [[deal.id]]


def test_hover_shows_the_exact_amount(qtbot, view) -> None:
    qtbot.mouseMove(view.chart.canvas.viewport(), loan_point(view))
    qtbot.waitUntil(lambda: "$620,000,000.00" in view.chart.canvas.toolTip())
    assert view.chart.canvas.toolTip().startswith("2025 — Loan")


def test_the_loan_segment_is_drawn_in_its_colour(qtbot, view) -> None:
    assert view.chart.pixel(loan_point(view)) == QColor(FIXED_COLOURS["loan"])
    [gap] = [p for p in view.chart.placed if p.segment.key == "unallocated"]
    assert view.chart.pixel(view.chart.widget_point(gap)) == QColor(UNALLOCATED_COLOUR)
    above = view.chart.widget_point(gap, fraction=1.04)
    assert view.chart.pixel(above) == QColor("white")


def test_the_reconciliation_opens_the_deal(qtbot, view, deal, qtmodeltester) -> None:
    qtmodeltester.check(view.model)
    assert view.model.rowCount() == 1
    assert view.model.index(0, 3).data() == "$180M unallocated"
    rect = view.table.visualRect(view.model.index(0, 0))
    with qtbot.waitSignal(view.openRecord) as opened:
        qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened.args == ["deal", deal.id]


def test_stats_print_the_charts_figures(qtbot, view, ctx) -> None:
    for by in ("year", "quarter", "company"):
        choose(qtbot, view, view.group_by, by)
        chart = [(b.label, to_decimal_string(b.total)) for b in view.data.bars]
        printed = [(r["group"], r["total"]) for r in stats(ctx.repo.conn, by, "USD")["totals"]]
        assert printed == chart


def test_filters_narrow_the_chart(qtbot, view, deal) -> None:
    view.set_filters(ListQuery("deal", filters=(("company", ("Nobody",)),)))
    qtbot.waitUntil(lambda: view.data.bars == ())
    assert "No deal in USD matches" in view.status.text()
    view.set_filters(ListQuery("deal", search="Vulcan", ids=(12345,)))  # ids: from a click
    qtbot.waitUntil(lambda: len(view.data.bars) == 1)
    assert view.data.query.filters.ids is None
    with pytest.raises(ValueError):
        view.set_filters(ListQuery("event"))


def test_converted_chart_lists_what_it_cannot_convert(qtbot, view, ctx) -> None:
    euro = ctx.repo.save(Deal("Euro deal", announced=parse_fuzzy_date("2025-03"),
                              amount=parse_money("€10M")))  # fmt: skip
    add_rate(ctx.repo, "EUR", "USD", "2025-06-01", "1.1")
    qtbot.waitUntil(lambda: view.currency.findData("reporting:USD") >= 0)
    choose(qtbot, view, view.currency, "reporting:USD")
    assert view.data.unconvertible[0].deal_id == euro.id
    assert view.model.index(1, 3).data() == "not converted"
    assert "1 deal(s) not converted" in view.status.text()
    add_rate(ctx.repo, "EUR", "USD", "2025-01-01", "1.1")
    qtbot.waitUntil(lambda: view.data.unconvertible == ())
    assert segments(view)["Unallocated"] == "191000000.00"  # $180M + EUR 10M at 1.1


def test_exports_and_render(qtbot, view, tmp_path: Path) -> None:
    png = view.export_png(tmp_path / "chart.png")
    assert QImage(str(png)).width() > 0
    svg = view.export_svg(tmp_path / "chart.svg").read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "<svg" in svg
    csv_text = view.export_csv(tmp_path / "chart.csv").read_text(encoding="utf-8")
    assert "Loan,USD,620000000.00,1" in csv_text
    shot = view.render_to(tmp_path / "view.png", size=(1000, 650))
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1000, 650)
    point = view.chart.mapTo(view, loan_point(view))
    assert image.pixelColor(point) == QColor(FIXED_COLOURS["loan"])


def test_a_hidden_view_refreshes_when_shown(qtbot, view, ctx) -> None:
    view.hide()
    ctx.repo.save(Deal("Later deal", amount=parse_money("$1M")))
    qtbot.wait(20)
    assert "Undated" not in [b.label for b in view.data.bars]
    view.show()
    qtbot.waitUntil(lambda: "Undated" in [b.label for b in view.data.bars])


def test_an_empty_tracker_says_so(qtbot, make_ctx) -> None:
    empty = FundingView(make_ctx(name="empty.db"))
    qtbot.addWidget(empty)
    arrived(qtbot, empty)
    assert empty.data.bars == () and empty.currency.count() == 0
    assert empty.status.text().startswith("No deal has an amount yet")


def test_pyqtgraph_loads_only_with_the_view() -> None:
    code = ("import sys, lodestone.ui.funding.view; "
            "sys.exit('pyqtgraph' in sys.modules)")  # fmt: skip
    assert subprocess.run([sys.executable, "-c", code], check=False).returncode == 0


def test_currencies_are_counted_again_only_when_records_change(qtbot, view, ctx, monkeypatch):
    """From the figures' own facts, on arrival: a regroup counts nothing, a new currency in
    the records shows up, and no query runs on the GUI thread for it."""
    from lodestone.core.records import Deal as DealRecord
    from lodestone.core.records import parse_money
    from lodestone.ui.funding import view as funding_view

    counted = []
    original = funding_view.currencies_present
    monkeypatch.setattr(funding_view, "currencies_present",
                        lambda facts: counted.append(1) or original(facts))  # fmt: skip
    choose(qtbot, view, view.group_by, "quarter")  # a regroup
    assert counted == []
    ctx.repo.save(DealRecord("Euro deal", amount=parse_money("€5M")))
    qtbot.waitUntil(lambda: view.currency.findText("EUR") >= 0)
    assert counted == [1]


def test_the_most_used_currency_is_chosen_and_follows_the_records(qtbot, make_ctx) -> None:
    from lodestone.core.records import Deal as DealRecord
    from lodestone.core.records import parse_money

    ctx = make_ctx(name="euros.db")
    ctx.repo.save(DealRecord("Euro deal", amount=parse_money("€5M")))
    widget = FundingView(ctx)
    qtbot.addWidget(widget)
    widget.show()
    arrived(qtbot, widget)
    assert widget.data.currency == "EUR" and widget.currency.currentData() == "currency:EUR"
    ctx.repo.delete("deal", ctx.repo.conn.execute("SELECT id FROM deals").fetchone()[0])
    for n in range(2):
        ctx.repo.save(DealRecord(f"Dollar deal {n}", amount=parse_money("$5M")))
    qtbot.waitUntil(lambda: widget.currency.currentData() == "currency:USD")
    arrived(qtbot, widget)
    assert widget.data.currency == "USD" and widget.data.bars


def test_regrouping_never_waits_for_the_figures(qtbot, view, monkeypatch) -> None:
    from lodestone.ui.funding import view as funding_view

    release = threading.Event()
    original = funding_view.breakdown

    def slow(*args, **kwargs):
        release.wait(10)  # the figures take their time, on another thread
        return original(*args, **kwargs)

    monkeypatch.setattr(funding_view, "breakdown", slow)
    view.group_by.setCurrentIndex(view.group_by.findData("quarter"))
    view.refresh()  # returns at once: the window stays responsive meanwhile
    assert view.data.query.by == "year"  # the chart still shows the figures it had
    release.set()
    arrived(qtbot, view)
    assert [b.label for b in view.data.bars] == ["2025 Q4"]


def test_a_regroup_redraws_the_bars_it_keeps(qtbot, view, ctx) -> None:
    ctx.repo.save(Deal("Small loan", announced=parse_fuzzy_date("2024-05"),
                       amount=parse_money("$10M"),
                       tranches=[Tranche("loan", parse_money("$10M"))]))  # fmt: skip
    qtbot.waitUntil(lambda: len(view.data.bars) == 2)
    loans = view.chart.items[0]
    assert loans.name() == "Loan" and list(loans.opts["height"]) == [10e6, 620e6]  # 2024, 2025
    choose(qtbot, view, view.group_by, "deal")  # the same stacks: the items are kept
    assert view.chart.items[0] is loans
    assert list(loans.opts["height"]) == [620e6, 10e6]  # the largest deal first
    [big] = [p for p in view.chart.placed if p.segment.key == "loan" and p.index == 0]
    assert view.chart.pixel(view.chart.widget_point(big)) == QColor(FIXED_COLOURS["loan"])


def test_a_breakdown_that_fails_is_one_sentence_on_screen_and_a_traceback_in_the_log(
        ctx, qtbot, monkeypatch, caplog):
    from lodestone.ui.funding import view as funding_view

    def broken(*args, **kwargs):
        raise ArithmeticError("amounts do not add up")

    monkeypatch.setattr(funding_view, "breakdown", broken)
    widget = FundingView(ctx)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitUntil(lambda: widget.status.text().startswith("The chart could not be computed"))
    assert "\n" not in widget.status.text() and "amounts do not add up" in widget.status.text()
    assert "The funding breakdown failed" in caplog.text and "in broken" in caplog.text
