"""Reconciliation of tranches against a headline: exact, per currency, and said in words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lodestone.core.records import Deal, Money, Reconciliation, Tranche, reconcile
from lodestone.core.records.reconciliation import reconcile_deal


def usd(millions: float) -> Money:
    return Money(round(millions * 100_000_000), "USD")


def test_the_magnet_deal_shows_its_unallocated_180_million():
    [line] = reconcile(usd(1400), [usd(620), usd(50), usd(550)])
    assert line.currency == "USD"
    assert line.headline == usd(1400)
    assert line.allocated == usd(1220)
    assert line.unallocated == usd(180)
    assert line.status == "unallocated"
    assert line.describe() == "$1.22B of $1.4B allocated — $180M unallocated"


@pytest.mark.parametrize(("headline", "tranches", "status", "text"), [
    (usd(1400), [usd(620), usd(50), usd(550)], "unallocated",
     "$1.22B of $1.4B allocated — $180M unallocated"),
    (usd(1400), [usd(850), usd(550)], "balanced", "$1.4B of $1.4B allocated"),
    (usd(1400), [usd(620), usd(250), usd(550)], "over-allocated",
     "over-allocated by $20M: $1.42B of $1.4B"),
    (None, [usd(50)], "no headline", "$50M in tranches, no headline amount"),
    (usd(1400), [], "unallocated", "$0 of $1.4B allocated — $1.4B unallocated"),
    (usd(500), [None, None], "unallocated", "$0 of $500M allocated — $500M unallocated"),
    (usd(0), [], "balanced", "$0 of $0 allocated"),
    (Money(2_300_000_000_00, "EUR"), [Money(2_300_000_000_00, "EUR")], "balanced",
     "€2.3B of €2.3B allocated"),
    (Money(500_000_000_00, "PKR"), [Money(100_000_000_00, "PKR")], "unallocated",
     "PKR 100M of PKR 500M allocated — PKR 400M unallocated"),
])  # fmt: skip
def test_status_and_description(headline, tranches, status, text):
    [line] = reconcile(headline, tranches)
    assert line.status == status
    assert line.describe() == text


def test_nothing_to_reconcile_gives_no_lines():
    assert reconcile(None, []) == []
    assert reconcile(None, [None]) == []


def test_without_a_headline_nothing_is_unallocated():
    [line] = reconcile(None, [usd(50), usd(20)])
    assert line.headline is None
    assert line.allocated == usd(70)
    assert line.unallocated == Money(0, "USD")


def test_other_currencies_get_their_own_line_after_the_headline_currency():
    eur, jpy = Money(10_000_000_00, "EUR"), Money(5_000_000, "JPY")
    lines = reconcile(usd(1400), [eur, usd(620), jpy, eur, usd(550)])
    assert [line.currency for line in lines] == ["USD", "EUR", "JPY"]
    assert lines[0] == Reconciliation("USD", usd(1400), usd(1170), usd(230))
    assert lines[1] == Reconciliation("EUR", None, eur + eur, Money(0, "EUR"))
    assert lines[2] == Reconciliation("JPY", None, jpy, Money(0, "JPY"))
    assert lines[1].describe() == "€20M in tranches, no headline amount"
    assert lines[2].describe() == "¥5M in tranches, no headline amount"


def test_reconcile_deal_reads_the_headline_and_tranche_amounts():
    deal = Deal(
        title="Vulcan Elements and ReElement $1.4 billion magnet supply chain",
        amount=usd(1400),
        tranches=[Tranche("loan", usd(620)), Tranche("other", usd(50)),
                  Tranche("equity", usd(550)), Tranche("offtake")],
    )  # fmt: skip
    assert reconcile_deal(deal) == reconcile(usd(1400), [usd(620), usd(50), usd(550)])
    assert reconcile_deal(Deal(title="No money yet")) == []


CURRENCIES = ["USD", "EUR", "JPY", "PKR", "BHD"]
moneys = st.builds(Money, st.integers(0, 10**15), st.sampled_from(CURRENCIES))


@given(st.none() | moneys, st.lists(st.none() | moneys, max_size=12))
def test_reconciliation_is_exact_and_never_mixes_currencies(headline, tranches):
    lines = reconcile(headline, tranches)
    present = [m.currency for m in tranches if m is not None]
    expected = list(dict.fromkeys(([headline.currency] if headline is not None else []) + present))
    assert [line.currency for line in lines] == expected
    for line in lines:
        own = [m.minor for m in tranches if m is not None and m.currency == line.currency]
        assert line.allocated == Money(sum(own), line.currency)
        assert line.unallocated.currency == line.currency
        if headline is not None and headline.currency == line.currency:
            assert line.headline == headline
            assert line.allocated + line.unallocated == headline
            sign = (line.unallocated.minor > 0) - (line.unallocated.minor < 0)
            assert line.status == {1: "unallocated", 0: "balanced", -1: "over-allocated"}[sign]
        else:
            assert line.headline is None and line.status == "no headline"
            assert line.unallocated == Money(0, line.currency)
        assert line.describe()


@given(moneys, st.lists(moneys, max_size=8))
def test_the_headline_line_always_comes_first(headline, tranches):
    lines = reconcile(headline, tranches)
    assert lines[0].currency == headline.currency and lines[0].headline == headline
    assert all(line.headline is None for line in lines[1:])
