"""Another program holds a write lock on the tracker: the form says so, keeps the typing,
retries without freezing, and saves once the file is free."""

from __future__ import annotations

import sqlite3
import time

import pytest
from lodestone.core.storage import Repository
from lodestone.core.tracker import open_for_writing
from lodestone.ui.context import AppContext
from lodestone.ui.forms import base
from lodestone.ui.forms.company_form import CompanyForm
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLineEdit


@pytest.fixture
def session_ctx(tmp_path, qapp):
    from lodestone.core.paths import AppPaths

    Repository.open(tmp_path / "t.db").close()
    session = open_for_writing(tmp_path / "t.db", AppPaths(tmp_path / "home"), backup_on_open=False)
    ctx = AppContext.from_session(session)
    yield ctx
    ctx.undo_stack.clear()
    ctx.close()


def test_busy_file_retries_and_saves_when_free(session_ctx, qtbot, show_widget, monkeypatch):
    monkeypatch.setattr(base, "BUSY_RETRY_MS", 50)
    form = show_widget(CompanyForm(session_ctx))
    form.load(None)
    name = form.findChild(QLineEdit, "company.name")
    name.setFocus()
    qtbot.keyClicks(name, "Vulcan Elements")
    other = sqlite3.connect(session_ctx.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program is writing
    started = time.monotonic()
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    assert time.monotonic() - started < 2  # the window did not wait out the lock
    assert "busy" in form.header.errors.text() and "Retrying" in form.header.errors.text()
    assert name.text() == "Vulcan Elements"
    assert session_ctx.repo.find_company("Vulcan Elements") is None
    other.execute("COMMIT")
    other.close()
    qtbot.waitUntil(lambda: session_ctx.repo.find_company("Vulcan Elements") is not None,
                    timeout=5000)  # fmt: skip
    assert not form.header.errors.isVisible()


def test_busy_for_too_long_says_not_saved(session_ctx, qtbot, show_widget, monkeypatch):
    monkeypatch.setattr(base, "BUSY_RETRY_MS", 10)
    monkeypatch.setattr(base, "BUSY_RETRIES", 2)
    form = show_widget(CompanyForm(session_ctx))
    form.load(None)
    name = form.findChild(QLineEdit, "company.name")
    name.setFocus()
    qtbot.keyClicks(name, "Energy Fuels")
    other = sqlite3.connect(session_ctx.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Not saved" in form.header.errors.text(), timeout=5000)
    assert name.text() == "Energy Fuels" and form.is_dirty()
    other.execute("ROLLBACK")
    other.close()
