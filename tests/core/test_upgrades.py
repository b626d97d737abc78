"""A tracker made by any earlier release upgrades to this one with nothing lost, and then
behaves exactly like a tracker this release creates, even for vocabulary values added since.

For every schema version k, a tracker is built with steps 1..k only and filled with what a
release of that version could hold: the example tracker's records, citations and change log,
plus a tag, a record in the Trash, a saved view and an exchange rate, each where the schema
of version k has its table. It is then opened by this release and compared, table by table
and row by row, with the same records in a tracker made at the latest schema.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from lodestone.core.records import Company, Deal, Event, Money, Party, Tranche, parse_fuzzy_date
from lodestone.core.samples.example import load_example
from lodestone.core.storage import SCHEMA_VERSION, Repository, TrackerError, open_tracker, schema
from lodestone.core.storage.schema import KNOWN_MIGRATIONS
from schema_versions import build_version, extend_vocabulary

VERSIONS = range(SCHEMA_VERSION + 1)
SEARCHES = (("companies", "Vulcan"), ("deals", "magnet*"), ("events", "shipment"),
            ("sources", "Benzinga"))  # fmt: skip
# Added to the reference with plain SQL, as any release with these tables could hold them.
EXTRAS = (
    "INSERT INTO tags (record_kind, record_id, tag) VALUES ('company', 1, 'watch list')",
    "UPDATE companies SET deleted_at = '2025-11-20T10:00:00.000Z' WHERE id = (SELECT max(id) "
    "FROM companies WHERE id NOT IN (SELECT company_id FROM deal_parties) "
    "AND id NOT IN (SELECT company_id FROM event_companies))",
    "INSERT INTO saved_views (kind, name, query_json) VALUES ('event', 'Export controls', "
    "'{\"search\": \"export\"}')",
    "INSERT INTO exchange_rates (currency, base, date, rate) "
    "VALUES ('EUR', 'USD', '2025-11-01', '1.08')",
)


def _user_tables(conn: sqlite3.Connection) -> list[str]:
    """Tables holding what the analyst wrote: not the migrations' record, the AUTOINCREMENT
    counters (compared apart), FTS5's own storage (its text is compared by rowid) or the
    tracker's own random id (each file has its own; checked apart)."""
    fts = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL%'")]
    shadows = {f"{t}_{part}" for t in fts for part in ("data", "idx", "content", "docsize",
                                                       "config")}
    return [name for (name,) in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        if name not in shadows and name != "tracker_identity"
        and not name.startswith(("sqlite_", "_sqlite"))]  # fmt: skip


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [row[1] for row in conn.execute(f"SELECT * FROM pragma_table_info('{table}')")]


def _contents(conn: sqlite3.Connection) -> dict[str, list[tuple]]:
    """Every row of every table, with the rowid where the table has one."""
    result = {}
    for table in _user_tables(conn):
        key = "rowid, " if table.endswith("_fts") else ""
        rows = conn.execute(f"SELECT {key}* FROM {table}").fetchall()
        result[table] = sorted(rows, key=repr)
    return result


GROWN = {"COMPANY_TYPES": "fund", "DEAL_STATUSES": "rumoured", "INSTRUMENTS": "royalty",
         "TRANCHE_STATUSES": "repaid", "EVENT_TYPES": "embargo",
         "PARTY_ROLES": "lender"}  # fmt: skip


def _save_grown_records(repo: Repository) -> list:
    """A company, a deal and an event, each using a value added to a vocabulary."""
    fund = repo.save(Company("Orion Resource Fund", company_type="fund"))
    deal = repo.save(Deal(
        "Royalty on NdPr output", status="rumoured", amount=Money(25_000_000_00, "USD"),
        parties=[Party(fund.id, "lender")],  # type: ignore[arg-type]
        tranches=[Tranche("royalty", Money(25_000_000_00, "USD"), fund.id, status="repaid")],
    ))  # fmt: skip
    event = repo.save(Event("Gallium embargo", parse_fuzzy_date("2025-08"), event_type="embargo",
                            company_ids=[fund.id]))  # type: ignore[list-item]
    return [repo.get(kind, record.id) for kind, record in  # type: ignore[arg-type]
            (("company", fund), ("deal", deal), ("event", event))]


def _grown_values(records: list) -> tuple:
    """The vocabulary values of the records as read back (their ids differ between files)."""
    company, deal, event = records
    return (company.company_type, deal.status, [p.role for p in deal.parties],
            [(t.instrument, t.status) for t in deal.tranches], event.event_type)


GROWN_VALUES = ("fund", "rumoured", ["lender"], [("royalty", "repaid")], "embargo")


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    """The records, in a tracker made at the latest schema."""
    path = tmp_path_factory.mktemp("reference") / "latest.db"
    repo = Repository.open(path)
    try:
        load_example(repo)
        for statement in EXTRAS:
            repo.conn.execute(statement)
    finally:
        repo.close()
    return path


def _fill_as_version(db: Path, reference: Path) -> None:
    """Copy into the tracker at `db` what its (older) schema can hold of the reference."""
    conn = sqlite3.connect(db, isolation_level=None)  # foreign keys off, as a raw copy needs
    try:
        conn.execute("ATTACH ? AS reference", (str(reference),))
        conn.execute("BEGIN")
        for table in _user_tables(conn):
            if table.endswith("_fts"):
                conn.execute(f"INSERT INTO {table} (rowid, text) "
                             f"SELECT rowid, text FROM reference.{table}")
                continue
            columns = ", ".join(_columns(conn, table))  # the latest has them all
            conn.execute(f"INSERT INTO {table} ({columns}) "
                         f"SELECT {columns} FROM reference.{table}")
        conn.execute("COMMIT")
    finally:
        conn.close()


def _expected(reference: Path, version_tables: set[str]) -> dict[str, list[tuple]]:
    """The reference's contents, empty for tables the old version did not have."""
    conn = sqlite3.connect(reference)
    try:
        contents = _contents(conn)
    finally:
        conn.close()
    return {t: rows if t in version_tables else [] for t, rows in contents.items()}


@pytest.mark.parametrize("version", VERSIONS)
def test_a_tracker_of_every_version_upgrades_with_nothing_lost(
    tmp_path: Path, reference: Path, monkeypatch: pytest.MonkeyPatch, version: int
):
    db = tmp_path / f"v{version}.db"  # version 0: no file yet
    tables: set[str] = set()
    if version > 0:
        build_version(db, version)
        probe = sqlite3.connect(db)
        tables = set(_user_tables(probe))
        probe.close()
        _fill_as_version(db, reference)
    expected = _expected(reference, tables)
    assert version == 0 or sum(map(len, expected.values())) > 100  # records were there

    conn = open_tracker(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        applied = [r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")]
        assert applied == list(KNOWN_MIGRATIONS)
        [(tracker_id,)] = conn.execute("SELECT id FROM tracker_identity").fetchall()
        assert len(tracker_id) == 32
        contents = _contents(conn)
        assert {t: len(rows) for t, rows in contents.items()} == {
            t: len(rows) for t, rows in expected.items()}
        for table, rows in expected.items():
            assert contents[table] == rows, f"{table} changed in the upgrade from {version}"
        for table, word in SEARCHES:
            found = conn.execute(f"SELECT count(*) FROM {table}_fts WHERE {table}_fts MATCH ?",
                                 (word,)).fetchone()[0]  # fmt: skip
            assert (found > 0) == (version > 0), f"the search for {word!r} in {table}"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        # and it takes what a later release may write, as a new tracker does
        for name, value in GROWN.items():
            extend_vocabulary(monkeypatch, name, value)
        assert _grown_values(_save_grown_records(Repository(conn))) == GROWN_VALUES
    finally:
        conn.close()


def test_tranche_ids_are_still_never_given_twice_after_the_upgrade(tmp_path: Path):
    """Migration 10's promise survives the rebuild of tranches: a removed tranche's id is
    not given to the next one, since Undo may bring the removed one back."""
    db = tmp_path / "v10.db"
    build_version(db, 10)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.executescript("""
        INSERT INTO deals (id, title) VALUES (1, 'Magnet plant');
        INSERT INTO tranches (id, deal_id, instrument) VALUES (1, 1, 'loan'), (2, 1, 'grant'),
            (3, 1, 'equity');
        DELETE FROM tranches WHERE id = 3;
    """)
    conn.close()
    repo = Repository(open_tracker(db))
    try:
        deal = repo.get("deal", 1)
        deal.tranches.append(Tranche("offtake"))
        saved = repo.save(deal)
        assert [t.id for t in saved.tranches] == [1, 2, 4]
    finally:
        repo.close()


@pytest.mark.parametrize("version", [1, 10])
def test_a_value_added_to_a_vocabulary_is_accepted_by_an_upgraded_tracker_as_by_a_new_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, version: int
):
    for name, value in GROWN.items():
        extend_vocabulary(monkeypatch, name, value)
    new = Repository.open(tmp_path / "new.db")
    try:
        made_new = _save_grown_records(new)
    finally:
        new.close()
    db = tmp_path / "old.db"
    build_version(db, version)
    old = Repository(open_tracker(db))
    try:
        made_old = _save_grown_records(old)
    finally:
        old.close()
    assert made_old == made_new  # the same ids too: both files held nothing before
    assert _grown_values(made_old) == GROWN_VALUES


def test_a_rebuild_that_would_break_a_reference_is_rolled_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Rebuilds run with foreign keys off, so they check the references themselves: one that
    would leave a deal's party pointing at nothing is refused before it commits."""
    db = tmp_path / "v10.db"
    build_version(db, 10)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.executescript("""
        INSERT INTO companies (id, name) VALUES (1, 'Lynas');
        INSERT INTO deals (id, title) VALUES (1, 'Magnet plant');
        INSERT INTO deal_parties (deal_id, company_id) VALUES (1, 1);
    """)
    conn.close()
    name, sql = schema.STEPS[10]
    assert name in schema.TABLE_REBUILDS
    broken = sql.replace("FROM companies ORDER BY id;", "FROM companies WHERE id <> 1;")
    assert broken != sql
    monkeypatch.setattr(schema, "STEPS", (*schema.STEPS[:10], (name, broken)))
    with pytest.raises(TrackerError, match="could not be upgraded.*broken references.*undone"):
        open_tracker(db).close()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 10
        assert conn.execute("SELECT name FROM companies").fetchall() == [("Lynas",)]
        assert "0011_open_vocabularies" not in {
            r[0] for r in conn.execute("SELECT name FROM _sqlite_migrations")}
    finally:
        conn.close()
