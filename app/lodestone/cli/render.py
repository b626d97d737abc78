"""`lodestone render`: one view of the main window drawn to a PNG, without a screen.

For looking at what we build, for the README's screenshots, and in tests. The tracker is
opened read-only; Qt is imported only when the command runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from lodestone.cli.arguments import tracker_file
from lodestone.ui.render_args import RENDERABLE, parse_select, parse_size

if TYPE_CHECKING:
    from lodestone.core.paths import AppPaths

T = TypeVar("T")

_EPILOG = """\
examples:
  lodestone render --example --view deals --out deals.png
  lodestone render --db magnets.db --view funding --out funding.png --size 1600x900
  lodestone render --example --view deals --select deal:3 --out deal.png"""


def _arg(parse: Callable[[str], T]) -> Callable[[str], T]:
    """An argparse type from a parser that raises ValueError with a sentence."""

    def convert(text: str) -> T:
        try:
            return parse(text)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return convert


def add_render_command(commands: argparse._SubParsersAction, prog: str) -> None:
    parser = commands.add_parser(
        "render", prog=f"{prog} render", help="draw a view of the window to a PNG file",
        description="Draw the main window showing one view to a PNG, without a screen.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--db", metavar="PATH", type=tracker_file,
                        help="the tracker to draw (default: your own)")  # fmt: skip
    source.add_argument(
        "--example", dest="render_example", action="store_true", help="draw the example tracker"
    )
    parser.add_argument("--view", choices=RENDERABLE, required=True, help="the view to show")
    parser.add_argument("--out", metavar="FILE.png", type=Path, required=True,
                        help="the PNG file to write")  # fmt: skip
    parser.add_argument("--size", type=_arg(parse_size), default=(1280, 800), metavar="WxH",
                        help="window size in pixels (default: 1280x800)")  # fmt: skip
    parser.add_argument("--select", type=_arg(parse_select), metavar="KIND:ID",
                        help="show this record in its form, e.g. deal:1")  # fmt: skip
    parser.set_defaults(run=run_render, parser=parser)


def run_render(args: argparse.Namespace, paths: AppPaths) -> int:
    from lodestone.core.storage import TrackerError

    if args.out.suffix.lower() != ".png":
        args.parser.error(f"--out {args.out} must name a .png file")
    if args.render_example:
        from lodestone.core.samples import ensure_example

        db = ensure_example(paths)
    else:
        db = (args.db or paths.tracker).expanduser()
        if not db.exists():
            from lodestone.core.missing import missing_file

            raise TrackerError(missing_file(db))
    from lodestone.ui.render import render_view

    out = render_view(db, args.view, args.out.expanduser(), size=args.size, select=args.select,
                      home=paths.data_dir)  # fmt: skip
    print(f"Wrote {out}")
    return 0
