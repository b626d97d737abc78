"""The `backup`, `restore` and `backups` commands of `lodestone`, registered by lodestone.cli.

Like the rest of the command line, only argparse is imported up front; each command imports
the core functions it needs, the same ones the app's Backups dialog calls.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lodestone.cli.arguments import db_option as _db_option

if TYPE_CHECKING:
    from lodestone.core.paths import AppPaths

PROG = "lodestone"

_BACKUP_EPILOG = """\
A backup is a consistent, verified copy made with SQLite's backup API, safe to take while
Lodestone has the tracker open. Without DEST it goes to the backups folder, where older
backups are thinned out on a schedule (the 10 latest, then one a day for a week, one a
week for 5 weeks, one a month for a year). With DEST (a folder, or a new file name) it is
written there and kept until you delete it.

examples:
  lodestone backup
  lodestone backup --db magnets.db ~/usb-stick/"""
_RESTORE_EPILOG = """\
The current tracker is not deleted: it is renamed <tracker>.before-restore-<time>, with
its -wal and -shm files. Close Lodestone first; a restore is refused while it has the
tracker open. A backup of another tracker is refused unless --other-tracker confirms it.

examples:
  lodestone backups
  lodestone restore ~/.local/share/Lodestone/backups/tracker.lodestone/<name>.db"""


def add_backup_commands(commands: Any, prog: str = PROG) -> None:
    """Add `backup`, `restore` and `backups` to the command's sub-parsers."""
    formatter = argparse.RawDescriptionHelpFormatter
    backup = commands.add_parser(
        "backup", prog=f"{prog} backup", help="make a verified backup of a tracker now",
        description="Back up a tracker now.", epilog=_BACKUP_EPILOG, formatter_class=formatter)
    _db_option(backup, "the tracker to back up (default: your own)")
    backup.add_argument("dest", nargs="?", type=Path, metavar="DEST",
                        help="a folder, or a new file name (default: the backups folder)")
    backup.set_defaults(run=run_backup, parser=backup)

    restore = commands.add_parser(
        "restore", prog=f"{prog} restore", help="replace a tracker with one of its backups",
        description="Replace a tracker with a backup; the current file is kept aside.",
        epilog=_RESTORE_EPILOG, formatter_class=formatter)
    restore.add_argument("backup", type=Path, metavar="BACKUP",
                         help="the backup file to restore (see `lodestone backups`)")
    _db_option(restore, "the tracker to replace (default: your own)")
    restore.add_argument("--other-tracker", action="store_true",
                         help="restore it even though it is a backup of another tracker")
    restore.set_defaults(run=run_restore, parser=restore)

    listing = commands.add_parser(
        "backups", prog=f"{prog} backups", help="list a tracker's backups, newest first",
        description="List the backups of a tracker with their dates, reasons and sizes.",
        formatter_class=formatter)
    _db_option(listing, "the tracker whose backups to list (default: your own)")
    listing.set_defaults(run=run_backups, parser=listing)


def _tracker(args: argparse.Namespace, paths: AppPaths) -> Path:
    return Path(args.db or paths.tracker).expanduser()


def run_backup(args: argparse.Namespace, paths: AppPaths) -> int:
    from lodestone.core.backups import backup_to, human_size, take_backup
    from lodestone.core.missing import missing_file
    from lodestone.core.storage import TrackerError

    db = _tracker(args, paths)
    if not db.exists():
        raise TrackerError(f"{missing_file(db)}, so there is nothing to back up")
    if args.dest is not None:
        written = backup_to(db, args.dest.expanduser())
    else:
        written = take_backup(db, paths, "manual").path
    print(f"Backed up {db} to {written} ({human_size(written.stat().st_size)}, verified)")
    return 0


def run_restore(args: argparse.Namespace, paths: AppPaths) -> int:
    from lodestone.cli.snapshot import refuse_a_broken_link
    from lodestone.core.backups import OtherTrackerBackup
    from lodestone.core.storage import TrackerError
    from lodestone.core.tracker import restore_closed

    db = _tracker(args, paths)
    refuse_a_broken_link(db)
    try:
        aside = restore_closed(db, args.backup.expanduser(), other_tracker=args.other_tracker)
    except OtherTrackerBackup as exc:
        raise TrackerError(f"{exc}; nothing was changed (add --other-tracker to restore "
                           "it anyway)") from None
    print(f"Restored {db} from {args.backup}")
    if aside is not None:
        print(f"The previous file was kept as {aside}")
    return 0


def run_backups(args: argparse.Namespace, paths: AppPaths) -> int:
    from lodestone.core.backups import backup_folder, human_size, list_backups

    db = _tracker(args, paths)
    backups = list_backups(paths, db)
    if not backups:
        print(f"No backups of {db} yet (they are kept in {backup_folder(paths, db)})")
        return 0
    print(f"Backups of {db}, newest first, in {backup_folder(paths, db)}:")
    for backup in backups:
        when = backup.taken_at.astimezone().strftime("%Y-%m-%d %H:%M:%S")
        print(f"  {when}  {backup.reason:<17} {human_size(backup.size):>9}  {backup.path.name}")
    return 0
