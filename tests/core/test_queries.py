from __future__ import annotations

from dataclasses import replace
from functools import partial

import pytest
from lodestone.core.lists import (
    LIST_LAYOUTS,
    ListQuery,
    count_rows,
    facet_counts,
    fetch_rows,
    in_list,
    row_position,
)
from lodestone.core.lists.queries import fts_expression
from lodestone.core.records import (
    Company,
    Deal,
    Event,
    Party,
    Tranche,
    parse_fuzzy_date,
    parse_money,
)
from lodestone.core.storage import Repository


@pytest.fixture
def filled(repo: Repository, magnet_deal: Deal) -> Repository:
    mp = repo.save(
        Company(
            "MP Materials",
            ticker="MP",
            exchange="NYSE",
            country="US",
            stages=["mining", "magnets"],
            commodities=["NdPr"],
            tags=["listed"],
        )
    )
    repo.save(Company("Phoenix Tailings", stages=["recycling"], country="US"))
    repo.save(
        Deal(
            "MP Materials stake",
            amount=parse_money("€400M"),
            announced=parse_fuzzy_date("2025-07"),
            status="agreed",
            parties=[Party(mp.id, "recipient")],
            tranches=[Tranche("price floor"), Tranche("equity", parse_money("€400M"))],
        )
    )
    for i, when in enumerate(["2025-10", "2025-08", "2024", "2025-11-09"]):
        repo.save(
            Event(
                f"Event {i}",
                parse_fuzzy_date(when),
                event_type="shipment" if i % 2 else "policy",
                company_ids=[mp.id] if i == 1 else [],
            )
        )
    return repo


def test_fts_expression_quotes_and_prefixes():
    assert fts_expression("vulcan") == '"vulcan"*'
    assert fts_expression('  "magnet"  plant-') == '"magnet"* AND "plant"*'
    assert fts_expression("()*") is None


@pytest.mark.parametrize("kind", sorted(LIST_LAYOUTS))
def test_every_column_sorts_both_ways(filled: Repository, kind: str):
    for column in LIST_LAYOUTS[kind].columns:
        for descending in (False, True):
            query = ListQuery(kind, sort=column.key, descending=descending)
            rows = fetch_rows(filled.conn, query, 0, 100)
            assert len(rows) == count_rows(filled.conn, query)


def test_search_finds_deal_by_party_name(filled: Repository, magnet_deal: Deal):
    rows = fetch_rows(filled.conn, ListQuery("deal", search="vulc"), 0, 10)
    assert [r.id for r in rows] == [magnet_deal.id]
    assert rows[0].cells[3] == "$1.4B"


def test_search_matches_nothing_for_punctuation(filled: Repository):
    assert count_rows(filled.conn, ListQuery("deal", search="!!!")) == 0


def test_events_sort_by_start_of_fuzzy_date(filled: Repository):
    rows = fetch_rows(filled.conn, ListQuery("event"), 0, 10)
    assert [r.cells[0] for r in rows] == ["2024", "Aug 2025", "Oct 2025", "Nov 9, 2025"]


def test_windowing(filled: Repository):
    query = ListQuery("event", sort="date")
    assert [r.cells[1] for r in fetch_rows(filled.conn, query, 1, 2)] == ["Event 1", "Event 0"]


def test_scalar_and_related_facets(filled: Repository):
    query = ListQuery("deal")
    assert dict(facet_counts(filled.conn, query, "currency")) == {"USD": 1, "EUR": 1}
    assert dict(facet_counts(filled.conn, query, "instrument")) == {
        "equity": 2,
        "loan": 1,
        "other": 1,
        "price floor": 1,
    }
    narrowed = query.with_filter("instrument", ("loan",))
    assert count_rows(filled.conn, narrowed) == 1
    # a facet's own filter does not narrow its own counts
    assert dict(facet_counts(filled.conn, narrowed, "instrument"))["equity"] == 2


@pytest.mark.parametrize("kind", ["deal", "event"])
def test_a_company_s_records_are_found_from_its_name(filled: Repository, kind: str):
    """A company's form lists its deals and events through the Company facet: SQLite must find
    the company by its name, then its links, never read every link (40 ms for one company
    among 100,000 deals)."""
    trace: list[str] = []
    filled.conn.set_trace_callback(trace.append)
    try:
        fetch_rows(filled.conn, ListQuery(kind, filters=(("company", ("MP Materials",)),)), 0, 50)
    finally:
        filled.conn.set_trace_callback(None)
    [sql] = [s for s in trace if s.startswith("SELECT")]
    plan = " ".join(row[3] for row in filled.conn.execute(f"EXPLAIN QUERY PLAN {sql}"))
    assert "SEARCH f USING COVERING INDEX companies_name (name=?)" in plan
    assert "SCAN l" not in plan and "SCAN f" not in plan


def test_json_and_tag_facets(filled: Repository):
    query = ListQuery("company")
    assert dict(facet_counts(filled.conn, query, "stage"))["magnets"] == 1
    assert count_rows(filled.conn, query.with_filter("stage", ("recycling",))) == 1
    assert count_rows(filled.conn, query.with_filter("tag", ("LISTED",))) == 1


def test_date_range_overlaps_fuzzy_spans(filled: Repository):
    # the month-precision October event overlaps a range starting mid-October
    query = ListQuery("event", date_from="2025-10-15", date_to="2025-10-20")
    assert [r.cells[1] for r in fetch_rows(filled.conn, query, 0, 10)] == ["Event 0"]


def test_trash_lists_deleted_only(filled: Repository):
    event_id = fetch_rows(filled.conn, ListQuery("event"), 0, 1)[0].id
    filled.delete("event", event_id)
    assert [r.id for r in fetch_rows(filled.conn, ListQuery("event", deleted=True), 0, 9)] == [
        event_id
    ]
    assert count_rows(filled.conn, ListQuery("event")) == 3


def test_row_position(filled: Repository):
    query = ListQuery("event", sort="date", descending=True)
    rows = fetch_rows(filled.conn, query, 0, 10)
    assert [row_position(filled.conn, query, r.id) for r in rows] == [0, 1, 2, 3]
    assert row_position(filled.conn, query, 9999) is None


def test_unknown_sort_column_is_an_error(filled: Repository):
    with pytest.raises(KeyError):
        fetch_rows(filled.conn, ListQuery("deal", sort="bogus"), 0, 1)


def test_ids_filter_keeps_other_filters(filled: Repository, magnet_deal: Deal):
    all_ids = [r.id for r in fetch_rows(filled.conn, ListQuery("deal"), 0, 10)]
    query = ListQuery("deal", ids=(magnet_deal.id,))
    assert [r.id for r in fetch_rows(filled.conn, query, 0, 10)] == [magnet_deal.id]
    assert count_rows(filled.conn, ListQuery("deal", ids=())) == 0
    assert len(all_ids) == 2


@pytest.mark.parametrize("kind", sorted(LIST_LAYOUTS))
def test_row_position_agrees_with_the_fetched_order(filled: Repository, kind: str):
    # includes NULL sort values (deals without amount, sources without dates)
    filled.save(Deal("No amount yet"))
    filled.save(Deal("another deal, same title case", announced=parse_fuzzy_date("2025-07")))
    filled.save(Deal("Another deal, same title case", announced=parse_fuzzy_date("2025-07")))
    for column in LIST_LAYOUTS[kind].columns:
        for descending in (False, True):
            query = ListQuery(kind, sort=column.key, descending=descending)
            rows = fetch_rows(filled.conn, query, 0, 100)
            positions = [row_position(filled.conn, query, r.id) for r in rows]
            assert positions == list(range(len(rows))), (column.key, descending)


@pytest.mark.parametrize("search", ["event", "ev", "2", "nothing-like-this", "e v"])
def test_search_counts_agree_with_the_rows_with_the_trash_left_out(filled: Repository, search):
    trashed = fetch_rows(filled.conn, ListQuery("event"), 0, 1)[0].id
    filled.delete("event", trashed)
    query = ListQuery("event", search=search)
    rows = fetch_rows(filled.conn, query, 0, 100)
    assert count_rows(filled.conn, query) == len(rows)
    assert trashed not in [r.id for r in rows]
    in_trash = ListQuery("event", search=search, deleted=True)
    assert count_rows(filled.conn, in_trash) == len(fetch_rows(filled.conn, in_trash, 0, 100))


@pytest.mark.parametrize("search", ["shipment", "s", "sh", "s 2"])
def test_a_broad_search_walks_or_probes_and_finds_the_same_rows(
    filled: Repository, monkeypatch, search: str
):
    """Whatever way a search is tested (looked up, walked, probed row by row), the list,
    its count, each record's position and whether it holds a record are the same."""
    from lodestone.core.lists import queries

    for i in range(30):
        filled.save(Event(f"Shipment {i}", parse_fuzzy_date(f"20{10 + i % 15}"),
                          event_type="shipment"))  # fmt: skip
    filled.delete("event", filled.save(Event("Shipment gone", parse_fuzzy_date("2020"))).id)
    outside = filled.save(Event("Visit", parse_fuzzy_date("2021"), event_type="other")).id
    for sort in ("date", "title", "companies"):
        query = ListQuery("event", search=search, sort=sort, descending=True)
        total = count_rows(filled.conn, query)
        narrow = fetch_rows(filled.conn, query, 0, 100)
        assert len(narrow) == total > 5
        monkeypatch.setattr(queries, "BROAD_MATCHES", 5)
        short = len(max(search.split(), key=len)) <= 2  # and most events are shipments
        page_match = partial(queries._page_match, filled.conn, query, None)
        assert page_match(0, 20) == (queries.PROBE if short else queries.WALK)
        assert page_match(queries.PROBE_ROWS, 20) == queries.WALK  # deep: probing each row
        sparse = replace(query, search="v")  # one record: probing would walk them all
        monkeypatch.setattr(queries, "BROAD_MATCHES", 0)
        assert queries._page_match(filled.conn, sparse, None, 0, 20) == queries.WALK
        monkeypatch.setattr(queries, "BROAD_MATCHES", 5)
        assert count_rows(filled.conn, query) == total
        assert fetch_rows(filled.conn, query, 3, 20) == narrow[3:23]
        for row in (0, 7, total - 1):
            assert row_position(filled.conn, query, narrow[row].id) == row
            assert in_list(filled.conn, query, narrow[row].id)
        assert not in_list(filled.conn, query, outside) and row_position(
            filled.conn, query, outside) is None  # fmt: skip
        monkeypatch.undo()


def test_in_list(filled: Repository, magnet_deal: Deal):
    assert in_list(filled.conn, ListQuery("deal", search="vulcan"), magnet_deal.id)
    assert not in_list(filled.conn, ListQuery("deal", search="stake"), magnet_deal.id)
    filled.delete("deal", magnet_deal.id)
    assert not in_list(filled.conn, ListQuery("deal"), magnet_deal.id)
    assert in_list(filled.conn, ListQuery("deal", deleted=True), magnet_deal.id)
