"""The timeline's data on real tracker files: the example's events and deals in their lanes,
fuzzy dates as spans, periods, density that adds up, and the lists' filters."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lodestone.core.lists import ListQuery
from lodestone.core.paths import AppPaths
from lodestone.core.records import Company, Deal, Event, Party, Precision, parse_fuzzy_date
from lodestone.core.samples import GenerateSpec, generate_tracker
from lodestone.core.samples.example import load_example
from lodestone.core.storage import Repository
from lodestone.core.timeline import data as tl

D = dt.date
ALL = (D(2000, 1, 1), D(2030, 12, 31))
SHIPMENT = "Pakistan's first shipment of processed rare earths to the U.S."
REPRIEVE = "China agrees to lift its rare-earth export restrictions for one year"
MAGNET_DEAL = "Vulcan Elements and ReElement $1.4 billion domestic magnet supply chain"


@pytest.fixture
def example(repo: Repository) -> Repository:
    load_example(repo)
    return repo


def titled(items: list[tl.TimelineItem], title: str) -> tl.TimelineItem:
    found = [i for i in items if i.title == title]
    assert len(found) == 1, [i.title for i in items]
    return found[0]


def company_id(repo: Repository, name: str) -> int:
    company = repo.find_company(name)
    assert company is not None and company.id is not None
    return company.id


# -- lanes ---------------------------------------------------------------------------------


def test_company_lanes_are_the_companies_with_dated_records_by_name(example):
    lanes = tl.lanes(example.conn, "company")
    labels = [lane.label for lane in lanes]
    assert labels == sorted(labels, key=str.casefold)
    assert "China Ministry of Commerce (MOFCOM)" in labels and "Vulcan Elements" in labels
    assert all(isinstance(lane.key, int) for lane in lanes)
    assert {lane.key for lane in lanes} == {company_id(example, n) for n in labels}
    assert "(no company)" not in labels


def test_a_lane_for_records_without_a_company_comes_last(example):
    example.save(Event("Export ban rumour", parse_fuzzy_date("2025-06"), event_type="policy"))
    lanes = tl.lanes(example.conn, "company")
    assert (lanes[-1].key, lanes[-1].label) == ("", "(no company)")


def test_the_search_for_unplaced_items_can_be_left_for_later(example):
    assert not tl.has_unplaced(example.conn, "company")
    example.save(Event("Export ban rumour", parse_fuzzy_date("2025-06"), event_type="policy"))
    assert tl.has_unplaced(example.conn, "company")
    assert "" not in [lane.key for lane in tl.lanes(example.conn, "company", find_none=False)]
    assert tl.none_lane("company").label == "(no company)"
    shipments = ListQuery("event", filters=(("kind", ("shipment",)),))
    assert not tl.has_unplaced(example.conn, "company", shipments)


def test_kind_lanes_follow_the_vocabulary_then_deals(example):
    lanes = tl.lanes(example.conn, "kind")
    assert [lane.key for lane in lanes] == [
        "trade restriction", "shipment", "partnership", "financing", "production", "stake",
        "deal"]
    assert lanes[-1].label == "Deals" and lanes[0].label == "Trade restriction"


def test_country_and_commodity_lanes(example):
    countries = tl.lanes(example.conn, "country")
    assert [(lane.key, lane.label) for lane in countries] == [
        ("CN", "China"), ("PK", "Pakistan"), ("US", "United States")]
    commodities = [lane.key for lane in tl.lanes(example.conn, "commodity")]
    assert commodities[:3] == ["rare earths", "NdPr", "uranium"]
    assert commodities[-1] == ""  # events of companies without commodities


@pytest.mark.parametrize("bad", ["year", "", "Company", None])
def test_an_unknown_grouping_is_refused_by_name(example, bad):
    with pytest.raises(ValueError, match="cannot group the timeline by"):
        tl.lanes(example.conn, bad)
    with pytest.raises(ValueError, match="cannot group"):
        tl.items_in_range(example.conn, *ALL, group_by=bad)


# -- items ---------------------------------------------------------------------------------


def test_a_month_precision_event_spans_its_month(example):
    items = tl.items_in_range(example.conn, *ALL)
    shipment = titled(items, SHIPMENT)
    assert (shipment.start, shipment.end) == (D(2025, 10, 1), D(2025, 10, 31))
    assert shipment.precision is Precision.MONTH and shipment.display == "Oct 2025"
    assert shipment.lanes == (company_id(example, "Government of Pakistan"),)
    assert shipment.companies == ("Government of Pakistan",)


def test_a_month_span_meets_a_window_on_its_last_day_but_not_after(example):
    def titles(start, end):
        return {i.title for i in tl.items_in_range(example.conn, start, end)}

    assert SHIPMENT in titles(D(2025, 10, 31), D(2025, 10, 31))
    assert SHIPMENT in titles(D(2025, 9, 20), D(2025, 10, 1))
    assert SHIPMENT not in titles(D(2025, 11, 1), D(2025, 11, 3))
    assert SHIPMENT not in titles(D(2025, 9, 1), D(2025, 9, 30))


def test_a_year_precision_event_spans_its_year(example):
    production = [i for i in tl.items_in_range(example.conn, *ALL) if i.category == "production"]
    assert [(i.start, i.end, i.precision) for i in production] == [
        (D(2025, 1, 1), D(2025, 12, 31), Precision.YEAR)]


def test_a_deal_carries_its_amount_parties_and_announced_span(example):
    deal = titled(tl.items_in_range(example.conn, *ALL), MAGNET_DEAL)
    assert deal.kind == "deal" and deal.category == "deal"
    assert (deal.start, deal.end) == (D(2025, 11, 1), D(2025, 11, 30))
    assert deal.amount is not None and (deal.amount.minor, deal.amount.currency) == (
        140_000_000_000, "USD")
    assert deal.companies == (
        "Vulcan Elements", "ReElement Technologies", "American Resources Corp.")
    assert set(deal.lanes) == {company_id(example, n) for n in deal.companies}


def test_an_event_naming_several_companies_sits_in_each_of_their_lanes(example):
    financing = [i for i in tl.items_in_range(example.conn, *ALL) if i.category == "financing"]
    assert len(financing) == 1 and len(financing[0].lanes) == 6
    by_kind = tl.items_in_range(example.conn, *ALL, group_by="kind")
    assert all(len(i.lanes) == 1 for i in by_kind)


def test_items_come_earliest_first_and_respect_the_limit(example):
    items = tl.items_in_range(example.conn, *ALL, group_by="kind")
    assert [i.start for i in items] == sorted(i.start for i in items)
    assert len(items) == 9
    assert len(tl.items_in_range(example.conn, *ALL, group_by="kind", limit=4)) <= 4


def test_a_window_that_ends_before_it_starts_is_refused(example):
    with pytest.raises(ValueError, match="ends"):
        tl.items_in_range(example.conn, D(2025, 2, 1), D(2025, 1, 1))
    with pytest.raises(ValueError, match="ends"):
        tl.density(example.conn, D(2025, 2, 1), D(2025, 1, 1), 10)


def test_deleted_and_undated_records_stay_off_the_timeline(example):
    shipment = titled(tl.items_in_range(example.conn, *ALL), SHIPMENT)
    example.delete("event", shipment.id)
    assert SHIPMENT not in {i.title for i in tl.items_in_range(example.conn, *ALL)}
    assert tl.locate(example.conn, "event", shipment.id) is None
    undated = example.save(Deal("A deal with no date yet"))
    assert tl.locate(example.conn, "deal", undated.id) is None
    assert tl.locate(example.conn, "company", 1) is None


def test_locate_finds_one_record_with_all_its_lanes(example):
    found = tl.locate(example.conn, "deal", 1, "company")
    assert found is not None and found.title == MAGNET_DEAL and len(found.lanes) == 3
    assert tl.locate(example.conn, "deal", 1, "kind").lanes == ("deal",)


# -- periods -------------------------------------------------------------------------------


def test_the_reprieve_is_a_period_from_its_start_month_to_its_end_month(example):
    periods = tl.periods(example.conn, D(2026, 6, 1), D(2026, 6, 30))
    assert [p.title for p in periods] == [REPRIEVE]
    reprieve = periods[0]
    assert (reprieve.start, reprieve.period_end) == (D(2025, 11, 1), D(2026, 11, 30))
    assert reprieve.display == "Nov 2025 – Nov 2026"
    assert tl.periods(example.conn, D(2026, 12, 1), D(2027, 1, 1)) == []
    assert tl.periods(example.conn, D(2025, 1, 1), D(2025, 10, 31)) == []


def test_only_events_with_an_end_date_are_periods(example):
    everything = tl.periods(example.conn, *ALL)
    assert [p.title for p in everything] == [REPRIEVE]
    in_june = {i.title for i in tl.items_in_range(example.conn, D(2026, 6, 1), D(2026, 6, 30))}
    assert SHIPMENT not in in_june


# -- density -------------------------------------------------------------------------------


@pytest.mark.parametrize("group_by", list(tl.GROUPINGS))
def test_density_counts_sum_to_the_placements_in_the_window(example, group_by):
    for start, end in (ALL, (D(2025, 8, 1), D(2025, 11, 15))):
        counts = tl.density(example.conn, start, end, 12, group_by)
        items = tl.items_in_range(example.conn, start, end, group_by)
        assert counts.total() == sum(len(i.lanes) for i in items)
        assert counts.total() == tl.count_in_range(example.conn, start, end, group_by)


def test_density_by_kind_counts_each_item_once_in_the_bucket_of_its_start(example):
    counts = tl.density(example.conn, D(2025, 1, 1), D(2025, 12, 31), 365, "kind")
    assert counts.bucket_days == 1
    assert counts.total() == len(tl.items_in_range(example.conn, D(2025, 1, 1), D(2025, 12, 31),
                                                   "kind"))
    shipment_bucket = next(iter(counts.counts["shipment"]))
    assert counts.bucket_start(shipment_bucket) == D(2025, 10, 1)


def test_an_item_started_before_the_window_is_counted_in_its_first_bucket(example):
    counts = tl.density(example.conn, D(2025, 10, 15), D(2025, 10, 20), 6, "kind")
    (bucket, n), = counts.counts["shipment"].items()
    assert n == 1 and counts.bucket_start(bucket) <= D(2025, 10, 15)


def test_buckets_are_aligned_so_panning_reuses_them(example):
    a = tl.density(example.conn, D(2025, 1, 1), D(2025, 12, 31), 12, "kind")
    b = tl.density(example.conn, D(2025, 1, 20), D(2026, 1, 19), 12, "kind")
    assert a.bucket_days == b.bucket_days == 61
    assert a.counts["shipment"] == b.counts["shipment"]


@pytest.mark.parametrize("buckets", [0, -5])
def test_a_density_needs_at_least_one_bucket(example, buckets):
    with pytest.raises(ValueError, match="at least 1"):
        tl.density(example.conn, *ALL, buckets)


def test_a_deal_naming_a_company_twice_is_counted_once_in_its_lane(example):
    vulcan = company_id(example, "Vulcan Elements")
    example.save(Deal("Twice", announced=parse_fuzzy_date("2024-03-05"),
                      parties=[Party(vulcan, "recipient"), Party(vulcan, "offtaker")]))
    window = (D(2024, 3, 1), D(2024, 3, 31))
    assert tl.count_in_range(example.conn, *window) == 1
    assert tl.density(example.conn, *window, 4).total() == 1
    assert [i.lanes for i in tl.items_in_range(example.conn, *window)] == [(vulcan,)]


# -- filters -------------------------------------------------------------------------------


def test_search_text_applies_to_events_and_deals(example):
    items = tl.items_in_range(example.conn, *ALL, query=ListQuery("event", search="pakistan"))
    assert {(i.kind, i.title) for i in items} == {
        ("event", SHIPMENT), ("deal", "Pakistan $500 million rare-earth partnership with the U.S.")}
    lanes = tl.lanes(example.conn, "company", ListQuery("event", search="pakistan"))
    assert [lane.label for lane in lanes] == ["Government of Pakistan"]


def test_a_facet_only_events_have_keeps_deals_off(example):
    query = ListQuery("event", filters=(("kind", ("shipment",)),))
    assert [i.title for i in tl.items_in_range(example.conn, *ALL, query=query)] == [SHIPMENT]
    assert [lane.key for lane in tl.lanes(example.conn, "kind", query)] == ["shipment"]
    assert tl.density(example.conn, *ALL, 10, "kind", query).total() == 1
    deals_only = ListQuery("deal", filters=(("status", ("announced", "agreed", "closed")),))
    assert {i.kind for i in tl.items_in_range(example.conn, *ALL, query=deals_only)} == {"deal"}


def test_a_shared_facet_applies_to_both_kinds(example):
    query = ListQuery("deal", filters=(("company", ("MP Materials",)),))
    items = tl.items_in_range(example.conn, *ALL, query=query)
    assert {i.kind for i in items} == {"event", "deal"}
    assert all("MP Materials" in i.companies for i in items)


def test_the_date_range_of_a_list_applies(example):
    # as in the list: what overlaps October, so the year-long production event too
    query = ListQuery("event", date_from="2025-10-01", date_to="2025-10-31")
    items = tl.items_in_range(example.conn, *ALL, query=query)
    assert {i.title for i in items} == {
        SHIPMENT, "Phoenix Tailings extracts rare earths from mining waste"}
    assert tl.data_extent(example.conn, query) == (D(2025, 1, 1), D(2025, 12, 31))


def test_chosen_ids_show_only_those_records(example):
    query = ListQuery("deal", ids=(1,))
    assert [(i.kind, i.id) for i in tl.items_in_range(example.conn, *ALL, query=query)] == [
        ("deal", 1)]


@pytest.mark.parametrize("kind", ["company", "source"])
def test_filters_of_other_lists_are_refused(example, kind):
    with pytest.raises(ValueError, match="follows the event and deal lists"):
        tl.items_in_range(example.conn, *ALL, query=ListQuery(kind))


# -- extent and level of detail --------------------------------------------------------------


def test_the_extent_runs_from_the_first_start_to_the_last_end_of_a_period(example):
    assert tl.data_extent(example.conn) == (D(2025, 1, 1), D(2026, 11, 30))


def test_an_empty_tracker_has_no_extent_lanes_or_items(repo):
    assert tl.data_extent(repo.conn) is None
    assert tl.lanes(repo.conn, "company") == []
    assert tl.items_in_range(repo.conn, *ALL) == []
    assert tl.density(repo.conn, *ALL, 10).total() == 0


def test_a_window_shows_markers_up_to_the_threshold_and_density_beyond(example):
    few = tl.window_view(example.conn, *ALL, "kind", threshold=9)
    assert few.items is not None and len(few.items) == 9 and few.density is None
    assert [p.title for p in few.periods] == [REPRIEVE]
    many = tl.window_view(example.conn, *ALL, "kind", threshold=8)
    assert many.items is None and many.periods == [] and many.density is not None
    assert many.placements == 9 and many.density.total() == 9
    with pytest.raises(ValueError, match="threshold"):
        tl.window_view(example.conn, *ALL, threshold=-1)


def test_lanes_restrict_what_a_window_reads(example):
    pakistan = company_id(example, "Government of Pakistan")
    items = tl.items_in_range(example.conn, *ALL, lanes=[pakistan])
    assert {i.title for i in items} == {
        SHIPMENT, "Pakistan $500 million rare-earth partnership with the U.S."}
    assert tl.count_in_range(example.conn, *ALL, lanes=[]) == 0


# -- at scale: the answers come from indexes --------------------------------------------------


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    path = folder / "tracker.db"
    spec = GenerateSpec(companies=60, deals=300, events=4000, seed=3)
    generate_tracker(path, AppPaths(folder / "home"), spec)
    return path


def test_density_sums_match_counts_on_a_generated_tracker(generated):
    repo = Repository.open(generated)
    try:
        lanes = [lane.key for lane in tl.lanes(repo.conn, "company")][:10]
        for group_by in tl.GROUPINGS:
            keys = [lane.key for lane in tl.lanes(repo.conn, group_by)]
            for window in (ALL, (D(2020, 1, 1), D(2021, 6, 30))):
                total = tl.count_in_range(repo.conn, *window, group_by, lanes=keys)
                assert tl.density(repo.conn, *window, 50, group_by, lanes=keys).total() == total
        capped = tl.count_in_range(repo.conn, *ALL, "company", lanes=lanes, cap=25)
        assert capped == 25
    finally:
        repo.close()


@pytest.mark.parametrize("group_by, index", [
    ("kind", "events_kind_live"), ("country", "events_country_live"),
    ("company", "event_companies_company")])
def test_a_window_is_read_through_an_index(generated, group_by, index):
    from lodestone.core.lists import where_clause
    from lodestone.core.timeline.sql import Window, selection

    repo = Repository.open(generated)
    try:
        keys = [lane.key for lane in tl.lanes(repo.conn, group_by)][:5]
        match = selection("event", group_by, where_clause(ListQuery("event")),
                          Window(D(2020, 1, 1), D(2020, 3, 31)), keys)
        plan = " ".join(row[3] for row in repo.conn.execute(
            f"EXPLAIN QUERY PLAN SELECT t.id {match.sql}", match.params))
        assert index in plan and "SCAN t" not in plan
    finally:
        repo.close()


def test_records_of_the_example_company_form_on_a_new_file(tmp_path):
    repo = Repository.open(tmp_path / "fresh.db")
    try:
        solo = repo.save(Company("Solo Metals"))
        repo.save(Event("Solo shipment", parse_fuzzy_date("2024-Q2"), event_type="shipment",
                        company_ids=[solo.id]))
        (item,) = tl.items_in_range(repo.conn, *ALL)
        assert (item.start, item.end, item.display) == (D(2024, 4, 1), D(2024, 6, 30), "Q2 2024")
    finally:
        repo.close()
