"""`lodestone render`: every view of the example drawn to a PNG, and every bad argument."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from lodestone.ui.render_args import RENDERABLE
from PySide6.QtGui import QImage

LODESTONE = str(Path(sys.executable).parent / "lodestone")


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LODESTONE_HOME": str(home), "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run([LODESTONE, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.parametrize("view", RENDERABLE)
def test_every_view_renders_the_example(tmp_path: Path, view: str):
    out = tmp_path / f"{view}.png"
    result = run("render", "--example", "--view", view, "--out", str(out), "--size", "1024x640",
                 home=tmp_path / "home")  # fmt: skip
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert (image.width(), image.height()) == (1024, 640)
    # not a blank image: the sidebar's selection colour differs from the window background
    colours = {image.pixel(x, y) for x in range(0, 1024, 16) for y in range(0, 640, 16)}
    assert len(colours) > 5


def test_select_shows_the_record_in_its_form(tmp_path: Path):
    out = tmp_path / "deal.png"
    result = run("render", "--example", "--view", "deals", "--select", "deal:1", "--out",
                 str(out), home=tmp_path / "home")  # fmt: skip
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--view", "charts", "--out", "x.png"], "invalid choice"),
        (["--view", "deals"], "--out"),
        (["--view", "deals", "--out", "x.jpg"], "must name a .png"),
        (["--view", "deals", "--out", "x.png", "--size", "big"], "WIDTHxHEIGHT"),
        (["--view", "deals", "--out", "x.png", "--size", "10x10"], "out of range"),
        (["--view", "deals", "--out", "x.png", "--select", "deal"], "KIND:ID"),
        (["--view", "deals", "--out", "x.png", "--select", "tranche:1"], "KIND:ID"),
        (["--example", "--db", "a.db", "--view", "deals", "--out", "x.png"], "not allowed"),
    ],
)
def test_bad_arguments_are_usage_errors(tmp_path: Path, args: list[str], words: str):
    result = run("render", *args, home=tmp_path)
    assert result.returncode == 2
    assert words in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("content", [None, b"", b"not a database at all"])
def test_bad_files_fail_in_one_line(tmp_path: Path, content: bytes | None):
    db = tmp_path / "t.db"
    if content is not None:
        db.write_bytes(content)
    result = run("render", "--db", str(db), "--view", "deals", "--out", str(tmp_path / "x.png"),
                 home=tmp_path)  # fmt: skip
    assert result.returncode == 1
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "x.png").exists()
    if content is not None:
        assert db.read_bytes() == content
