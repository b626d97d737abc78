"""What every record form shares: dirtiness, Save and Revert, Ctrl+S and Esc, the leave
prompt, following undo, read-only trackers, accessible names and Tab order."""

from __future__ import annotations

import pytest
from lodestone.core.history import save_operation
from lodestone.core.records import Company
from lodestone.ui.forms import base
from lodestone.ui.forms.base import confirm_leave
from lodestone.ui.forms.company_form import CompanyForm
from lodestone.ui.forms.event_form import EventForm
from lodestone.ui.forms.source_form import SourceForm
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QApplication,
    QComboBox,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPlainTextEdit,
    QWidget,
)

FORMS = [CompanyForm, EventForm, SourceForm]
Buttons = QMessageBox.StandardButton


def name_editor(form: CompanyForm) -> QLineEdit:
    editor = form.findChild(QLineEdit, "company.name")
    assert editor is not None
    return editor


@pytest.fixture
def vulcan(ctx) -> Company:
    return ctx.repo.save(Company("Vulcan Elements", country="US"))


@pytest.fixture
def form(ctx, show_widget, vulcan) -> CompanyForm:
    form = show_widget(CompanyForm(ctx))
    form.load(ctx.repo.get("company", vulcan.id))
    return form


def test_save_is_enabled_only_while_there_are_edits(qtbot, form):
    dirty = []
    form.dirtyChanged.connect(dirty.append)
    assert not form.save_button.isEnabled() and not form.is_dirty()
    name = name_editor(form)
    name.setFocus()
    qtbot.keyClicks(name, "!")
    assert form.save_button.isEnabled() and form.is_dirty()
    qtbot.keyClick(name, Qt.Key.Key_Backspace)  # back to what is stored: nothing to save
    assert not form.save_button.isEnabled() and not form.is_dirty()
    assert dirty == [True, False]


def test_esc_reverts_every_field(ctx, qtbot, form, vulcan):
    name = name_editor(form)
    name.setFocus()
    qtbot.keyClicks(name, " Inc")
    country = form.findChild(QLineEdit, "company.country")
    country.setFocus()
    qtbot.keyClicks(country, "x")
    qtbot.keyClick(country, Qt.Key.Key_Escape)
    assert name.text() == "Vulcan Elements" and country.text() == "United States (US)"
    assert not form.is_dirty()
    assert ctx.repo.get("company", vulcan.id).name == "Vulcan Elements"


def test_esc_reverts_a_new_form_to_blank(qtbot, ctx, show_widget):
    form = show_widget(CompanyForm(ctx))
    name = name_editor(form)
    name.setFocus()
    qtbot.keyClicks(name, "Draft")
    qtbot.keyClick(name, Qt.Key.Key_Escape)
    assert name.text() == "" and form.current_id is None and not form.is_dirty()


def test_ctrl_s_saves_from_any_field(ctx, qtbot, form, vulcan):
    name = name_editor(form)
    name.setFocus()
    qtbot.keyClicks(name, " Inc")
    notes = form.findChild(QPlainTextEdit, "company.notes")
    notes.setFocus()
    qtbot.keyClicks(notes, "Magnets in South Carolina")
    with qtbot.waitSignal(form.savedRecord):
        qtbot.keyClick(notes, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    stored = ctx.repo.get("company", vulcan.id)
    assert (stored.name, stored.notes) == ("Vulcan Elements Inc", "Magnets in South Carolina")
    assert not form.is_dirty()


def test_a_refused_save_keeps_the_form_dirty_and_writes_nothing(ctx, qtbot, form, vulcan):
    name = name_editor(form)
    name.selectAll()
    qtbot.keyClick(name, Qt.Key.Key_Delete)
    assert not form.save()
    assert form.is_dirty() and name.text() == ""
    assert ctx.repo.get("company", vulcan.id).name == "Vulcan Elements"


def answer_with(monkeypatch, answer: Buttons) -> list[str]:
    """Make the leave prompt answer by itself; returns the texts it was asked with."""
    asked: list[str] = []

    def warning(parent, title, text, buttons, default):
        asked.append(text)
        assert buttons == Buttons.Save | Buttons.Discard | Buttons.Cancel
        return answer

    monkeypatch.setattr(base.QMessageBox, "warning", staticmethod(warning))
    return asked


def make_edit(qtbot, form, text: str = " Inc") -> None:
    name = name_editor(form)
    name.setFocus()
    qtbot.keyClicks(name, text)


def test_leaving_a_clean_form_asks_nothing(monkeypatch, form):
    asked = answer_with(monkeypatch, Buttons.Cancel)
    assert confirm_leave(form) and asked == []


def test_leaving_and_answering_save_saves(ctx, qtbot, monkeypatch, form, vulcan):
    asked = answer_with(monkeypatch, Buttons.Save)
    make_edit(qtbot, form)
    assert confirm_leave(form)
    assert "Vulcan Elements" in asked[0]
    assert ctx.repo.get("company", vulcan.id).name == "Vulcan Elements Inc"


def test_leaving_with_save_that_is_refused_stays(ctx, qtbot, monkeypatch, form, vulcan):
    answer_with(monkeypatch, Buttons.Save)
    ticker = form.findChild(QLineEdit, "company.ticker")
    ticker.setFocus()
    qtbot.keyClicks(ticker, "NYSE:MP")
    assert not confirm_leave(form)
    assert ticker.text() == "NYSE:MP" and form.is_dirty()
    assert ctx.repo.get("company", vulcan.id).ticker == ""


def test_leaving_and_answering_discard_reverts(ctx, qtbot, monkeypatch, form, vulcan):
    answer_with(monkeypatch, Buttons.Discard)
    make_edit(qtbot, form)
    assert confirm_leave(form)
    assert name_editor(form).text() == "Vulcan Elements" and not form.is_dirty()
    assert ctx.repo.get("company", vulcan.id).name == "Vulcan Elements"


def test_leaving_and_answering_cancel_keeps_the_edits(ctx, qtbot, monkeypatch, form, vulcan):
    answer_with(monkeypatch, Buttons.Cancel)
    make_edit(qtbot, form)
    assert not confirm_leave(form)
    assert name_editor(form).text() == "Vulcan Elements Inc" and form.is_dirty()
    assert ctx.repo.get("company", vulcan.id).name == "Vulcan Elements"


def test_undo_and_redo_show_up_in_a_clean_form(ctx, qtbot, form, vulcan):
    make_edit(qtbot, form)
    assert form.save()
    ctx.undo_stack.undo()
    assert name_editor(form).text() == "Vulcan Elements" and not form.is_dirty()
    ctx.undo_stack.redo()
    assert name_editor(form).text() == "Vulcan Elements Inc"


def test_a_change_elsewhere_never_overwrites_typing(ctx, qtbot, form, vulcan):
    make_edit(qtbot, form, " (draft)")
    ctx.run(save_operation(ctx.repo, Company("Vulcan Elements", notes="elsewhere", id=vulcan.id)))
    assert name_editor(form).text() == "Vulcan Elements (draft)"
    notes = form.findChild(QPlainTextEdit, "company.notes")
    assert notes.toPlainText() == ""
    notice = form.findChild(QWidget, "company.notice")
    assert notice.isVisible() and "changed elsewhere" in notice.text()
    form.revert()
    assert notes.toPlainText() == "elsewhere" and not notice.isVisible()


def test_saving_a_clean_form_adds_no_undo_step(ctx, form):
    assert form.save() and ctx.undo_stack.count() == 0


def test_undoing_a_new_record_marks_it_in_the_trash(ctx, qtbot, form):
    form.load(None)
    make_edit(qtbot, form, "Energy Fuels")
    assert form.save()
    ctx.undo_stack.undo()
    assert form.title_label.text() == "Company: Energy Fuels (in the Trash)"


def test_a_read_only_tracker_shows_but_never_saves(make_ctx, show_widget):
    writable = make_ctx()
    company = writable.repo.save(Company("MP Materials", ticker="MP", exchange="NYSE"))
    readonly = make_ctx(readonly=True)
    form = show_widget(CompanyForm(readonly))
    form.load(readonly.repo.get("company", company.id))
    assert name_editor(form).isReadOnly()
    assert not form.save_button.isVisible() and not form.revert_button.isVisible()
    assert not form.citations.add_button.isVisible()
    assert form.findChild(QComboBox, "company.kind").isEnabled() is False
    assert not form.save()
    assert readonly.undo_stack.count() == 0


INPUTS = (QLineEdit, QPlainTextEdit, QComboBox, QListWidget, QAbstractButton)


@pytest.mark.parametrize("form_class", FORMS)
def test_every_input_is_named_as_its_label(ctx, show_widget, form_class):
    form = show_widget(form_class(ctx))
    for field in form.fields:
        assert field.label.isVisible() and field.label.text() == field.label_text
        assert field.editor.accessibleName() == field.label.text()
        assert field.label.buddy() is field.editor
    for widget in form.findChildren(QWidget):
        if isinstance(widget, INPUTS) and widget.focusPolicy() != Qt.FocusPolicy.NoFocus:
            assert widget.accessibleName(), widget.objectName() or widget
            assert widget.objectName().startswith(f"{form.KIND}."), widget.objectName()
    names = [w.objectName() for w in form.findChildren(QWidget) if isinstance(w, INPUTS)]
    assert len(names) == len(set(names))  # stable and unique
    assert form.save_button.objectName() == f"{form.KIND}.save"


def tab_through(qtbot, form) -> list[QWidget]:
    """Press Tab from the first field until the focus comes back round; the order visited."""
    first = form.fields[0].editor
    first.setFocus()
    visited = [first]
    for _ in range(60):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        current = QApplication.focusWidget()
        if current is first:
            return visited
        visited.append(current)
    raise AssertionError(f"Tab never came back: {[w.objectName() for w in visited]}")


@pytest.mark.parametrize("form_class", FORMS)
def test_tab_follows_the_form_top_to_bottom(ctx, qtbot, show_widget, form_class):
    form = show_widget(form_class(ctx))
    form.fields[0].editor.setFocus()
    qtbot.keyClicks(form.fields[0].editor, "x")  # dirty: Save and Revert join the chain
    visited = tab_through(qtbot, form)
    editors = [f.editor for f in form.fields]
    order = [w for w in visited if w in editors]
    assert order == editors  # every field, in the order they are laid out
    tops = [w.mapTo(form, w.rect().topLeft()).y() for w in visited if w in editors]
    assert tops == sorted(tops)
    assert visited[-2:] == [form.save_button, form.revert_button]


@pytest.mark.parametrize("form_class", FORMS)
def test_every_example_record_loads_clean_and_reads_back_unchanged(ctx, show_widget, form_class):
    """Showing a record and reading the form back must give the very same record: else
    merely opening a record would mark it edited, or a save would quietly change it."""
    from lodestone.core.lists import ListQuery, fetch_rows
    from lodestone.core.samples.example import load_example

    load_example(ctx.repo)
    form = show_widget(form_class(ctx))
    rows = fetch_rows(ctx.repo.conn, ListQuery(form.KIND), 0, 1000)
    assert rows
    for row in rows:
        record = ctx.repo.get(form.KIND, row.id)
        form.load(record)
        assert not form.is_dirty(), record
        assert form.gather() == (record, [])
        assert form.save() and ctx.undo_stack.count() == 0  # nothing to write


def test_a_long_loaded_name_shows_its_start_and_is_continued_at_its_end(ctx, qtbot, show_widget):
    """Read as loaded: the first words, not the last; focused by the program (Enter on a
    record), typing continues the text at its end."""
    long = ctx.repo.save(Company("Ministry of Economy, Trade and Industry of Japan " * 3))
    form = show_widget(CompanyForm(ctx))
    name = name_editor(form)
    name.clearFocus()  # the list has the focus when a record is chosen
    form.load(ctx.repo.get("company", long.id))
    assert name.cursorPosition() == 0
    name.setFocus()
    qtbot.keyClicks(name, "!")
    assert name.text() == long.name + "!"
    form.load(ctx.repo.get("company", long.id))  # loaded while focused: the cursor stays put
    assert name.cursorPosition() == len(long.name)
