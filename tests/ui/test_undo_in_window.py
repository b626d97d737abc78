"""Undo and redo of every kind of change through the whole window, with the keys an analyst
presses (Ctrl+Z, Ctrl+Shift+Z) and the Edit menu; and what happens when another program holds
the tracker: the change is not done, the reason is shown, and the menu does not lie."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from lodestone.core.funding import add_rate, list_rates
from lodestone.core.history import rate_history, save_operation
from lodestone.core.lists import list_views
from lodestone.core.records import Company
from lodestone.ui.context import GUI_BUSY_TIMEOUT_MS, AppContext
from lodestone.ui.dialogs.history import KEPT_ACTIONS, ChangeLogDialog, HistoryDialog
from lodestone.ui.forms import citations as citations_module
from lodestone.ui.funding.exchange_rates_dialog import ExchangeRatesDialog
from lodestone.ui.lists.page import ListPage
from lodestone.ui.main_window import MainWindow
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget
from ui_helpers import widget

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
BUSY = "another program is writing to the tracker; try again in a moment."
# Another program writing to the tracker: a write transaction held until stdin closes.
HOLD = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
conn.execute("CREATE TABLE IF NOT EXISTS elsewhere (x)")
print("READY", flush=True)
sys.stdin.read()
conn.execute("ROLLBACK")
"""


@contextmanager
def another_program_writing(path: Path) -> Iterator[None]:
    with subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdin=subprocess.PIPE,
                          stdout=subprocess.PIPE, text=True) as child:  # fmt: skip
        assert child.stdin is not None and child.stdout is not None
        try:
            assert child.stdout.readline().strip() == "READY"
            yield
        finally:
            child.stdin.close()
            child.wait(timeout=30)


@pytest.fixture
def window(example_ctx: AppContext, show_widget) -> Iterator[MainWindow]:
    """The whole window, active (so its shortcuts work), waiting on a busy file as briefly
    as the app does."""
    example_ctx.repo.conn.execute(f"PRAGMA busy_timeout = {GUI_BUSY_TIMEOUT_MS}")
    win = show_widget(MainWindow(example_ctx))
    yield win
    win.ctx.undo_stack.clear()


def page_of(window: MainWindow, view: str) -> ListPage:
    window.show_view(view)
    page = window.page(view)
    assert isinstance(page, ListPage)
    return page


def press_undo(focus: QWidget, qtbot) -> None:
    focus.setFocus()
    qtbot.keyClick(focus, Qt.Key.Key_Z, CTRL)


def press_redo(focus: QWidget, qtbot) -> None:
    focus.setFocus()
    qtbot.keyClick(focus, Qt.Key.Key_Z, CTRL | SHIFT)


def history_lines(ctx: AppContext, kind: str, record_id: int, qtbot) -> list[str]:
    dialog = HistoryDialog(ctx.repo, kind, record_id)
    qtbot.addWidget(dialog)
    tree = dialog.tree
    return [tree.topLevelItem(i).text(1) for i in range(tree.topLevelItemCount())]


def test_citing_and_uncititing_a_source_are_undone_and_redone(window, qtbot, monkeypatch):
    ctx = window.ctx
    page = page_of(window, "deals")
    page.table.selectRow(0)
    qtbot.waitUntil(lambda: page.form.current_id == page.selected_id())
    deal_id = page.selected_id()
    panel = page.form.citations
    before = ctx.repo.citations("deal", deal_id)
    qtbot.mouseClick(panel.add_button, Qt.MouseButton.LeftButton)
    dialog = panel.dialog
    dialog.results.setCurrentRow(0)
    qtbot.mouseClick(widget(dialog, "citation.ok"), Qt.MouseButton.LeftButton)
    assert len(ctx.repo.citations("deal", deal_id)) == len(before) + 1
    assert window.undo_action.text() == "&Undo Add Citation"
    press_undo(page.table, qtbot)
    assert ctx.repo.citations("deal", deal_id) == before
    assert panel.list.count() == len(before)  # the panel follows the undo
    assert window.redo_action.text() == "&Redo Add Citation"
    press_redo(page.table, qtbot)
    cited = ctx.repo.citations("deal", deal_id)
    assert len(cited) == len(before) + 1 and panel.list.count() == len(cited)

    panel.list.setCurrentRow(panel.list.count() - 1)
    monkeypatch.setattr(citations_module.QMessageBox, "question",
                        staticmethod(lambda *args: QMessageBox.StandardButton.Yes))  # fmt: skip
    qtbot.mouseClick(panel.remove_button, Qt.MouseButton.LeftButton)
    assert ctx.repo.citations("deal", deal_id) == before
    assert window.undo_action.text() == "&Undo Remove Citation"
    press_undo(page.table, qtbot)
    assert ctx.repo.citations("deal", deal_id) == cited  # back as it was, same id
    assert history_lines(ctx, "deal", deal_id, qtbot)[:4] == [
        "Source cited", "Source no longer cited", "Source cited", "Source no longer cited"]


def test_an_exchange_rate_edit_is_undone_and_redone(window, qtbot):
    ctx = window.ctx
    add_rate(ctx.repo, "EUR", "USD", "2025-11-09", "1.08")
    dialog = ExchangeRatesDialog(ctx, "USD", window)
    qtbot.addWidget(dialog)
    with qtbot.waitActive(dialog):
        dialog.show()
        dialog.activateWindow()
    dialog.table.setFocus()
    dialog.table.setCurrentIndex(dialog.model.index(0, 2))
    qtbot.keyClick(dialog.table, Qt.Key.Key_F2)
    editor = dialog.table.viewport().findChild(QLineEdit)
    assert editor is not None and editor.text() == "1.08"
    editor.selectAll()
    qtbot.keyClicks(editor, "1.0825")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: list_rates(ctx.repo.conn)[0].text == "1.0825")
    assert dialog.model.index(0, 2).data() == "1.0825"
    assert window.undo_action.text() == "&Undo Edit Exchange Rate"
    window.undo_action.trigger()  # from the Edit menu while the dialog is open
    assert list_rates(ctx.repo.conn)[0].text == "1.08"
    assert dialog.model.index(0, 2).data() == "1.08"  # the open dialog shows it at once
    dialog.close()
    with qtbot.waitActive(window):
        window.activateWindow()
    press_redo(page_of(window, "deals").table, qtbot)
    assert list_rates(ctx.repo.conn)[0].text == "1.0825"
    press_undo(page_of(window, "deals").table, qtbot)
    assert list_rates(ctx.repo.conn)[0].text == "1.08"
    history = ChangeLogDialog(ctx.repo, "Rates", rate_history(ctx.repo, "USD"),
                              actions=KEPT_ACTIONS)
    qtbot.addWidget(history)
    changes = [history.tree.topLevelItem(i) for i in range(history.tree.topLevelItemCount())]
    assert [item.text(1) for item in changes] == ["EUR rate: Changed"] * 4
    assert [changes[0].child(0).text(c) for c in (1, 2, 3)] == ["Rate", "1.0825", "1.08"]


def test_a_saved_view_is_undone_and_redone(window, qtbot, monkeypatch):
    ctx = window.ctx
    page = page_of(window, "deals")
    bar = page.filter_bar
    monkeypatch.setattr(QInputDialog, "getText",
                        staticmethod(lambda *args, **kwargs: ("Magnet deals", True)))  # fmt: skip
    menu = bar.views_button.menu()
    menu.aboutToShow.emit()
    menu.findChild(type(window.undo_action), "filter.view.save").trigger()
    assert list_views(ctx.repo.conn, "deal") == ["Magnet deals"]
    assert window.undo_action.text() == "&Undo Save View “Magnet deals”"
    press_undo(page.table, qtbot)
    assert list_views(ctx.repo.conn, "deal") == []
    press_redo(page.table, qtbot)
    assert list_views(ctx.repo.conn, "deal") == ["Magnet deals"]
    menu.aboutToShow.emit()
    delete = menu.findChild(type(menu), "filter.view.delete")
    delete.actions()[0].trigger()
    assert list_views(ctx.repo.conn, "deal") == []
    press_undo(page.table, qtbot)
    assert list_views(ctx.repo.conn, "deal") == ["Magnet deals"]
    shown = []
    monkeypatch.setattr(ChangeLogDialog, "exec", lambda dialog: shown.append(dialog))
    menu.aboutToShow.emit()
    menu.findChild(type(window.undo_action), "filter.view.history").trigger()
    tree = shown[0].tree
    assert [tree.topLevelItem(i).text(1) for i in range(tree.topLevelItemCount())] == [
        f"View “Magnet deals”: {what}" for what in ("Added", "Removed", "Added", "Removed",
                                                    "Added")]  # fmt: skip


def test_a_refused_undo_changes_nothing_and_says_why(window, qtbot, capfd):
    ctx = window.ctx
    ctx.run(save_operation(ctx.repo, Company("Phoenix Tailings Recycling")))
    table = page_of(window, "companies").table
    steps = (ctx.undo_stack.count(), ctx.undo_stack.index(), ctx.undo_stack.undoText())
    with another_program_writing(ctx.path):
        press_undo(table, qtbot)
        assert ctx.repo.find_company("Phoenix Tailings Recycling") is not None
        assert window.statusBar().currentMessage() == f"Cannot undo Add Company: {BUSY}"
        assert window.undo_action.text() == "&Undo Add Company"  # still true
        assert window.undo_action.isEnabled() and not window.redo_action.isEnabled()
        assert (ctx.undo_stack.count(), ctx.undo_stack.index(), ctx.undo_stack.undoText()) == steps
    press_undo(table, qtbot)  # the file is free again: the same step is undone
    assert ctx.repo.find_company("Phoenix Tailings Recycling") is None
    assert window.redo_action.text() == "&Redo Add Company"
    with another_program_writing(ctx.path):
        press_redo(table, qtbot)
        assert window.statusBar().currentMessage() == f"Cannot redo Add Company: {BUSY}"
        assert ctx.repo.find_company("Phoenix Tailings Recycling") is None
        assert window.redo_action.text() == "&Redo Add Company"
    assert "Traceback" not in capfd.readouterr().err


def test_a_refused_delete_and_restore_say_why(window, qtbot, capfd):
    ctx = window.ctx
    page = page_of(window, "events")
    total = page.model.rowCount()
    page.table.selectRow(0)
    event_id = page.selected_id()
    with another_program_writing(ctx.path):
        page.table.setFocus()
        qtbot.keyClick(page.table, Qt.Key.Key_Delete)
        assert window.statusBar().currentMessage() == f"Not moved to the Trash: {BUSY}"
        assert not ctx.repo.is_deleted("event", event_id) and page.model.rowCount() == total
        assert ctx.undo_stack.count() == 0 and window.undo_action.text() == "&Undo"
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert ctx.repo.is_deleted("event", event_id)
    window.show_view("trash")
    trash = window.page("trash")
    trash.tabs.setCurrentIndex(1)  # Events
    qtbot.waitUntil(lambda: trash.models["event"].rowCount() == 1)
    trash.tables["event"].selectRow(0)
    with another_program_writing(ctx.path):
        qtbot.mouseClick(trash.restore_button, Qt.MouseButton.LeftButton)
        assert trash.message.text() == f"Not restored: {BUSY}"
        assert ctx.repo.is_deleted("event", event_id)
        assert window.undo_action.text().startswith("&Undo Delete Event")
    assert "Traceback" not in capfd.readouterr().err


def test_restoring_several_records_is_one_step(window, qtbot):
    ctx = window.ctx
    page = page_of(window, "events")
    deleted = []
    for _ in range(2):
        page.table.selectRow(0)
        deleted.append(page.selected_id())
        page.table.setFocus()
        qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    window.show_view("trash")
    trash = window.page("trash")
    trash.tabs.setCurrentIndex(1)  # Events
    qtbot.waitUntil(lambda: trash.models["event"].rowCount() == 2)
    trash.tables["event"].selectAll()
    qtbot.mouseClick(trash.restore_button, Qt.MouseButton.LeftButton)
    assert trash.message.text() == "Restored 2 records."
    assert window.undo_action.text() == "&Undo Restore 2 Records"
    press_undo(trash.tables["event"], qtbot)
    assert all(ctx.repo.is_deleted("event", event_id) for event_id in deleted)
    qtbot.waitUntil(lambda: trash.models["event"].rowCount() == 2)
