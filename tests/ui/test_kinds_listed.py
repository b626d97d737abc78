"""Every record kind the window offers (sidebar, pages, forms, counts, Edit menu) is one of
the core registry's, in its order, with its nouns."""

from __future__ import annotations

import pytest
from lodestone.core.records import KIND_NAMES, RECORD_KINDS, record_kind
from lodestone.ui.context import AppContext
from lodestone.ui.lists.form_slot import FORM_CLASSES, make_form
from lodestone.ui.lists.page import ListPage
from lodestone.ui.lists.trash_page import TAB_ORDER, TrashPage
from lodestone.ui.main_window import NEW_RECORD_ACTIONS, MainWindow
from lodestone.ui.render_args import KIND_NAMES as RENDER_KINDS
from lodestone.ui.render_args import RENDERABLE


@pytest.fixture
def window(ctx: AppContext, qtbot):
    win = MainWindow(ctx)
    qtbot.addWidget(win)
    with qtbot.waitSignal(win.firstPainted):
        win.show()
    qtbot.waitUntil(lambda: win.counts_label.text() != "")
    yield win
    win.ctx.undo_stack.clear()


def test_the_sidebar_lists_the_registrys_kinds_first_in_its_order(window: MainWindow):
    titles = [window.sidebar.item(row).text() for row in range(window.sidebar.count())]
    assert titles[: len(RECORD_KINDS)] == [kind.plural.capitalize() for kind in RECORD_KINDS]
    for kind in RECORD_KINDS:
        page = window.page(kind.plural)
        assert isinstance(page, ListPage) and page.kind == kind.name
        assert page.table.accessibleName() == f"{kind.title} list"
        assert page.filter_bar.search.placeholderText().startswith(f"Search {kind.plural}")


def test_the_status_bar_counts_every_kind(window: MainWindow):
    assert window.counts_label.text() == "  ·  ".join(f"0 {kind.plural}" for kind in RECORD_KINDS)


def test_each_kind_has_its_form_and_only_registered_kinds_do(ctx: AppContext, qtbot):
    assert set(FORM_CLASSES) == set(RECORD_KINDS)
    for name in KIND_NAMES:
        form = make_form(ctx, name)
        qtbot.addWidget(form)
        assert form.KIND == name
        assert form.heading() == f"New {record_kind(name).title.lower()}"


def test_the_edit_menu_adds_records_of_registered_kinds(window: MainWindow):
    assert set(NEW_RECORD_ACTIONS) <= set(RECORD_KINDS)
    for kind, (text, _keys) in NEW_RECORD_ACTIONS.items():
        action = window.findChild(type(window.undo_action), f"action.new_{kind.name}")
        assert action.text().replace("&", "") == f"New {kind.title}" == text.replace("&", "")
        action.trigger()
        assert window.current_view() == kind.plural


def test_the_trash_has_a_tab_for_every_kind(window: MainWindow):
    assert sorted(TAB_ORDER, key=RECORD_KINDS.index) == list(RECORD_KINDS)
    trash = window.page("trash")
    assert isinstance(trash, TrashPage)
    assert [trash.tabs.tabText(i) for i in range(trash.tabs.count())] == [
        kind.plural.capitalize() for kind in TAB_ORDER]
    assert set(trash.models) == set(KIND_NAMES)


def test_the_render_commands_kinds_are_the_registrys():
    """`lodestone render` checks its arguments without importing core: the same names."""
    assert RENDER_KINDS == KIND_NAMES
    assert RENDERABLE[: len(RECORD_KINDS)] == tuple(kind.plural for kind in RECORD_KINDS)
