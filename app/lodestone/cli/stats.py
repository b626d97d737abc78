"""`lodestone stats`: the tracker's counts and funding totals, printed or as JSON.

The totals are those of the Funding chart (the same core `breakdown`), so a figure printed here
is the figure on screen. Like the rest of the command line, only the standard library is
imported until the command runs, so `--help` is instant.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from lodestone.cli.arguments import tracker_file
from lodestone.core.funding import STATS_BY

if TYPE_CHECKING:
    from lodestone.core.paths import AppPaths

_EPILOG = """\
Totals are exact decimal amounts in major units (620000000.00), one line per group and
currency: amounts in different currencies are never added together. A deal's headline amount
that its tranches do not cover is counted as "Unallocated".

The file is opened read-only: nothing is migrated or written.

exit status:
  0  printed
  1  the file is missing, unreadable or not a Lodestone tracker
  2  usage error

examples:
  lodestone stats                               totals by year of your own tracker
  lodestone stats --db magnets.db --by instrument
  lodestone stats --by funder-type --currency USD --json"""


def _currency(text: str) -> str:
    """argparse type: an ISO 4217 code Lodestone knows, in any case ("usd" -> "USD")."""
    from lodestone.core.records import is_currency

    code = text.strip().upper()
    if not is_currency(code):
        raise argparse.ArgumentTypeError(f"{text!r} is not a currency code such as USD or EUR")
    return code


def add_stats_command(commands: argparse._SubParsersAction, prog: str) -> None:
    """Register `stats` on the `lodestone` command's subparsers."""
    parser = commands.add_parser(
        "stats", prog=f"{prog} stats", help="print record counts and funding totals",
        description="Print how many companies, deals, tranches and events a tracker holds, and\n"
                    "the funding totals per group and currency, as the Funding chart shows them.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--db", metavar="PATH", type=tracker_file,
                        help="the tracker to read (default: your own)")  # fmt: skip
    parser.add_argument("--by", choices=STATS_BY, default="year",
                        help="group the totals by this (default: %(default)s)")  # fmt: skip
    parser.add_argument("--currency", type=_currency, metavar="CODE",
                        help="only amounts in this currency (default: every currency)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(run=run_stats, parser=parser)


def run_stats(args: argparse.Namespace, paths: AppPaths) -> int:
    from lodestone.core.funding import format_stats, stats
    from lodestone.core.storage import open_tracker

    conn = open_tracker(args.db if args.db is not None else paths.tracker, readonly=True)
    try:
        result = stats(conn, args.by, args.currency)
    finally:
        conn.close()
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.json else format_stats(result))
    return 0
