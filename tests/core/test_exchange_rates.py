"""Recorded exchange rates: validation, storage, and exact conversion."""

from __future__ import annotations

from decimal import Decimal

import pytest
from lodestone.core.funding import (
    RATE_KIND,
    add_rate,
    delete_rate,
    list_rates,
    parse_rate,
    validate_rate,
)
from lodestone.core.funding.exchange_rates import Converter
from lodestone.core.records import MoneyError
from lodestone.core.storage import InvalidRecord, RecordNotFound, Repository


def test_add_list_and_delete(repo: Repository) -> None:
    heard: list = []
    repo.subscribe(lambda change: heard.append((change.kind, change.ids)))
    first = add_rate(repo, "EUR", "USD", "2025-01-01", " 1.0825 ")
    add_rate(repo, "JPY", "USD", "2024-06-30", "0.0067")
    add_rate(repo, "EUR", "GBP", "2025-01-01", "0.83")
    assert first.rate == Decimal("1.0825") and first.text == "1.0825"
    assert [(r.currency, r.date) for r in list_rates(repo.conn, "USD")] == [
        ("EUR", "2025-01-01"), ("JPY", "2024-06-30")]
    assert len(list_rates(repo.conn)) == 3
    assert first.id is not None
    delete_rate(repo, first.id)
    assert [r.currency for r in list_rates(repo.conn, "USD")] == ["JPY"]
    assert heard[0] == (RATE_KIND, (first.id,)) and heard[-1] == (RATE_KIND, (first.id,))


def test_a_second_rate_for_the_same_day_is_refused(repo: Repository) -> None:
    add_rate(repo, "EUR", "USD", "2025-01-01", "1.08")
    with pytest.raises(InvalidRecord) as caught:
        add_rate(repo, "EUR", "USD", "2025-01-01", "1.09")
    assert [e.field for e in caught.value.errors] == ["date"]
    assert "already recorded" in str(caught.value)
    assert [r.rate for r in list_rates(repo.conn)] == [Decimal("1.08")]


@pytest.mark.parametrize(
    ("currency", "base", "date", "rate", "fields"),
    [
        ("XYZ", "USD", "2025-01-01", "1", ["currency"]),
        ("EUR", "usd", "2025-01-01", "1", ["base"]),
        ("USD", "USD", "2025-01-01", "1", ["currency"]),
        ("EUR", "USD", "2025-02-30", "1", ["date"]),
        ("EUR", "USD", "2025-1-1", "1", ["date"]),
        ("EUR", "USD", "yesterday", "1", ["date"]),
        ("EUR", "USD", "2025-01-01", "0", ["rate"]),
        ("EUR", "USD", "2025-01-01", "-1.2", ["rate"]),
        ("EUR", "USD", "2025-01-01", "1e3", ["rate"]),
        ("EUR", "USD", "2025-01-01", "1,08", ["rate"]),
        ("EUR", "USD", "2025-01-01", "", ["rate"]),
        ("EUR", "USD", "2025-01-01", "nan", ["rate"]),
        ("XYZ", "USD", "2025-13-01", "abc", ["currency", "date", "rate"]),
    ],
)
def test_bad_rates_are_refused_by_field(repo, currency, base, date, rate, fields) -> None:
    assert [e.field for e in validate_rate(currency, base, date, rate)] == fields
    with pytest.raises(InvalidRecord):
        add_rate(repo, currency, base, date, rate)
    assert list_rates(repo.conn) == []


def test_deleting_an_unknown_rate_is_an_error(repo: Repository) -> None:
    with pytest.raises(RecordNotFound):
        delete_rate(repo, 42)


@pytest.mark.parametrize(("text", "value"), [("1.0825", "1.0825"), ("150", "150"),
                                             ("0.000001", "0.000001")])  # fmt: skip
def test_parse_rate_reads_plain_decimals(text: str, value: str) -> None:
    assert parse_rate(text) == Decimal(value)


@pytest.mark.parametrize(
    ("minor", "currency", "rate", "target", "expected"),
    [
        (100_00, "EUR", "1.0825", "USD", 108_25),
        (1001, "JPY", "0.006725", "USD", 673),  # 673.1725 cents
        (1, "USD", "0.5", "EUR", 1),  # half a cent rounds half up
        (1, "USD", "0.4999", "EUR", 0),
        (1_00, "USD", "150.5", "JPY", 151),  # 150.5 yen rounds half up
        (-1_00, "USD", "150.5", "JPY", -151),
        (1_000, "BHD", "2.65", "USD", 265),  # 1.000 BHD (3 digits) -> 2.65 USD
    ],
)
def test_conversion_is_exact_and_rounds_once(minor, currency, rate, target, expected) -> None:
    assert Converter(target).convert(minor, currency, rate) == expected


def test_conversion_refuses_unknown_targets_and_overflow() -> None:
    with pytest.raises(MoneyError):
        Converter("usd")
    with pytest.raises(MoneyError):
        Converter("USD").convert(2**62, "JPY", "1000")
