"""End-to-end: the whole window on the example tracker, driven as a user would."""

from __future__ import annotations

from pathlib import Path

import pytest
from lodestone.ui.context import AppContext
from lodestone.ui.forms.base import RecordForm
from lodestone.ui.lists.page import ListPage
from lodestone.ui.main_window import VIEWS, MainWindow
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QLineEdit, QMessageBox


@pytest.fixture
def window(example_ctx: AppContext, qtbot):
    """The window once started: painted, then counted and its first form built."""
    win = MainWindow(example_ctx)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.firstPainted):
        win.show()
    qtbot.waitUntil(lambda: win.counts_label.text() != "")
    yield win
    win.ctx.undo_stack.clear()


def deals_page(window: MainWindow) -> ListPage:
    window.show_view("deals")
    page = window.page("deals")
    assert isinstance(page, ListPage)
    return page


def test_opens_on_deals_with_counts_in_status_bar(window: MainWindow):
    assert window.current_view() == "deals"
    assert "3 deals" in window.counts_label.text()
    assert "13 companies" in window.counts_label.text()
    assert window.path_label.text().endswith("example.db")
    assert not window.path_label.text().startswith(str(Path.home()))


def test_view_shortcuts_switch_pages(window: MainWindow, qtbot):
    for key, _title, shortcut in VIEWS:
        if key in ("timeline", "funding"):
            continue
        action = window.findChild(type(window.undo_action), f"action.view_{key}")
        assert action.shortcut().toString() == shortcut
        action.trigger()
        assert window.current_view() == key
        assert (
            window.stack.currentWidget().objectName()
            == f"page.{key.rstrip('s')}".replace("page.companie", "page.company")
            or key == "trash"
        )


def test_find_vulcan_selects_the_magnet_deal(window: MainWindow, qtbot):
    page = deals_page(window)
    window.findChild(type(window.undo_action), "action.find").trigger()
    search = page.findChild(QLineEdit, "filter.search")
    assert search.hasFocus() or window.focusWidget() is search
    qtbot.keyClicks(search, "vulcan")
    qtbot.waitUntil(lambda: page.model.rowCount() == 1, timeout=3000)
    assert "$1.4B" in page.model.index(0, 3).data()
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.form.current_id == page.model.id_at(0))


def test_keyboard_moves_through_records(window: MainWindow, qtbot):
    page = deals_page(window)
    page.table.setFocus()
    page.table.selectRow(0)
    first = page.form.current_id
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert page.form.current_id not in (None, first)


def test_delete_then_restore_from_trash(window: MainWindow, qtbot):
    window.show_view("events")
    page = window.page("events")
    total = page.model.rowCount()
    page.table.selectRow(0)
    event_id = page.selected_id()
    window.findChild(type(window.undo_action), "action.delete").trigger()
    qtbot.waitUntil(lambda: page.model.rowCount() == total - 1)
    assert window.undo_action.text().startswith("&Undo Delete Event")
    window.show_view("trash")
    trash = window.page("trash")
    trash.tabs.setCurrentIndex(1)  # Events
    table = trash.tables["event"]
    qtbot.waitUntil(lambda: trash.models["event"].rowCount() == 1)
    table.selectRow(0)
    qtbot.mouseClick(trash.restore_button, Qt.MouseButton.LeftButton)
    assert not window.ctx.repo.is_deleted("event", event_id)
    qtbot.waitUntil(lambda: page.model.rowCount() == total)
    assert trash.models["event"].rowCount() == 0


def test_undo_redo_of_delete_from_the_menu(window: MainWindow, qtbot):
    window.show_view("companies")
    page = window.page("companies")
    total = page.model.rowCount()
    page.table.selectRow(0)
    window.delete_selected()
    assert page.model.rowCount() == total - 1
    window.undo_action.trigger()
    assert page.model.rowCount() == total
    window.redo_action.trigger()
    assert page.model.rowCount() == total - 1


def test_unsaved_changes_prompt_on_close(window: MainWindow, qtbot, monkeypatch):
    page = deals_page(window)
    page.table.selectRow(0)
    title = page.form.findChild(QLineEdit, "deal.title")
    title.setFocus()
    qtbot.keyClicks(title, " (edited)")
    assert page.form.is_dirty()
    answers = []

    def answer(choice):
        def ask(*_args, **_kwargs):
            answers.append(choice)
            return choice

        return ask

    monkeypatch.setattr(QMessageBox, "warning", answer(QMessageBox.StandardButton.Cancel))
    assert not window.may_close()
    assert title.text().endswith(" (edited)")
    monkeypatch.setattr(QMessageBox, "warning", answer(QMessageBox.StandardButton.Discard))
    assert window.may_close()
    assert not title.text().endswith(" (edited)")
    assert len(answers) == 2


def test_shortcuts_dialog_lists_every_menu_shortcut(window: MainWindow):
    from lodestone.ui.dialogs.about import ShortcutsDialog

    dialog = ShortcutsDialog(window)
    listed = {dialog.tree.topLevelItem(i).text(1) for i in range(dialog.tree.topLevelItemCount())}
    assert {"Undo", "Redo", "Find…", "Delete", "Quit", "Deals"} <= listed
    dialog.close()


def test_settings_remember_view_and_recent_file(example_ctx: AppContext, qtbot):
    first = MainWindow(example_ctx)
    qtbot.addWidget(first)
    first.show_view("events")
    first.save_settings()
    second = MainWindow(example_ctx)
    qtbot.addWidget(second)
    assert second.current_view() == "events"
    assert second.recent_files()[0] == str(example_ctx.path)


def test_every_action_has_a_stable_object_name(window: MainWindow):
    for menu_action in window.menuBar().actions():
        for action in menu_action.menu().actions():
            if action.isSeparator() or action.menu() is not None:
                continue
            assert action.objectName().startswith("action."), action.text()


def test_funding_chart_follows_the_deals_filters(window: MainWindow, qtbot):
    funding = window.page("funding")
    page = deals_page(window)
    qtbot.keyClicks(page.filter_bar.search, "pakistan")
    page.filter_bar.flush_search()
    assert funding.filters.search == "pakistan"
    window.show_view("funding")
    assert window.stack.currentWidget() is funding


def test_cancel_on_leaving_a_dirty_form_keeps_view_and_sidebar(
    window: MainWindow, qtbot, monkeypatch
):
    page = deals_page(window)
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)  # Enter edits: the title, at its end
    title = page.form.findChild(QLineEdit, "deal.title")
    qtbot.keyClicks(title, " (edited)")
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Cancel)
    window.sidebar.setCurrentRow(2)  # the user clicks Events
    assert window.current_view() == "deals"
    assert window.sidebar.currentRow() == 1
    assert title.text().endswith(" (edited)")


def test_enter_on_a_record_goes_to_its_first_field(window: MainWindow, qtbot):
    page = deals_page(window)
    page.table.setFocus()
    page.table.selectRow(0)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert window.focusWidget() is page.form.findChild(QLineEdit, "deal.title")


def test_timeline_follows_events_filters_and_highlights_the_selection(window, qtbot, monkeypatch):
    timeline = window.page("timeline")
    highlighted = []
    monkeypatch.setattr(timeline, "highlight", lambda kind, rid: highlighted.append((kind, rid)))
    queries = []
    monkeypatch.setattr(timeline, "set_query", queries.append)
    window.show_view("events")
    page = window.page("events")
    qtbot.keyClicks(page.filter_bar.search, "shipment")
    page.filter_bar.flush_search()
    assert queries[-1].search == "shipment"
    page.table.selectRow(0)
    assert highlighted[-1] == ("event", page.selected_id())


def test_record_history_shows_a_tranche_change_in_words(window: MainWindow, qtbot, monkeypatch):
    import copy

    from lodestone.core.history import save_operation
    from lodestone.core.records import parse_money
    from lodestone.ui.dialogs.history import HistoryDialog

    repo = window.ctx.repo
    deal = repo.get("deal", 1)
    edited = copy.deepcopy(deal)
    edited.tranches[1].amount = parse_money("$60 million")
    window.ctx.run(save_operation(repo, edited))
    dialog = HistoryDialog(repo, "deal", 1, window)
    newest = dialog.tree.topLevelItem(0)
    assert newest.text(1) == "Changed"
    change = newest.child(0)
    assert [change.text(i) for i in range(1, 4)] == [
        "Tranche 2 amount", "$50,000,000.00", "$60,000,000.00"]  # fmt: skip
    dialog.close()


def test_a_search_that_hides_the_shown_record_shows_the_first_match(window: MainWindow, qtbot):
    page = deals_page(window)
    page.table.selectRow(0)
    shown = page.form.current_id
    qtbot.keyClicks(page.filter_bar.search, "vulcan")
    page.filter_bar.flush_search()
    assert page.model.rowCount() == 1
    assert page.form.current_id == page.model.id_at(0) != shown
    assert page.selected_id() == page.form.current_id


def test_the_funding_chart_is_computed_once_when_first_shown(
    window: MainWindow, qtbot, monkeypatch
):
    from lodestone.ui.funding import view as funding_view

    calls = []
    original = funding_view.breakdown
    monkeypatch.setattr(
        funding_view, "breakdown", lambda *a, **k: calls.append(1) or original(*a, **k)
    )
    window.show_view("funding")
    qtbot.wait(300)
    assert len(calls) == 1


def test_status_counts_follow_changes_of_each_kind(window: MainWindow, monkeypatch):
    counted = []
    original = window.ctx.repo.count
    monkeypatch.setattr(
        window.ctx.repo, "count", lambda kind: counted.append(kind) or original(kind)
    )
    window.show_view("events")
    page = window.page("events")
    page.table.selectRow(0)
    window.delete_selected()
    assert "5 events" in window.counts_label.text()
    assert counted == ["event"]  # only the kind that changed is counted again


class FirstPaintProbe(QObject):
    """At the window's first paint: the status bar's text and whether the list has a form."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.seen: list[tuple[str, bool]] = []
        self.split: list[int] = []  # the list and the form's room, as first painted
        window.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 (Qt's name)
        if event.type() == QEvent.Type.Paint and not self.seen:
            page = self.window.current_list()
            has_form = page is not None and page.findChild(RecordForm) is not None
            self.seen.append((self.window.counts_label.text(), has_form))
            self.split = page.splitter.sizes() if page is not None else []
        return False


def test_the_first_paint_draws_the_list_then_the_form_and_counts_follow(
    example_ctx: AppContext, qtbot
):
    win = MainWindow(example_ctx)
    qtbot.addWidget(win)
    probe = FirstPaintProbe(win)
    with qtbot.waitSignal(win.firstPainted):
        win.show()
    assert probe.seen == [("", False)]  # painted before counting or building the form
    qtbot.waitUntil(lambda: "3 deals" in win.counts_label.text())
    page = win.current_list()
    qtbot.waitUntil(lambda: page.findChild(RecordForm) is not None)
    assert page.selected_id() == page.model.id_at(0) == page.form.current_id  # first record
    qtbot.wait(50)  # the layout has settled around the form
    assert page.splitter.sizes() == probe.split  # the form took its room: the list did not move


def test_a_tracker_closed_before_the_first_paint_is_never_read(example_ctx: AppContext, qtbot):
    """Switching trackers closes the old window's file at once; what it deferred must not run."""
    win = MainWindow(example_ctx)
    qtbot.addWidget(win)
    probe = FirstPaintProbe(win)
    started: list[bool] = []
    win.firstPainted.connect(lambda: started.append(True))
    win.show()
    example_ctx.close()
    qtbot.waitUntil(lambda: probe.seen != [])
    qtbot.wait(100)  # the deferred steps would have run by now
    assert started == [] and win.counts_label.text() == ""
    assert win.current_list().findChild(RecordForm) is None


def test_a_record_chosen_before_the_form_exists_is_the_one_it_shows(
    example_ctx: AppContext, qtbot
):
    win = MainWindow(example_ctx)
    qtbot.addWidget(win)
    page = deals_page(win)
    page.table.selectRow(2)  # before any paint: the form is not built yet
    assert page.findChild(RecordForm) is None
    assert page.form.current_id == page.model.id_at(2)  # built on demand, on that record
    assert page.may_leave()


def test_a_list_left_before_its_form_was_built_gets_it_when_shown_again(
    window: MainWindow, qtbot
):
    window.show_view("events")
    window.show_view("companies")  # at once: the events list never got to build its form
    events = window.page("events")
    qtbot.wait(1200)  # past the fallback for a list that is shown but never painted
    assert events.findChild(RecordForm) is None
    window.show_view("events")
    qtbot.waitUntil(lambda: events.findChild(RecordForm) is not None)
    assert events.form.current_id == events.selected_id() == events.model.id_at(0)


def test_a_window_hidden_before_its_first_paint_counts_when_shown_again(
    example_ctx: AppContext, qtbot
):
    win = MainWindow(example_ctx)
    qtbot.addWidget(win)
    win.show()
    win.hide()
    qtbot.wait(1200)  # past the fallback
    assert win.counts_label.text() == ""
    with qtbot.waitSignal(win.firstPainted):
        win.show()
    qtbot.waitUntil(lambda: "3 deals" in win.counts_label.text())


def test_the_status_counts_are_counted_off_the_gui_thread(example_ctx, qtbot, monkeypatch):
    import threading

    from lodestone.ui.lists import status_counts

    def on_the_gui_thread(kind: str) -> int:
        raise AssertionError("counted on the GUI thread, through the window's connection")

    threads: list[int] = []
    real = status_counts.count_kinds
    monkeypatch.setattr(status_counts, "count_kinds",
                        lambda conn: threads.append(threading.get_ident()) or real(conn))
    monkeypatch.setattr(example_ctx.repo, "count", on_the_gui_thread)
    label = status_counts.StatusCounts(example_ctx)
    qtbot.addWidget(label)
    label.count_all()
    qtbot.waitUntil(lambda: label.text() != "")
    assert threads and threading.get_ident() not in threads
    assert label.text().startswith(f"{real(example_ctx.repo.conn)['company']:,} companies")
