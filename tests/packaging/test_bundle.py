"""The built one-folder program (`make package`) starts and works headless.

These run the real bundle, so they prove what the package-level tests cannot: that
PyInstaller collected every module, resource and Qt plugin the commands reach. They are
skipped until the bundle has been built (`make test` never builds it); set LODESTONE_BUNDLE
to test a bundle somewhere else, such as an installed one.
"""

from __future__ import annotations

import hashlib
import os
import struct
import subprocess
import time
from pathlib import Path

import pytest
from lodestone import __version__

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = Path(os.environ.get("LODESTONE_BUNDLE") or ROOT / "dist" / "lodestone" / "lodestone")
TIMEOUT = 120  # seconds; a cold start from a slow disk takes a few

pytestmark = pytest.mark.skipif(
    not (BUNDLE.is_file() and os.access(BUNDLE, os.X_OK)),
    reason=f"no built bundle at {BUNDLE}: run `make package` to build it",
)


def bundle_env(home: Path) -> dict[str, str]:
    """Headless, with every file Lodestone or Qt writes kept inside `home`."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(QT_QPA_PLATFORM="offscreen", LODESTONE_HOME=str(home),
               XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"),
               XDG_RUNTIME_DIR=str(home))
    return env


def run_bundle(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(BUNDLE), *args], cwd=tmp_path, env=bundle_env(tmp_path / "home"),
                          capture_output=True, text=True, timeout=TIMEOUT)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", header[16:24])


def test_version(tmp_path: Path) -> None:
    result = run_bundle(tmp_path, "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"lodestone {__version__}"


def test_example_is_written_and_checks_sound_without_being_changed(tmp_path: Path) -> None:
    tracker = tmp_path / "e.db"
    written = run_bundle(tmp_path, "example", "--db", str(tracker))
    assert written.returncode == 0, written.stderr
    before = digest(tracker)
    checked = run_bundle(tmp_path, "check", "--db", str(tracker))
    assert checked.returncode == 0, checked.stderr
    assert "$180M unallocated" in checked.stdout  # the Vulcan deal's gap, read from resources/
    assert digest(tracker) == before


def test_check_refuses_a_file_that_is_not_a_tracker(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("not a database\n")
    result = run_bundle(tmp_path, "check", "--db", str(bogus))
    assert result.returncode == 1
    assert result.stderr.startswith("lodestone: error:") and "Traceback" not in result.stderr
    assert bogus.read_text() == "not a database\n"


def test_a_big_csv_import_parses_in_worker_processes(tmp_path: Path) -> None:
    """Workers of a frozen program are the program itself started again: without
    `freeze_support` first thing, each would run the command (or open the window) anew."""
    awards = tmp_path / "awards.csv"
    lines = ["Recipient Name,Award Amount (USD),Action Date,Award Description"]
    lines += [f"Company {n % 300},\"{(n + 1) * 1000:,}\",2025-0{n % 9 + 1}-15,Award {n} for magnets"
              for n in range(20_000)]  # fmt: skip
    awards.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert awards.stat().st_size > 1 << 20  # big enough to start the workers
    tracker = tmp_path / "t.db"
    env = {**bundle_env(tmp_path / "home"), "LODESTONE_CSV_PROCESSES": "2"}
    result = subprocess.run([str(BUNDLE), "import-csv", "--db", str(tracker), "--kind", "deals",
                             str(awards)], cwd=tmp_path, env=env, capture_output=True, text=True,
                            timeout=TIMEOUT)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    checked = run_bundle(tmp_path, "stats", "--db", str(tracker), "--json")
    assert checked.returncode == 0, checked.stderr
    assert "\"deals\": 20000" in checked.stdout


def test_window_opens_and_keeps_running(tmp_path: Path) -> None:
    """The GUI path (main window, forms, icon) starts: the tracker it opens gets created and
    the process is still up a moment later, with no traceback."""
    tracker = tmp_path / "w.db"
    process = subprocess.Popen([str(BUNDLE), "--db", str(tracker)], cwd=tmp_path,
                               env=bundle_env(tmp_path / "home"), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + TIMEOUT
        while not tracker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1.5)
        alive = process.poll() is None
    finally:
        process.terminate()
        _, stderr = process.communicate(timeout=TIMEOUT)
    assert alive, f"the window exited with {process.returncode}: {stderr}"
    assert tracker.exists()
    assert "Traceback" not in stderr


@pytest.fixture(scope="module")
def render_available(tmp_path_factory: pytest.TempPathFactory) -> bool:
    return run_bundle(tmp_path_factory.mktemp("render"), "render", "--help").returncode == 0


# The timeline and the funding chart load pyqtgraph and numpy, which only they import.
@pytest.mark.parametrize("view", ["deals", "funding", "timeline"])
def test_render_of_the_example(tmp_path: Path, view: str, render_available: bool) -> None:
    if not render_available:
        pytest.skip("this build has no `lodestone render` (`lodestone render --help` failed)")
    out = tmp_path / f"{view}.png"
    result = run_bundle(tmp_path, "render", "--example", "--view", view, "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert png_size(out) == (1280, 800)  # render's default size
    assert out.stat().st_size > 20_000  # a drawn window, not a blank image


INSIDE = BUNDLE.resolve().parent / "_internal"  # through an installed bin/ link
QT = INSIDE / "PySide6" / "Qt" / "plugins"


@pytest.mark.parametrize("part", [
    QT / "platforms" / "libqxcb.so",  # X11 desktops
    QT / "platforms" / "libqwayland.so",
    QT / "platforms" / "libqoffscreen.so",  # render and these tests
    QT / "imageformats" / "libqsvg.so",
    QT / "iconengines" / "libqsvgicon.so",  # the SVG window icon
    INSIDE / "PySide6" / "QtOpenGL.abi3.so",  # imported by name by pyqtgraph's plot items
    INSIDE / "PySide6" / "QtOpenGLWidgets.abi3.so",
    INSIDE / "numpy",
    INSIDE / "resources" / "icons" / "lodestone.svg",
    INSIDE / "resources" / "example" / "tracker.json",
], ids=lambda p: p.name)
def test_bundle_holds(part: Path) -> None:
    assert part.exists(), f"{part.relative_to(INSIDE.parent)} is missing from the bundle"


@pytest.mark.parametrize("part", [
    QT / "platformthemes" / "libqgtk3.so",  # would load the desktop's GTK over bundled GLib
    QT / "platforms" / "libqeglfs.so",
    INSIDE / "PySide6" / "Qt" / "translations",
], ids=lambda p: p.name)
def test_bundle_leaves_out(part: Path) -> None:
    assert not part.exists(), f"{part.relative_to(INSIDE.parent)} should have been left out"
