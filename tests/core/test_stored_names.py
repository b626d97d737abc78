"""The names the Deals and Events lists sort by are stored in each row (a per-row subquery
took seconds at a million events); these tests hold the stored names to the records' own
links after every kind of write: forms, renames, undo, bulk generation and migration."""

from __future__ import annotations

from pathlib import Path

import pytest
from lodestone.core.history import save_operation
from lodestone.core.lists import ListQuery, fetch_rows
from lodestone.core.paths import AppPaths
from lodestone.core.records import Company, Deal, Event, Party, parse_fuzzy_date
from lodestone.core.samples import GenerateSpec, generate_tracker
from lodestone.core.storage import Repository
from names_data import STORED, assert_all_current, stored_names


@pytest.fixture
def repo(tmp_path: Path) -> Repository:
    return Repository.open(tmp_path / "t.db")


def generated(tmp_path: Path, spec: GenerateSpec) -> Repository:
    path = tmp_path / "generated.db"
    generate_tracker(path, AppPaths(tmp_path / "home"), spec)
    return Repository.open(path)


def test_names_follow_party_order_edits_and_renames(repo: Repository):
    usa = repo.save(Company("US Department of Defense"))
    vulcan = repo.save(Company("Vulcan Elements"))
    deal = repo.save(Deal("Magnets", parties=[Party(vulcan.id), Party(usa.id, "partner")]))
    assert stored_names(repo, "deal", deal.id) == "Vulcan Elements, US Department of Defense"

    deal.parties.reverse()
    repo.save(deal)
    assert stored_names(repo, "deal", deal.id) == "US Department of Defense, Vulcan Elements"

    vulcan.name = "Vulcan Elements Inc."
    repo.save(vulcan)
    assert stored_names(repo, "deal", deal.id) == "US Department of Defense, Vulcan Elements Inc."

    deal.parties = [Party(usa.id, "partner"), Party(usa.id, "investor")]
    repo.save(deal)
    assert stored_names(repo, "deal", deal.id) == "US Department of Defense"
    deal.parties = []
    repo.save(deal)
    assert stored_names(repo, "deal", deal.id) == ""


def test_event_names_follow_companies_and_undo(repo: Repository):
    a, b = repo.save(Company("Lynas")), repo.save(Company("MP Materials"))
    event = repo.save(Event("Shipment", parse_fuzzy_date("2025-08"), company_ids=[a.id]))
    undo = save_operation(repo, Event("Shipment", event.date, company_ids=[b.id, a.id],
                                      id=event.id)).apply(repo)  # fmt: skip
    assert stored_names(repo, "event", event.id) == "MP Materials, Lynas"
    undo.apply(repo)
    assert stored_names(repo, "event", event.id) == "Lynas"
    repo.delete("company", a.id)  # the Trash keeps the link, and so the name
    assert stored_names(repo, "event", event.id) == "Lynas"


def test_generated_trackers_store_every_name(tmp_path: Path):
    repo = generated(tmp_path, GenerateSpec(companies=12, deals=40, events=300, seed=3))
    assert_all_current(repo)
    named = repo.conn.execute("SELECT count(*) FROM events WHERE company_names != ''")
    assert named.fetchone()[0] > 0


@pytest.mark.parametrize(("kind", "column"), [("deal", "parties"), ("event", "companies")])
def test_sorting_by_names_reads_the_index(tmp_path: Path, kind: str, column: str):
    repo = generated(tmp_path, GenerateSpec(companies=15, deals=30, events=200, seed=4))
    table, stored = STORED[kind]
    rows = fetch_rows(repo.conn, ListQuery(kind, sort=column), 0, 1000)
    names = [repo.conn.execute(f"SELECT {stored} FROM {table} WHERE id = ?", (row.id,))
             .fetchone()[0] for row in rows]  # fmt: skip
    assert names == sorted(names, key=str.casefold)
    plan = repo.conn.execute(
        f"EXPLAIN QUERY PLAN SELECT id FROM {table} t WHERE deleted_at IS NULL "
        f"ORDER BY {stored} COLLATE NOCASE, id LIMIT 200"
    ).fetchall()
    assert "TEMP B-TREE" not in " ".join(str(row) for row in plan)


def name_triggers(repo: Repository) -> list[str]:
    rows = repo.conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY 1")
    return [name for (name,) in rows]


def test_a_restored_snapshot_stores_every_name_and_keeps_its_triggers(tmp_path: Path):
    from lodestone.core.snapshots import export_snapshot, import_snapshot

    source = generated(tmp_path, GenerateSpec(companies=12, deals=40, events=300, seed=5))
    triggers = name_triggers(source)
    assert len(triggers) == 8
    export_snapshot(source.conn, tmp_path / "snap")
    import_snapshot(tmp_path / "restored.db", tmp_path / "snap")
    restored = Repository.open(tmp_path / "restored.db")
    assert_all_current(restored)
    assert name_triggers(restored) == triggers
    named = restored.conn.execute("SELECT count(*) FROM deals WHERE party_names != ''")
    assert named.fetchone()[0] > 0
    company = restored.get("company", 1)  # and the triggers work again afterwards
    company.name = "Renamed Rare Earths"
    restored.save(company)
    assert_all_current(restored)


def test_names_are_filled_and_triggers_back_even_when_the_bulk_work_fails(repo: Repository):
    from lodestone.core.storage import names_filled_at_end

    triggers = name_triggers(repo)
    lynas = repo.save(Company("Lynas"))
    with pytest.raises(RuntimeError), names_filled_at_end(repo.conn):
        assert name_triggers(repo) == []
        repo.save(Event("Shipment", parse_fuzzy_date("2025-08"), company_ids=[lynas.id]))
        raise RuntimeError("interrupted")
    assert name_triggers(repo) == triggers
    assert_all_current(repo)
    assert repo.conn.execute("SELECT company_names FROM events").fetchone()[0] == "Lynas"
