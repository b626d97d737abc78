"""Checking a tracker file without changing it: is it sound, and what deserves a second look?

`lodestone check` is what an analyst (or a support script) runs when a file looks wrong, so it
must never make things worse: the file is inspected and then read over a read-only connection,
nothing is migrated, created or repaired. A file that is not a tracker at all raises the same
TrackerError the app shows when opening it; a tracker is reported on: damage (SQLite's own
integrity and foreign-key checks, missing tables) makes it unsound, while deals whose tranches
do not add up to the headline are warnings, since the news is often like that, and so are
values outside today's vocabularies (written by a later release, or by hand).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import groupby
from pathlib import Path

from lodestone.core.missing import missing_file
from lodestone.core.records.kinds import RECORD_KINDS
from lodestone.core.records.money import Money, MoneyError
from lodestone.core.records.reconciliation import reconcile
from lodestone.core.storage.db import (
    DiskFullError,
    NotATrackerError,
    TrackerError,
    inspect_existing,
    migrate,
    open_tracker,
    unreadable,
)
from lodestone.core.storage.repository import Repository
from lodestone.core.storage.schema import SCHEMA_VERSION
from lodestone.core.storage.synced_folders import cloud_sync_warning
from lodestone.core.storage.unknown_values import unknown_value_warnings

RECORD_TABLES = tuple(kind.table for kind in RECORD_KINDS)
MAX_LISTED = 100  # problems of one kind listed one by one; the rest are counted
_WARNED_STATUSES = ("unallocated", "over-allocated")
_DEAL_AMOUNTS_SQL = """
SELECT d.id, d.title, d.amount_minor, d.currency, t.amount_minor, t.currency
FROM deals d LEFT JOIN tranches t ON t.deal_id = d.id
WHERE d.deleted_at IS NULL
ORDER BY d.id, t.position, t.id
"""


@dataclass
class CheckReport:
    """What `check_tracker` found: `ok` is False when the file is damaged."""

    path: Path
    schema_version: int
    counts: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def count_records(conn: sqlite3.Connection) -> int:
    """Every record row, soft-deleted ones included (they can still be restored)."""
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    return sum(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
               for t in RECORD_TABLES if t in tables)


def ensure_no_records(path: Path, conn: sqlite3.Connection | None = None) -> None:
    """Raise TrackerError when `path` holds records: the guard before writing generated or
    example data, so an analyst's own records are never mixed with invented ones."""
    own = conn is None
    if conn is None:
        conn = open_tracker(path, readonly=True)
    try:
        held = count_records(conn)
    finally:
        if own:
            conn.close()
    if held:
        raise TrackerError(f"{path} already holds {held:,} records; choose a new file "
                           "(nothing was changed)")


def _listed(found: list[str], what: str) -> list[str]:
    """At most MAX_LISTED lines, and a count of the rest: a wrecked file must not print
    a million lines."""
    if len(found) <= MAX_LISTED:
        return found
    return found[:MAX_LISTED] + [f"... and {len(found) - MAX_LISTED:,} more {what}"]


def _integrity(conn: sqlite3.Connection, quick: bool) -> list[str]:
    """SQLite's own check; `quick` skips comparing each index with its table (much faster
    on a big file, and still finds a torn or truncated one)."""
    pragma = "quick_check" if quick else "integrity_check"
    rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}({MAX_LISTED + 1})")]
    return [] if rows == ["ok"] else _listed([f"integrity: {r}" for r in rows], "integrity errors")


def _foreign_keys(conn: sqlite3.Connection) -> list[str]:
    found = [f"{table} row {rowid} refers to a missing {parent} record"
             for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")]
    return _listed(found, "broken references")


def _schema_objects(conn: sqlite3.Connection) -> set[tuple[str, str]]:
    return {(r[0], r[1]) for r in conn.execute(
        "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")}


def _missing_schema(conn: sqlite3.Connection) -> list[str]:
    """Tables and indexes this version's schema has and the file lacks."""
    reference = sqlite3.connect(":memory:", isolation_level=None)
    try:
        migrate(reference)
        expected = _schema_objects(reference)
    finally:
        reference.close()
    return [f"the {kind} {name} is missing"
            for kind, name in sorted(expected - _schema_objects(conn))]


def _reconciliation(conn: sqlite3.Connection) -> tuple[list[str], list[str]]:
    """(problems, warnings) of every live deal's tranches against its headline."""
    problems: list[str] = []
    warnings: list[str] = []
    rows = conn.execute(_DEAL_AMOUNTS_SQL)
    for (deal_id, title), group in groupby(rows, key=lambda r: (r[0], r[1])):
        try:
            parts = list(group)
            headline = None if parts[0][2] is None else Money(parts[0][2], parts[0][3])
            amounts = [Money(minor, currency) for *_, minor, currency in parts
                       if minor is not None]
            lines = reconcile(headline, amounts)
        except (MoneyError, TypeError) as exc:
            problems.append(f'deal {deal_id} "{title}" has an unreadable amount: {exc}')
            continue
        warnings += [f'deal {deal_id} "{title}": {line.describe()}'
                     for line in lines if line.status in _WARNED_STATUSES]
    return problems, warnings


def check_tracker(path: Path | str, *, quick: bool = False) -> CheckReport:
    """Report on the tracker at `path`, reading only.

    Raises TrackerError (one sentence) when `path` is missing or not a tracker at all; damage
    found inside a tracker is reported in `problems` instead.
    """
    path = Path(path)
    if not path.exists():
        raise TrackerError(missing_file(path))
    version = inspect_existing(path)
    if version == 0:
        raise NotATrackerError(f"{path} is an empty SQLite database, not a Lodestone tracker")
    conn = open_tracker(path, readonly=True, create=False)
    report = CheckReport(path, version)
    try:
        steps: list[tuple[str, Callable[[sqlite3.Connection], list[str]]]] = [
            ("integrity", lambda c: _integrity(c, quick)),
            ("foreign keys", _foreign_keys),
        ]
        if (cloud := cloud_sync_warning(path)) is not None:
            report.warnings.append(cloud)
        if version < SCHEMA_VERSION:
            report.warnings.append(f"the file has schema {version}; Lodestone will upgrade it "
                                   f"to schema {SCHEMA_VERSION} when it is next opened")
        else:
            steps.append(("schema", _missing_schema))
        for name, step in steps:
            try:
                report.problems += step(conn)
            except sqlite3.DatabaseError as exc:
                failure = unreadable(path, exc)
                if isinstance(failure, DiskFullError):  # the disk, not the file, said no
                    raise failure from None
                report.problems.append(f"{name}: the file cannot be read ({exc})")
        if report.ok and version == SCHEMA_VERSION:
            try:
                report.counts = Repository(conn).counts()
                problems, warnings = _reconciliation(conn)
                # first: a few lines at most, not lost after thousands of unallocated deals
                warnings = unknown_value_warnings(conn) + warnings
            except sqlite3.DatabaseError as exc:
                problems, warnings = [f"records: the file cannot be read ({exc})"], []
            report.problems += problems
            report.warnings += warnings
    finally:
        conn.close()
    return report
