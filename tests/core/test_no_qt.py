"""The core and the headless commands never import Qt or pyqtgraph.

The core must run on a server or in CI without a display, and the command line must start
fast: Qt alone costs a large part of a second. Each check runs in a fresh interpreter, since
this test session may already have imported Qt for the UI tests.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from bad_files import good_tracker

# Makes the GUI packages unimportable, so any import of them, however indirect, fails loudly.
BLOCKER = """
import sys
from importlib.abc import MetaPathFinder

BLOCKED = ("PySide6", "shiboken6", "pyqtgraph")

class Blocker(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"{name} is blocked: the core must not import it")
        return None

sys.meta_path.insert(0, Blocker())
"""

IMPORT_ALL_CORE = BLOCKER + """
import importlib
import pkgutil
import lodestone.core

names = [m.name for m in pkgutil.walk_packages(lodestone.core.__path__, "lodestone.core.")]
for name in names:
    importlib.import_module(name)
importlib.import_module("lodestone.cli")
print(len(names))
"""

RUN_CLI = """
import sys
from lodestone import cli

args = sys.argv[1:]
try:
    code = cli.main(args)
except SystemExit as exc:  # --version exits through argparse
    code = exc.code
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6", "pyqtgraph"))
print("exit", code)
print("gui modules", loaded)
"""


def _python(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                          timeout=120, check=False)


def test_every_core_module_imports_without_qt():
    result = _python(IMPORT_ALL_CORE)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) >= 10  # the walk really found the core's modules


def test_the_blocker_really_blocks():
    result = _python(BLOCKER + "import PySide6.QtCore")
    assert result.returncode != 0
    assert "PySide6.QtCore is blocked" in result.stderr or "PySide6 is blocked" in result.stderr


def test_version_loads_no_gui_module():
    result = _python(RUN_CLI, "--version")
    assert "exit 0" in result.stdout, result.stderr
    assert "gui modules []" in result.stdout


def test_check_loads_no_gui_module(tmp_path: Path):
    path = good_tracker(tmp_path / "t.db")
    result = _python(RUN_CLI, "check", "--db", str(path))
    assert "exit 0" in result.stdout, result.stderr
    assert "gui modules []" in result.stdout


def test_check_runs_with_the_gui_packages_blocked(tmp_path: Path):
    path = good_tracker(tmp_path / "t.db")
    result = _python(BLOCKER + RUN_CLI, "check", "--db", str(path))
    assert "exit 0" in result.stdout, result.stderr
