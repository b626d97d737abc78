"""Opening trackers into the window: the lock, damaged files, backups, switching files,
and leaving: the tracker closed cleanly, so the next start need not check it again."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest
from lodestone.core.backups import list_backups
from lodestone.core.paths import AppPaths
from lodestone.core.records import Company
from lodestone.core.storage import Repository, acquire
from lodestone.core.tracker import open_for_writing, recovery
from lodestone.ui import app as app_module
from lodestone.ui.app import WindowManager
from lodestone.ui.dialogs import storage as storage_dialogs
from PySide6.QtCore import QTimer


@pytest.fixture
def manager(tmp_path: Path, qapp, qtbot):
    paths = AppPaths(tmp_path / "home")
    manager = WindowManager(paths)
    yield manager
    if manager.window is not None:
        manager.window.close()
        manager.window.ctx.close()


@pytest.fixture
def errors(monkeypatch):
    shown: list[str] = []
    monkeypatch.setattr(app_module, "show_error", lambda parent, message: shown.append(message))
    return shown


def tracker_with_company(path: Path, name: str = "Vulcan Elements") -> Path:
    repo = Repository.open(path)
    repo.save(Company(name))
    repo.close()
    return path


def test_open_creates_takes_the_lock_and_backs_up(manager: WindowManager, tmp_path: Path, qtbot):
    path = tracker_with_company(tmp_path / "t.db")
    assert manager.open(path)
    window = manager.window
    assert not window.ctx.readonly
    assert window.ctx.session is not None and window.ctx.session.lock is not None
    qtbot.waitUntil(lambda: len(list_backups(manager.paths, path)) == 1, timeout=10000)
    assert window.auto_backup is not None


def test_a_tracker_held_elsewhere_opens_read_only_when_asked(
    manager: WindowManager, tmp_path: Path, monkeypatch
):
    path = tracker_with_company(tmp_path / "t.db")
    asked = []
    monkeypatch.setattr(storage_dialogs, "ask_locked",
                        lambda parent, error: asked.append(str(error)) or "readonly")  # fmt: skip
    with acquire(path):
        assert manager.open(path)
    assert "is open in Lodestone" in asked[0]
    assert manager.window.ctx.readonly
    assert "[read-only]" in manager.window.windowTitle()


def test_cancel_on_a_held_tracker_opens_nothing(manager: WindowManager, tmp_path, monkeypatch):
    path = tracker_with_company(tmp_path / "t.db")
    monkeypatch.setattr(storage_dialogs, "ask_locked", lambda parent, error: "cancel")
    with acquire(path):
        assert not manager.open(path)
    assert manager.window is None


@pytest.mark.parametrize("content", [b"", b"plain text, not a tracker"])
def test_files_that_are_not_trackers_are_refused_untouched(
    manager: WindowManager, tmp_path: Path, errors: list[str], content: bytes
):
    path = tmp_path / "t.db"
    path.write_bytes(content)
    assert not manager.open(path)
    assert len(errors) == 1 and str(path) in errors[0]
    assert path.read_bytes() == content


def test_damaged_tracker_offers_recovery_and_opens_the_backup(
    manager: WindowManager, tmp_path: Path, errors, monkeypatch, qtbot
):
    path = tracker_with_company(tmp_path / "t.db")
    assert manager.open(path)
    qtbot.waitUntil(lambda: len(list_backups(manager.paths, path)) == 1, timeout=10000)
    manager.window.close()
    manager.window.ctx.close()
    manager.window = None
    data = bytearray(path.read_bytes())
    data[4096:8192] = b"\xff" * 4096  # the first table page is garbage now
    path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(str(path) + suffix).unlink(missing_ok=True)
    monkeypatch.setattr(storage_dialogs, "ask_recover", lambda parent, error, backup: True)
    assert manager.open(path), errors
    assert manager.window.ctx.repo.find_company("Vulcan Elements") is not None
    assert any(p.name.startswith("t.db.damaged") for p in tmp_path.iterdir())


def test_opening_the_open_file_again_keeps_the_window(manager: WindowManager, tmp_path: Path):
    path = tracker_with_company(tmp_path / "t.db")
    assert manager.open(path)
    window = manager.window
    assert manager.open(path)
    assert manager.window is window


def test_switching_trackers_releases_the_first_lock(manager: WindowManager, tmp_path: Path):
    first = tracker_with_company(tmp_path / "a.db")
    second = tracker_with_company(tmp_path / "b.db", "MP Materials")
    assert manager.open(first)
    assert manager.open(second)
    assert manager.window.ctx.path == second
    with acquire(first):  # would raise LockedError if the first window still held it
        pass


def test_the_last_file_is_remembered_for_the_next_start(manager: WindowManager, tmp_path: Path):
    from lodestone.ui.app import last_file

    assert last_file(manager.paths) is None
    path = tracker_with_company(tmp_path / "mine.db")
    assert manager.open(path)
    manager.window.save_settings()
    assert last_file(manager.paths) == path
    path.unlink()
    assert last_file(manager.paths) is None  # a vanished file is not reopened


def closed_cleanly(path: Path) -> bool:
    with acquire(path) as lock:
        return recovery.unchanged_since_clean_close(path, lock.previous)


def test_the_backup_on_open_starts_after_the_first_paint(
    manager: WindowManager, tmp_path: Path, qtbot
):
    path = tracker_with_company(tmp_path / "t.db")
    assert manager.open(path)
    window = manager.window
    assert list_backups(manager.paths, path) == []  # shown, not painted yet: no backup started
    with qtbot.waitSignal(window.firstPainted):
        pass
    qtbot.waitUntil(lambda: len(list_backups(manager.paths, path)) == 1, timeout=10000)


def test_switching_before_the_first_paint_reads_nothing_closed(
    manager: WindowManager, tmp_path: Path, qtbot
):
    first = tracker_with_company(tmp_path / "a.db")
    second = tracker_with_company(tmp_path / "b.db", "MP Materials")
    assert manager.open(first)
    old_ctx = manager.window.ctx
    assert manager.open(second)  # the first window is replaced before it was ever painted
    assert old_ctx.closed
    # Its deferred counting and form would raise here (in a slot) if they read the closed file.
    qtbot.waitUntil(lambda: "1 companies" in manager.window.counts_label.text())
    qtbot.wait(100)
    assert manager.window.ctx.path == second


def test_leaving_closes_the_tracker_cleanly_so_the_next_open_skips_the_check(
    manager: WindowManager, tmp_path: Path, qtbot, monkeypatch
):
    path = tracker_with_company(tmp_path / "t.db")
    assert manager.open(path)
    qtbot.waitUntil(lambda: len(list_backups(manager.paths, path)) == 1, timeout=10000)
    manager.window.close()
    manager.close()
    assert manager.window is None
    checks: list[bool] = []
    original = recovery.check_on_open
    monkeypatch.setattr("lodestone.core.tracker.session.check_on_open",
                        lambda db, quick_check=True: checks.append(quick_check)
                        or original(db, quick_check=quick_check))  # fmt: skip
    open_for_writing(path, manager.paths, backup_on_open=False).close()
    assert checks == [False]


def test_run_gui_resumes_the_collector_once_painted_and_closes_cleanly_on_leaving(
    tmp_path: Path, qapp, monkeypatch
):
    """The command pauses the garbage collector while the window's modules load."""
    path = tracker_with_company(tmp_path / "t.db")
    collector_on: list[bool] = []
    show = WindowManager._show

    def show_then_leave(self, session) -> None:
        show(self, session)
        window = self.window

        def leave() -> None:
            collector_on.append(gc.isenabled())
            window.close()

        window.firstPainted.connect(lambda: QTimer.singleShot(0, leave))

    monkeypatch.setattr(WindowManager, "_show", show_then_leave)
    QTimer.singleShot(20000, qapp.quit)  # never hang the suite, whatever goes wrong
    gc.disable()
    try:
        status = app_module.run_gui(path, AppPaths(tmp_path / "home"))
    finally:
        gc.enable()
    assert status == 0 and collector_on == [True]
    assert closed_cleanly(path)


def older_tracker(db: Path, version: int) -> Path:
    """A tracker as an older Lodestone (schema `version`) left it."""
    import sqlite3

    from lodestone.core.storage.schema import APPLICATION_ID, KNOWN_MIGRATIONS, migration_set
    from sqlite_utils import Database

    conn = sqlite3.connect(db, isolation_level=None)
    migration_set().apply(Database(conn), stop_before=KNOWN_MIGRATIONS[version])
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute(f"PRAGMA user_version = {version}")
    conn.close()
    return db


def test_an_older_tracker_is_upgraded_under_a_notice(manager: WindowManager, tmp_path: Path,
                                                     monkeypatch):  # fmt: skip
    from lodestone.core.storage import SCHEMA_VERSION

    db = older_tracker(tmp_path / "old.db", SCHEMA_VERSION - 2)
    seen: list[tuple[str, bool]] = []
    real = app_module.open_for_writing

    def opening(*args, **kwargs):
        notices = [w for w in app_module.QApplication.topLevelWidgets()
                   if w.objectName() == "upgradeNotice" and w.isVisible()]  # fmt: skip
        seen.extend((w.labelText(), w.isVisible()) for w in notices)
        return real(*args, **kwargs)

    monkeypatch.setattr(app_module, "open_for_writing", opening)
    assert manager.open(db)
    assert len(seen) == 1 and seen[0][0].startswith("Upgrading old.db")
    conn = manager.window.ctx.repo.conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    manager.window.ctx.close()
    manager.window.close()
    manager.window = None
    seen.clear()
    assert app_module.stored_version(db) == SCHEMA_VERSION  # closed: the header is current
    assert manager.open(db) and seen == []  # up to date: opened without a word


@pytest.mark.parametrize(
    "content", [b"", b"not a database at all", b"SQLite format 3\0" + b"\xff" * 84]
)
def test_the_upgrade_hint_reads_any_file_without_failing(tmp_path: Path, content: bytes):
    path = tmp_path / "odd.db"
    path.write_bytes(content)
    assert app_module.stored_version(path) in (0, -1)
    assert app_module.stored_version(tmp_path / "missing.db") == 0


def test_restoring_a_backup_copies_it_off_the_gui_thread_then_reopens(
    manager: WindowManager, tmp_path: Path, qtbot, monkeypatch
):
    import threading

    from lodestone.core.backups import backup as backup_module

    path = tracker_with_company(tmp_path / "t.db", "First")
    assert manager.open(path)
    session = manager.window.ctx.session
    saved = session.backup_now()
    manager.window.ctx.repo.save(Company("Second"))
    copied_on: list[int] = []
    real = backup_module.restore_backup

    def noting_thread(backup: Path, dest: Path, **options: bool):
        copied_on.append(threading.get_ident())
        return real(backup, dest, **options)

    monkeypatch.setattr(backup_module, "restore_backup", noting_thread)
    manager.restore(saved.path)
    assert manager.restoring is not None and manager.window is None  # under way
    qtbot.waitUntil(lambda: manager.window is not None, timeout=20_000)
    assert copied_on and threading.get_ident() not in copied_on
    window = manager.window
    assert window.ctx.session is session and session.lock is not None and session.lock.held
    repo = window.ctx.repo
    assert repo.find_company("First") is not None and repo.find_company("Second") is None
