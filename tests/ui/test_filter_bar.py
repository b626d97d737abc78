"""The filter bar, driven as a user would: typing, facet menus, dates, saved views."""

from __future__ import annotations

from collections import Counter

import pytest
from lodestone.core.lists import ListQuery, saved_views
from lodestone.core.records import Company, Event, parse_fuzzy_date
from lodestone.ui.lists.filter_bar import SEARCH_DELAY_MS, FilterBar
from lodestone.ui.lists.model import RecordListModel
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QInputDialog, QMenu

# (title, date, kind, country): the design's events and a few like them
EVENTS = [
    ("China lifts rare-earth export restrictions", "2025-11-01", "trade restriction", "CN"),
    ("Pakistan's first rare-earth shipment to the U.S.", "2025-10", "shipment", "PK"),
    ("Energy Fuels partners with Vulcan Elements", "2025-08", "partnership", "US"),
    ("MP Materials stake by the administration", "2025-07-10", "stake", "US"),
    ("Export controls on magnet technology", "2025-04-04", "trade restriction", "CN"),
    ("Shipment of NdPr oxide to Japan", "2025-Q2", "shipment", "CN"),
    ("Price floor for NdPr announced", "2025-07", "policy", "US"),
    ("Defense stockpile policy update", "2024", "policy", "US"),
]


@pytest.fixture
def events(ctx) -> dict[str, int]:
    vulcan = ctx.repo.save(Company("Vulcan Elements", country="US")).id
    return {
        title: ctx.repo.save(
            Event(
                title,
                parse_fuzzy_date(when),
                event_type=kind,
                country=country,
                company_ids=[vulcan] if "Vulcan" in title else [],
            )
        ).id
        for title, when, kind, country in EVENTS
    }


@pytest.fixture
def bar_and_model(ctx, events, qtbot):
    model = RecordListModel(ctx, "event")
    bar = FilterBar(ctx, "event")
    qtbot.addWidget(bar)
    bar.bind(model)
    bar.show()
    return bar, model


def titles(model: RecordListModel) -> list[str]:
    return [model.index(r, 1).data() for r in range(model.rowCount())]


def open_menu(qtbot, menu: QMenu) -> dict[str, object]:
    """Pop a menu up (filling it as for a click) and return its actions by text."""
    menu.popup(QPoint(0, 0))
    qtbot.waitUntil(menu.isVisible)
    actions = {a.text(): a for a in menu.actions() if not a.isSeparator()}
    menu.hide()
    return actions


def test_typing_searches_after_a_pause_with_one_query(bar_and_model, qtbot):
    bar, model = bar_and_model
    sent = []
    bar.queryChanged.connect(sent.append)
    qtbot.keyClicks(bar.search, "shipm")
    assert model.rowCount() == len(EVENTS)  # nothing yet: the pause has not passed
    qtbot.waitUntil(lambda: model.query.search == "shipm", timeout=SEARCH_DELAY_MS * 20)
    words = {title: title.lower().split() for title, *_ in EVENTS}
    expected = sorted(t for t, w in words.items() if any(x.startswith("shipm") for x in w))
    assert sorted(titles(model)) == expected and len(expected) == 2
    assert len(sent) == 1
    assert bar.summary.text() == f"2 of {len(EVENTS)} events"
    qtbot.keyClick(bar.search, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(bar.search, Qt.Key.Key_Delete)
    qtbot.keyClick(bar.search, Qt.Key.Key_Return)  # Return searches at once
    assert model.rowCount() == len(EVENTS) and bar.summary.text() == f"{len(EVENTS)} events"


def test_a_facet_menu_lists_counts_and_narrows_the_list(bar_and_model, qtbot):
    bar, model = bar_and_model
    kinds = Counter(kind for _, _, kind, _ in EVENTS)
    actions = open_menu(qtbot, bar.facet_buttons["kind"].menu())
    assert set(actions) == {f"{kind} ({n})" for kind, n in kinds.items()}
    actions[f"trade restriction ({kinds['trade restriction']})"].trigger()
    assert model.query.filters == (("kind", ("trade restriction",)),)
    assert model.rowCount() == kinds["trade restriction"]
    assert {model.index(r, 2).data() for r in range(model.rowCount())} == {"trade restriction"}
    assert bar.facet_buttons["kind"].text() == "Kind (1)"

    # other facets now count only within the chosen kind
    countries = Counter(c for _, _, kind, c in EVENTS if kind == "trade restriction")
    country_actions = open_menu(qtbot, bar.facet_buttons["country"].menu())
    assert set(country_actions) == {f"{c} ({n})" for c, n in countries.items()}

    # a second value widens within the facet; unchecking both shows everything again
    actions = open_menu(qtbot, bar.facet_buttons["kind"].menu())
    checked = [text for text, a in actions.items() if a.isChecked()]
    assert checked == [f"trade restriction ({kinds['trade restriction']})"]
    actions[f"policy ({kinds['policy']})"].trigger()
    assert model.rowCount() == kinds["trade restriction"] + kinds["policy"]
    for action in open_menu(qtbot, bar.facet_buttons["kind"].menu()).values():
        if action.isChecked():
            action.trigger()
    assert model.query.filters == () and model.rowCount() == len(EVENTS)


def test_an_empty_facet_says_so(bar_and_model, qtbot):
    bar, _ = bar_and_model
    actions = open_menu(qtbot, bar.facet_buttons["tag"].menu())
    assert list(actions) == ["No values"] and not actions["No values"].isEnabled()


def test_unreadable_dates_are_named_and_kept(bar_and_model, qtbot):
    bar, model = bar_and_model
    qtbot.keyClicks(bar.date_from, "32/13/2025")
    qtbot.keyClick(bar.date_from, Qt.Key.Key_Return)
    assert bar.message.isVisible() and bar.message.text().startswith("From: '32/13/2025'")
    assert bar.date_from.text() == "32/13/2025"
    assert model.query.date_from is None and model.rowCount() == len(EVENTS)

    bar.date_from.selectAll()
    qtbot.keyClicks(bar.date_from, "2025-07")
    qtbot.keyClick(bar.date_from, Qt.Key.Key_Return)
    qtbot.keyClicks(bar.date_to, "Aug 2025")
    qtbot.keyClick(bar.date_to, Qt.Key.Key_Return)
    assert not bar.message.isVisible()
    assert (model.query.date_from, model.query.date_to) == ("2025-07-01", "2025-08-31")
    inside = [t for t, when, *_ in EVENTS if "2025-07" <= when[:7] <= "2025-08"]
    assert sorted(titles(model)) == sorted(inside) and len(inside) == 3

    bar.date_to.selectAll()
    qtbot.keyClicks(bar.date_to, "2024")
    qtbot.keyClick(bar.date_to, Qt.Key.Key_Return)
    assert bar.message.text() == "The date range ends before it starts."
    assert model.query.date_to == "2025-08-31"  # the last good range still applies

    model.sort(1, Qt.SortOrder.AscendingOrder)  # the list changing order keeps the typing
    assert bar.date_to.text() == "2024" and bar.message.isVisible()

    qtbot.mouseClick(bar.clear_button, Qt.MouseButton.LeftButton)
    assert not bar.message.isVisible() and bar.date_to.text() == ""
    assert model.rowCount() == len(EVENTS)


def test_kinds_without_dates_have_no_date_fields(ctx, qtbot):
    bar = FilterBar(ctx, "company")
    qtbot.addWidget(bar)
    assert bar.date_from is None and bar.date_to is None
    assert bar.search.placeholderText() == "Search companies… (Ctrl+F)"
    with pytest.raises(ValueError, match="cannot be shown"):
        bar.set_query(ListQuery("deal"))


def test_the_lists_order_survives_filtering_and_clearing(bar_and_model, qtbot):
    bar, model = bar_and_model
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert bar.query().sort == "title" and bar.query().descending
    qtbot.keyClicks(bar.search, "export")
    bar.flush_search()
    assert model.query.sort == "title" and model.query.search == "export"
    assert titles(model) == sorted(titles(model), key=str.casefold, reverse=True)
    bar.clear()
    assert model.query == ListQuery("event", sort="title", descending=True)
    assert bar.search.text() == "" and not bar.clear_button.isEnabled()


def test_a_saved_view_comes_back_from_the_views_menu(ctx, bar_and_model, qtbot, monkeypatch):
    bar, model = bar_and_model
    qtbot.keyClicks(bar.search, "rare")
    bar.flush_search()
    open_menu(qtbot, bar.facet_buttons["country"].menu())["CN (1)"].trigger()
    wanted = model.query
    answers = iter([("  ", True), ("x" * 81, True), ("Chinese rare earths", True)])
    prompts = []

    def answer(_parent, _title, prompt, text=""):
        prompts.append((prompt, text))
        return next(answers)

    monkeypatch.setattr(QInputDialog, "getText", answer)
    views = open_menu(qtbot, bar.views_button.menu())
    views["Save Current View…"].trigger()
    assert prompts[1][0].startswith("A view needs a name")
    assert prompts[2][0].startswith("A view name can be at most 80 characters")
    assert saved_views.list_views(ctx.repo.conn, "event") == ["Chinese rare earths"]

    bar.clear()
    assert model.rowCount() == len(EVENTS)
    open_menu(qtbot, bar.views_button.menu())["Chinese rare earths"].trigger()
    assert model.query == wanted and bar.search.text() == "rare"
    assert bar.facet_buttons["country"].text() == "Country (1)"
    assert titles(model) == ["China lifts rare-earth export restrictions"]

    delete_menu = bar.views_button.menu().findChild(QMenu, "filter.view.delete")
    open_menu(qtbot, delete_menu)["Chinese rare earths"].trigger()
    assert saved_views.list_views(ctx.repo.conn, "event") == []


def test_a_damaged_view_is_named_and_changes_nothing(ctx, bar_and_model):
    bar, model = bar_and_model
    saved_views.save_view(ctx.repo.conn, "event", "Broken", ListQuery("event", search="x"))
    ctx.repo.conn.execute("""UPDATE saved_views SET query_json = '{"kind": "event", "sort": 3}'""")
    before = model.query
    assert not bar.open_view("Broken")
    assert "The saved view 'Broken' is damaged" in bar.message.text()
    assert model.query == before
    assert not bar.open_view("Missing")
    assert bar.message.text() == "There is no saved view named 'Missing'"


def test_views_cannot_be_saved_in_a_read_only_tracker(make_ctx, qtbot):
    ctx = make_ctx(readonly=True)
    bar = FilterBar(ctx, "deal")
    qtbot.addWidget(bar)
    actions = open_menu(qtbot, bar.views_button.menu())
    assert not actions["Save Current View…"].isEnabled()


def test_focus_search_selects_what_was_typed(bar_and_model, qtbot):
    bar, _ = bar_and_model
    bar.search.setText("vulcan")
    bar.window().activateWindow()
    bar.focus_search()
    qtbot.waitUntil(bar.search.hasFocus)
    assert bar.search.selectedText() == "vulcan"


def test_hiding_the_bar_applies_the_pending_search(bar_and_model):
    bar, model = bar_and_model
    bar.search.setText("vulcan")
    assert model.query.search == ""
    bar.hide()
    assert model.query.search == "vulcan" and model.rowCount() == 1


def test_a_big_list_counts_facets_off_the_gui_thread(bar_and_model, qtbot, monkeypatch):
    from lodestone.ui.lists import filter_bar

    monkeypatch.setattr(filter_bar, "INLINE_COUNT_LIMIT", 0)  # every list counts as big
    bar, _model = bar_and_model
    menu = bar.facet_buttons["kind"].menu()
    menu.popup(QPoint(0, 0))
    qtbot.waitUntil(menu.isVisible)
    assert [a.text() for a in menu.actions()] == ["Counting…"]
    kinds = Counter(kind for _, _, kind, _ in EVENTS)
    expected = {f"{kind} ({n})" for kind, n in kinds.items()}
    qtbot.waitUntil(lambda: {a.text() for a in menu.actions()} == expected, timeout=5000)
    menu.hide()
    # counted once per query: reopening shows the numbers at once
    assert set(open_menu(qtbot, menu)) == expected


def test_counts_for_a_query_that_moved_on_are_dropped(bar_and_model, qtbot, monkeypatch):
    from lodestone.ui.lists import filter_bar

    monkeypatch.setattr(filter_bar, "INLINE_COUNT_LIMIT", 0)
    bar, _model = bar_and_model
    old = bar.query()
    bar._count_in_background("kind")
    job = bar._counting["kind"]
    bar.search.setText("ban")
    bar.flush_search()
    assert bar.query() != old
    qtbot.waitUntil(lambda: not job.running, timeout=5000)
    assert "kind" not in bar._counts


def test_facet_counts_run_on_the_runner_and_a_failure_reaches_the_log(
        bar_and_model, qtbot, monkeypatch, caplog):
    from lodestone.ui.jobs.channel import Channel
    from lodestone.ui.lists import filter_bar

    def broken(conn, query, key):
        raise MemoryError("too many kinds")

    monkeypatch.setattr(filter_bar, "INLINE_COUNT_LIMIT", 0)
    monkeypatch.setattr(filter_bar, "facet_counts", broken)
    bar, _model = bar_and_model
    assert isinstance(bar._counter, Channel)
    with qtbot.waitSignal(bar._counter.failed):
        bar._count_in_background("kind")
    assert "kind" not in bar._counting and "kind" not in bar._counts
    assert "Counting facet values failed" in caplog.text and "MemoryError" in caplog.text
