"""The `compare` command of `lodestone` (also `diff`), registered by lodestone.cli.

It follows diff(1)'s exit status, so a script can ask "did anything change since last
month's snapshot?" with `lodestone compare -q old.zip new.zip || ...`: 0 the same, 1
different, 2 trouble (a side that cannot be read, or a usage error). Only argparse is
imported up front, like every command.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lodestone.core.paths import AppPaths

PROG = "lodestone"
SAME, DIFFERENT, TROUBLE = 0, 1, 2

_EPILOG = """\
A and B are each a snapshot (a folder or .zip written by `lodestone export`) or a tracker
file; A is taken as the older and B as the newer. Records are compared by id: a record in
B only is added, in A only (or moved to the Trash in B) is removed, and a record in both is
changed when any of its fields differ, its tranches, parties, companies, tags and citations
included. Amounts are shown as exact decimals with their currency and dates as written, at
their precision (2025-08). Trackers are only read, never changed.

exit status:
  0  A and B hold the same records
  1  they differ
  2  trouble: a file is missing, damaged or not a snapshot or tracker, or a usage error

examples:
  lodestone compare snapshots/2025-10.zip snapshots/2025-11.zip
  lodestone compare snapshots/2025-11.zip magnets.db
  lodestone compare --csv old.zip new.zip > changes.csv
  lodestone compare -q old.zip new.zip && echo unchanged"""


def add_compare_command(commands: Any, prog: str = PROG) -> None:
    """Add `compare` (alias `diff`) to the command's sub-parsers."""
    parser = commands.add_parser(
        "compare", aliases=["diff"], prog=f"{prog} compare",
        help="list the records added, removed and changed between two snapshots or trackers",
        description="Compare two snapshots, or a snapshot and a tracker, record by record.",
        epilog=_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("a", type=Path, metavar="A", help="the older snapshot or tracker")
    parser.add_argument("b", type=Path, metavar="B", help="the newer snapshot or tracker")
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true",
                        help="print the differences as JSON, values in full")
    output.add_argument("--csv", action="store_true",
                        help="print one CSV row per changed field (kind, id, record, change, "
                             "field, before, after)")  # fmt: skip
    output.add_argument("-q", "--quiet", action="store_true",
                        help="print nothing; only the exit status says whether they differ")
    parser.set_defaults(run=run_compare, parser=parser)


def run_compare(args: argparse.Namespace, paths: AppPaths) -> int:
    import sqlite3

    from lodestone.cli.snapshot import _progress
    from lodestone.core.snapshots import compare_snapshots
    from lodestone.core.storage import TrackerError

    try:
        comparison = compare_snapshots(args.a.expanduser(), args.b.expanduser(),
                                       progress=_progress("compare"))  # fmt: skip
    except (TrackerError, OSError, sqlite3.Error) as exc:
        message = " ".join((str(exc) or type(exc).__name__).split())
        print(f"{PROG}: error: {message}", file=sys.stderr)
        return TROUBLE
    if args.json:
        print(json.dumps(comparison.as_json(), indent=2, ensure_ascii=False))
    elif args.csv:
        sys.stdout.write(comparison.csv_text())
    elif not args.quiet:
        print("\n".join(comparison.lines()))
    return SAME if comparison.same else DIFFERENT
