"""Sources: the source form, and citing sources on a record from its Sources panel."""

from __future__ import annotations

import pytest
from lodestone.core.records import Citation, Company, Source, parse_fuzzy_date
from lodestone.ui.forms import citations as citations_module
from lodestone.ui.forms import source_form as source_form_module
from lodestone.ui.forms.company_form import CompanyForm
from lodestone.ui.forms.source_form import SourceForm
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from ui_helpers import type_in, widget

BENZINGA = "https://www.benzinga.com/news/25/11/vulcan-elements"






def click(qtbot, parent, name: str) -> None:
    qtbot.mouseClick(widget(parent, name), Qt.MouseButton.LeftButton)


@pytest.fixture
def opened(monkeypatch) -> list[str]:
    """URLs the app asked the desktop to open (instead of starting a browser)."""
    urls: list[str] = []
    record = staticmethod(lambda url: urls.append(url.toString()))
    monkeypatch.setattr(citations_module.QDesktopServices, "openUrl", record)
    assert source_form_module.QDesktopServices is citations_module.QDesktopServices
    return urls


@pytest.fixture
def company_form(ctx, show_widget) -> CompanyForm:
    form = show_widget(CompanyForm(ctx))
    form.load(ctx.repo.save(Company("Vulcan Elements")))
    return form


def test_a_new_source_by_typing(ctx, qtbot, show_widget, opened):
    form = show_widget(SourceForm(ctx))
    assert form.citations is None  # sources are what others cite
    type_in(qtbot, form, "source.url", BENZINGA)
    type_in(qtbot, form, "source.publisher", "Benzinga")
    type_in(qtbot, form, "source.title", "Vulcan Elements lands $1.4B")
    type_in(qtbot, form, "source.published", "Sunday, Nov 9, 2025")
    type_in(qtbot, form, "source.accessed", "2025-11-10")
    assert form.save()
    assert ctx.repo.get("source", form.current_id) == Source(
        BENZINGA, "Benzinga", "Vulcan Elements lands $1.4B", parse_fuzzy_date("2025-11-09"),
        "2025-11-10", id=form.current_id,
    )  # fmt: skip
    click(qtbot, form, "source.open")
    assert opened == [BENZINGA]


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("source.url", "www.benzinga.com", "URL 'www.benzinga.com' must start with http"),
        ("source.published", "32 Nov 2025", "Published date: '32 Nov 2025'"),
        ("source.accessed", "yesterday", "Accessed date 'yesterday' must be a day written"),
        ("source.accessed", "2024-01-01", "Accessed date (Jan 1, 2024) is before the published"),
    ],
)
def test_wrong_source_input_is_named_and_kept(ctx, qtbot, show_widget, name, text, message):
    form = show_widget(SourceForm(ctx))
    type_in(qtbot, form, "source.title", "A report")
    if name != "source.published":
        type_in(qtbot, form, "source.published", "2025")
    type_in(qtbot, form, name, text)
    assert not form.save()
    field = next(f for f in form.fields if f.editor.objectName() == name)
    assert message in (field.error() or ""), field.error()
    assert widget(form, name).text() == text
    assert ctx.repo.counts()["source"] == 0


def test_a_source_needs_something_to_find_it_by(ctx, qtbot, show_widget):
    form = show_widget(SourceForm(ctx))
    type_in(qtbot, form, "source.notes", "read somewhere")
    assert not form.save()
    assert form.fields[0].error() == "A URL, title or publisher is required"


def test_an_unsaved_record_cannot_be_cited_yet(ctx, show_widget):
    form = show_widget(CompanyForm(ctx))
    assert widget(form, "company.citations.note").isVisible()
    assert not form.citations.add_button.isEnabled()


def test_cite_a_new_source_with_a_quote(ctx, qtbot, company_form, opened):
    panel = company_form.citations
    click(qtbot, company_form, "company.citations.add")
    dialog = panel.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.tabs.setCurrentIndex(1)
    type_in(qtbot, dialog, "source.url", BENZINGA)
    type_in(qtbot, dialog, "source.publisher", "Benzinga")
    type_in(qtbot, dialog, "source.published", "2025-11-09")
    dialog.field.editor.setCurrentIndex(dialog.field.editor.findText("Name"))
    type_in(qtbot, dialog, "citation.quote", "Vulcan Elements, a magnet maker")
    click(qtbot, dialog, "citation.ok")
    assert not dialog.isVisible()
    company_id = company_form.current_id
    [citation] = ctx.repo.citations("company", company_id)
    assert (citation.field, citation.quote) == ("name", "Vulcan Elements, a magnet maker")
    assert ctx.repo.get("source", citation.source_id).publisher == "Benzinga"
    listed = widget(company_form, "company.citations.list")
    assert listed.count() == 1
    assert listed.item(0).text() == (
        "Benzinga (Nov 9, 2025)\nabout Name\n“Vulcan Elements, a magnet maker”"
    )
    rect = listed.visualItemRect(listed.item(0))
    qtbot.mouseClick(listed.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(listed.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [BENZINGA]
    assert not company_form.is_dirty()  # citing is saved at once, not a pending edit


def test_cite_an_existing_source_found_by_publisher(ctx, qtbot, company_form):
    ctx.repo.save(Source(BENZINGA, "Benzinga", "Vulcan Elements lands $1.4B"))
    ainvest = ctx.repo.save(Source("https://www.ainvest.com/news/x", "AInvest", "Rare earths"))
    click(qtbot, company_form, "company.citations.add")
    dialog = company_form.citations.dialog
    type_in(qtbot, dialog, "citation.search", "ainv")
    assert dialog.results.count() == 1 and dialog.results.currentRow() == 0
    click(qtbot, dialog, "citation.ok")
    [citation] = ctx.repo.citations("company", company_form.current_id)
    assert citation.source_id == ainvest.id and citation.quote == ""


def test_the_dialog_stays_open_with_the_reason(ctx, qtbot, company_form):
    click(qtbot, company_form, "company.citations.add")
    dialog = company_form.citations.dialog
    type_in(qtbot, dialog, "citation.search", "nothing matches this")
    type_in(qtbot, dialog, "citation.quote", "a quote worth keeping")
    click(qtbot, dialog, "citation.ok")
    assert dialog.isVisible()
    assert "Pick a source from the list" in dialog.search.error()
    dialog.tabs.setCurrentIndex(1)
    type_in(qtbot, dialog, "source.url", "benzinga.com/story")
    click(qtbot, dialog, "citation.ok")
    assert dialog.isVisible()
    url_field = dialog.source_form.fields[0]
    assert "URL 'benzinga.com/story' must start with http" in url_field.error()
    assert dialog.quote.text() == "a quote worth keeping"  # nothing typed is lost
    assert ctx.repo.counts()["source"] == 0
    assert ctx.repo.citations("company", company_form.current_id) == []
    click(qtbot, dialog, "citation.cancel")
    assert not dialog.isVisible()


def answer_removal(monkeypatch, answer) -> None:
    monkeypatch.setattr(
        citations_module.QMessageBox, "question", staticmethod(lambda *args: answer)
    )


@pytest.mark.parametrize(
    ("answer", "left"), [(QMessageBox.StandardButton.Yes, 0), (QMessageBox.StandardButton.No, 1)]
)
def test_remove_a_citation_after_asking(ctx, qtbot, monkeypatch, company_form, answer, left):
    source = ctx.repo.save(Source(BENZINGA, "Benzinga"))
    ctx.repo.add_citation(Citation(source.id, "company", company_form.current_id))
    listed = widget(company_form, "company.citations.list")
    assert listed.count() == 1  # the panel follows the tracker
    listed.setCurrentRow(0)
    answer_removal(monkeypatch, answer)
    click(qtbot, company_form, "company.citations.remove")
    assert len(ctx.repo.citations("company", company_form.current_id)) == left
    assert listed.count() == left
    assert ctx.repo.counts()["source"] == 1  # the source itself stays


def test_a_renamed_source_is_relisted(ctx, company_form):
    source = ctx.repo.save(Source(BENZINGA, "Benzinga"))
    ctx.repo.add_citation(Citation(source.id, "company", company_form.current_id))
    source.publisher = "Benzinga Pro"
    ctx.repo.save(source)
    assert widget(company_form, "company.citations.list").item(0).text() == "Benzinga Pro"


def test_a_new_source_and_its_citation_are_one_undo_step(ctx, qtbot, company_form):
    click(qtbot, company_form, "company.citations.add")
    dialog = company_form.citations.dialog
    dialog.tabs.setCurrentIndex(1)
    type_in(qtbot, dialog, "source.url", BENZINGA)
    click(qtbot, dialog, "citation.ok")
    assert ctx.undo_stack.undoText() == "Add Source and Citation"
    ctx.undo_stack.undo()
    assert ctx.repo.citations("company", company_form.current_id) == []
    assert ctx.repo.counts()["source"] == 0
    assert ctx.undo_stack.count() == 1 and not ctx.undo_stack.canUndo()  # one step, undone
    ctx.undo_stack.redo()
    [citation] = ctx.repo.citations("company", company_form.current_id)
    assert ctx.repo.get("source", citation.source_id).url == BENZINGA


def test_edit_a_citation_then_undo_it(ctx, qtbot, company_form):
    source = ctx.repo.save(Source(BENZINGA, "Benzinga"))
    ctx.repo.add_citation(Citation(source.id, "company", company_form.current_id, "", "old"))
    listed = widget(company_form, "company.citations.list")
    assert not widget(company_form, "company.citations.edit").isEnabled()
    listed.setCurrentRow(0)
    click(qtbot, company_form, "company.citations.edit")
    dialog = company_form.citations.dialog
    assert dialog.quote.text() == "old"
    dialog.field.editor.setCurrentIndex(dialog.field.editor.findText("Name"))
    dialog.quote.editor.selectAll()
    type_in(qtbot, dialog, "citation.quote", "Vulcan Elements, a magnet maker")
    click(qtbot, dialog, "citation.save")
    assert not dialog.isVisible()
    [citation] = ctx.repo.citations("company", company_form.current_id)
    assert (citation.field, citation.quote) == ("name", "Vulcan Elements, a magnet maker")
    assert listed.item(0).text() == "Benzinga\nabout Name\n“Vulcan Elements, a magnet maker”"
    assert ctx.undo_stack.undoText() == "Edit Citation"
    ctx.undo_stack.undo()
    [citation] = ctx.repo.citations("company", company_form.current_id)
    assert (citation.field, citation.quote) == ("", "old")
    assert listed.item(0).text() == "Benzinga\n“old”"
