"""The shortcuts the CSV import takes through the form's checks must answer exactly as the long
way does: plain amounts (parse_money without its tokenizer) and control characters (one regex
instead of a category lookup per character), on well-formed and on wrong input alike."""

from __future__ import annotations

import sys
import unicodedata

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st
from lodestone.core.records import FieldChecks, Money, MoneyError, parse_money
from lodestone.core.records.fieldcheck import _control_character
from lodestone.core.records.money import _parse_general

CURRENCIES = ("USD", "JPY", "BHD", "EUR")  # 2, 0 and 3 decimal places
AMOUNT_ALPHABET = list("0123456789,.") + [" ", "-", "$", "k", "M", "\u00a0", "'"]


def outcome(parse, text: str, currency: str | None) -> Money | str:
    try:
        return parse(text, currency)
    except MoneyError as error:
        return f"error: {error}"


# Near misses of the plain shape: groups of any length, separators, fractions, signs, spaces.
NEAR_PLAIN = st.from_regex(r"-?[0-9]{0,4}([,.' ][0-9]{0,4}){0,3}(\.[0-9]{0,4})? ?", fullmatch=True)
PASTED = st.lists(st.sampled_from(AMOUNT_ALPHABET), max_size=16).map("".join)


@settings(max_examples=500)
@given(NEAR_PLAIN | PASTED, st.sampled_from((*CURRENCIES, None)))
@example("1,00", "USD")  # a short group
@example("1000,000", "USD")  # a long first group
@example("1,250,000.50", "USD")
@example("1,250,000.505", "USD")  # more decimals than USD has
@example("5.5", "JPY")
@example("0,000", "USD")
@example("1,0000", "USD")  # a grouping that could mean a decimal
@example("12,34,567", "USD")  # lakh grouping: only the long way reads it
@example("1.", "USD")
@example(",100", "USD")
@example("9" * 19, "USD")  # too large to store
@example("9" * 201, "USD")  # longer than any amount may be
@example(" 12", "USD")
def test_plain_amounts_read_as_the_tokenizer_reads_them(text: str, currency: str | None) -> None:
    assert outcome(parse_money, text, currency) == outcome(_parse_general, text, currency)


@pytest.mark.parametrize(("text", "minor"), [
    ("1250000", 125_000_000), ("1,250,000.50", 125_000_050), ("007", 700), ("0.1", 10),
])  # fmt: skip
def test_plain_amounts(text: str, minor: int) -> None:
    assert parse_money(text, "USD") == Money(minor, "USD")


@pytest.mark.parametrize(("text", "reason"), [
    ("1,0000", "digit grouping is unclear"), ("1.005", "USD has 2 decimal places"),
    ("9" * 19, "too large"), ("9" * 201, "longer than 200"), ("1,00,0", "unclear"),
])  # fmt: skip
def test_wrong_plain_amounts_are_refused_with_the_reason(text: str, reason: str) -> None:
    with pytest.raises(MoneyError, match=reason):
        parse_money(text, "USD")


def test_a_plain_amount_still_needs_a_known_default_currency() -> None:
    with pytest.raises(MoneyError, match="Unknown currency"):
        parse_money("12", "usd")
    with pytest.raises(MoneyError, match="no default currency"):
        parse_money("12")


def category_control(text: str, multiline: bool) -> str | None:
    """The definition: the first character of Unicode category Cc not allowed here."""
    allowed = "\n\t" if multiline else ""
    return next((c for c in text if unicodedata.category(c) == "Cc" and c not in allowed), None)


@given(st.text(st.characters(max_codepoint=0x2FF), max_size=40), st.booleans())
@example("plain text", False)
@example("line\nbreak\tand tab", True)
@example("line\nbreak", False)
@example("carriage\r\nreturn", True)
@example("del \x7f and \x85 next line", True)
def test_control_characters_are_found_as_their_category_says(text: str, multiline: bool) -> None:
    assert _control_character(text, multiline) == category_control(text, multiline)


def test_the_control_character_class_is_exactly_category_cc() -> None:
    every = "".join(map(chr, range(sys.maxunicode + 1)))
    found = {c for c in every if _control_character(c, False)}
    assert found == {c for c in every if unicodedata.category(c) == "Cc"}
    assert {c for c in found if not _control_character(c, True)} == {"\n", "\t"}


def test_a_control_character_is_named_in_the_message() -> None:
    checks = FieldChecks()
    checks.text("title", "Magnets\x0b phase 1", 300)
    assert [e.message for e in checks.errors] == [
        "Title contains a control character (U+000B); remove it"]
