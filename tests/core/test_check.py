"""check_tracker: reports on a tracker without changing a byte, and refuses non-trackers."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from bad_files import BAD_FILES, good_tracker, noise
from lodestone.core.records import Deal
from lodestone.core.storage import (
    SCHEMA_VERSION,
    DamagedTrackerError,
    NotATrackerError,
    Repository,
    TrackerError,
    check_tracker,
    ensure_no_records,
    open_tracker,
)
from lodestone.core.storage.check import MAX_LISTED
from lodestone.core.storage.schema import KNOWN_MIGRATIONS


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tracker(path: Path, *statements: str) -> Path:
    """A tracker with a few records, then raw SQL (foreign keys off) to damage it."""
    good_tracker(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA foreign_keys = OFF")
    for statement in statements:
        conn.execute(statement)
    conn.close()
    return path


def test_sound_tracker_reports_counts_and_the_unallocated_gap(repo: Repository,
                                                             magnet_deal: Deal):
    path = Path(repo.conn.execute("PRAGMA database_list").fetchone()[2])
    repo.close()
    report = check_tracker(path)
    assert report.ok and report.problems == []
    assert report.schema_version == SCHEMA_VERSION
    assert report.counts["deal"] == 1 and report.counts["tranche"] == 3
    assert report.counts["company"] == 4
    assert len(report.warnings) == 1
    assert "$180M unallocated" in report.warnings[0]
    assert magnet_deal.title in report.warnings[0]


def test_an_empty_tracker_is_sound_without_warnings(tmp_path: Path):
    path = tmp_path / "t.db"
    open_tracker(path).close()
    report = check_tracker(path)
    assert report.ok and report.warnings == []
    assert set(report.counts.values()) == {0}


def test_over_allocation_is_a_warning_not_a_problem(tmp_path: Path):
    path = _tracker(
        tmp_path / "t.db",
        "INSERT INTO deals (id, title, amount_minor, currency) VALUES (1, 'Floor', 1000, 'USD')",
        "INSERT INTO tranches (deal_id, amount_minor, currency) VALUES (1, 800, 'USD')",
        "INSERT INTO tranches (deal_id, amount_minor, currency) VALUES (1, 700, 'USD')",
    )
    report = check_tracker(path)
    assert report.ok
    assert report.warnings == ['deal 1 "Floor": over-allocated by $5: $15 of $10']


def test_balanced_and_deleted_deals_give_no_warning(tmp_path: Path):
    path = _tracker(
        tmp_path / "t.db",
        "INSERT INTO deals (id, title, amount_minor, currency) VALUES (1, 'Even', 1000, 'USD')",
        "INSERT INTO tranches (deal_id, amount_minor, currency) VALUES (1, 1000, 'USD')",
        "INSERT INTO deals (id, title, amount_minor, currency, deleted_at) "
        "VALUES (2, 'Gone', 1000, 'USD', '2025-01-01')",
    )
    assert check_tracker(path).warnings == []


def test_a_broken_reference_is_a_problem(tmp_path: Path):
    path = _tracker(tmp_path / "t.db",
                    "INSERT INTO deal_parties (deal_id, company_id) VALUES (99, 1)")
    before = _digest(path)
    report = check_tracker(path)
    assert not report.ok
    assert report.problems == ["deal_parties row 1 refers to a missing deals record"]
    assert _digest(path) == before


def test_many_broken_references_are_counted_not_all_listed(tmp_path: Path):
    rows = ", ".join(f"({1000 + i}, 1)" for i in range(MAX_LISTED + 50))
    path = _tracker(tmp_path / "t.db",
                    f"INSERT INTO deal_parties (deal_id, company_id) VALUES {rows}")
    report = check_tracker(path)
    assert len(report.problems) == MAX_LISTED + 1
    assert report.problems[-1] == "... and 50 more broken references"


def test_a_missing_index_is_a_problem(tmp_path: Path):
    path = _tracker(tmp_path / "t.db", "DROP INDEX events_start")
    assert check_tracker(path).problems == ["the index events_start is missing"]


def test_an_unreadable_amount_is_a_problem(tmp_path: Path):
    path = _tracker(
        tmp_path / "t.db",
        "INSERT INTO deals (id, title, amount_minor, currency) VALUES (1, 'Odd', 5, 'ZZZ')",
    )
    report = check_tracker(path)
    assert len(report.problems) == 1
    assert report.problems[0].startswith('deal 1 "Odd" has an unreadable amount')


@pytest.mark.parametrize("quick", [False, True])
def test_a_corrupted_page_is_found(tmp_path: Path, quick: bool):
    path = good_tracker(tmp_path / "t.db", companies=400)
    page_size = 4096
    data = bytearray(path.read_bytes())
    assert len(data) > 12 * page_size
    for page in range(4, len(data) // page_size, 3):  # b-tree pages of tables and indexes
        data[page * page_size: page * page_size + 64] = noise(64, seed=page)
    path.write_bytes(bytes(data))
    before = _digest(path)
    try:
        report = check_tracker(path, quick=quick)
    except DamagedTrackerError:
        pass  # SQLite may already fail to read the schema: also a clear refusal
    else:
        assert not report.ok
        assert report.problems[0].startswith("integrity:")
    assert _digest(path) == before


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_a_file_that_is_not_a_tracker_is_refused_untouched(tmp_path: Path, name: str):
    make, error, words = BAD_FILES[name]
    path = tmp_path / "bad.db"
    make(path)
    before = _digest(path)
    with pytest.raises(error, match=words) as caught:
        check_tracker(path)
    assert "\n" not in str(caught.value)
    assert _digest(path) == before


def test_a_missing_file_is_refused_and_not_created(tmp_path: Path):
    with pytest.raises(TrackerError, match="does not exist"):
        check_tracker(tmp_path / "nothing.db")
    assert list(tmp_path.iterdir()) == []


def test_a_folder_is_refused(tmp_path: Path):
    with pytest.raises(NotATrackerError, match="folder"):
        check_tracker(tmp_path)


@pytest.mark.skipif(SCHEMA_VERSION < 2, reason="needs an older schema to exist")
def test_an_older_schema_is_a_warning_and_is_not_migrated(tmp_path: Path):
    path = tmp_path / "old.db"
    conn = open_tracker(path)
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = ?", (KNOWN_MIGRATIONS[-1],))
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.close()
    before = _digest(path)
    report = check_tracker(path)
    assert report.schema_version == SCHEMA_VERSION - 1
    assert any("will upgrade" in w for w in report.warnings)
    assert _digest(path) == before


def test_the_file_bytes_never_change(tmp_path: Path):
    path = _tracker(tmp_path / "t.db")
    before = _digest(path)
    check_tracker(path)
    check_tracker(path, quick=True)
    assert _digest(path) == before


def test_no_file_is_created_next_to_the_tracker(tmp_path: Path):
    path = _tracker(tmp_path / "t.db")
    before = sorted(p.name for p in tmp_path.iterdir())
    check_tracker(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_ensure_no_records_passes_an_empty_tracker_and_refuses_a_used_one(tmp_path: Path):
    empty = tmp_path / "empty.db"
    open_tracker(empty).close()
    ensure_no_records(empty)
    used = _tracker(tmp_path / "used.db")
    with pytest.raises(TrackerError, match="already holds 3 records"):
        ensure_no_records(used)


def test_a_stored_value_outside_the_vocabulary_is_a_warning_naming_the_field(
    tmp_path: Path,
):
    """Written by a later release that knows more values (or by hand): the records still
    work, so `check` warns and names the field, the value and how many rows hold it."""
    path = _tracker(
        tmp_path / "t.db",
        "INSERT INTO deals (id, title, amount_minor, currency) "
        "VALUES (1, 'Royalty deal', 100, 'USD')",
        "INSERT INTO tranches (deal_id, instrument) VALUES (1, 'royalty'), (1, 'royalty')",
        "INSERT INTO events (title, kind, date, date_precision, start_day, end_day) VALUES "
        "('Gallium embargo', 'embargo', '2025-08', 'month', '2025-08-01', '2025-08-31')",
        "UPDATE companies SET commodities = '[\"NdPr\", \"scandium\"]' WHERE id = 1",
    )
    report = check_tracker(path)
    assert report.ok
    unknown = [w for w in report.warnings if "does not know" in w]
    assert len(unknown) == 3 and "unallocated" in report.warnings[-1], report.warnings
    assert unknown == report.warnings[:3], "listed first, before tranches that do not add up"
    tranches, = [w for w in unknown if w.startswith("tranches.instrument")]
    assert "the tranche instrument 'royalty'" in tranches and "rows have" in tranches
    assert any(w.startswith("events.kind: 1 row has the event type 'embargo'") for w in unknown)
    assert any("company commodity 'scandium'" in w for w in unknown)
