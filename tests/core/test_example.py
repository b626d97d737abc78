"""The bundled example tracker: the facts of the design's reports, loaded on real files."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from lodestone.core.records import RECORD_KINDS as DESCRIPTIONS
from lodestone.core.records import (
    Company,
    Deal,
    Event,
    FuzzyDate,
    Precision,
    Source,
    money_sum,
    parse_fuzzy_date,
    parse_money,
)
from lodestone.core.samples import ExampleError, write_example
from lodestone.core.samples.example import default_example_path, load_example, read_example
from lodestone.core.storage import Repository

TABLES = {kind.name: kind.table for kind in DESCRIPTIONS}

RECORD_KINDS = ("company", "deal", "event", "source")


@pytest.fixture(scope="module")
def example_data() -> dict[str, Any]:
    return read_example()


@pytest.fixture
def example(tmp_path: Path) -> Iterator[tuple[Repository, dict[str, int]]]:
    """A tracker file written by write_example, reopened as the app would open it."""
    path = tmp_path / "example.lodestone.db"
    counts = write_example(path)
    repo = Repository.open(path)
    yield repo, counts
    repo.close()


@pytest.fixture
def empty(tmp_path: Path) -> Iterator[Repository]:
    repo = Repository.open(tmp_path / "empty.lodestone.db")
    yield repo
    repo.close()


def ids(repo: Repository, kind: str) -> list[int]:
    return [r[0] for r in repo.conn.execute(f"SELECT id FROM {TABLES[kind]} ORDER BY id")]


def titled(repo: Repository, kind: str, words: str) -> Any:
    """The one record of `kind` whose title contains `words`."""
    found = [r for r in (repo.get(kind, i) for i in ids(repo, kind)) if words in r.label]
    assert len(found) == 1, f"{len(found)} {kind} records titled like {words!r}"
    return found[0]


def company(repo: Repository, name: str) -> Company:
    found = repo.find_company(name)
    assert found is not None, name
    return found


def test_magnet_deal_has_three_tranches_leaving_180_million_unallocated(example):
    repo, _ = example
    deal: Deal = titled(repo, "deal", "$1.4 billion")
    assert "Vulcan Elements" in deal.title and "ReElement" in deal.title
    assert deal.amount == parse_money("$1.4 billion")
    assert len(deal.tranches) == 3
    amounts = [t.amount for t in deal.tranches]
    assert None not in amounts
    total = money_sum(amounts, "USD")  # type: ignore[arg-type]
    assert total == parse_money("$1.22 billion")
    assert deal.amount.minor - total.minor == parse_money("$180 million").minor
    funders = {
        repo.get("company", t.funder_id).label: (t.instrument, t.amount) for t in deal.tranches
    }
    assert funders == {
        "Office of Strategic Capital": ("loan", parse_money("$620 million")),
        "U.S. Department of Commerce": ("other", parse_money("$50 million")),
        "Private investors": ("equity", parse_money("$550 million")),
    }
    assert (deal.capacity_value, deal.capacity_unit, deal.capacity_product) == (
        "10000",
        "t/yr",
        "magnets",
    )
    assert deal.announced == FuzzyDate("2025-11", Precision.MONTH)


def test_magnet_deal_parties(example):
    repo, _ = example
    deal: Deal = titled(repo, "deal", "$1.4 billion")
    roles = {repo.get("company", p.company_id).label: p.role for p in deal.parties}
    assert roles == {
        "Vulcan Elements": "recipient",
        "ReElement Technologies": "partner",
        "American Resources Corp.": "partner",
    }


def test_arec_is_the_listed_parent_of_reelement(example):
    repo, _ = example
    arec = company(repo, "American Resources Corp.")
    assert (arec.ticker, arec.exchange, arec.country) == ("AREC", "NASDAQ", "US")
    assert company(repo, "ReElement Technologies").parent_id == arec.id
    war = company(repo, "U.S. Department of War")
    assert company(repo, "Office of Strategic Capital").parent_id == war.id
    osc = company(repo, "Office of Strategic Capital")
    assert {war.company_type, osc.company_type} == {"government agency"}


def test_pakistan_shipment_is_last_month_of_the_ainvest_report(example):
    repo, _ = example
    shipment: Event = titled(repo, "event", "first shipment")
    assert shipment.date == FuzzyDate("2025-10", Precision.MONTH)
    assert shipment.country == "PK" and shipment.event_type == "shipment"
    ainvest: Source = titled(repo, "source", "AInvest")
    assert ainvest.published == FuzzyDate("2025-11-09", Precision.DAY)
    assert ainvest.published.start.strftime("%A") == "Sunday"
    # The stored month is what "last month" means on the day the report was published.
    assert shipment.date == parse_fuzzy_date("last month", reference=ainvest.published.start)
    partnership: Deal = repo.get("deal", shipment.deal_id)  # type: ignore[assignment,arg-type]
    assert partnership.amount == parse_money("$500 million")
    assert partnership.announced == FuzzyDate("2025-09", Precision.MONTH)


def test_china_reprieve_ends_a_year_after_it_starts(example):
    repo, _ = example
    china: Event = titled(repo, "event", "China")
    assert china.end_date is not None
    assert china.date == FuzzyDate("2025-11", Precision.MONTH)
    assert china.end_date.precision is Precision.MONTH
    start, end = china.date.start, china.end_date.start
    assert (end.year - start.year, end.month) == (1, start.month)
    assert china.country == "CN"


@pytest.mark.parametrize(
    ("words", "iso", "precision"),
    [
        ("Energy Fuels", "2025-08", Precision.MONTH),
        ("MP Materials", "2025-07", Precision.MONTH),
        ("Phoenix Tailings", "2025", Precision.YEAR),
    ],
)
def test_dated_events(example, words, iso, precision):
    repo, _ = example
    assert titled(repo, "event", words).date == FuzzyDate(iso, precision)


def test_mp_stake_has_equity_price_floor_and_offtake_without_invented_amounts(example):
    repo, _ = example
    deal: Deal = titled(repo, "deal", "MP Materials")
    assert [t.instrument for t in deal.tranches] == ["equity", "price floor", "offtake"]
    assert all(t.amount is None and t.notes for t in deal.tranches)
    assert company(repo, "MP Materials").ticker == "MP"


def test_every_record_is_cited_and_every_citation_names_a_source(example):
    repo, _ = example
    source_ids = set(ids(repo, "source"))
    for kind in RECORD_KINDS:
        for record_id in ids(repo, kind):
            citations = repo.citations(kind, record_id)
            assert citations, f"{kind} {repo.get(kind, record_id).label!r} has no citation"
            assert {c.source_id for c in citations} <= source_ids


def test_no_source_has_an_invented_url(example):
    repo, _ = example
    for source_id in ids(repo, "source"):
        source: Source = repo.get("source", source_id)  # type: ignore[assignment]
        assert source.url == "" and "URL" in source.notes


def test_counts_match_the_json(example, example_data):
    repo, counts = example
    expected = {kind: len(example_data[TABLES[kind]]) for kind in RECORD_KINDS}
    expected["tranche"] = sum(len(d.get("tranches", [])) for d in example_data["deals"])
    sections = [example_data[TABLES[kind]] for kind in RECORD_KINDS]
    expected["citation"] = sum(len(item["sources"]) for items in sections for item in items)
    assert counts == expected
    stored = repo.counts()
    assert {kind: stored[kind] for kind in (*RECORD_KINDS, "tranche")} == {
        kind: expected[kind] for kind in (*RECORD_KINDS, "tranche")
    }
    stored_citations = sum(len(repo.citations(k, i)) for k in RECORD_KINDS for i in ids(repo, k))
    assert stored_citations == expected["citation"]


def test_write_example_refuses_a_tracker_that_holds_records(example, tmp_path):
    repo, counts = example
    path = tmp_path / "example.lodestone.db"
    with pytest.raises(ExampleError, match="already holds records"):
        write_example(path)
    assert {k: repo.counts()[k] for k in RECORD_KINDS} == {k: counts[k] for k in RECORD_KINDS}


def test_write_example_refuses_an_analysts_tracker(tmp_path):
    path = tmp_path / "mine.lodestone.db"
    repo = Repository.open(path)
    repo.save(Company("My own company"))
    repo.close()
    with pytest.raises(ExampleError, match="already holds records"):
        write_example(path)
    repo = Repository.open(path)
    assert repo.counts()["company"] == 1
    repo.close()


def test_load_is_one_transaction_with_one_notification_per_kind(empty):
    calls: list[str] = []
    empty.subscribe(lambda change: calls.append(change.kind))
    load_example(empty, default_example_path())
    assert sorted(calls) == sorted(set(calls)) and set(calls) == set(RECORD_KINDS)


def broken(tmp_path: Path, change: Callable[[dict[str, Any]], None]) -> Path:
    data = copy.deepcopy(read_example())
    change(data)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _deal(data: dict[str, Any]) -> dict[str, Any]:
    return data["deals"][0]


def _set(getter: Callable[[dict[str, Any]], dict[str, Any]], key: str, value: Any):
    return lambda data: getter(data).__setitem__(key, value)


BAD_EXAMPLES = [
    ("unknown party", lambda d: _deal(d)["parties"].append({"company": "Nobody Inc."}),
     "'Nobody Inc.' is not a company"),
    ("bad amount", _set(_deal, "amount", "$1.4 zillion"), "amount"),
    ("bad date", _set(_deal, "announced", "2025-13"), "there is no month 13"),
    ("amount not text", _set(_deal, "amount", 1400000000), "amount must be text"),
    ("misspelt field", _set(_deal, "anounced", "2025-11"), "unknown field 'anounced'"),
    ("unknown source", lambda d: _deal(d)["sources"].append({"source": "reuters"}),
     "'reuters' is not a source"),
    ("field not on record", lambda d: _deal(d)["sources"].append(
        {"source": "benzinga", "field": "ticker"}), "field 'ticker'"),
    ("uncited record", lambda d: d["events"][0].pop("sources"), "at least one source"),
    ("duplicate company", lambda d: d["companies"].append(dict(d["companies"][0])),
     "listed twice"),
    ("unknown parent", _set(lambda d: d["companies"][1], "parent", "Nobody Inc."),
     "parent 'Nobody Inc.'"),
    ("parent loop", _set(lambda d: d["companies"][0], "parent", "ReElement Technologies"),
     "loop"),
    ("bad vocabulary", _set(lambda d: d["companies"][0], "company_type", "miner"), "'miner'"),
    ("bad country", _set(lambda d: d["events"][0], "country", "USA"), "Country 'USA'"),
    ("missing key", lambda d: _deal(d).pop("key"), "key is required"),
    ("missing date", lambda d: d["events"][0].pop("date"), "date is required"),
    ("missing title", lambda d: _deal(d).pop("title"), "Title is required"),
    ("unknown deal", _set(lambda d: d["events"][0], "deal", "no-such-deal"), "'no-such-deal'"),
    ("section not a list", lambda d: d.__setitem__("events", {}), "'events' must be a list"),
    ("party not an object", lambda d: _deal(d)["parties"].append("Vulcan"), "expected an object"),
    ("wrong format", lambda d: d.__setitem__("format", "other"), "not Lodestone example data"),
    ("newer version", lambda d: d.__setitem__("version", 2), "version 2"),
]  # fmt: skip


@pytest.mark.parametrize(("change", "message"), [b[1:] for b in BAD_EXAMPLES],
                         ids=[b[0] for b in BAD_EXAMPLES])  # fmt: skip
def test_bad_example_is_refused_and_leaves_the_tracker_empty(empty, tmp_path, change, message):
    with pytest.raises(ExampleError, match=message):
        load_example(empty, broken(tmp_path, change))
    assert not any(empty.counts().values())
    assert not empty.conn.execute("SELECT count(*) FROM citations").fetchone()[0]


@pytest.mark.parametrize("content", [b"", b"{not json", b"\xff\xfe"])
def test_unreadable_example_file_is_refused(empty, tmp_path, content):
    path = tmp_path / "unreadable.json"
    path.write_bytes(content)
    with pytest.raises(ExampleError, match="cannot be read"):
        load_example(empty, path)


def test_missing_example_file_is_refused(empty, tmp_path):
    with pytest.raises(ExampleError, match="cannot be read"):
        load_example(empty, tmp_path / "absent.json")


def test_example_dates_are_not_in_the_future_of_their_reports(example):
    """Every event started by the time the latest report was published (the reprieve's end
    date is the one fact about the future, and it is an end date)."""
    repo, _ = example
    latest = max(
        repo.get("source", i).published.end  # type: ignore[union-attr]
        for i in ids(repo, "source")
    )
    for event_id in ids(repo, "event"):
        event: Event = repo.get("event", event_id)  # type: ignore[assignment]
        assert event.date.start <= latest, event.title
