"""Every released schema version migrates with its data, and a crash mid-migration never
leaves a half-migrated file.

Old trackers are built as that version of Lodestone built them: only the first N numbered
steps, stamped with N. Crashes are real: a child process dies (os._exit, no clean-up) right
after the first statement of one step, and the file is then compared with the exact set of
schema objects of the version before and after that step.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from lodestone.core.backups import list_backups
from lodestone.core.paths import AppPaths
from lodestone.core.records import Company, Deal, Event, Money, Party, Tranche, parse_fuzzy_date
from lodestone.core.storage import SCHEMA_VERSION, Repository, inspect_existing, open_tracker
from lodestone.core.storage.schema import KNOWN_MIGRATIONS
from lodestone.core.tracker import open_for_writing
from names_data import assert_all_current
from schema_versions import build_version

OLD_VERSIONS = range(1, SCHEMA_VERSION)
STEPS = range(1, SCHEMA_VERSION + 1)
CRASH_EXIT = 17

# Runs in the child: the k-th step's script executes one statement, then the process dies.
CHILD = """
import os, sys
from pathlib import Path
from lodestone.core.storage import schema
from lodestone.core.paths import AppPaths
from lodestone.core.tracker.session import open_for_writing

CRASH_EXIT = int(sys.argv[4])
step, db, home = int(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
target, real = schema.STEPS[step - 1][1], schema.run_script

class DiesAfterOneStatement:
    def __init__(self, conn):
        self.conn = conn
    def execute(self, sql, *args):
        self.conn.execute(sql, *args)
        os._exit(CRASH_EXIT)

def run_script(conn, script):
    real(DiesAfterOneStatement(conn) if script is target else conn, script)

schema.run_script = run_script
open_for_writing(db, AppPaths(home), backup_on_open=False)
os._exit(0)
"""


def schema_objects(db: Path) -> set[tuple[str, str, str]]:
    conn = sqlite3.connect(db)
    try:
        return set(conn.execute("SELECT type, name, coalesce(sql, '') FROM sqlite_master"))
    finally:
        conn.close()


def applied(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    finally:
        conn.close()


@pytest.fixture(scope="module")
def reference_schemas(tmp_path_factory) -> dict[int, set[tuple[str, str, str]]]:
    """The objects of every version, 0 to the current one, as a clean build makes them."""
    folder = tmp_path_factory.mktemp("reference")
    result = {}
    for version in range(SCHEMA_VERSION + 1):
        build_version(folder / f"v{version}.db", version)
        result[version] = schema_objects(folder / f"v{version}.db")
    assert len({frozenset(s) for s in result.values()}) == SCHEMA_VERSION + 1, (
        "each step must change the schema, or a crash in it could not be told apart"
    )
    return result


def insert_version_1_data(db: Path) -> None:
    """A company, a deal with parties and two tranches, and an event, in plain SQL against
    the version-1 tables (what any released version could hold)."""
    conn = sqlite3.connect(db, isolation_level=None)
    conn.executescript(
        """
        BEGIN;
        INSERT INTO companies (id, name, kind, ticker, exchange, stages)
            VALUES (1, 'Lynas', 'company', 'LYC', 'ASX', '["mining"]'),
                   (2, 'Office of Strategic Capital', 'government agency', '', '', '[]');
        INSERT INTO deals (id, title, announced, announced_precision, announced_start,
                           announced_end, amount_minor, currency)
            VALUES (1, 'Magnet plant', '2025-11', 'month', '2025-11-01', '2025-11-30',
                    140000000000, 'USD');
        INSERT INTO deal_parties (deal_id, company_id, role, position)
            VALUES (1, 1, 'recipient', 0);
        INSERT INTO tranches (id, deal_id, funder_id, instrument, amount_minor, currency, position)
            VALUES (1, 1, 2, 'loan', 62000000000, 'USD', 0),
                   (2, 1, NULL, 'equity', 5000000000, 'EUR', 1);
        INSERT INTO events (id, title, kind, date, date_precision, start_day, end_day, deal_id)
            VALUES (1, 'First shipment', 'shipment', '2025-10', 'month', '2025-10-01',
                    '2025-10-31', 1);
        INSERT INTO event_companies (event_id, company_id, position) VALUES (1, 1, 0);
        COMMIT;
        """
    )
    conn.close()


EXPECTED = {
    ("company", 1): Company("Lynas", ticker="LYC", exchange="ASX", stages=["mining"], id=1),
    ("company", 2): Company("Office of Strategic Capital", company_type="government agency", id=2),
    ("deal", 1): Deal(
        "Magnet plant",
        announced=parse_fuzzy_date("2025-11"),
        amount=Money(140000000000, "USD"),
        parties=[Party(1, "recipient")],
        tranches=[
            Tranche("loan", Money(62000000000, "USD"), 2, id=1),
            Tranche("equity", Money(5000000000, "EUR"), None, id=2),
        ],
        id=1,
    ),
    ("event", 1): Event(
        "First shipment", parse_fuzzy_date("2025-10"), event_type="shipment", company_ids=[1],
        deal_id=1, id=1,
    ),
}


@pytest.mark.parametrize("version", OLD_VERSIONS)
def test_every_released_version_migrates_with_its_data(tmp_path: Path, version: int):
    db = tmp_path / "old.db"
    build_version(db, version)
    insert_version_1_data(db)
    assert inspect_existing(db) == version
    conn = open_tracker(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        assert applied(db) == list(KNOWN_MIGRATIONS)
        repo = Repository(conn)
        for (kind, record_id), record in EXPECTED.items():
            assert repo.get(kind, record_id) == record
        assert_all_current(repo)
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def crash_cases() -> list:
    """(start version, step that crashes): from the version just before the step, and from
    the oldest release, so earlier steps of the same run have committed first. Start 0 is
    the very first open, creating the file."""
    cases = {(step - 1, step) for step in STEPS}
    cases |= {(1, step) for step in STEPS if step > 1}
    return sorted(cases)


@pytest.mark.parametrize(("start", "step"), crash_cases())
def test_a_crash_in_a_migration_step_leaves_the_old_or_the_new_schema(
    tmp_path: Path, reference_schemas, start: int, step: int
):
    db, home = tmp_path / "t.db", tmp_path / "home"
    if start > 0:
        build_version(db, start)
        insert_version_1_data(db)
    child = subprocess.run(
        [sys.executable, "-c", CHILD, str(step), str(db), str(home), str(CRASH_EXIT)],
        capture_output=True, text=True, timeout=60,
    )
    assert child.returncode == CRASH_EXIT, child.stderr  # it died inside step `step`

    objects = schema_objects(db)
    assert objects in (reference_schemas[step - 1], reference_schemas[step]), (
        "a half-applied step: the schema matches neither version"
    )
    done = step if objects == reference_schemas[step] else step - 1
    assert applied(db) == list(KNOWN_MIGRATIONS[:done])
    if start > 0:
        backups = [b for b in list_backups(AppPaths(home), db) if b.reason == "before-migration"]
        assert [inspect_existing(b.path) for b in backups] == [start]

    with open_for_writing(db, AppPaths(home), backup_on_open=False) as session:
        conn = session.repo.conn
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        if start > 0:
            for (kind, record_id), record in EXPECTED.items():
                assert session.repo.get(kind, record_id) == record
    assert schema_objects(db) == reference_schemas[SCHEMA_VERSION]
    assert applied(db) == list(KNOWN_MIGRATIONS)
