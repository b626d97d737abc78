"""The bulk generator: reproducible, plausible, indexed like the repository, and never
written over an analyst's records."""

from __future__ import annotations

import hashlib
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from lodestone.core.paths import AppPaths
from lodestone.core.records import (
    CURRENCY_DIGITS,
    EVENT_TYPES,
    STAGES,
    Company,
    Money,
    is_country,
    reconcile,
)
from lodestone.core.samples import MAX_COUNT, GenerateSpec, generate_tracker
from lodestone.core.samples import generate as generate_module
from lodestone.core.samples.generate import DEFERRED_INDEX_TABLES
from lodestone.core.samples.synthetic import COLUMNS
from lodestone.core.samples.words import (
    COUNTRY_WEIGHTS,
    CURRENCY_WEIGHTS,
    EVENT_TITLES,
    PRODUCTS,
)
from lodestone.core.storage import (
    Repository,
    TrackerError,
    check_tracker,
    drop_indexes,
    open_tracker,
)
from lodestone.core.storage.change_log import created_between_sql
from lodestone.core.storage.search_text import index_range_sql

SMALL = GenerateSpec(companies=60, deals=150, events=1_500, seed=11)
_TIMESTAMPS = {"created_at", "updated_at"}


def _paths(tmp_path: Path) -> AppPaths:
    return AppPaths(tmp_path / "data")


def _generate(tmp_path: Path, name: str, spec: GenerateSpec = SMALL) -> Path:
    path = tmp_path / name
    generate_tracker(path, _paths(tmp_path), spec)
    return path


def _content(path: Path) -> dict[str, list[tuple]]:
    """Every generated row (timestamps aside) and every full-text entry, in id order."""
    conn = sqlite3.connect(path)
    try:
        tables: dict[str, list[tuple]] = {}
        for table, columns in COLUMNS.items():
            kept = ", ".join(c for c in columns if c not in _TIMESTAMPS)
            tables[table] = conn.execute(f"SELECT {kept} FROM {table} ORDER BY 1, 2").fetchall()
        for kind in ("companies", "deals", "events"):
            tables[f"{kind}_fts"] = conn.execute(
                f"SELECT rowid, text FROM {kind}_fts ORDER BY rowid").fetchall()
        return tables
    finally:
        conn.close()


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("generated")
    return _generate(tmp, "small.db")


@pytest.fixture
def conn(small: Path):
    connection = sqlite3.connect(small)
    yield connection
    connection.close()


def test_counts_are_exactly_the_spec(small: Path, conn: sqlite3.Connection):
    for table, expected in (("companies", 60), ("deals", 150), ("events", 1_500)):
        assert conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == expected
        assert conn.execute(f"SELECT count(*) FROM {table}_fts").fetchone()[0] == expected


def test_the_same_seed_gives_the_same_rows(tmp_path: Path, small: Path):
    assert _content(_generate(tmp_path, "again.db")) == _content(small)


def test_a_different_seed_gives_different_rows(tmp_path: Path, small: Path):
    other = GenerateSpec(SMALL.companies, SMALL.deals, SMALL.events, seed=12)
    assert _content(_generate(tmp_path, "other.db", other))["events"] != _content(small)["events"]


def test_batch_size_does_not_change_the_rows(tmp_path: Path, small: Path, monkeypatch):
    monkeypatch.setattr(generate_module, "BATCH_SIZE", 97)
    assert _content(_generate(tmp_path, "batched.db")) == _content(small)


def test_the_result_is_a_sound_tracker(small: Path):
    report = check_tracker(small)
    assert report.ok, report.problems
    assert report.counts["event"] == SMALL.events


def test_deferred_indexes_are_rebuilt_exactly(tmp_path: Path, small: Path):
    fresh = open_tracker(tmp_path / "fresh.db")
    generated = sqlite3.connect(small)
    query = ("SELECT type, name, sql FROM sqlite_master "
             "WHERE name NOT LIKE 'sqlite_stat%' ORDER BY type, name")  # ANALYZE's statistics
    try:
        assert generated.execute(query).fetchall() == fresh.execute(query).fetchall()
    finally:
        fresh.close()
        generated.close()


def test_parties_tranches_and_links_have_the_promised_shape(conn: sqlite3.Connection):
    parties = Counter(r[0] for r in conn.execute("SELECT deal_id FROM deal_parties"))
    assert set(parties) == set(range(1, SMALL.deals + 1))
    assert set(parties.values()) <= {1, 2, 3} and max(parties.values()) > 1
    tranches = Counter(r[0] for r in conn.execute("SELECT deal_id FROM tranches"))
    assert max(tranches.values()) <= 4 and len(tranches) < SMALL.deals  # some deals have none
    links = Counter(r[0] for r in conn.execute("SELECT event_id FROM event_companies"))
    assert set(links) == set(range(1, SMALL.events + 1))
    with_deal = conn.execute("SELECT count(*) FROM events WHERE deal_id IS NOT NULL").fetchone()
    assert 0 < with_deal[0] < SMALL.events


def test_money_is_in_several_currencies_mostly_usd(conn: sqlite3.Connection):
    currencies = Counter(r[0] for r in conn.execute(
        "SELECT currency FROM tranches WHERE currency IS NOT NULL"))
    assert len(currencies) >= 3
    assert currencies.most_common(1)[0][0] == "USD"
    assert currencies["USD"] > sum(currencies.values()) / 2


def test_deals_show_every_reconciliation_status(conn: sqlite3.Connection):
    statuses = set()
    for deal_id, minor, currency in conn.execute("SELECT id, amount_minor, currency FROM deals"):
        amounts = [Money(m, c) for m, c in conn.execute(
            "SELECT amount_minor, currency FROM tranches WHERE deal_id = ? "
            "AND amount_minor IS NOT NULL", (deal_id,))]
        headline = None if minor is None else Money(minor, currency)
        statuses |= {line.status for line in reconcile(headline, amounts)}
    assert statuses == {"balanced", "unallocated", "over-allocated", "no headline"}


def test_dates_have_every_precision_and_consistent_spans(conn: sqlite3.Connection):
    precisions = {r[0] for r in conn.execute("SELECT DISTINCT date_precision FROM events")}
    assert precisions == {"day", "month", "quarter", "year"}
    years = conn.execute("SELECT min(start_day), max(end_day) FROM events").fetchone()
    assert years[0] >= "2000-01-01" and years[1] <= "2026-12-31"
    assert conn.execute("SELECT count(*) FROM events WHERE end_day < start_day").fetchone()[0] == 0
    periods = conn.execute(
        "SELECT count(*) FROM events WHERE end_date IS NOT NULL AND end_day > start_day"
    ).fetchone()[0]
    assert periods > 0
    closed = conn.execute("SELECT count(*) FROM deals WHERE closed_start < announced_start")
    assert closed.fetchone()[0] == 0


@pytest.mark.parametrize("kind", ["company", "deal", "event"])
def test_search_text_matches_what_the_repository_indexes(small: Path, kind: str):
    repo = Repository(sqlite3.connect(small))
    table = {"company": "companies", "deal": "deals", "event": "events"}[kind]
    try:
        rows = repo.conn.execute(f"SELECT rowid, text FROM {table}_fts WHERE rowid % 37 = 1")
        sample = [(r[0], r[1]) for r in rows]
        assert sample
        for record_id, text in sample:
            assert text == repo.search_text(kind, record_id)
    finally:
        repo.close()


def test_full_text_search_finds_a_generated_title(conn: sqlite3.Connection):
    event_id, title = conn.execute("SELECT id, title FROM events WHERE id = 777").fetchone()
    phrase = '"' + title.replace('"', '""') + '"'
    found = [r[0] for r in conn.execute(
        "SELECT rowid FROM events_fts WHERE events_fts MATCH ?", (phrase,))]
    assert event_id in found


def test_bulk_search_text_never_scans_without_the_deferred_indexes(tmp_path: Path):
    conn = open_tracker(tmp_path / "plan.db")
    try:
        conn.execute("BEGIN")
        drop_indexes(conn, DEFERRED_INDEX_TABLES, keep_unique=False)
        for kind in ("company", "deal", "event"):
            for sql, params in ((index_range_sql(kind), (1, 2)),
                                (created_between_sql(kind), ("generated", 1, 2))):
                plan = [r[3] for r in conn.execute(f"EXPLAIN QUERY PLAN {sql}", params)]
                assert not [step for step in plan if step.startswith("SCAN")], plan
    finally:
        conn.close()


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_refuses_a_tracker_with_records_and_leaves_it_untouched(tmp_path: Path):
    path = tmp_path / "mine.db"
    repo = Repository.open(path)
    repo.save(Company("Vulcan Elements"))
    repo.close()
    before = _digest(path)
    with pytest.raises(TrackerError, match="already holds 1 records"):
        generate_tracker(path, _paths(tmp_path), SMALL)
    assert _digest(path) == before


def test_a_soft_deleted_record_still_counts_as_a_record(tmp_path: Path):
    path = tmp_path / "mine.db"
    repo = Repository.open(path)
    company = repo.save(Company("Vulcan Elements"))
    repo.delete("company", company.id)  # type: ignore[arg-type]
    repo.close()
    with pytest.raises(TrackerError, match="already holds"):
        generate_tracker(path, _paths(tmp_path), SMALL)


def test_fills_an_existing_empty_tracker(tmp_path: Path):
    path = tmp_path / "empty.db"
    open_tracker(path).close()
    generate_tracker(path, _paths(tmp_path), GenerateSpec(5, 5, 5))
    assert check_tracker(path).counts["deal"] == 5


def test_refuses_a_file_that_is_not_a_tracker(tmp_path: Path):
    path = tmp_path / "notes.txt"
    path.write_text("not a database\n" * 20)
    with pytest.raises(TrackerError):
        generate_tracker(path, _paths(tmp_path), SMALL)
    assert path.read_text() == "not a database\n" * 20


@pytest.mark.parametrize(
    ("spec", "words"),
    [
        (GenerateSpec(-1, 0, 0), "number of companies"),
        (GenerateSpec(1, -5, 0), "number of deals"),
        (GenerateSpec(1, 0, MAX_COUNT + 1), "number of events"),
        (GenerateSpec(0, 1, 0), "at least one company"),
        (GenerateSpec(0, 0, 1), "at least one company"),
    ],
)
def test_impossible_specs_are_refused_before_any_file_exists(tmp_path: Path, spec, words):
    with pytest.raises(ValueError, match=words):
        generate_tracker(tmp_path / "t.db", _paths(tmp_path), spec)
    assert not (tmp_path / "t.db").exists()


def test_zero_of_everything_is_an_empty_tracker(tmp_path: Path):
    summary = generate_tracker(tmp_path / "t.db", _paths(tmp_path), GenerateSpec(0, 0, 0))
    assert set(summary.counts.values()) == {0}
    assert check_tracker(tmp_path / "t.db").ok


def test_an_interrupted_run_leaves_a_sound_partly_filled_tracker(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(generate_module, "BATCH_SIZE", 100)

    def stop_during_events(what: str, done: int, total: int) -> None:
        if what == "events" and done >= 300:
            raise KeyboardInterrupt

    path = tmp_path / "t.db"
    with pytest.raises(KeyboardInterrupt):
        generate_tracker(path, _paths(tmp_path), SMALL, stop_during_events)
    report = check_tracker(path)
    assert report.ok, report.problems  # the dropped indexes were put back
    assert report.counts["event"] == 300


def test_the_word_lists_fit_the_vocabularies():
    assert set(EVENT_TITLES) == set(EVENT_TYPES)
    assert set(PRODUCTS) == set(STAGES) - {"other"}
    assert all(is_country(code) for code in COUNTRY_WEIGHTS)
    assert set(CURRENCY_WEIGHTS) <= set(CURRENCY_DIGITS)
