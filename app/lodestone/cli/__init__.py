"""The `lodestone` command: opens the tracker in a window, or runs a headless command on it.

Only argparse and the standard library are imported up front: `lodestone --version` and the
headless commands must start fast and run on a machine without a display, so Qt (and the core
modules each command needs) are imported inside the function that uses them.

Exit status: 0 done (or sound), 1 the command failed (the file is refused or damaged: one
line on stderr says why), 2 usage error (argparse's message), 130 interrupted.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from lodestone import __version__
from lodestone.cli.arguments import db_option as _db_option
from lodestone.cli.arguments import tracker_file

if TYPE_CHECKING:
    from lodestone.core.paths import AppPaths
    from lodestone.core.samples import GenerateSpec
    from lodestone.core.storage import CheckReport

PROG = "lodestone"
WARNINGS_SHOWN = 20  # without --verbose; a generated tracker can have tens of thousands
# The pure-Python core the window opens a tracker with, loaded before Qt (see `load_window`):
# a public name of each module it needs, which brings the rest of the core that module uses.
WINDOW_CORE = {
    "lodestone.core.tracker": ("open_for_writing",),
    "lodestone.core.history": ("UndoHistory", "save_view_operation"),
    "lodestone.core.lists": ("ListQuery", "load_view"),
    "lodestone.core.storage": ("cloud_sync_warning",),
    "lodestone.core.jobs": ("run_job",),
    "lodestone.core.logs": ("configure_logging",),
}

_DESCRIPTION = """\
Lodestone keeps your own record of the rare-earth and critical-minerals supply chain:
companies, deals and their tranches, events, and the sources behind them.

Without a command, it opens your tracker in a window."""
_EPILOG = """\
examples:
  lodestone                          open your own tracker
  lodestone --example                explore the example (kept in its own file)
  lodestone --db ~/Documents/magnets.db  open (or create) another tracker file
  lodestone check --db magnets.db    is this file sound? (changes nothing)
  lodestone COMMAND --help           more about one command

Your tracker and its backups live in the user data folder; set LODESTONE_HOME to keep them
elsewhere."""
_CHECK_EPILOG = """\
The file is only read: nothing is migrated, repaired or created, even when it is damaged.

exit status:
  0  the tracker is sound (warnings, such as tranches that do not add up to a deal's
     headline amount, are printed but do not fail the check)
  1  the tracker is damaged, or the file is missing or not a Lodestone tracker
  2  usage error

examples:
  lodestone check                    check your own tracker
  lodestone check --db magnets.db
  lodestone check --quick --db big.db   skip the slow index-by-index comparison"""
_GENERATE_EPILOG = """\
The same --seed always gives the same records. The target must be a new file or a tracker
without records: generated companies and deals are invented and must not mix with real ones.

examples:
  lodestone generate --db demo.db --companies 200 --deals 1000 --events 10000
  lodestone generate --db big.db --companies 10000 --deals 100000 --events 1000000 --seed 7"""
_EXAMPLE_EPILOG = """\
The example holds the deals, events and sources of the news reports Lodestone started from
(the $1.4 billion magnet supply-chain deal, the stake in MP Materials, China's export
controls). The file must be new or a tracker without records.

example:
  lodestone example --db example.db"""


def _count(text: str) -> int:
    """argparse type for a record count: a whole number from 0 up to the generator's limit."""
    from lodestone.core.samples import MAX_COUNT

    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if not 0 <= value <= MAX_COUNT:
        raise argparse.ArgumentTypeError(f"{text} is out of range (0 to {MAX_COUNT:,})")
    return value


def build_parser(with_commands: bool = True) -> argparse.ArgumentParser:
    """The command line's parser; without its commands for a start of the window, which
    names none (building them imports the modules that describe them: 14 ms of every start)."""
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog=PROG, description=_DESCRIPTION, epilog=_EPILOG, formatter_class=formatter,
        usage=f"{PROG} [-h] [--version] [--db PATH | --example] [COMMAND [OPTIONS]]",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    window = parser.add_mutually_exclusive_group()
    window.add_argument("--db", dest="window_db", metavar="PATH", type=tracker_file,
                        help="open this tracker file instead of your own (created if missing)")
    window.add_argument("--example", action="store_true",
                        help="open the bundled example tracker (your own is not touched)")
    if not with_commands:
        parser.set_defaults(command=None)
        return parser
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    check = commands.add_parser(
        "check", prog=f"{PROG} check", help="check a tracker for damage, without changing it",
        description="Check a tracker file: SQLite's integrity and foreign-key checks, the\n"
                    "schema, deals whose tranches do not add up, and values this version\n"
                    "does not know (a type, status or instrument added by a later one).",
        epilog=_CHECK_EPILOG, formatter_class=formatter)
    _db_option(check, "the tracker to check (default: your own)")
    check.add_argument("--quick", action="store_true",
                       help="a faster integrity check that does not compare every index")
    check.add_argument("-v", "--verbose", action="store_true",
                       help=f"list every warning (otherwise the first {WARNINGS_SHOWN})")
    check.set_defaults(run=_run_check, parser=check)

    generate = commands.add_parser(
        "generate", prog=f"{PROG} generate",
        help="fill a new tracker with synthetic records, for load testing",
        description="Fill a new tracker with plausible, reproducible synthetic records.",
        epilog=_GENERATE_EPILOG, formatter_class=formatter)
    _db_option(generate, "the tracker to create (a new file, or one without records)",
               required=True)
    generate.add_argument("--companies", type=_count, default=1_000, metavar="N",
                          help="companies, agencies and investors (default: %(default)s)")
    generate.add_argument("--deals", type=_count, default=10_000, metavar="N",
                          help="deals, each with 1-3 parties and 0-4 tranches "
                               "(default: %(default)s)")
    generate.add_argument("--events", type=_count, default=100_000, metavar="N",
                          help="events (default: %(default)s)")
    generate.add_argument("--seed", type=int, default=0, metavar="S",
                          help="random seed; the same seed gives the same records "
                               "(default: %(default)s)")
    generate.set_defaults(run=_run_generate, parser=generate)

    example = commands.add_parser(
        "example", prog=f"{PROG} example", help="write the example tracker to a file",
        description="Write Lodestone's example tracker to a file.",
        epilog=_EXAMPLE_EPILOG, formatter_class=formatter)
    _db_option(example, "the tracker file to write", required=True)
    example.set_defaults(run=_run_example, parser=example)

    from lodestone.cli.stats import add_stats_command  # standard library only until it runs

    add_stats_command(commands, PROG)
    from lodestone.cli.backup import add_backup_commands  # standard library only until it runs

    add_backup_commands(commands, PROG)
    from lodestone.cli.render import add_render_command

    add_render_command(commands, PROG)
    from lodestone.cli.snapshot import add_snapshot_commands  # standard library only until it runs

    add_snapshot_commands(commands, PROG)
    from lodestone.cli.compare import add_compare_command  # standard library only until it runs

    add_compare_command(commands, PROG)
    return parser


def starts_the_window(argv: Sequence[str]) -> bool:
    """`lodestone`, `lodestone --db PATH` or `lodestone --example`: no command, no help, nothing
    the window's own options do not cover (anything else gets the whole parser, and its
    messages)."""
    tokens = list(argv)
    while tokens:
        token = tokens.pop(0)
        if token == "--db" and tokens:
            tokens.pop(0)
        elif token != "--example" and not token.startswith("--db="):
            return False
    return True


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(with_commands=not starts_the_window(argv))
    args = parser.parse_args(argv)
    if args.command is not None and (args.window_db is not None or args.example):
        parser.error(f"--db and --example before a command are for the window; "
                     f"write them after it, e.g. `{PROG} {args.command} --db PATH`")
    if args.command == "generate":
        problem = _generate_spec(args).problems()
        if problem:
            args.parser.error("; ".join(problem))
    from lodestone.core.logs import configure_logging
    from lodestone.core.paths import AppPaths

    paths = AppPaths.default()
    configure_logging(paths)
    run: Callable[[argparse.Namespace, AppPaths], int] = getattr(args, "run", _run_window)
    return _guarded(lambda: run(args, paths), args.command or "window")


def _guarded(command: Callable[[], int], name: str = "command") -> int:
    """Run a command; a refused file or a failed write becomes one line and exit status 1,
    and goes to the log with its traceback."""
    import logging
    import sqlite3

    from lodestone.core.storage import TrackerError

    try:
        return command()
    except BrokenPipeError:
        # The reader went away (`lodestone check -v | head`): stop quietly, as cat does.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (TrackerError, OSError, sqlite3.Error) as exc:
        logging.getLogger("lodestone.cli").error("%s %s failed", PROG, name, exc_info=exc)
        return _fail(str(exc) or type(exc).__name__)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return 130


def _fail(message: str) -> int:
    print(f"{PROG}: error: {' '.join(message.split())}", file=sys.stderr)
    return 1


def _write_example(path: Path) -> dict[str, int]:
    """The example, only into a new file or a tracker without records (checked read-only
    first, so a refused file is left exactly as it was)."""
    from lodestone.core.samples import ExampleError, write_example
    from lodestone.core.storage import TrackerError, ensure_no_records

    if path.exists():
        ensure_no_records(path)
    try:
        return write_example(path)
    except ExampleError as exc:
        raise TrackerError(str(exc)) from None


def _run_window(args: argparse.Namespace, paths: AppPaths) -> int:
    db: Path = paths.tracker
    if args.example:
        db = paths.example_tracker
        if not db.exists():
            paths.ensure()
            _write_example(db)
    elif args.window_db is not None:
        db = args.window_db.expanduser()
    else:
        paths.ensure()
    try:
        run_gui = load_window()
        # With neither --db nor --example, the window reopens the tracker last used, if any.
        explicit = args.example or args.window_db is not None
        return run_gui(db, paths, args.example, reopen_last=not explicit)
    finally:
        gc.enable()  # if the window never got as far as its first paint


def load_window() -> Callable[..., int]:
    """Import the window's modules (Qt is loaded only for the window); return its `run_gui`.

    The core modules it needs are imported first: once PySide6 is loaded it reads the source
    text of every module imported after it, looking for its own name, milliseconds of every
    start. And the garbage collector is paused from here until the window's first paint
    (`run_gui` resumes it): loading makes tens of thousands of objects that live as long as
    the process, and collections in the meantime would only walk them again and again.
    """
    import importlib

    gc.disable()
    for package, names in WINDOW_CORE.items():
        for name in names:
            getattr(importlib.import_module(package), name)
    from lodestone.ui.app import run_gui

    return run_gui


def _run_example(args: argparse.Namespace, paths: AppPaths) -> int:
    path = args.db.expanduser()
    counts = _write_example(path)
    written = ", ".join(f"{n:,} {_plural(kind)}" for kind, n in counts.items() if n)
    print(f"Wrote the example tracker to {path}" + (f" ({written})" if written else ""))
    return 0


def _run_check(args: argparse.Namespace, paths: AppPaths) -> int:
    from lodestone.core.storage import check_tracker

    path = (args.db or paths.tracker).expanduser()
    report = check_tracker(path, quick=args.quick)
    _print_report(report, WARNINGS_SHOWN if not args.verbose else None)
    if not report.ok:
        count = len(report.problems)
        return _fail(f"{path} is damaged: {count} problem{'s' * (count != 1)} found "
                     "(listed above); the file was not changed")
    return 0


def _plural(kind: str) -> str:
    """A count's noun: a record kind's plural, or a child row's ("tranche" -> "tranches")."""
    from lodestone.core.records import KIND_NAMES, record_kind

    return record_kind(kind).plural if kind in KIND_NAMES else f"{kind}s"


def _print_report(report: CheckReport, shown: int | None) -> None:
    print(f"{report.path}: Lodestone tracker, schema {report.schema_version}")
    for kind, count in report.counts.items():
        print(f"  {_plural(kind):<10} {count:>12,}")
    if report.problems:
        print(f"Problems ({len(report.problems):,}):")
        for problem in report.problems:
            print(f"  {problem}")
    if report.warnings:
        print(f"Warnings ({len(report.warnings):,}):")
        for warning in report.warnings[:shown]:
            print(f"  {warning}")
        hidden = len(report.warnings) - len(report.warnings[:shown])
        if hidden:
            print(f"  ... and {hidden:,} more (--verbose lists them all)")
    if report.ok:
        print(f"Sound: integrity, references and schema are in order"
              f"{f'; {len(report.warnings):,} warnings' if report.warnings else ''}.")


def _generate_spec(args: argparse.Namespace) -> GenerateSpec:
    from lodestone.core.samples import GenerateSpec

    return GenerateSpec(args.companies, args.deals, args.events, args.seed)


def _run_generate(args: argparse.Namespace, paths: AppPaths) -> int:
    from lodestone.core.samples import generate_tracker

    path = args.db.expanduser()
    interactive = sys.stderr.isatty()

    def progress(what: str, done: int, total: int) -> None:
        line = f"{what}: building" if what == "indexes" else f"{what}: {done:,} / {total:,}"
        end = "\r" if interactive and what != "indexes" and done < total else "\n"
        print(f"{line:<40}" if interactive else line, end=end, file=sys.stderr, flush=True)

    summary = generate_tracker(path, paths, _generate_spec(args), progress)
    counts = summary.counts
    print(f"Generated {path} in {summary.seconds:.1f} s (seed {args.seed}):")
    print(f"  companies {counts['companies']:>12,}")
    print(f"  deals     {counts['deals']:>12,}  ({counts['deal_parties']:,} parties, "
          f"{counts['tranches']:,} tranches)")
    print(f"  events    {counts['events']:>12,}  ({counts['event_companies']:,} company links)")
    print("  time: " + ", ".join(f"{k} {v:.1f} s" for k, v in summary.phases.items()))
    return 0
