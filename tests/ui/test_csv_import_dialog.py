"""File → Import CSV…, step by step as the analyst goes: a messy deals file with good and bad
rows, the columns matched and re-matched, the preview's problems, a company matched by hand,
invalid rows skipped, a backup first; and every bad choice named where it was made."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from lodestone.core.backups import list_backups
from lodestone.core.paths import AppPaths
from lodestone.core.samples.example import load_example
from lodestone.core.tracker import open_for_writing
from lodestone.ui.context import AppContext
from lodestone.ui.dialogs import csv_import as csv_import_dialog
from lodestone.ui.dialogs.csv_import import CsvImportDialog
from lodestone.ui.dialogs.history import HistoryDialog
from lodestone.ui.lists.model import RecordListModel
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QPushButton

LEFT = Qt.MouseButton.LeftButton
HEADERS = ["Company Name", "raisedAmt", "Lender", "Date Announced", "Type", "Headline", "Notes"]
AWARDS = ("Company Name,raisedAmt,Lender,Date Announced,Type,Headline,Notes\r\n"
          "Vulcan Elements Inc,$620 million,Office of Strategic Capital,2025-11,Loan,"
          "Magnet plant loan,first\r\n"
          "Acme Mining,\"1,400,000\",BMW i Ventures,Aug 2025,Equity,,second\r\n"
          "Bad Amount Co,lots of money,,2025-01,Grant,,third\r\n"
          "Bad Date Co,$5M,,32/13/2025,Grant,,fourth\r\n")  # fmt: skip


@pytest.fixture
def awards(tmp_path: Path) -> Path:
    path = tmp_path / "awards.csv"
    path.write_text(AWARDS, encoding="utf-8")
    return path


def open_dialog(qtbot, ctx: AppContext) -> CsvImportDialog:
    dialog = CsvImportDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def choose_file(dialog: CsvImportDialog, qtbot, monkeypatch, path: Path, kind: str = "deals"):
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))  # fmt: skip
    qtbot.mouseClick(dialog.findChild(QPushButton, "csvImport.browse"), LEFT)
    combo = dialog.source_page.kind
    combo.setCurrentIndex(combo.findData(kind))
    qtbot.mouseClick(dialog.next_button, LEFT)


def mapped(dialog: CsvImportDialog) -> list[str]:
    return [dialog.mapping_page.combo(row).currentText()
            for row in range(dialog.mapping_page.table.rowCount())]  # fmt: skip


def set_field(dialog: CsvImportDialog, header: str, field: str) -> None:
    combo = dialog.mapping_page.combo(dialog.mapping_page.headers.index(header))
    combo.setCurrentIndex(combo.findText(field))


def wait(qtbot, dialog: CsvImportDialog) -> None:
    qtbot.waitUntil(lambda: dialog.task is None, timeout=20_000)


def step(dialog: CsvImportDialog) -> int:
    return dialog.stack.currentIndex() + 1


# -- the columns --------------------------------------------------------------------------


def test_columns_are_matched_and_a_changed_mapping_is_kept(example_ctx, qtbot, monkeypatch,
                                                            awards):  # fmt: skip
    dialog = open_dialog(qtbot, example_ctx)
    choose_file(dialog, qtbot, monkeypatch, awards)
    assert step(dialog) == 2 and dialog.step.text() == "Step 2 of 4: match the columns"
    assert mapped(dialog) == ["recipient", "amount", "funder", "announced", "instrument",
                              "title", "description"]  # fmt: skip
    assert dialog.mapping_page.error.text() == ""
    set_field(dialog, "Notes", "ignore")
    set_field(dialog, "Headline", "ignore")
    qtbot.mouseClick(dialog.next_button, LEFT)
    assert step(dialog) == 3
    table = dialog.preview_page.table
    headers = [table.horizontalHeaderItem(i).text() for i in range(table.columnCount())]
    assert headers == ["Row", "recipient", "amount", "funder", "announced", "instrument",
                       "Problems"]  # fmt: skip
    qtbot.mouseClick(dialog.back_button, LEFT)
    qtbot.mouseClick(dialog.back_button, LEFT)
    assert step(dialog) == 1
    qtbot.mouseClick(dialog.next_button, LEFT)
    assert mapped(dialog)[5:] == ["ignore", "ignore"]  # the mapping stayed


def test_preview_shows_each_rows_problems(example_ctx, qtbot, monkeypatch, awards):
    dialog = open_dialog(qtbot, example_ctx)
    choose_file(dialog, qtbot, monkeypatch, awards)
    qtbot.mouseClick(dialog.next_button, LEFT)
    page = dialog.preview_page
    assert page.summary.text().startswith("The first 4 rows of the file: 1 ready, 3 with")
    assert "names no currency and no default currency" in page.table.item(1, 0).toolTip()
    qtbot.mouseClick(dialog.back_button, LEFT)
    qtbot.keyClicks(dialog.mapping_page.currency, "usd")
    qtbot.mouseClick(dialog.next_button, LEFT)
    assert page.summary.text() == ("The first 4 rows of the file: 2 ready, 2 with problems "
                                   "(in red; point at a row to read them).")  # fmt: skip
    assert page.problem_rows() == [2, 3]
    amount_column = 2
    assert "row 4, column 'raisedAmt' ('lots of money')" in page.table.item(2, 0).toolTip()
    assert "row 5, column 'Date Announced' ('32/13/2025')" in page.table.item(3, 0).toolTip()
    assert page.table.item(0, amount_column).toolTip() == "Read as $620,000,000.00 (USD)"
    assert page.table.item(1, amount_column).toolTip() == "Read as $1,400,000.00 (USD)"
    assert page.table.item(2, page.table.columnCount() - 1).text().startswith("raisedAmt: ")


# -- companies, skipping, the import ------------------------------------------------------


def test_import_with_a_company_chosen_by_hand_and_invalid_rows_skipped(
        qtbot, monkeypatch, tmp_path, awards):  # fmt: skip
    path, paths = tmp_path / "mine.db", AppPaths(tmp_path / "home")
    ctx = AppContext.from_session(open_for_writing(path, paths))
    try:
        load_example(ctx.repo)
        vulcan = ctx.repo.find_company("Vulcan Elements")
        deals = RecordListModel(ctx, "deal")
        before = deals.rowCount()
        dialog = open_dialog(qtbot, ctx)
        choose_file(dialog, qtbot, monkeypatch, awards)
        qtbot.keyClicks(dialog.mapping_page.currency, "USD")
        qtbot.mouseClick(dialog.next_button, LEFT)
        qtbot.mouseClick(dialog.next_button, LEFT)
        wait(qtbot, dialog)
        assert step(dialog) == 4
        page = dialog.companies_page
        assert page.summary.text().startswith("The import would add 2 deals and 2 new companies")
        assert page.names == ["Vulcan Elements Inc", "Acme Mining"]
        assert page.table.item(0, 3).text() == \
            "Likely the same as \u201cVulcan Elements\u201d (in the tracker)"
        assert "row 4, column 'raisedAmt'" in page.problems.toPlainText()
        combo = page.combo(0)
        combo.setCurrentIndex(combo.findText("Vulcan Elements"))
        qtbot.mouseClick(dialog.import_button, LEFT)
        assert dialog.task is None and "2 rows have problems" in dialog.error.text()
        assert deals.rowCount() == before  # nothing imported until they are skipped
        page.skip_invalid.setChecked(True)
        qtbot.mouseClick(dialog.import_button, LEFT)
        wait(qtbot, dialog)
        assert dialog.report is not None and dialog.report.written
        assert deals.rowCount() == before + 2  # the list was told
        assert "Imported 2 deals" in dialog.result_window.headline.text()
        assert "A backup was taken first." in dialog.result_window.headline.text()
        assert [b.reason for b in list_backups(paths, path)][0] == "before-import"
        title = "Magnet plant loan"
        deal_id = ctx.repo.conn.execute("SELECT id FROM deals WHERE title = ?", (title,))
        deal = ctx.repo.get("deal", deal_id.fetchone()[0])
        assert deal.parties[0].company_id == vulcan.id  # the choice, not a new company
        history = HistoryDialog(ctx.repo, "deal", deal.id)
        qtbot.addWidget(history)
        assert [history.tree.topLevelItem(i).text(1) for i in range(
            history.tree.topLevelItemCount())] == ["Imported from awards.csv, row 2"]  # fmt: skip
        assert ctx.repo.find_company("Vulcan Elements Inc") is None
        assert ctx.repo.find_company("Acme Mining") is not None
        rejected = awards.with_name("awards.rejected.csv").read_text(encoding="utf-8-sig")
        assert "Bad Amount Co" in rejected and "Bad Date Co" in rejected
        assert ctx.undo_stack.count() == 1  # the whole import is one step
        assert ctx.undo_stack.undoText() == "Import awards.csv"
        ctx.undo_stack.undo()  # the deals and the new companies go to the Trash at once
        assert deals.rowCount() == before and ctx.repo.find_company("Acme Mining") is None
        ctx.undo_stack.redo()
        assert deals.rowCount() == before + 2 and ctx.repo.find_company("Acme Mining")
    finally:
        ctx.close()


def test_cancelled_import_changes_nothing(example_ctx, qtbot, monkeypatch, awards):
    real = csv_import_dialog.import_csv

    def wait_for_cancel(*args, progress, cancelled, **kwargs):
        def report(done: int, total: int) -> None:
            progress(done, total)
            deadline = time.monotonic() + 10
            while not kwargs.get("dry_run") and not cancelled() and time.monotonic() < deadline:
                time.sleep(0.005)

        return real(*args, progress=report, cancelled=cancelled, **kwargs)

    monkeypatch.setattr(csv_import_dialog, "import_csv", wait_for_cancel)
    counts = example_ctx.repo.counts()
    dialog = open_dialog(qtbot, example_ctx)
    choose_file(dialog, qtbot, monkeypatch, awards)
    qtbot.mouseClick(dialog.next_button, LEFT)
    qtbot.mouseClick(dialog.next_button, LEFT)
    wait(qtbot, dialog)
    dialog.companies_page.skip_invalid.setChecked(True)
    qtbot.mouseClick(dialog.import_button, LEFT)
    task = dialog.task
    qtbot.waitUntil(lambda: task.dialog is not None and task.dialog.value() > 0)
    qtbot.mouseClick(task.dialog.findChild(QPushButton), LEFT)
    wait(qtbot, dialog)
    assert dialog.error.text() == "The import was cancelled; the tracker was not changed."
    assert example_ctx.repo.counts() == counts
    assert not awards.with_name("awards.rejected.csv").exists()


# -- bad input, named where it was made ---------------------------------------------------


@pytest.mark.parametrize(("content", "problem"), [
    (None, "does not exist"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a CSV file: it holds binary data"),
    (b"PK\x03\x04\x14\x00\x06\x00", "is a zip archive or an Excel workbook, not a CSV file"),
    (b"", "is empty"),
    (b"\r\n\r\n", "has no header row"),
])  # fmt: skip
def test_a_file_that_cannot_be_imported_is_named(example_ctx, qtbot, monkeypatch, tmp_path,
                                                 content, problem):  # fmt: skip
    path = tmp_path / "awards.csv"
    if content is not None:
        path.write_bytes(content)
    dialog = open_dialog(qtbot, example_ctx)
    choose_file(dialog, qtbot, monkeypatch, path)
    assert step(dialog) == 1
    assert dialog.source_page.error.text().startswith("Cannot import: ")
    assert problem in dialog.source_page.error.text()


def test_no_file_chosen(example_ctx, qtbot):
    dialog = open_dialog(qtbot, example_ctx)
    qtbot.mouseClick(dialog.next_button, LEFT)
    assert (step(dialog), dialog.source_page.error.text()) == (1, "Choose the CSV file to import.")


def test_the_wrong_kind_of_row_is_named(example_ctx, qtbot, monkeypatch, awards):
    dialog = open_dialog(qtbot, example_ctx)
    choose_file(dialog, qtbot, monkeypatch, awards, kind="events")
    assert step(dialog) == 2  # the analyst may still choose the column
    assert dialog.mapping_page.error.text() == (
        "No column of the file is mapped to date: set the column that holds it (or go Back "
        "and choose another kind of row).")
    qtbot.mouseClick(dialog.next_button, LEFT)
    assert step(dialog) == 2
    set_field(dialog, "Date Announced", "date")
    assert dialog.mapping_page.error.text() == ""


@pytest.mark.parametrize(("currency", "date_format", "problem"), [
    ("XYZ", "", "Default currency: unknown currency 'XYZ': expected an ISO 4217 code"),
    ("", "%Y", "Numeric dates: the date format '%Y' must give the day, the month and the year"),
    ("", "%d/%Q/%Y", "Numeric dates: the date format '%d/%Q/%Y' is not valid"),
])  # fmt: skip
def test_bad_options_are_named_and_keep_the_step(example_ctx, qtbot, monkeypatch, awards,
                                                 currency, date_format, problem):  # fmt: skip
    dialog = open_dialog(qtbot, example_ctx)
    choose_file(dialog, qtbot, monkeypatch, awards)
    page = dialog.mapping_page
    qtbot.keyClicks(page.currency, currency)
    page.date_format.setEditText(date_format)
    assert problem in page.error.text()
    qtbot.mouseClick(dialog.next_button, LEFT)
    assert step(dialog) == 2 and page.currency.text() == currency
    page.currency.clear()
    page.date_format.setEditText("%d/%m/%Y")
    assert page.error.text() == ""
    assert page.date_hint.text() == "21/05/2007 will be read as 21 May 2007."
    qtbot.mouseClick(dialog.next_button, LEFT)
    assert step(dialog) == 3


def test_two_columns_for_one_field_are_named(example_ctx, qtbot, monkeypatch, awards):
    dialog = open_dialog(qtbot, example_ctx)
    choose_file(dialog, qtbot, monkeypatch, awards)
    set_field(dialog, "Notes", "amount")
    assert dialog.mapping_page.error.text() == \
        "Two columns are set to amount: raisedAmt, Notes; keep one."
    qtbot.mouseClick(dialog.next_button, LEFT)
    assert step(dialog) == 2


def test_a_bad_currency_in_a_row_is_a_row_problem(example_ctx, qtbot, monkeypatch, tmp_path):
    path = tmp_path / "eur.csv"
    path.write_text("Recipient,Amount,Currency\nAcme,100,EUR\nBeta,200,XYZ\n", encoding="utf-8")
    dialog = open_dialog(qtbot, example_ctx)
    choose_file(dialog, qtbot, monkeypatch, path)
    qtbot.mouseClick(dialog.next_button, LEFT)
    assert dialog.preview_page.problem_rows() == [1]
    assert "'XYZ' is not a known ISO 4217 code" in dialog.preview_page.table.item(1, 0).toolTip()
