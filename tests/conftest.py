"""Shared test set-up: no screen, and no test ever touches the real home or settings."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _private_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Redirect Lodestone's data folder (and Qt's settings) into a temporary folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("LODESTONE_HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    return home
