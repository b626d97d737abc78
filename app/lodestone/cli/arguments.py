"""Argument types shared by the commands of `lodestone` (standard library only, like every
module imported before a command runs)."""

from __future__ import annotations

import argparse
from pathlib import Path


def tracker_file(text: str) -> Path:
    """argparse type for a tracker path: it must name a file (not '', '.', '..' or '/')."""
    path = Path(text)
    if not text.strip() or path.name in ("", ".", ".."):
        raise argparse.ArgumentTypeError(f"{text!r} does not name a tracker file")
    return path


def db_option(parser: argparse.ArgumentParser, help_text: str, required: bool = False) -> None:
    """The `--db PATH` option of a command: the tracker file it works on."""
    parser.add_argument("--db", metavar="PATH", type=tracker_file, required=required,
                        help=help_text)
