from __future__ import annotations

import sqlite3

import pytest
from lodestone.core.records import (
    Citation,
    Company,
    Deal,
    Event,
    Source,
    Tranche,
    parse_fuzzy_date,
    parse_money,
)
from lodestone.core.storage import InvalidRecord, RecordNotFound, Repository


def test_company_round_trip(repo: Repository):
    parent = repo.save(Company("American Resources Corp.", ticker="AREC", exchange="NASDAQ"))
    child = repo.save(
        Company(
            "ReElement Technologies",
            parent_id=parent.id,
            stages=["separation/refining"],
            commodities=["NdPr", "Dy"],
            tags=["holding"],
            country="US",
        )
    )
    loaded = repo.get("company", child.id)
    assert loaded == child
    assert loaded.parent_id == parent.id


def test_deal_saved_whole_with_children(repo: Repository, magnet_deal: Deal):
    loaded = repo.get("deal", magnet_deal.id)
    assert loaded == magnet_deal
    assert [t.amount.minor for t in loaded.tranches] == [
        62_000_000_000,
        5_000_000_000,
        55_000_000_000,
    ]
    assert all(t.id is not None for t in loaded.tranches)


def test_editing_a_tranche_keeps_the_other_tranche_ids(repo: Repository, magnet_deal: Deal):
    ids = [t.id for t in magnet_deal.tranches]
    magnet_deal.tranches[1].amount = parse_money("$60 million")
    repo.save(magnet_deal)
    loaded = repo.get("deal", magnet_deal.id)
    assert [t.id for t in loaded.tranches] == ids
    assert loaded.tranches[1].amount == parse_money("$60 million")


def test_removing_a_tranche(repo: Repository, magnet_deal: Deal):
    magnet_deal.tranches.pop(0)
    repo.save(magnet_deal)
    assert len(repo.get("deal", magnet_deal.id).tranches) == 2


def test_exception_halfway_through_a_deal_save_leaves_nothing(repo: Repository, monkeypatch):
    company = repo.save(Company("Vulcan Elements"))
    before = repo.conn.execute("SELECT count(*) FROM tranches").fetchone()[0]
    deal = Deal(
        "Half saved",
        amount=parse_money("$10M"),
        tranches=[
            Tranche("loan", parse_money("$5M"), company.id),
            Tranche("loan", parse_money("$5M"), company.id),
        ],
    )
    original = repo._insert
    calls = {"n": 0}

    def failing_insert(table, row):
        if table == "tranches":
            calls["n"] += 1
            if calls["n"] == 2:
                raise RuntimeError("power cut")
        return original(table, row)

    monkeypatch.setattr(repo, "_insert", failing_insert)
    with pytest.raises(RuntimeError):
        repo.save(deal)
    monkeypatch.undo()
    assert repo.conn.execute("SELECT count(*) FROM deals").fetchone()[0] == 0
    assert repo.conn.execute("SELECT count(*) FROM tranches").fetchone()[0] == before
    assert (
        repo.conn.execute("SELECT count(*) FROM change_log WHERE record_kind='deal'").fetchone()[0]
        == 0
    )
    assert not repo.conn.in_transaction


def test_invalid_record_is_refused_and_nothing_written(repo: Repository):
    with pytest.raises(InvalidRecord) as info:
        repo.save(Company(""))
    assert any(e.field == "name" for e in info.value.errors)
    assert repo.counts()["company"] == 0


def test_duplicate_company_name_case_insensitive(repo: Repository):
    repo.save(Company("MP Materials"))
    with pytest.raises(InvalidRecord) as info:
        repo.save(Company("mp materials"))
    assert info.value.errors[0].field == "name"


def test_soft_delete_and_restore(repo: Repository):
    event = repo.save(Event("Export controls lifted", parse_fuzzy_date("2025-11")))
    repo.delete("event", event.id)
    assert repo.is_deleted("event", event.id)
    assert repo.counts()["event"] == 0
    repo.restore("event", event.id)
    assert repo.counts()["event"] == 1
    assert [h.action for h in repo.history("event", event.id)] == ["create", "delete", "restore"]


def test_restoring_a_company_whose_name_was_taken(repo: Repository):
    old = repo.save(Company("Energy Fuels"))
    repo.delete("company", old.id)
    repo.save(Company("Energy Fuels"))
    with pytest.raises(InvalidRecord, match="already named"):
        repo.restore("company", old.id)


def test_change_log_records_the_fields_before_and_after(repo: Repository, magnet_deal: Deal):
    magnet_deal.amount = parse_money("$1.5 billion")
    repo.save(magnet_deal)
    update = repo.history("deal", magnet_deal.id)[-1]
    assert update.action == "update"
    assert update.before == {"amount_minor": 140_000_000_000}
    assert update.after == {"amount_minor": 150_000_000_000}


def test_saving_unchanged_record_logs_nothing(repo: Repository, magnet_deal: Deal):
    repo.save(magnet_deal)
    assert [h.action for h in repo.history("deal", magnet_deal.id)] == ["create"]


def test_listeners_hear_after_commit_only(repo: Repository):
    heard = []
    repo.subscribe(lambda change: heard.append((change.kind, change.ids,
                                               repo.conn.in_transaction)))
    company = repo.save(Company("Phoenix Tailings"))
    assert heard == [("company", (company.id,), False)]
    with pytest.raises(RuntimeError):
        with repo.transaction():
            repo.save(Company("BMW i Ventures", company_type="investor"))
            raise RuntimeError("abandon")
    assert len(heard) == 1


def test_nested_transaction_rolls_back_inner_only(repo: Repository):
    with repo.transaction():
        repo.save(Company("Outer"))
        with pytest.raises(InvalidRecord):
            with repo.transaction():
                repo.save(Company("Inner"))
                repo.save(Company(""))
    names = [r[0] for r in repo.conn.execute("SELECT name FROM companies")]
    assert names == ["Outer"]


def test_get_missing_record(repo: Repository):
    with pytest.raises(RecordNotFound, match="no deal with id 99"):
        repo.get("deal", 99)


def test_citations(repo: Repository, magnet_deal: Deal):
    source = repo.save(
        Source(
            url="https://example.org/a",
            publisher="AInvest",
            published=parse_fuzzy_date("Sunday, Nov 9, 2025"),
        )
    )
    citation = repo.add_citation(
        Citation(source.id, "deal", magnet_deal.id, "amount", "$1.4 billion")
    )
    assert repo.citations("deal", magnet_deal.id) == [citation]
    repo.remove_citation(citation.id)
    assert repo.citations("deal", magnet_deal.id) == []


def test_unknown_company_reference_fails_cleanly(repo: Repository):
    with pytest.raises(sqlite3.IntegrityError):
        repo.save(Event("x", parse_fuzzy_date("2025"), company_ids=[12345]))
    assert repo.counts()["event"] == 0


def test_search_text_follows_a_company_rename(repo: Repository, magnet_deal: Deal):
    vulcan = repo.find_company("vulcan elements")
    vulcan.name = "Vulcan Magnetics"
    repo.save(vulcan)
    found = repo.conn.execute("SELECT rowid FROM deals_fts WHERE deals_fts MATCH 'magnetics'")
    assert [r[0] for r in found] == [magnet_deal.id]


@pytest.mark.parametrize("values", [[], ["dysprosium"], ["rare earths", "nickel", "é\"q"]])
def test_json_list_columns_are_the_json_of_the_list(values: list[str]):
    import json

    from lodestone.core.records.rowmap import json_list

    assert json.loads(json_list(values)) == values and json_list(values) == json.dumps(values)
