"""The bundle's Qt plugin selection (packaging/bundle_rules.py), tested without PyInstaller."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

RULES_FILE = Path(__file__).resolve().parents[2] / "packaging" / "bundle_rules.py"


@pytest.fixture(scope="module")
def rules() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bundle_rules", RULES_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("plugin_type, name, kept", [
    ("platforms", "libqxcb.so", True),
    ("platforms", "libqwayland.so", True),
    ("platforms", "libqoffscreen.so", True),
    ("platforms", "libqeglfs.so", False),
    ("platforms", "libqvnc.so", False),
    ("imageformats", "libqsvg.so", True),
    ("imageformats", "libqtiff.so", False),
    ("iconengines", "libqsvgicon.so", True),
    ("platformthemes", "libqgtk3.so", False),
    ("platformthemes", "libqxdgdesktopportal.so", True),
    ("xcbglintegrations", "libqxcb-glx-integration.so", True),
    ("sqldrivers", "libqsqlite.so", False),  # a plugin type not listed at all
])
def test_keep_plugin(rules: ModuleType, plugin_type: str, name: str, kept: bool) -> None:
    assert rules.keep_plugin(plugin_type, f"/site/PySide6/Qt/plugins/{plugin_type}/{name}") is kept


@pytest.mark.parametrize("dest, kept", [
    ("PySide6/Qt/plugins/platforms/libqxcb.so", True),
    ("PySide6/Qt/plugins/platforms/libqlinuxfb.so", False),
    ("PySide6/Qt/translations/qtbase_de.qm", False),
    ("PySide6/Qt/lib/libQt6Core.so.6", True),
    ("resources/translations/notes.txt", True),  # only Qt's own translations are dropped
    ("resources/example/tracker.json", True),
    ("libicudata.so.73", True),
])
def test_keep_file(rules: ModuleType, dest: str, kept: bool) -> None:
    assert rules.keep_file(dest) is kept


def test_pruning_filters_what_the_qt_hooks_collect(rules: ModuleType) -> None:
    class LibraryInfo:
        def collect_plugins(self, plugin_type: str) -> list[tuple[str, str]]:
            return [(f"/qt/plugins/{plugin_type}/{name}", f"PySide6/Qt/plugins/{plugin_type}")
                    for name in ("libqxcb.so", "libqvnc.so")]

    assert rules.prune_plugins_at_collection(LibraryInfo) is True
    assert LibraryInfo().collect_plugins("platforms") == [
        ("/qt/plugins/platforms/libqxcb.so", "PySide6/Qt/plugins/platforms")]


def test_pruning_leaves_an_unknown_pyinstaller_alone(rules: ModuleType) -> None:
    class Renamed:
        pass

    assert rules.prune_plugins_at_collection(Renamed) is False
    assert not hasattr(Renamed, "collect_plugins")


def test_lazy_imports_are_never_excluded(rules: ModuleType) -> None:
    assert not set(rules.LAZY_IMPORTS) & set(rules.EXCLUDES)


def test_only_the_interpreter_is_stripped(rules: ModuleType, tmp_path: Path) -> None:
    """numpy's and Qt's libraries were patched by auditwheel and break when stripped."""
    inside = tmp_path / "_internal"
    for name in ("libpython3.11.so.1.0", "python3.11/lib-dynload/_ssl.cpython-311.so",
                 "numpy.libs/libscipy_openblas64_.so", "PySide6/Qt/lib/libQt6Core.so.6",
                 "numpy/_core/_multiarray_umath.cpython-311.so"):
        (inside / name).parent.mkdir(parents=True, exist_ok=True)
        (inside / name).write_bytes(b"\x7fELF")
    (inside / "libpython3.11.so").symlink_to(inside / "libpython3.11.so.1.0")
    assert rules.interpreter_binaries(tmp_path) == [
        inside / "libpython3.11.so.1.0", inside / "python3.11/lib-dynload/_ssl.cpython-311.so"]


def test_stripping_an_empty_folder_saves_nothing(rules: ModuleType, tmp_path: Path) -> None:
    assert rules.strip_interpreter(tmp_path) == 0
