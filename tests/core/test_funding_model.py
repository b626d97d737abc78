"""The funding breakdown against a plain-Python reading of the same tracker, for any deals.

The breakdown's SQL is built for speed (index walks, sums per range of deals, conversion rates
found by comparison with the first rate of each currency); `model` reads every row and applies
the rules as the user guide states them, one deal at a time, converting each amount with
`Converter`. Any deals, rates and deletions must give the same bars, segments, gaps and left-out
deals; and reading the deals in two parts on two connections must give the very same breakdown
as reading them on one.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lodestone.core.funding import (
    UNALLOCATED,
    Breakdown,
    FundingQuery,
    add_rate,
    breakdown,
    load_facts,
)
from lodestone.core.funding.dimensions import GROUPINGS, STACKINGS
from lodestone.core.funding.exchange_rates import Converter
from lodestone.core.records import (
    COMPANY_TYPES,
    FUNDER_TYPES,
    INSTRUMENTS,
    PARTY_ROLES,
    Company,
    Deal,
    Money,
    Party,
    Tranche,
    parse_fuzzy_date,
)
from lodestone.core.storage import Repository, migrate
from lodestone.core.storage.db import configure

CURRENCIES = ("USD", "EUR", "JPY")
MONEY = st.none() | st.tuples(st.integers(0, 10**12), st.sampled_from(CURRENCIES))
# days that are also the days rates apply from: "on or before" must include the day itself
DATES = st.sampled_from([None, "2024", "2024-Q4", "2025-01", "2025-03-04", "2025-11-30"])
TRANCHES = st.lists(st.tuples(st.sampled_from(INSTRUMENTS), MONEY, st.none() | st.integers(0, 3)),
                    max_size=3)  # fmt: skip
PARTIES = st.lists(st.tuples(st.integers(0, 3), st.sampled_from(PARTY_ROLES)), max_size=3)
DEALS = st.lists(st.tuples(MONEY, DATES, PARTIES, TRANCHES, st.booleans()), max_size=10)
RATES = st.lists(
    st.tuples(st.sampled_from(CURRENCIES), st.sampled_from(["USD", "EUR"]),
              st.sampled_from(["2024-10-01", "2025-01-01", "2025-03-04"]),
              st.sampled_from(["1.0825", "0.006725", "150.5", "2", "0.5"])),
    max_size=5,
)  # fmt: skip
MODES = st.sampled_from([*({"currency": c} for c in CURRENCIES),
                         {"reporting": "USD"}, {"reporting": "EUR"}])  # fmt: skip
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _store(repo: Repository, deals: list, rates: list) -> None:
    companies = [repo.save(Company(f"Company {n}", company_type=COMPANY_TYPES[n])).id
                 for n in range(4)]  # fmt: skip
    for n, (amount, date, parties, tranches, deleted) in enumerate(deals):
        saved = repo.save(Deal(
            f"Deal {n}",
            announced=None if date is None else parse_fuzzy_date(date),
            amount=None if amount is None else Money(*amount),
            parties=list({(companies[c], role): Party(companies[c], role)
                          for c, role in parties}.values()),
            tranches=[Tranche(kind, None if money is None else Money(*money),
                              None if funder is None else companies[funder])
                      for kind, money, funder in tranches],
        ))  # fmt: skip
        if deleted:
            repo.delete("deal", saved.id)
    for currency, base, day, rate in rates:
        if currency != base and not repo.conn.execute(
                "SELECT 1 FROM exchange_rates WHERE currency = ? AND base = ? AND date = ?",
                (currency, base, day)).fetchone():  # fmt: skip
            add_rate(repo, currency, base, day, rate)


def _rows(conn: sqlite3.Connection, sql: str) -> list[dict[str, Any]]:
    cursor = conn.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]


def _key(by: str, deal: dict, parties: list[dict]) -> Any:
    day, precision = deal["announced_start"], deal["announced_precision"]
    if by in ("year", "quarter"):
        if day is None:
            return None
        if by == "year" or precision == "year":
            return day[:4]
        return f"{day[:4]}-Q{(int(day[5:7]) + 2) // 3}"
    if by == "company":
        ordered = sorted(parties, key=lambda p: (p["role"] != "recipient", p["position"], p["id"]))
        return ordered[0]["company_id"] if ordered else None
    return deal["id"] if by == "deal" else ""


def model(conn: sqlite3.Connection, by: str, stack: str, mode: dict) -> dict[str, Any]:
    """The breakdown's figures, deal by deal: bars {key: (deals, headline, over, unheadlined,
    {segment key: (amount, count)})}, gap deals, and deals left out for want of a rate."""
    kinds = {r["id"]: r["kind"] for r in _rows(conn, "SELECT id, kind FROM companies")}
    tranches, parties = defaultdict(list), defaultdict(list)
    for row in _rows(conn, "SELECT * FROM tranches ORDER BY position, id"):
        tranches[row["deal_id"]].append(row)
    for row in _rows(conn, "SELECT * FROM deal_parties"):
        parties[row["deal_id"]].append(row)
    target = mode.get("reporting") or mode["currency"]
    rates = sorted(tuple(r) for r in conn.execute(
        "SELECT currency, date, rate FROM exchange_rates WHERE base = ?", (target,)))
    convert = Converter(target).convert

    def rate(currency: str, day: str | None) -> str | None:
        found = [r for c, d, r in rates if c == currency and day is not None and d <= day]
        return found[-1] if found else None

    def value(minor: int | None, currency: str | None, day: str | None) -> int | None:
        if minor is None or currency == target:
            return minor
        if "currency" in mode:
            return None
        found = rate(currency, day)
        return None if found is None else convert(minor, currency, found)

    bars: dict[Any, list] = {}
    gaps, left_out = set(), set()
    for deal in _rows(conn, "SELECT * FROM deals WHERE deleted_at IS NULL"):
        day, own = deal["announced_start"], tranches[deal["id"]]
        amounts = [(deal["amount_minor"], deal["currency"]),
                   *((t["amount_minor"], t["currency"]) for t in own)]  # fmt: skip
        if "reporting" in mode and any(m is not None and value(m, c, day) is None
                                       for m, c in amounts):  # fmt: skip
            left_out.add(deal["id"])
            continue
        h = value(deal["amount_minor"], deal["currency"], day)
        counted = [(t, value(t["amount_minor"], t["currency"], day)) for t in own
                   if t["amount_minor"] is not None]  # fmt: skip
        counted = [(t, v) for t, v in counted if v is not None]
        a = sum(v for _, v in counted) if counted else None
        if h is None and a is None:
            continue
        bar = bars.setdefault(_key(by, deal, parties[deal["id"]]), [0, 0, 0, 0, {}])
        bar[0] += 1
        bar[1] += h or 0
        bar[2] += max((a or 0) - h, 0) if h is not None else 0
        bar[3] += a if h is None else 0
        if (h or 0) > (a or 0):
            unallocated = bar[4].setdefault(UNALLOCATED, [0, 0])
            unallocated[0] += (h or 0) - (a or 0)
            unallocated[1] += 1
        if h is None or h != (a or 0):
            gaps.add(deal["id"])
        for t, v in counted:
            funder = t["funder_id"]
            key = {"instrument": t["instrument"], "funder": funder,
                   "funder-type": FUNDER_TYPES.get(kinds.get(funder), "other")}[stack]  # fmt: skip
            segment = bar[4].setdefault(key, [0, 0])
            segment[0] += v
            segment[1] += 1
    return {"bars": {g: (d, h, o, u, {k: tuple(v) for k, v in s.items()})
                     for g, (d, h, o, u, s) in bars.items()},
            "gaps": gaps, "left_out": left_out}  # fmt: skip


def figures(data: Breakdown) -> dict[str, Any]:
    bars = {b.key: (b.deals, b.headline.minor, b.over_allocated.minor, b.unheadlined.minor,
                    {s.key: (s.amount.minor, s.count) for s in b.segments}) for b in data.bars}
    return {"bars": bars, "gaps": {g.deal_id for g in data.gaps},
            "left_out": {u.deal_id for u in data.unconvertible}}  # fmt: skip


def _order(by: str, bars: dict) -> list:
    if by in ("year", "quarter"):
        return sorted(bars, key=lambda k: (k is None, k or ""))
    return sorted(bars, key=lambda k: (-(bars[k][1] + bars[k][2] + bars[k][3]), str(k)))


@SETTINGS
@given(DEALS, RATES, st.sampled_from(GROUPINGS), st.sampled_from(STACKINGS), MODES)
def test_the_breakdown_is_the_deal_by_deal_reading(deals, rates, by, stack, mode) -> None:
    repo = _memory()
    try:
        _store(repo, deals, rates)
        data = breakdown(repo.conn, by=by, stack=stack, **mode)
        expected = model(repo.conn, by, stack, mode)
        assert figures(data) == expected
        assert [b.key for b in data.bars] == _order(by, expected["bars"])
        assert (data.bar_count, data.gap_count) == (len(expected["bars"]), len(expected["gaps"]))
        assert data.unconvertible_count == len(expected["left_out"])
    finally:
        repo.close()


@SETTINGS
@given(DEALS, RATES, st.sampled_from(GROUPINGS), st.sampled_from(STACKINGS),
       st.sampled_from([None, None, 0, 1, 2]))  # fmt: skip
def test_facts_read_once_give_every_choice_the_same_breakdown(deals, rates, by, stack,
                                                              limit) -> None:  # fmt: skip
    """The view reads the facts once and regroups them for each choice: in any order of
    currencies (conversions are kept with the facts), each breakdown is the one read afresh."""
    repo = _memory()
    try:
        _store(repo, deals, rates)
        facts = load_facts(repo.conn)
        modes = [*({"currency": c} for c in CURRENCIES), {"reporting": "USD"},
                 {"reporting": "EUR"}, {"reporting": "USD"}]  # fmt: skip
        for mode in modes:
            query = FundingQuery(by=by, stack=stack, top=limit, top_stacks=limit,
                                 gap_limit=limit, **mode)  # fmt: skip
            assert breakdown(repo.conn, query, facts=facts) == breakdown(repo.conn, query)
    finally:
        repo.close()


def _memory() -> Repository:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    configure(conn, readonly=True)  # no WAL for an in-memory database
    migrate(conn)
    return Repository(conn)


def test_a_rate_recorded_on_the_deals_day_converts_it(tmp_path: Path) -> None:
    repo = Repository.open(tmp_path / "t.db")
    try:
        _store(repo, [((1000, "EUR"), "2025-03-04", [], [], False),
                      ((1000, "EUR"), "2025-01", [], [], False)],
               [("EUR", "USD", "2025-03-04", "2")])  # fmt: skip
        data = breakdown(repo.conn, by="all", reporting="USD")
        assert [b.headline.minor for b in data.bars] == [2000]
        assert data.unconvertible_count == 1  # the January deal: announced before any rate
    finally:
        repo.close()


def test_deals_of_one_year_and_instrument_make_one_bar_and_segment(tmp_path: Path) -> None:
    repo = Repository.open(tmp_path / "t.db")
    try:
        loan = [("loan", (300, "USD"), 0)]
        _store(repo, [((500, "USD"), "2025-01", [], loan, False) for _ in range(4)], [])
        data = breakdown(repo.conn, by="year", currency="USD", gap_limit=3)
        [bar] = data.bars
        assert {s.key: (s.amount.minor, s.count) for s in bar.segments} == {
            "loan": (1200, 4), UNALLOCATED: (800, 4)}
        assert (bar.deals, data.gap_count, len(data.gaps)) == (4, 4, 3)
    finally:
        repo.close()


@pytest.mark.parametrize("companies", [1, 4])
def test_funders_segments_count_each_tranche_once(tmp_path: Path, companies) -> None:
    """Two funders kept, the rest folded: every tranche in one segment, the undisclosed
    funder's grants too."""
    repo = Repository.open(tmp_path / "t.db")
    try:
        funders = [repo.save(Company(f"Funder {n}")).id for n in range(companies)]
        for n in range(6):
            repo.save(Deal(f"Deal {n}", amount=Money(1000, "USD"), tranches=[
                Tranche("loan", Money(100 * n, "USD"), funders[n % companies]),
                Tranche("grant", Money(50, "USD"))]))  # fmt: skip
        query = FundingQuery(by="all", stack="funder", currency="USD", top_stacks=2)
        [bar] = breakdown(repo.conn, query).bars
        tranches = [s for s in bar.segments if s.key != UNALLOCATED]
        assert sum(s.amount.minor for s in bar.segments) == 6000
        assert sum(s.count for s in tranches) == 12  # the undisclosed funder's grants once
    finally:
        repo.close()
