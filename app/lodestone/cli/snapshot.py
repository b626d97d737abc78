"""The `export`, `import` and `import-csv` commands of `lodestone`, registered by lodestone.cli.

Like the rest of the command line, only argparse is imported up front; each command imports
the core functions it needs, the same ones the app's export and import dialogs run. Writing
commands open the tracker under the writer lock (a tracker open in the app is refused) and
take a verified backup before changing a tracker that holds records.

Exit status: 0 done, 1 the command failed or (import-csv) rows were refused and nothing was
imported, 2 usage error; problems are one line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lodestone.cli.arguments import db_option as _db_option

if TYPE_CHECKING:
    from lodestone.core.paths import AppPaths
    from lodestone.core.tracker import Session

PROG = "lodestone"
KINDS = ("companies", "deals", "events")  # csv_mapping.KINDS, without importing core here

_EXPORT_EPILOG = """\
DEST is a new folder, or a new file ending in .zip. The snapshot holds one CSV file per table
(companies, deals, deal_parties, tranches, events, event_companies, sources, citations, tags
and, when you have recorded any, exchange_rates) and a manifest.json with the row counts and
SHA-256 of each file. Records in the Trash are included, so an import restores them too.

examples:
  lodestone export ~/snapshots/2025-11
  lodestone export --db magnets.db --excel magnets-2025-11.zip"""
_IMPORT_EPILOG = """\
Into a new or empty tracker, the snapshot is restored exactly. Into a tracker with records it
is merged by id: rows already there are skipped, new ones added, and a row whose id holds
something else in the tracker is reported as a conflict and not imported (the tracker's
version is kept). A snapshot that does not match its manifest is refused; a verified backup
of the tracker is taken before anything is changed.

examples:
  lodestone import ~/snapshots/2025-11
  lodestone import --db restored.db magnets-2025-11.zip"""
_IMPORT_CSV_EPILOG = """\
Columns are matched to fields by name and common synonyms ("Company Name", "raisedAmt",
"Amount (USD)", "Lender"); --map sets or overrides one ('Column=' ignores a column).
Fields: companies: name kind ticker exchange country parent website notes
        deals: title recipient funder instrument amount currency announced closed status
               description source_url country commodity
        events: title date end_date kind companies country description source_url
Each deal row becomes a deal with one tranche (funder, instrument, amount); a deal without a
title is named after its recipient, instrument and date. Companies are matched to the
tracker's by name (case, spacing and Ltd/Limited, Inc/Incorporated, Corp/Corporation
ignored); others are created and listed.

If any row is invalid, nothing is imported and every problem is listed (row, column, value,
reason); with --skip-invalid the valid rows are imported and the rejected ones are written to
FILE.rejected.csv beside the input, with their problems, to fix and import again.

examples:
  lodestone import-csv --kind deals awards.csv --currency USD --dry-run
  lodestone import-csv --kind deals awards.csv --map 'Awardee=recipient' --date-format %m/%d/%Y
  lodestone import-csv --kind companies suppliers.csv --skip-invalid"""


def _map_pair(text: str) -> tuple[str, str]:
    """argparse type for --map: 'Source column=field'."""
    from lodestone.core.csvio import MappingError, parse_map_option

    try:
        return parse_map_option(text)
    except MappingError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _date_format(text: str) -> str:
    """argparse type for --date-format: a strptime format with day, month and year."""
    from lodestone.core.csvio import check_date_format

    try:
        check_date_format(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return text


def add_snapshot_commands(commands: Any, prog: str = PROG) -> None:
    """Add `export`, `import` and `import-csv` to the command's sub-parsers."""
    formatter = argparse.RawDescriptionHelpFormatter
    export = commands.add_parser(
        "export", prog=f"{prog} export", help="write a CSV snapshot of a tracker",
        description="Write every record of a tracker to a snapshot: CSV files and a manifest.",
        epilog=_EXPORT_EPILOG, formatter_class=formatter)  # fmt: skip
    _db_option(export, "the tracker to export (default: your own)")
    export.add_argument("--excel", action="store_true",
                        help="add a byte-order mark and CRLF line ends, as Excel expects")
    export.add_argument("dest", type=Path, metavar="DEST", help="a new folder or .zip file")
    export.set_defaults(run=run_export, parser=export)

    restore = commands.add_parser(
        "import", prog=f"{prog} import", help="restore or merge a CSV snapshot into a tracker",
        description="Restore a snapshot into a new tracker, or merge it into one by id.",
        epilog=_IMPORT_EPILOG, formatter_class=formatter)  # fmt: skip
    _db_option(restore, "the tracker to import into (default: your own; created if missing)")
    restore.add_argument("snapshot", type=Path, metavar="SNAPSHOT",
                         help="a snapshot folder or .zip written by `lodestone export`")
    restore.set_defaults(run=run_import, parser=restore)

    foreign = commands.add_parser(
        "import-csv", prog=f"{prog} import-csv",
        help="import companies, deals or events from a CSV file of any layout",
        description="Import the rows of a CSV file (from a spreadsheet or a government site) "
                    "as companies, deals or events.",
        epilog=_IMPORT_CSV_EPILOG, formatter_class=formatter)  # fmt: skip
    _db_option(foreign, "the tracker to import into (default: your own; created if missing)")
    foreign.add_argument("--kind", required=True, choices=KINDS,
                         help="what each row of the file is")
    foreign.add_argument("file", type=Path, metavar="FILE", help="the CSV file to import")
    foreign.add_argument("--map", action="append", type=_map_pair, default=[],
                         metavar="'COLUMN=FIELD'",
                         help="read FIELD from COLUMN (repeatable; 'COLUMN=' ignores it)")
    from lodestone.cli.stats import _currency  # the same argparse type as `stats --currency`

    foreign.add_argument("--currency", type=_currency, metavar="CODE",
                         help="the currency of amounts that name none (e.g. USD)")
    foreign.add_argument("--date-format", type=_date_format, metavar="FMT",
                         help="how numeric dates are written, e.g. %%m/%%d/%%Y or %%d/%%m/%%Y")
    foreign.add_argument("--skip-invalid", action="store_true",
                         help="import the valid rows; write the others to FILE.rejected.csv")
    foreign.add_argument("--dry-run", action="store_true",
                         help="check and report everything, but write nothing")
    foreign.add_argument("-v", "--verbose", action="store_true",
                         help="list every problem and name (otherwise the first 50 of each)")
    foreign.set_defaults(run=run_import_csv, parser=foreign)


def _tracker(args: argparse.Namespace, paths: AppPaths) -> Path:
    return Path(args.db or paths.tracker).expanduser()


def _progress(what: str) -> Callable[[int, int], None] | None:
    """A progress line on stderr when it is a terminal (redrawn in place), else nothing."""
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        percent = 100 * done // total if total else 100
        end = "\n" if done >= total else "\r"
        print(f"{what}: {percent:3d}%", end=end, file=sys.stderr, flush=True)

    return show


def refuse_a_broken_link(db: Path) -> None:
    """A tracker path may be missing (a new tracker is made there), but not a symbolic link
    that loops or points nowhere: writing through it would fail half-way or replace the link."""
    if db.is_symlink() and not db.exists():
        from lodestone.core.missing import missing_file
        from lodestone.core.storage import TrackerError

        raise TrackerError(missing_file(db))


def _open_for_import(db: Path, paths: AppPaths) -> tuple[Session, Callable[[], None]]:
    """The tracker under the writer lock, and the backup to take before it is changed."""
    from lodestone.core.storage import count_records
    from lodestone.core.tracker import open_for_writing

    refuse_a_broken_link(db)
    if not db.parent.is_dir():
        from lodestone.core.storage import TrackerError

        raise TrackerError(f"cannot create {db}: the folder {db.parent} does not exist")
    session = open_for_writing(db, paths, backup_on_open=False)

    def backup() -> None:
        if count_records(session.repo.conn):
            info = session.backup_now("before-import")
            print(f"Backed up {db} to {info.path} before importing", file=sys.stderr)

    return session, backup


@contextmanager
def _importing(db: Path, paths: AppPaths) -> Iterator[tuple[Session, Callable[[], None]]]:
    """`_open_for_import` for the length of an import: a tracker the import made is removed
    again, with its lock file, when the import fails, so a refused import leaves nothing."""
    session, backup = _open_for_import(db, paths)
    try:
        yield session, backup
    except BaseException:
        session.discard()
        raise
    session.close()


def run_export(args: argparse.Namespace, paths: AppPaths) -> int:
    from lodestone.core.missing import missing_file
    from lodestone.core.snapshots import export_snapshot
    from lodestone.core.storage import TrackerError

    db = _tracker(args, paths)
    if not db.exists():
        raise TrackerError(f"{missing_file(db)}, so there is nothing to export")
    dest = args.dest.expanduser()
    manifest = export_snapshot(db, dest, excel=args.excel, progress=_progress("export"))
    counts = ", ".join(f"{entry.rows:,} {name.removesuffix('.csv').replace('_', ' ')}"
                       for name, entry in manifest.files.items() if entry.rows)  # fmt: skip
    print(f"Exported {db} to {dest}: {counts or 'no records'}.")
    return 0


def run_import(args: argparse.Namespace, paths: AppPaths) -> int:
    from lodestone.core.snapshots import import_snapshot

    with _importing(_tracker(args, paths), paths) as (session, backup):
        report = import_snapshot(session.repo.conn, args.snapshot.expanduser(),
                                 progress=_progress("import"), before_write=backup)  # fmt: skip
    print("\n".join(report.lines()))
    return 0


def run_import_csv(args: argparse.Namespace, paths: AppPaths) -> int:
    from lodestone.core.csvio import FIELDS, MappingError, import_csv
    from lodestone.core.storage import TrackerError

    for _, target in args.map:
        if target and target not in FIELDS[args.kind]:
            args.parser.error(f"--map: unknown field {target!r} for {args.kind}; the fields "
                              f"are: {', '.join(FIELDS[args.kind])}")  # fmt: skip
    db = _tracker(args, paths)
    refuse_a_broken_link(db)
    options: dict[str, Any] = {
        "mapping": args.map, "currency": args.currency, "date_format": args.date_format,
        "skip_invalid": args.skip_invalid, "dry_run": args.dry_run,
        "progress": _progress("import"),
    }  # fmt: skip
    try:
        if args.dry_run:
            with _readable_tracker(db) as conn:
                report = import_csv(conn, args.file.expanduser(), args.kind, **options)
        else:
            with _importing(db, paths) as (session, backup):
                report = import_csv(session.repo.conn, args.file.expanduser(), args.kind,
                                    before_write=backup, **options)  # fmt: skip
                if report.invalid and not args.skip_invalid:  # refused: nothing was imported
                    session.discard()
    except MappingError as exc:
        raise TrackerError(f"{args.file}: {exc}") from None
    print("\n".join(report.lines(None if args.verbose else 50)))
    if report.invalid and not args.skip_invalid:  # refused, or would be: one line says so
        rows = f"{len(report.invalid):,} row{'s' * (len(report.invalid) != 1)}"
        outcome = "the import would be refused" if args.dry_run else "nothing was imported"
        raise TrackerError(f"{args.file}: {rows} invalid (listed above); {outcome}")
    return 0


@contextmanager
def _readable_tracker(db: Path) -> Iterator[sqlite3.Connection]:
    """The tracker read-only for a dry run, or an empty one in memory when it does not exist
    yet (a dry run never creates a file)."""
    from lodestone.core.storage import migrate, open_tracker

    if db.exists():
        conn = open_tracker(db, readonly=True)
    else:
        conn = sqlite3.connect(":memory:", isolation_level=None)
        migrate(conn)
    try:
        yield conn
    finally:
        conn.close()
