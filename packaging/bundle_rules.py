"""What goes into the PyInstaller bundle beyond what its analysis finds, and what stays out.

Kept apart from lodestone.spec so the choices are plain Python: linted, and tested without
PyInstaller installed. The spec imports this module.

Why prune Qt plugins at all: PyInstaller collects every plugin of each type a Qt module may
use, and then bundles each plugin's libraries. The GTK 3 platform theme alone drags in cairo,
pango and GLib's GIO, which then clash with the desktop's own GTK when the theme loads; the
eglfs/linuxfb/vnc platforms and most image formats are never used by a desktop tracker.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path, PurePath

# Plugin folders kept, and the files kept in each ("*" keeps the folder whole). Qt draws PNG
# without a plugin; the SVG icon needs imageformats/qsvg and iconengines/qsvgicon. X11 (xcb)
# and Wayland for desktops, offscreen for `lodestone render` and the tests.
QT_PLUGINS: dict[str, set[str] | str] = {
    "platforms": {"libqxcb.so", "libqwayland.so", "libqoffscreen.so", "libqminimal.so"},
    "imageformats": {"libqsvg.so", "libqjpeg.so"},
    "iconengines": {"libqsvgicon.so"},
    "platformthemes": {"libqxdgdesktopportal.so"},  # file dialogs through the desktop portal
    "platforminputcontexts": "*",  # compose keys and input methods (ibus)
    "xcbglintegrations": "*",
    "wayland-decoration-client": "*",
    "wayland-graphics-integration-client": "*",
    "wayland-shell-integration": {"libxdg-shell.so"},  # the shell protocol of every desktop
}

# Modules that would only add weight: other Qt bindings and Qt modules we never import,
# pyqtgraph's OpenGL, Jupyter and example code, and test tools of a developer's environment.
EXCLUDES = [
    "tkinter", "PyQt5", "PyQt6", "PySide2", "OpenGL", "matplotlib", "scipy", "IPython",
    "pyqtgraph.opengl", "pyqtgraph.jupyter", "pyqtgraph.examples", "pyqtgraph.canvas",
    "PySide6.QtQml", "PySide6.QtQuick", "PySide6.QtNetwork", "PySide6.QtSql", "PySide6.QtTest",
    "PySide6.QtDBus",
    "pytest", "pytestqt", "_pytest", "hypothesis",
]

# Imported inside functions (views built on first show, subcommands) or by name: collected even
# when PyInstaller's bytecode scan cannot see them. pyqtgraph's plot items import QtOpenGL and
# QtOpenGLWidgets through importlib (the chart fails to build without them, even drawn in
# software); never excluded, for that reason.
LAZY_IMPORTS = [
    "pyqtgraph", "pyqtgraph.exporters", "numpy", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets",
]


def keep_plugin(plugin_type: str, filename: str) -> bool:
    """Whether one Qt plugin file (by its folder name and file name) belongs in the bundle."""
    wanted = QT_PLUGINS.get(plugin_type)
    if wanted is None:
        return False
    return wanted == "*" or PurePath(filename).name in wanted


def keep_file(dest: str) -> bool:
    """Whether a collected file (by its path inside the bundle) stays: Qt plugins are kept as
    keep_plugin says, Qt's translations are dropped (Lodestone's interface is English)."""
    parts = PurePath(dest).parts
    if "Qt" in parts and "translations" in parts:
        return False
    if "Qt" in parts and "plugins" in parts:
        rest = parts[parts.index("plugins") + 1:]
        return len(rest) < 2 or keep_plugin(rest[0], rest[-1])
    return True


def prune_plugins_at_collection(library_info: type) -> bool:
    """Filter plugins where PyInstaller's Qt hooks collect them, so the libraries that only the
    dropped plugins need are never analysed or bundled. Returns False, leaving the hooks as
    they are, if this PyInstaller's `QtLibraryInfo` no longer has `collect_plugins`; the
    bundle then still drops the plugins (keep_file), only their libraries stay."""
    original: Callable[..., list[tuple[str, str]]] | None = getattr(
        library_info, "collect_plugins", None)
    if original is None:
        return False

    def collect_kept_plugins(self: object, plugin_type: str) -> list[tuple[str, str]]:
        return [entry for entry in original(self, plugin_type)
                if keep_plugin(plugin_type, entry[0])]

    library_info.collect_plugins = collect_kept_plugins  # type: ignore[attr-defined]
    return True


def interpreter_binaries(bundle: Path) -> list[Path]:
    """The Python interpreter's own libraries in a built bundle: libpython and lib-dynload."""
    inside = bundle / "_internal"
    found = [*inside.glob("libpython3*.so*"), *inside.glob("python3*/lib-dynload/*.so")]
    return sorted(path for path in found if path.is_file() and not path.is_symlink())


def strip_interpreter(bundle: Path) -> int:
    """Remove debug symbols from the interpreter's libraries; returns the bytes saved.

    Pythons built from source keep them, about 25 MB. PyInstaller's own strip option cannot be
    used: it strips every library, and the wheels' libraries that auditwheel patched (numpy's
    OpenBLAS) then fail to load ("ELF load command address/offset not page-aligned"). Only
    --strip-debug, only these files; skipped where `strip` is not installed."""
    if shutil.which("strip") is None:
        return 0
    files = interpreter_binaries(bundle)
    before = sum(path.stat().st_size for path in files)
    for path in files:
        subprocess.run(["strip", "--strip-debug", str(path)], check=True)
    return before - sum(path.stat().st_size for path in files)
