"""Shared test set-up: no screen, and no test ever touches the real home, settings or logs."""

from __future__ import annotations

import logging
import os
import sys
import threading

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Redirect Lodestone's data and log folders (and Qt's settings) into temporary folders,
    and the platform's own folders too. The logs get a folder of their own, so a test can
    still see that a command created nothing in the data folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("LODESTONE_HOME", str(home))
    monkeypatch.setenv("LODESTONE_LOG_DIR", str(tmp_path_factory.mktemp("logs")))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / "state"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / "cache"))
    return home


@pytest.fixture(autouse=True)
def _logging_restored():
    """A test that starts the window or the command line configures logging for the whole
    process: undo it, so the next test's records go nowhere near that test's folder."""
    from lodestone.core.logs import RotatingLogFile

    root = logging.getLogger()
    level = root.level
    hooks = sys.excepthook, threading.excepthook
    yield
    for handler in [h for h in root.handlers if isinstance(h, RotatingLogFile)]:
        root.removeHandler(handler)
        handler.close()
    root.setLevel(level)
    sys.excepthook, threading.excepthook = hooks
