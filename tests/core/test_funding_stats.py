"""`stats` and the chart's CSV: the same figures as the breakdown, as exact decimal text."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from lodestone.core.funding import STATS_BY, breakdown, format_stats, stats, write_csv
from lodestone.core.funding.totals import CSV_HEADER, group_totals, stats_query
from lodestone.core.records import Deal, Event, Tranche, parse_money
from lodestone.core.storage import Repository


def test_stats_by_instrument_of_the_example(repo: Repository, magnet_deal: Deal) -> None:
    result = stats(repo.conn, "instrument")
    assert result["counts"] == {"companies": 4, "deals": 1, "tranches": 3, "events": 0}
    totals = {row["group"]: (row["currency"], row["total"]) for row in result["totals"]}
    assert totals == {
        "Loan": ("USD", "620000000.00"), "Equity": ("USD", "550000000.00"),
        "Other": ("USD", "50000000.00"), "Unallocated": ("USD", "180000000.00"),
    }  # fmt: skip
    text = format_stats(result)
    assert text.splitlines()[0] == "4 companies, 1 deals, 3 tranches, 0 events"
    assert "Unallocated  USD         180000000.00" in text


def test_stats_by_funder_type_and_year(repo: Repository, magnet_deal: Deal) -> None:
    by_type = {r["group"]: r["total"] for r in stats(repo.conn, "funder-type")["totals"]}
    assert by_type == {"Government": "670000000.00", "Private": "550000000.00",
                       "Unallocated": "180000000.00"}  # fmt: skip
    [year] = stats(repo.conn, "year")["totals"]
    assert (year["group"], year["total"], year["deals"]) == ("2025", "1400000000.00", 1)


def test_stats_per_currency_never_sums_across(repo: Repository, magnet_deal: Deal) -> None:
    repo.save(Deal("Euro deal", amount=parse_money("€2.5M"),
                   tranches=[Tranche("grant", parse_money("€1M"))]))  # fmt: skip
    repo.save(Event("An event", date=magnet_deal.announced))  # type: ignore[arg-type]
    result = stats(repo.conn, "year")
    assert result["counts"]["events"] == 1
    assert [(r["group"], r["currency"], r["total"]) for r in result["totals"]] == [
        ("2025", "USD", "1400000000.00"), ("Undated", "EUR", "2500000.00")]
    only_euros = stats(repo.conn, "year", "EUR")["totals"]
    assert [r["currency"] for r in only_euros] == ["EUR"]


@pytest.mark.parametrize("by", STATS_BY)
def test_stats_are_the_charts_figures(repo: Repository, magnet_deal: Deal, by: str) -> None:
    query = stats_query(by, "USD")
    assert stats(repo.conn, by, "USD")["totals"] == group_totals(breakdown(repo.conn, query), by)


def test_stats_of_an_empty_tracker(repo: Repository) -> None:
    result = stats(repo.conn, "deal")
    assert result["totals"] == []
    assert format_stats(result).endswith("No amounts recorded.")


@pytest.mark.parametrize("by", ["month", "", "Year"])
def test_stats_refuses_unknown_groupings(repo: Repository, by: str) -> None:
    with pytest.raises(ValueError, match="cannot group by"):
        stats(repo.conn, by, "USD")


def test_csv_holds_every_segment_exactly(repo: Repository, magnet_deal: Deal,
                                         tmp_path: Path) -> None:  # fmt: skip
    repo.save(Deal("=HYPERLINK(1)", amount=parse_money("$5")))
    data = breakdown(repo.conn, by="deal", stack="instrument")
    out = tmp_path / "out"
    out.mkdir()
    path = write_csv(data, out / "funding.csv")
    with path.open(newline="", encoding="utf-8") as stream:
        rows = list(csv.reader(stream))
    title = magnet_deal.title
    assert rows == [
        list(CSV_HEADER),
        [title, "Loan", "USD", "620000000.00", "1"],
        [title, "Equity", "USD", "550000000.00", "1"],
        [title, "Other", "USD", "50000000.00", "1"],
        [title, "Unallocated", "USD", "180000000.00", "1"],
        ["'=HYPERLINK(1)", "Unallocated", "USD", "5.00", "1"],
    ]
    assert [p.name for p in out.iterdir()] == ["funding.csv"]  # no temporary file left


def test_csv_to_a_missing_folder_fails_cleanly(repo: Repository, tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_csv(breakdown(repo.conn), tmp_path / "missing" / "funding.csv")
