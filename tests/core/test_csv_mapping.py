"""Matching the columns of a foreign CSV file to fields: synonyms, --map, and its errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from lodestone.core.csvio import ImportOptionError, MappingError, import_csv, resolve_mapping
from lodestone.core.csvio.mapping import normalise_header
from lodestone.core.storage import Repository


@pytest.mark.parametrize(("header", "kind", "field"), [
    ("Company Name", "deals", "recipient"), ("Company Name", "companies", "name"),
    ("raisedAmt", "deals", "amount"), ("Amount (USD)", "deals", "amount"),
    ("amount_usd", "deals", "amount"), ("Date", "deals", "announced"),
    ("Announced", "deals", "announced"), ("DATE_ANNOUNCED", "deals", "announced"),
    ("Funder", "deals", "funder"), ("Lender", "deals", "funder"),
    ("  source  URL ", "deals", "source_url"), ("Start Date", "events", "date"),
    ("Ticker Symbol", "companies", "ticker"), ("parentCompany", "companies", "parent"),
    ("Commodities", "deals", "commodity"), ("Headline", "events", "title"),
])  # fmt: skip
def test_headers_are_matched_with_synonyms(header: str, kind: str, field: str) -> None:
    others = {"deals": ["Title"], "companies": ["Name"], "events": ["Title", "Date"]}[kind]
    if field in ("name", "title"):
        others = [h for h in others if h.lower() != field]
    if field == "date":
        others = ["Title"]
    mapping = resolve_mapping(kind, [*others, header])
    assert mapping.column_name(field) == header


def test_normalised_headers() -> None:
    assert normalise_header("raisedAmt") == "raised amt"
    assert normalise_header(" DATE_Announced ") == "date announced"
    assert normalise_header("Amount (USD)") == "amount"


def test_explicit_map_wins_and_can_ignore_a_column() -> None:
    mapping = resolve_mapping("deals", ["Awardee", "Company Name", "Notes"],
                              [("Awardee", "recipient"), ("Company Name", ""), ("notes", "")])
    assert mapping.columns == {"recipient": 0}
    assert mapping.ignored() == ["Company Name", "Notes"]


@pytest.mark.parametrize(("headers", "explicit", "match"), [
    (["Company Name"], [("Company Name", "bogus")], "unknown field 'bogus'"),
    (["Company Name"], [("Nope", "recipient")], "no column 'Nope'"),
    (["Amount", "Date"], [], "no column of the file is mapped to title or recipient"),
    (["A", "B"], [("A", "recipient"), ("B", "recipient")], "two columns are mapped"),
])  # fmt: skip
def test_mapping_errors(headers: list[str], explicit: list[tuple[str, str]], match: str) -> None:
    with pytest.raises(MappingError, match=match):
        resolve_mapping("deals", headers, explicit)


@pytest.mark.parametrize(("options", "match"), [
    ({"kind": "widgets"}, "unknown kind 'widgets'"),
    ({"currency": "usd"}, "unknown currency"),
    ({"currency": "XYZ"}, "unknown currency"),
    ({"date_format": "%Q"}, "not valid"),
    ({"date_format": "%d/%m"}, "must give the day, the month and the year"),
])  # fmt: skip
def test_bad_options_are_refused_before_reading(
    repo: Repository, tmp_path: Path, options: dict[str, str], match: str
) -> None:
    kind = options.pop("kind", "deals")
    with pytest.raises((ImportOptionError, MappingError), match=match):
        import_csv(repo.conn, tmp_path / "absent.csv", kind, **options)  # type: ignore[arg-type]


def test_a_us_state_column_is_not_taken_for_the_deal_status() -> None:
    # a government awards file has "State" (the recipient's state), never a deal's status
    mapping = resolve_mapping("deals", ["Award Title", "Recipient Name", "State"])
    assert "status" not in mapping.columns
    assert "State" in mapping.ignored()
