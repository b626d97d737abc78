"""The README is checked against the code: the snapshot format and the command list."""

from __future__ import annotations

import re
from pathlib import Path

import lodestone.core.snapshots.format as snapshot_format
from lodestone.cli import build_parser

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def test_readme_describes_the_snapshot_format_as_the_code_writes_it():
    doc = snapshot_format.__doc__ or ""
    section = doc[doc.index("## CSV snapshots") :].split("\n---", 1)[0].strip()
    assert section in README


def test_every_subcommand_is_in_the_readme():
    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    for name in commands:
        assert re.search(rf"`lodestone {re.escape(name)}\b", README), name


def test_the_two_setup_commands_come_first():
    start = README.index("## Start here")
    assert README.index("make run") > start
    assert README.index("make run") < README.index("## A tour")
    assert README.index("make test") < README.index("## A tour")


def test_screenshots_referenced_exist():
    root = Path(__file__).parents[2]
    shots = re.findall(r"\]\((docs/screenshots/[\w.]+)\)", README)
    assert len(shots) >= 6
    for shot in shots:
        assert (root / shot).is_file(), shot
