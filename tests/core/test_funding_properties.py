"""Properties of the funding breakdown for any deals: every bar reconciles to its headlines."""

from __future__ import annotations

import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lodestone.core.funding import UNALLOCATED, breakdown
from lodestone.core.records import (
    COMPANY_TYPES,
    INSTRUMENTS,
    Company,
    Deal,
    FuzzyDate,
    Money,
    Tranche,
)
from lodestone.core.storage import Repository, migrate
from lodestone.core.storage.db import configure

AMOUNT = st.integers(min_value=0, max_value=10**13)
CURRENCY = st.sampled_from(["USD", "EUR"])
tranches = st.lists(
    st.tuples(st.sampled_from(INSTRUMENTS), st.none() | st.tuples(AMOUNT, CURRENCY),
              st.integers(0, 2)),
    max_size=4,
)  # fmt: skip
deals = st.lists(
    st.tuples(st.none() | st.tuples(AMOUNT, CURRENCY), st.sampled_from(["2024", "2025-03", None]),
              tranches),
    max_size=6,
)  # fmt: skip


def _tracker() -> Repository:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    configure(conn, readonly=True)  # no WAL for an in-memory database
    migrate(conn)
    return Repository(conn)


def _save(repo: Repository, generated: list) -> list[Deal]:
    funders = [repo.save(Company(f"Funder {k}", company_type=k)).id for k in COMPANY_TYPES[:3]]
    saved = []
    for n, (headline, date, parts) in enumerate(generated):
        deal = Deal(
            f"Deal {n}",
            announced=None if date is None else FuzzyDate.from_iso(date),
            amount=None if headline is None else Money(*headline),
            tranches=[
                Tranche(kind, None if amount is None else Money(*amount), funders[funder])
                for kind, amount, funder in parts
            ],
        )
        saved.append(repo.save(deal))
    return saved  # type: ignore[return-value]


def _expected_total(deals: list[Deal], currency: str) -> int:
    """What every bar together must show: per deal, the larger of headline and tranches."""
    total = 0
    for deal in deals:
        head = deal.amount.minor if deal.amount and deal.amount.currency == currency else 0
        parts = sum(t.amount.minor for t in deal.tranches
                    if t.amount and t.amount.currency == currency)  # fmt: skip
        total += max(head, parts)
    return total


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(deals, st.sampled_from(["year", "quarter", "deal", "all"]),
       st.sampled_from(["instrument", "funder-type", "funder"]))  # fmt: skip
def test_segments_add_up_to_the_headlines(generated, by, stack) -> None:
    repo = _tracker()
    try:
        saved = _save(repo, generated)
        for currency in ("USD", "EUR"):
            data = breakdown(repo.conn, by=by, stack=stack, currency=currency)
            for bar in data.bars:
                minors = [s.amount.minor for s in bar.segments]
                assert sum(minors) == bar.total.minor
                assert bar.total == bar.headline + bar.over_allocated + bar.unheadlined
                assert all(s.amount.currency == currency for s in bar.segments)
                gap = sum(s.amount.minor for s in bar.segments if s.key == UNALLOCATED)
                assert gap >= 0
            assert sum(b.total.minor for b in data.bars) == _expected_total(saved, currency)
            assert data.gap_count == len(data.gaps)
    finally:
        repo.close()
