"""The storage dialogs as the analyst meets them: in use elsewhere, damaged, backups."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from lodestone.core.backups import list_backups, take_backup
from lodestone.core.history import save_operation
from lodestone.core.paths import AppPaths
from lodestone.core.records import Company
from lodestone.core.storage import DamagedTrackerError, LockedError, NewerSchemaError, TrackerError
from lodestone.core.storage.lock import LockHolder
from lodestone.core.tracker import ForeignWalError, open_for_writing
from lodestone.ui.dialogs.storage import (
    BackupsDialog,
    ask_locked,
    ask_recover,
    offer_recovery,
    reason_label,
)
from lodestone.ui.jobs.backup_jobs import AutoBackup
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QMessageBox

HOLDER = LockHolder("analyst-laptop", 4242, "ana", "2025-11-09T10:00:00+00:00")


@pytest.fixture
def answer(monkeypatch):
    """`answer("object name")`: the next message boxes are answered by clicking that button
    (None: closed without a click). Returns the boxes shown."""
    shown: list[QMessageBox] = []

    def use(object_name: str | None):
        def fake_exec(box: QMessageBox) -> int:
            shown.append(box)
            if object_name is not None:
                button = box.findChild(QAbstractButton, object_name)
                assert button is not None, f"no button {object_name}"
                button.click()
            return 0

        monkeypatch.setattr(QMessageBox, "exec", fake_exec)
        return shown

    return use


# -- in use elsewhere -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("button", "choice"),
    [("storage.openReadOnly", "readonly"), ("storage.cancel", "cancel"), (None, "cancel")],
)
def test_locked_tracker_names_the_holder(qapp, answer, tmp_path: Path, button, choice):
    shown = answer(button)
    assert ask_locked(None, LockedError(tmp_path / "t.db", HOLDER)) == choice
    text = shown[0].text()
    assert "on analyst-laptop (process 4242) since" in text
    assert [b.text() for b in shown[0].buttons() if b.objectName() == "storage.openReadOnly"] \
        == ["Open Read-Only"]


def test_unknown_holder_still_offers_read_only(qapp, answer, tmp_path: Path):
    shown = answer("storage.openReadOnly")
    assert ask_locked(None, LockedError(tmp_path / "t.db", None)) == "readonly"
    assert "another Lodestone" in shown[0].text()


# -- damaged ----------------------------------------------------------------------------


def make_tracker_with_backup(tmp_path: Path) -> tuple[Path, AppPaths]:
    db, paths = tmp_path / "t.db", AppPaths(tmp_path / "home")
    with open_for_writing(db, paths) as session:
        session.repo.save(Company("Vulcan Elements"))
        session.backup_now()
    return db, paths


def test_recovery_offer_says_what_will_happen(qapp, answer, tmp_path: Path):
    db, paths = make_tracker_with_backup(tmp_path)
    backup = list_backups(paths, db)[0]
    shown = answer("storage.recover")
    assert ask_recover(None, DamagedTrackerError(f"{db} is damaged"), backup)
    assert "restore the backup of" in shown[0].informativeText()
    assert shown[0].findChild(QAbstractButton, "storage.recover").text() == "Restore Backup"
    assert ask_recover(None, ForeignWalError("stray -wal"), backup)
    assert shown[1].findChild(QAbstractButton, "storage.recover").text() == "Move It Aside"
    assert ask_recover(None, DamagedTrackerError("damaged"), None)
    assert "no backup" in shown[2].informativeText()


@pytest.mark.parametrize("button", ["storage.cancel", None])
def test_declining_recovery_changes_nothing(qapp, answer, tmp_path: Path, button):
    db, paths = make_tracker_with_backup(tmp_path)
    db.write_bytes(b"SQLite format 3\x00" + b"\x07" * 5000)
    damaged = db.read_bytes()
    with pytest.raises(TrackerError) as failure:
        open_for_writing(db, paths)
    answer(button)
    assert not offer_recovery(None, db, failure.value, paths)
    assert db.read_bytes() == damaged


def test_accepted_recovery_restores_the_latest_good_backup(qapp, answer, tmp_path: Path):
    db, paths = make_tracker_with_backup(tmp_path)
    db.write_bytes(db.read_bytes()[:3000])
    with pytest.raises(TrackerError) as failure:
        open_for_writing(db, paths)
    answer("storage.recover")
    assert offer_recovery(None, db, failure.value, paths)
    aside = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("t.db.damaged-"))
    # the damaged file is kept, with whichever of its -wal and -shm it had
    assert aside and all(name in (aside[0], aside[0] + "-shm", aside[0] + "-wal") for name in aside)
    with open_for_writing(db, paths) as session:
        assert session.repo.find_company("Vulcan Elements") is not None


def test_files_recovery_must_not_touch_are_not_offered(qapp, answer, tmp_path: Path):
    shown = answer("storage.recover")
    paths = AppPaths(tmp_path / "home")
    assert not offer_recovery(None, tmp_path / "t.db", NewerSchemaError("newer"), paths)
    assert not offer_recovery(None, tmp_path / "t.db", LockedError(tmp_path, HOLDER), paths)
    assert shown == []


# -- the Backups dialog -------------------------------------------------------------------


def test_backups_listed_newest_first_with_date_reason_size(qtbot, ctx):
    take_backup(ctx.path, ctx.paths, "open", now=datetime(2025, 11, 8, 9, tzinfo=UTC))
    take_backup(ctx.path, ctx.paths, "before-import", now=datetime(2025, 11, 9, 9, tzinfo=UTC))
    dialog = BackupsDialog(ctx)
    qtbot.addWidget(dialog)
    table = dialog.table
    assert table.rowCount() == 2
    assert table.item(0, 0).text().startswith("2025-11-09")
    assert table.item(0, 1).text() == reason_label("before-import") == "Before import"
    assert table.item(1, 1).text() == "When opened"
    assert table.item(0, 2).text().endswith("KB")
    assert not dialog.restore_button.isEnabled()  # nothing selected yet


def test_empty_list_says_so(qtbot, ctx):
    dialog = BackupsDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0
    assert dialog.status.text() == "No backups yet."


def test_back_up_now_runs_off_the_gui_thread_and_lists_it(qtbot, ctx):
    dialog = BackupsDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.backupFinished, timeout=20_000) as finished:
        qtbot.mouseClick(dialog.back_up_button, Qt.MouseButton.LeftButton)
        assert not dialog.back_up_button.isEnabled()  # one at a time
        assert dialog.status.text() == "Backing up…"
    assert finished.args[0] is not None
    assert dialog.table.rowCount() == 1
    assert dialog.table.item(0, 1).text() == "Backed up by you"
    assert dialog.status.text().startswith("Backed up (")
    assert dialog.back_up_button.isEnabled()


def test_a_failed_backup_is_reported_in_the_dialog(qtbot, ctx):
    ctx.paths.backups_dir.parent.mkdir(parents=True, exist_ok=True)
    ctx.paths.backups_dir.write_text("in the way")
    dialog = BackupsDialog(ctx)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.backupFinished, timeout=20_000) as finished:
        dialog.back_up_now()
    assert finished.args == [None]
    assert dialog.status.text().startswith("Not backed up: the backups folder")


@pytest.mark.parametrize(("button", "requested"), [("storage.confirmRestore.restore", True),
                                                   (None, False)])
def test_restore_asks_then_hands_the_backup_to_the_app(qtbot, ctx, answer, button, requested):
    made = take_backup(ctx.path, ctx.paths, "manual")
    dialog = BackupsDialog(ctx)
    qtbot.addWidget(dialog)
    asked = answer(button)
    received = []
    dialog.restoreRequested.connect(received.append)
    dialog.table.selectRow(0)
    assert dialog.restore_button.isEnabled()
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert "Replace t.db with the backup of" in asked[0].text()
    assert received == ([made.path] if requested else [])
    assert dialog.result() == (dialog.DialogCode.Accepted if requested else 0)


def test_restoring_another_trackers_backup_asks_in_its_own_words(qtbot, ctx, answer, tmp_path):
    other = tmp_path / "other" / "t.db"
    other.parent.mkdir()
    with open_for_writing(other, ctx.paths, backup_on_open=False) as session:
        session.repo.save(Company("Someone else's"))
    theirs = take_backup(other, ctx.paths, "manual").path
    mine = take_backup(ctx.path, ctx.paths, "manual").path
    stray = mine.with_name(mine.name.replace("-manual", "-auto"))
    stray.write_bytes(theirs.read_bytes())  # their backup, copied among mine
    dialog = BackupsDialog(ctx)
    qtbot.addWidget(dialog)
    asked = answer("storage.confirmRestore.restore")
    own, others = [], []
    dialog.restoreRequested.connect(own.append)
    dialog.restoreOtherRequested.connect(others.append)
    dialog.table.selectRow([b.path for b in dialog.backups].index(stray))
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert "is of another tracker" in asked[0].text()
    assert (own, others) == ([], [stray])


def test_read_only_tracker_can_be_backed_up_not_restored(qtbot, make_ctx):
    ctx = make_ctx(readonly=True)
    take_backup(ctx.path, ctx.paths, "manual")
    dialog = BackupsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    assert not dialog.restore_button.isEnabled()
    assert dialog.back_up_button.isEnabled()


# -- automatic backups while editing -------------------------------------------------------


def test_auto_backup_only_after_edits(qtbot, ctx):
    auto = AutoBackup(ctx, minutes=5)
    assert auto.timer.isActive() and auto.timer.interval() == 300_000
    assert not auto.run_now()  # nothing edited
    ctx.run(save_operation(ctx.repo, Company("Vulcan Elements")))
    with qtbot.waitSignal(auto.backedUp, timeout=20_000) as made:
        assert auto.run_now()
        assert not auto.run_now()  # one at a time
    assert made.args[0].reason == "auto"
    assert not auto.run_now()  # no edits since
    auto.timer.stop()


def test_auto_backup_idle_on_a_read_only_tracker(qtbot, make_ctx):
    ctx = make_ctx(readonly=True)
    auto = AutoBackup(ctx)
    assert not auto.timer.isActive()
    auto._mark_edited()
    assert not auto.run_now()
