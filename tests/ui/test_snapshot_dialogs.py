"""Export, import and compare snapshots from the File menu, as the analyst would: files chosen
in (faked) file dialogs, the work on a worker thread, the results and problems on screen."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from lodestone.core.backups import list_backups
from lodestone.core.paths import AppPaths
from lodestone.core.records import Company, parse_money
from lodestone.core.samples import GenerateSpec, generate_tracker
from lodestone.core.samples.example import load_example
from lodestone.core.snapshots import export_snapshot
from lodestone.core.snapshots.format import FILES
from lodestone.core.storage import Repository
from lodestone.core.tracker import open_for_writing
from lodestone.ui.context import AppContext
from lodestone.ui.dialogs import snapshot as snapshot_dialogs
from lodestone.ui.dialogs.compare import CompareDialog
from lodestone.ui.dialogs.snapshot import ExportSnapshotDialog, ImportSnapshotDialog
from lodestone.ui.lists.model import RecordListModel
from lodestone.ui.main_window import MainWindow
from PySide6.QtCore import QElapsedTimer, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox, QPushButton

LEFT = Qt.MouseButton.LeftButton
WRITES = {"export_snapshot": False, "import_snapshot": True, "import_csv": True,
          "compare_snapshots": False}  # fmt: skip


@pytest.fixture
def window(example_ctx: AppContext, qtbot) -> MainWindow:
    win = MainWindow(example_ctx)
    qtbot.addWidget(win)
    return win


def choose(monkeypatch, method: str, path: Path) -> None:
    """The next QFileDialog.<method> returns `path`, as if the analyst had picked it."""
    result = str(path) if method == "getExistingDirectory" else (str(path), "")
    monkeypatch.setattr(QFileDialog, method, staticmethod(lambda *a, **k: result))


def finish(qtbot, dialog, timeout: int = 20_000) -> None:
    """Wait until the dialog's background task has reported back."""
    qtbot.waitUntil(lambda: dialog.task is None, timeout=timeout)


def table_rows(repo: Repository) -> dict[str, list[tuple]]:
    return {spec.table: [tuple(r) for r in repo.conn.execute(
        f"SELECT * FROM {spec.table} ORDER BY {', '.join(spec.key)}")] for spec in FILES}


def open_from_menu(window: MainWindow, name: str) -> QDialog:
    action = window.findChild(QAction, f"action.{name}")
    action.trigger()
    dialogs = [d for d in window.findChildren(QDialog) if d.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


# -- the menu -----------------------------------------------------------------------------


def test_file_menu_entries_follow_open_example(window: MainWindow):
    names = [a.objectName() for a in window.file_menu.actions() if a.objectName()]
    start = names.index("action.open_example") + 1
    assert names[start:start + 4] == [f"action.{n}" for n in WRITES]
    export = window.findChild(QAction, "action.export_snapshot")
    assert export.shortcut().toString() == "Ctrl+E"
    assert all(window.findChild(QAction, f"action.{n}").isEnabled() for n in WRITES)


@pytest.mark.parametrize("name", list(WRITES))
def test_each_entry_opens_its_dialog(window: MainWindow, name: str):
    dialog = open_from_menu(window, name)
    assert dialog.windowTitle() and dialog.objectName()
    assert dialog.isModal() is (name != "compare_snapshots")  # compare: keep working beside it
    if name == "compare_snapshots":
        assert open_from_menu(window, name) is dialog  # asked again: the open one is raised


def test_read_only_tracker_disables_the_writing_actions(make_ctx, qtbot):
    win = MainWindow(make_ctx(readonly=True))
    qtbot.addWidget(win)
    for name, writes in WRITES.items():
        assert win.findChild(QAction, f"action.{name}").isEnabled() is not writes, name


# -- export -------------------------------------------------------------------------------


def test_export_then_import_into_a_new_tracker_gives_the_same_rows(
        window, example_ctx, make_ctx, qtbot, monkeypatch, tmp_path):  # fmt: skip
    dialog = open_from_menu(window, "export_snapshot")
    assert isinstance(dialog, ExportSnapshotDialog)
    dest = tmp_path / "out" / "november.zip"
    dest.parent.mkdir()
    choose(monkeypatch, "getSaveFileName", dest)
    qtbot.mouseClick(dialog.findChild(QPushButton, "export.browse"), LEFT)
    assert dialog.destination.text() == str(dest)
    dialog.excel.setChecked(True)
    qtbot.mouseClick(dialog.export_button, LEFT)
    finish(qtbot, dialog)
    (done,) = window.findChildren(QMessageBox, "export.done")
    rows = sum(len(r) for r in table_rows(example_ctx.repo).values())
    assert done.text() == f"Exported {rows:,} rows to {dest}."
    assert "13 companies, 3 deals" in done.informativeText()
    assert dest.is_file()
    qtbot.waitUntil(lambda: not window.findChildren(ExportSnapshotDialog))  # closed

    new = make_ctx(name="new.db")
    deals = RecordListModel(new, "deal")
    assert deals.rowCount() == 0
    importer = ImportSnapshotDialog(new)
    qtbot.addWidget(importer)
    choose(monkeypatch, "getOpenFileName", dest)
    qtbot.mouseClick(importer.findChild(QPushButton, "import.chooseZip"), LEFT)
    assert "13 companies, 3 deals" in importer.info.text()
    qtbot.mouseClick(importer.import_button, LEFT)
    finish(qtbot, importer)
    assert importer.error.text() == ""
    assert table_rows(new.repo) == table_rows(example_ctx.repo)
    assert deals.rowCount() == 3  # the lists were told
    report = importer.result_window
    assert report.objectName() == "import.report" and report.isVisible()
    assert report.text.toPlainText().startswith("Restored 13 companies")


@pytest.mark.parametrize(("name", "problem"), [
    ("", "Choose where to write the snapshot"),
    ("exists.zip", "already exists; choose a new folder or .zip name"),
    ("no-such-folder/x.zip", "does not exist"),
])  # fmt: skip
def test_export_refuses_a_bad_destination(example_ctx, qtbot, tmp_path, name, problem):
    (tmp_path / "exists.zip").write_bytes(b"keep me")
    dialog = ExportSnapshotDialog(example_ctx)
    qtbot.addWidget(dialog)
    dialog.destination.setText(str(tmp_path / name) if name else "")
    dialog.export()
    assert dialog.task is None and problem in dialog.error.text()
    assert (tmp_path / "exists.zip").read_bytes() == b"keep me"


def test_cancel_mid_export_leaves_nothing_behind(example_ctx, qtbot, monkeypatch, tmp_path):
    real = snapshot_dialogs.export_snapshot

    def wait_for_cancel(source, dest, *, excel, progress, cancelled):
        def report(done: int, total: int) -> None:
            progress(done, total)
            deadline = time.monotonic() + 10
            while not cancelled() and time.monotonic() < deadline:
                time.sleep(0.005)  # hold the export here, half written, until Cancel

        return real(source, dest, excel=excel, progress=report, cancelled=cancelled)

    monkeypatch.setattr(snapshot_dialogs, "export_snapshot", wait_for_cancel)
    dialog = ExportSnapshotDialog(example_ctx)
    qtbot.addWidget(dialog)
    folder = tmp_path / "snapshots"
    folder.mkdir()
    dialog.destination.setText(str(folder / "half"))
    dialog.export()
    task = dialog.task
    assert task is not None
    qtbot.waitUntil(lambda: task.dialog is not None and task.dialog.value() > 0)
    assert list(folder.iterdir())  # the export is under way, in a temporary folder
    cancel = task.dialog.findChild(QPushButton)
    qtbot.mouseClick(cancel, LEFT)
    finish(qtbot, dialog)
    assert dialog.error.text() == "The export was cancelled; nothing was written."
    assert list(folder.iterdir()) == []


def test_gui_thread_never_stalls_during_a_big_export(qtbot, monkeypatch, tmp_path):
    """A functional check that the export runs off the GUI thread, not a benchmark: a 10 ms
    timer on the GUI thread must keep firing while 50,000 events are written."""
    threads: list[int] = []
    real = snapshot_dialogs.export_snapshot

    def export_noting_thread(*args, **kwargs):
        threads.append(threading.get_ident())
        return real(*args, **kwargs)

    monkeypatch.setattr(snapshot_dialogs, "export_snapshot", export_noting_thread)
    path, paths = tmp_path / "big.db", AppPaths(tmp_path / "home")
    generate_tracker(path, paths, GenerateSpec(companies=200, deals=1000, events=50_000))
    ctx = AppContext.create(Repository.open(path), paths, path)
    try:
        dialog = ExportSnapshotDialog(ctx)
        qtbot.addWidget(dialog)
        dialog.destination.setText(str(tmp_path / "big.zip"))
        gaps: list[int] = []
        clock = QElapsedTimer()
        timer = QTimer()
        timer.setInterval(10)
        timer.timeout.connect(lambda: (gaps.append(clock.restart())))
        clock.start()
        timer.start()
        dialog.export()
        finish(qtbot, dialog, timeout=60_000)
        timer.stop()
        assert (tmp_path / "big.zip").is_file()
        assert dialog.result_window.objectName() == "export.done"
        assert len(gaps) > 5 and max(gaps) < 200, f"longest gap {max(gaps)} ms"
        assert threads and threads[0] != threading.get_ident()
    finally:
        ctx.close()


# -- import -------------------------------------------------------------------------------


def test_import_takes_a_backup_and_reports_conflicts(qtbot, monkeypatch, tmp_path):
    path, paths = tmp_path / "mine.db", AppPaths(tmp_path / "home")
    session = open_for_writing(path, paths)
    ctx = AppContext.from_session(session)
    try:
        load_example(ctx.repo)
        snap = tmp_path / "snap"
        export_snapshot(path, snap)
        company = ctx.repo.find_company("Vulcan Elements")
        company.website = "https://renamed.example"
        ctx.repo.save(company)
        ctx.repo.save(Company("Only In The Tracker"))
        dialog = ImportSnapshotDialog(ctx)
        qtbot.addWidget(dialog)
        choose(monkeypatch, "getExistingDirectory", snap)
        qtbot.mouseClick(dialog.findChild(QPushButton, "import.chooseFolder"), LEFT)
        qtbot.mouseClick(dialog.import_button, LEFT)
        finish(qtbot, dialog)
        assert [b.reason for b in list_backups(paths, path)][0] == "before-import"
        report = dialog.result_window
        text = report.text.toPlainText()
        assert "1 rows conflict with the tracker" in text
        assert f"companies.csv line {company.id + 1} ({company.id}): website is" in text
        assert "A backup was taken first." in report.headline.text()
        assert ctx.repo.find_company("Vulcan Elements").website == "https://renamed.example"
    finally:
        ctx.close()


@pytest.mark.parametrize(("make", "problem"), [
    (lambda p: p / "missing.zip", "does not exist"),
    (lambda p: (p / "notes.txt").write_text("hello") and p / "notes.txt",
     "is not a snapshot (neither a folder nor a .zip)"),
    (lambda p: (p / "empty").mkdir() or p / "empty", "it has no manifest.json"),
])  # fmt: skip
def test_import_names_what_is_wrong_with_the_snapshot(example_ctx, qtbot, tmp_path, make,
                                                      problem):  # fmt: skip
    dialog = ImportSnapshotDialog(example_ctx)
    qtbot.addWidget(dialog)
    dialog.set_source(make(tmp_path))
    assert problem in dialog.error.text() and dialog.error.text().startswith("Cannot import: ")
    assert not dialog.import_button.isEnabled()


# -- compare ------------------------------------------------------------------------------


def test_compare_shows_the_differences_in_a_tree(window, example_ctx, qtbot, monkeypatch,
                                                  tmp_path):  # fmt: skip
    before = tmp_path / "before.zip"
    export_snapshot(example_ctx.path, before)
    deal_id = example_ctx.repo.conn.execute(
        "SELECT id FROM deals WHERE title LIKE '%magnet%'").fetchone()[0]
    deal = example_ctx.repo.get("deal", deal_id)
    deal.tranches[0].amount = parse_money("$630 million")
    example_ctx.repo.save(deal)
    event_id = example_ctx.repo.conn.execute("SELECT min(id) FROM events").fetchone()[0]
    example_ctx.repo.delete("event", event_id)
    dialog = open_from_menu(window, "compare_snapshots")
    assert isinstance(dialog, CompareDialog)
    assert dialog.newer.text() == str(example_ctx.path)  # the open tracker, by default
    choose(monkeypatch, "getOpenFileName", before)
    qtbot.mouseClick(dialog.findChild(QPushButton, "compare.olderFile"), LEFT)
    qtbot.mouseClick(dialog.compare_button, LEFT)
    finish(qtbot, dialog)
    tree = dialog.tree
    tops = [tree.topLevelItem(i).text(0) for i in range(tree.topLevelItemCount())]
    assert tops == ["Deals (1 changed)", "Events (1 removed)"]
    record = tree.topLevelItem(0).child(0)
    assert record.text(0).startswith("~ ") and f"(deal {deal_id})" in record.text(0)
    field = record.child(0)
    assert [field.text(i) for i in range(3)] == ["tranche 1 amount", "620000000.00 USD",
                                                 "630000000.00 USD"]  # fmt: skip
    assert "moved to the Trash" in tree.topLevelItem(1).child(0).text(0)
    out = tmp_path / "changes.csv"
    choose(monkeypatch, "getSaveFileName", out)
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert "tranche 1 amount" in out.read_text(encoding="utf-8-sig")


def test_compare_names_a_missing_side(example_ctx, qtbot, tmp_path):
    dialog = CompareDialog(example_ctx)
    qtbot.addWidget(dialog)
    dialog.compare()
    assert dialog.error.text() == "Choose the older snapshot to compare."
    dialog.older.setText(str(tmp_path / "nope.zip"))
    dialog.compare()
    assert dialog.error.text() == f"Cannot compare: {tmp_path / 'nope.zip'} does not exist."
    (tmp_path / "junk.db").write_text("not a tracker")
    dialog.older.setText(str(tmp_path / "junk.db"))
    dialog.compare()
    finish(qtbot, dialog)
    assert dialog.error.text().startswith("Cannot compare: ") and "junk.db" in dialog.error.text()
