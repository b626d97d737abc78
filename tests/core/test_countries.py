"""The country table: complete, well-formed, and the look-ups the forms and lists use."""

from __future__ import annotations

import re

import pytest
from lodestone.core.records import COUNTRIES, country_code, country_name, is_country


def test_table_holds_every_assigned_alpha_2_code_once_with_a_distinct_name():
    assert len(COUNTRIES) == 249
    assert all(re.fullmatch(r"[A-Z]{2}", code) for code in COUNTRIES)
    names = [name.casefold() for name in COUNTRIES.values()]
    assert len(set(names)) == len(names)
    assert all(name == name.strip() and name for name in COUNTRIES.values())


@pytest.mark.parametrize(("code", "name"), [
    ("US", "United States"), ("CN", "China"), ("PK", "Pakistan"), ("GB", "United Kingdom"),
    ("KR", "South Korea"), ("CD", "Democratic Republic of the Congo"), ("MM", "Myanmar"),
])  # fmt: skip
def test_known_codes(code, name):
    assert is_country(code)
    assert country_name(code) == name
    assert country_code(name.upper()) == code


@pytest.mark.parametrize("code", ["UK", "EU", "XX", "us", "USA", "", " US"])
def test_unknown_or_malformed_codes_are_not_countries_and_display_as_typed(code):
    assert not is_country(code)
    assert country_name(code) == code


def test_country_code_of_an_unknown_name_is_none():
    assert country_code("Atlantis") is None
