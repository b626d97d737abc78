"""Inside the bundle, resources are found where PyInstaller unpacks them (`sys._MEIPASS`)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from lodestone.core.paths import resources_dir

ROOT = Path(__file__).resolve().parents[2]


def test_a_bundle_uses_its_own_resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "resources").mkdir()
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_dir() == tmp_path / "resources"


def test_a_bundle_without_resources_falls_back(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources_dir() == ROOT / "resources"


def test_outside_a_bundle_the_repository_resources(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    assert resources_dir() == ROOT / "resources"
