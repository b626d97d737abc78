"""What `lodestone --db FILE` has loaded when its window is first painted: what the first view
draws, and not the forms, dialogs, backups, charts, CSV or snapshot code, which load on first
use; and the core modules before Qt (PySide6 reads the source of each module imported after
it). Run in a fresh process, as a start is."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from lodestone.core.storage import Repository

CHILD = """
import json, os, sys
from lodestone import cli

cli.load_window()
loaded_by_load_window = list(sys.modules)
from lodestone.ui.first_paint import after_first_paint
from lodestone.ui.main_window import MainWindow

build = MainWindow.__init__


def report():
    print(json.dumps({"load_window": loaded_by_load_window, "painted": list(sys.modules)}))
    sys.stdout.flush()
    os._exit(0)


def watched(self, *args, **kwargs):
    build(self, *args, **kwargs)
    after_first_paint(self, report)


MainWindow.__init__ = watched
cli.main(["--db", sys.argv[1]])
"""

NOT_BEFORE_FIRST_PAINT = (
    "lodestone.ui.forms",  # the record forms: built just after the list is painted
    "lodestone.ui.dialogs.storage",
    "lodestone.ui.dialogs.snapshot",
    "lodestone.ui.dialogs.csv_import",
    "lodestone.ui.dialogs.history",
    "lodestone.ui.jobs.backup_jobs",
    "lodestone.ui.funding.view",
    "lodestone.ui.timeline.view",
    "lodestone.core.backups.backup",  # the backup on open starts after the first paint
    "lodestone.core.csvio.importer",
    "lodestone.core.snapshots.export",
    "lodestone.core.samples.example",
    # the commands' parsers: a start of the window names no command
    "lodestone.cli.backup",
    "lodestone.cli.compare",
    "lodestone.cli.render",
    "lodestone.cli.snapshot",
    "lodestone.cli.stats",
    "pyqtgraph",
    "numpy",
    "sqlite_utils",
    "hypothesis",
    "logging.handlers",  # the log file is made on the first record, not at the start
)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    folder = tmp_path_factory.mktemp("start")
    tracker = folder / "t.db"
    Repository.open(tracker).close()
    # module-scoped: the autouse fixtures that keep the real home out have not run yet
    private = {name: str(folder / name.lower()) for name in (
        "LODESTONE_HOME", "LODESTONE_LOG_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME",
        "XDG_STATE_HOME", "XDG_CACHE_HOME")}  # fmt: skip
    done = subprocess.run([sys.executable, "-c", CHILD, str(tracker)], capture_output=True,
                          text=True, timeout=120, check=False,
                          env={**os.environ, **private})  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


def test_nothing_used_later_is_loaded_before_the_first_paint(loaded: dict[str, list[str]]):
    early = [m for m in loaded["painted"] if m.startswith(NOT_BEFORE_FIRST_PAINT)]
    assert early == []
    assert "lodestone.ui.lists.page" in loaded["painted"]  # the probe itself saw the window


def test_the_core_loads_before_qt(loaded: dict[str, list[str]]):
    order = loaded["load_window"]
    after_qt = order[order.index("PySide6"):]
    assert [m for m in after_qt if m.startswith("lodestone.core")] == []
    assert "lodestone.core.tracker.session" in order and "lodestone.ui.app" in after_qt


def test_the_probe_sees_a_late_import(tmp_path: Path):
    """The check above can fail: a module imported before the paint is listed."""
    tracker = tmp_path / "t.db"
    Repository.open(tracker).close()
    child = CHILD.replace("cli.load_window()", "cli.load_window()\nimport lodestone.ui.forms")
    done = subprocess.run([sys.executable, "-c", child, str(tracker)], capture_output=True,
                          text=True, timeout=120, check=False)  # fmt: skip
    painted = json.loads(done.stdout.splitlines()[-1])["painted"]
    assert "lodestone.ui.forms" in [m for m in painted if m.startswith(NOT_BEFORE_FIRST_PAINT)]
