"""The funding breakdown over real trackers: the example's $1.4B deal, gaps, currencies, filters."""

from __future__ import annotations

import pytest
from lodestone.core.funding import (
    UNALLOCATED,
    add_rate,
    breakdown,
    currencies_present,
    load_facts,
    segment_deal_ids,
)
from lodestone.core.funding.figures import OTHERS
from lodestone.core.lists import ListQuery
from lodestone.core.records import (
    Company,
    Deal,
    Money,
    MoneyError,
    Party,
    Tranche,
    parse_fuzzy_date,
    parse_money,
)
from lodestone.core.storage import Repository


def amounts(bar) -> dict:
    return {s.label: s.amount for s in bar.segments}


def usd(text: str) -> Money:
    return parse_money(text, "USD")


def add_deal(repo: Repository, title: str, amount: str | None, *tranches: tuple, date="2024-03",
             parties=()) -> Deal:  # fmt: skip
    deal = Deal(
        title,
        announced=parse_fuzzy_date(date) if date else None,
        amount=parse_money(amount) if amount else None,
        parties=[Party(company_id) for company_id in parties],
        tranches=[Tranche(instrument, parse_money(text)) for instrument, text in tranches],
    )
    return repo.save(deal)  # type: ignore[return-value]


def test_the_example_deal_by_instrument(repo: Repository, magnet_deal: Deal) -> None:
    data = breakdown(repo.conn, by="year", stack="instrument")
    assert data.currency == "USD"
    [bar] = data.bars
    assert bar.label == "2025"
    assert amounts(bar) == {
        "Loan": usd("620M"), "Equity": usd("550M"), "Other": usd("50M"),
        "Unallocated": usd("180M"),
    }  # fmt: skip
    assert bar.total == usd("1.4B") == bar.headline
    assert [label for _, label in data.stacks] == ["Loan", "Equity", "Other", "Unallocated"]


def test_the_example_deal_by_funder_type_and_funder(repo: Repository, magnet_deal: Deal) -> None:
    [bar] = breakdown(repo.conn, by="deal", stack="funder-type").bars
    assert bar.label == magnet_deal.title
    assert amounts(bar) == {
        "Government": usd("670M"), "Private": usd("550M"), "Unallocated": usd("180M")
    }
    [bar] = breakdown(repo.conn, by="company", stack="funder").bars
    assert bar.label == "Vulcan Elements"
    assert amounts(bar)["Office of Strategic Capital"] == usd("620M")
    assert amounts(bar)["U.S. Department of Commerce"] == usd("50M")


def test_reconciliation_lists_the_gap(repo: Repository, magnet_deal: Deal) -> None:
    data = breakdown(repo.conn)
    [gap] = data.gaps
    assert (gap.deal_id, data.gap_count) == (magnet_deal.id, 1)
    line = gap.reconciliation
    assert (line.headline, line.allocated, line.unallocated) == (
        usd("1.4B"), usd("1.22B"), usd("180M"))
    assert line.describe() == "$1.22B of $1.4B allocated — $180M unallocated"


def test_over_allocation_is_flagged_not_drawn_as_a_gap(repo: Repository) -> None:
    add_deal(repo, "Over", "$100M", ("loan", "$120M"))
    add_deal(repo, "Balanced", "$50M", ("grant", "$50M"))
    add_deal(repo, "Headline only", "$30M")
    data = breakdown(repo.conn, by="all")
    [bar] = data.bars
    assert amounts(bar) == {"Loan": usd("120M"), "Grant": usd("50M"), "Unallocated": usd("30M")}
    assert (bar.headline, bar.over_allocated) == (usd("180M"), usd("20M"))
    assert bar.total == usd("200M")
    statuses = {g.title: g.reconciliation.status for g in data.gaps}
    assert statuses == {"Over": "over-allocated", "Headline only": "unallocated"}


def test_currencies_are_never_summed(repo: Repository) -> None:
    add_deal(repo, "Dollar deal", "$100M", ("loan", "$60M"), ("grant", "€30M"))
    add_deal(repo, "Euro deal", "€10M", ("equity", "€10M"))
    assert currencies_present(load_facts(repo.conn)) == ["EUR", "USD"]  # EUR: 3, USD: 2
    dollars = breakdown(repo.conn, by="all", currency="USD")
    assert amounts(dollars.bars[0]) == {"Loan": usd("60M"), "Unallocated": usd("40M")}
    euros = breakdown(repo.conn, by="all", currency="EUR")
    bar = euros.bars[0]
    assert amounts(bar) == {"Grant": parse_money("€30M"), "Equity": parse_money("€10M")}
    assert (bar.headline, bar.unheadlined) == (parse_money("€10M"), parse_money("€30M"))
    assert {s.amount.currency for b in euros.bars for s in b.segments} == {"EUR"}


def test_reporting_currency_without_rates_lists_the_deals(repo: Repository) -> None:
    add_deal(repo, "Dollar deal", "$100M", ("loan", "$100M"))
    euro = add_deal(repo, "Euro deal", "€10M", ("equity", "€10M"), date="2025-11-09")
    undated = add_deal(repo, "Undated euro deal", "€5M", date=None)
    data = breakdown(repo.conn, by="all", reporting="USD")
    assert amounts(data.bars[0]) == {"Loan": usd("100M")}
    reasons = {u.deal_id: u.reason for u in data.unconvertible}
    assert reasons == {
        euro.id: "no EUR to USD rate on or before 2025-11-09",
        undated.id: "no announced date to choose an exchange rate by",
    }
    assert data.unconvertible_count == 2


def test_reporting_currency_uses_the_rate_in_force(repo: Repository) -> None:
    add_rate(repo, "EUR", "USD", "2025-01-01", "1.0825")
    add_rate(repo, "EUR", "USD", "2025-12-01", "2")  # after the deal: not used
    add_rate(repo, "JPY", "USD", "2024-01-01", "0.006725")
    add_deal(repo, "Dollar deal", "$100M", ("loan", "€20M"), date="2025-11")
    add_deal(repo, "Euro deal", "€10M", ("equity", "€10M"), date="2025-11-09")
    add_deal(repo, "Yen deal", "¥1001", ("grant", "¥1001"), date="2025")
    data = breakdown(repo.conn, by="all", reporting="USD")
    assert data.unconvertible == ()
    assert amounts(data.bars[0]) == {
        "Loan": usd("21.65M"),  # €20M x 1.0825
        "Equity": usd("10.825M"),
        "Grant": usd("6.73"),  # 1001 x 0.6725 cents = 673.1725, rounded to 673 cents
        "Unallocated": usd("78.35M"),
    }
    assert data.bars[0].headline == usd("110,825,006.73")


def test_reporting_currency_with_a_rate_only_after_the_deal(repo: Repository) -> None:
    add_rate(repo, "EUR", "USD", "2025-12-01", "1.1")
    deal = add_deal(repo, "Euro deal", "€10M", date="2025-11")
    data = breakdown(repo.conn, reporting="USD")
    assert data.bars == () and [u.deal_id for u in data.unconvertible] == [deal.id]


def test_segment_ids_are_the_deals_summed(repo: Repository, magnet_deal: Deal) -> None:
    other = add_deal(repo, "Balanced loan", "$10M", ("loan", "$10M"), date="2025-02")
    data = breakdown(repo.conn)
    assert segment_deal_ids(repo.conn, data, "2025", "loan") == [magnet_deal.id, other.id]
    assert segment_deal_ids(repo.conn, data, "2025", "equity") == [magnet_deal.id]
    assert segment_deal_ids(repo.conn, data, "2025", UNALLOCATED) == [magnet_deal.id]
    assert segment_deal_ids(repo.conn, data, "2024", "loan") == []


def test_small_funders_are_folded_into_one_segment(repo: Repository, magnet_deal: Deal) -> None:
    data = breakdown(repo.conn, by="all", stack="funder", top_stacks=1)
    [bar] = data.bars
    assert amounts(bar) == {"Office of Strategic Capital": usd("620M"),
                            "Other funders": usd("600M"), "Unallocated": usd("180M")}  # fmt: skip
    assert bar.total == usd("1.4B")
    assert segment_deal_ids(repo.conn, data, "", OTHERS) == [magnet_deal.id]
    funders = [s.key for s in bar.segments[:1]]
    assert data.folded == tuple(funders)
    assert breakdown(repo.conn, by="all", stack="funder", top_stacks=3).folded is None


def test_filters_narrow_the_chart(repo: Repository, magnet_deal: Deal) -> None:
    add_deal(repo, "Other deal", "$10M", ("grant", "$10M"))
    by_company = ListQuery("deal", filters=(("company", ("Vulcan Elements",)),))
    data = breakdown(repo.conn, by="all", filters=by_company)
    assert data.bars[0].total == usd("1.4B")
    in_2024 = ListQuery("deal", date_from="2024-01-01", date_to="2024-12-31")
    assert breakdown(repo.conn, by="all", filters=in_2024).bars[0].total == usd("10M")
    only = ListQuery("deal", ids=(magnet_deal.id,))
    assert breakdown(repo.conn, by="all", filters=only).bars[0].total == usd("1.4B")
    searched = ListQuery("deal", search="nothing-matches-this")
    assert breakdown(repo.conn, filters=searched).bars == ()


def test_deleted_deals_are_left_out(repo: Repository, magnet_deal: Deal) -> None:
    assert magnet_deal.id is not None
    repo.delete("deal", magnet_deal.id)
    assert breakdown(repo.conn, currency="USD").bars == ()
    assert currencies_present(load_facts(repo.conn)) == []


def test_groups_by_quarter_recipient_and_undated(repo: Repository) -> None:
    maker = repo.save(Company("Magnet Maker"))
    add_deal(repo, "Q3 deal", "$1M", date="2025-08", parties=(maker.id,))
    add_deal(repo, "Year deal", "$2M", date="2025")
    add_deal(repo, "Undated deal", "$4M", date=None)
    quarters = breakdown(repo.conn, by="quarter").bars
    assert [b.label for b in quarters] == ["2025 (quarter unknown)", "2025 Q3", "Undated"]
    companies = breakdown(repo.conn, by="company").bars
    assert [(b.label, b.total) for b in companies] == [
        ("No recipient", usd("6M")), ("Magnet Maker", usd("1M"))]


def test_top_and_gap_limit_keep_exact_counts(repo: Repository) -> None:
    for n in range(1, 6):
        add_deal(repo, f"Deal {n}", f"${n}M", ("loan", f"${n / 2}M"), date=f"2024-0{n}")
    data = breakdown(repo.conn, by="deal", top=2, gap_limit=3)
    assert [b.label for b in data.bars] == ["Deal 5", "Deal 4"]
    assert amounts(data.bars[0]) == {"Loan": usd("2.5M"), "Unallocated": usd("2.5M")}
    assert (data.bar_count, data.gap_count, len(data.gaps)) == (5, 5, 3)
    assert [g.title for g in data.gaps] == ["Deal 5", "Deal 4", "Deal 3"]


def test_an_empty_tracker_has_nothing_to_draw(repo: Repository) -> None:
    data = breakdown(repo.conn)
    assert (data.currency, data.bars, data.gaps) == (None, (), ())


@pytest.mark.parametrize(
    ("options", "error"),
    [
        ({"by": "month"}, ValueError),
        ({"stack": "colour"}, ValueError),
        ({"currency": "XYZ"}, MoneyError),
        ({"reporting": "usd"}, MoneyError),
        ({"currency": "USD", "reporting": "EUR"}, ValueError),
        ({"filters": ListQuery("event")}, ValueError),
        ({"top": -1}, ValueError),
        ({"top_stacks": -2}, ValueError),
        ({"gap_limit": -5}, ValueError),
    ],
)
def test_bad_options_are_refused(repo: Repository, magnet_deal: Deal, options, error) -> None:
    with pytest.raises(error):
        breakdown(repo.conn, **options)


def test_the_no_recipient_bar_keeps_its_segments_when_bars_are_cut(repo: Repository) -> None:
    maker = repo.save(Company("Magnet Maker"))
    add_deal(repo, "Small deal", "$1M", ("grant", "$1M"), parties=(maker.id,))
    add_deal(repo, "Big deal without a recipient", "$9M", ("loan", "$6M"))
    data = breakdown(repo.conn, by="company", top=1)
    [bar] = data.bars
    assert (bar.label, data.bar_count) == ("No recipient", 2)
    assert amounts(bar) == {"Loan": usd("6M"), "Unallocated": usd("3M")}
    assert bar.total == usd("9M")


def test_a_sum_beyond_64_bits_is_refused_not_wrapped(repo: Repository) -> None:
    """Each amount fits; their sum does not: the chart says so rather than show a total that
    wrapped around to a negative one. Bars that fit are still drawn."""
    big = 2**62 + 1
    for n, date in enumerate(["2024-01", "2025-01", "2025-02"]):
        repo.save(Deal(f"Deal {n}", amount=Money(big, "USD"), announced=parse_fuzzy_date(date),
                       tranches=[Tranche("loan", Money(big, "USD"))]))  # fmt: skip
    with pytest.raises(MoneyError, match="too large"):
        breakdown(repo.conn, by="all", currency="USD")
    [bar] = breakdown(repo.conn, by="year", currency="USD", filters=ListQuery(
        "deal", date_to="2024-12-31")).bars  # fmt: skip
    assert bar.headline.minor == big and bar.segments[0].amount.minor == big
