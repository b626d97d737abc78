"""The icon's PNG sizes are committed, square, transparent-capable and drawn from the SVG."""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"
MAKE_ICONS = ROOT / "packaging" / "make_icons.py"
SIZES = (16, 32, 48, 64, 128, 256, 512)
RGBA = 6  # PNG colour type with an alpha channel


def png_header(path: Path) -> tuple[int, int, int]:
    """(width, height, colour type) from the PNG's IHDR chunk."""
    data = path.read_bytes()[:26]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path.name}: not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height, data[25]


def make_icons(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the script in its own process: it makes a QGuiApplication, which must not become
    the QApplication of the Qt tests that run after this one."""
    return subprocess.run([sys.executable, str(MAKE_ICONS), *args], capture_output=True,
                          text=True, timeout=120)


@pytest.mark.parametrize("size", SIZES)
def test_png_has_its_size(size: int) -> None:
    assert png_header(ICONS / f"lodestone-{size}.png") == (size, size, RGBA)


def test_committed_pngs_are_drawn_from_the_svg() -> None:
    result = make_icons("--check")
    assert result.returncode == 0, result.stderr


def test_check_names_a_png_of_the_wrong_size(tmp_path: Path) -> None:
    for png in ICONS.glob("lodestone-*.png"):
        shutil.copy(png, tmp_path)
    shutil.copy(ICONS / "lodestone-32.png", tmp_path / "lodestone-64.png")
    result = make_icons("--check", "--out", str(tmp_path))
    assert result.returncode == 1
    assert "lodestone-64.png is 32x32" in result.stderr


def test_check_notices_an_svg_changed_without_redrawing(tmp_path: Path) -> None:
    svg = tmp_path / "changed.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10">'
                   '<circle cx="5" cy="5" r="4" fill="#3182ce"/></svg>')
    result = make_icons("--check", "--svg", str(svg))
    assert result.returncode == 1
    assert "differs from changed.svg" in result.stderr


def test_icons_are_written_from_a_given_svg(tmp_path: Path) -> None:
    result = make_icons("--out", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert sorted(png_header(p)[0] for p in (tmp_path / "out").glob("*.png")) == list(SIZES)


@pytest.mark.parametrize("content", ["not an svg", None], ids=["unreadable", "missing"])
def test_a_bad_svg_is_refused_and_nothing_written(tmp_path: Path, content: str | None) -> None:
    svg = tmp_path / "icon.svg"
    if content is not None:
        svg.write_text(content)
    result = make_icons("--svg", str(svg), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "make_icons:" in result.stderr and "icon.svg" in result.stderr
    assert not (tmp_path / "out").exists()
