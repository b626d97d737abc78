"""Money must be exact and must never read a pasted amount as a different number.

The tables pin down what analysts paste; the hypothesis properties check that every written form
reads back to the same value and that arbitrary text either fails loudly or keeps its digits.
"""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lodestone.core.records import (
    CURRENCY_DIGITS,
    Money,
    MoneyError,
    format_money,
    from_decimal_string,
    is_currency,
    money_sum,
    parse_money,
    to_decimal_string,
)
from lodestone.core.records.currencies import DISPLAY_SYMBOLS, TEXT_SPELLINGS
from lodestone.core.records.money import _MULTIPLIERS, CurrencyMismatch

LIMIT = 2**63
CODES = sorted(CURRENCY_DIGITS)
moneys = st.builds(Money, st.integers(-(LIMIT - 1), LIMIT - 1), st.sampled_from(CODES))


def usd(dollars: int, cents: int = 0) -> Money:
    return Money(dollars * 100 + cents, "USD")


GOOD = [
    ("$1.4 billion", usd(1_400_000_000)),
    ("620M", usd(620_000_000)),
    ("620m", usd(620_000_000)),
    ("USD 50 million", usd(50_000_000)),
    ("50 million USD", usd(50_000_000)),
    ("1,400,000,000", usd(1_400_000_000)),
    ("€2.3bn", Money(230_000_000_000, "EUR")),
    ("1.4bn", usd(1_400_000_000)),
    ("(1,000)", usd(-1000)),
    ("$(1,000)", usd(-1000)),
    ("(USD 1,000) ", usd(-1000)),
    ("-1,000", usd(-1000)),
    ("\u22121,000", usd(-1000)),
    ("-$1,000.00", usd(-1000)),
    ("$-1,000", usd(-1000)),
    ("+5", usd(5)),
    ("£12.5m", Money(1_250_000_000, "GBP")),
    ("$12.5k", usd(12_500)),
    ("US$ 3 trillion", usd(3_000_000_000_000)),
    ("A$10M", Money(1_000_000_000, "AUD")),
    ("C$5", Money(500, "CAD")),
    ("¥500", Money(500, "JPY")),
    ("JPY 1.5M", Money(1_500_000, "JPY")),
    ("1 400 000", usd(1_400_000)),
    ("1\u00a0400\u00a0000", usd(1_400_000)),
    ("1\u202f400\u202f000.25", usd(1_400_000, 25)),
    ("1'400'000", usd(1_400_000)),
    ("2.5 mln", usd(2_500_000)),
    ("$1.4B", usd(1_400_000_000)),
    ("1.2345M", usd(1_234_500)),
    ("$50mm", usd(50_000_000)),
    ("usd50", usd(50)),
    ("RMB 1bn", Money(100_000_000_000, "CNY")),
    ("₹500 crore", Money(500 * 10**7 * 100, "INR")),
    ("PKR 12,34,567", Money(123_456_700, "PKR")),
    ("KWD 1.234", Money(1234, "KWD")),
    ("1.000", usd(1)),
    ("$0.01", usd(0, 1)),
    ("0", usd(0)),
    ("-0", usd(0)),
    ("  $ 7  ", usd(7)),
    ("$92233720368547758.07", Money(LIMIT - 1, "USD")),
]


@pytest.mark.parametrize(("text", "expected"), GOOD)
def test_parse_reads_what_analysts_paste(text: str, expected: Money) -> None:
    assert parse_money(text, default_currency="USD") == expected


def test_currency_in_text_wins_over_default() -> None:
    assert parse_money("€5", default_currency="GBP") == Money(500, "EUR")
    assert parse_money("5", default_currency="GBP") == Money(500, "GBP")


BAD = [
    ("", "empty"),
    ("   ", "empty"),
    ("1.005", "USD has 2 decimal places"),
    ("1.234567891M", "USD has 2 decimal places"),
    ("¥1.5", "JPY has no decimal places"),
    ("NaN", "finite"),
    ("inf", "finite"),
    ("-Infinity", "finite"),
    ("1e5", "scientific"),
    ("2.5E-3", "scientific"),
    ("$5 EUR", "more than one currency"),
    ("USD 5 USD", "more than one currency"),
    ("abc", "not a currency"),
    ("5 apples", "apples"),
    ("XYZ 5", "XYZ"),
    ("10 kr", "kr"),
    ("5 dollars", "dollars"),
    ("$92233720368547758.08", "too large"),
    ("10000000000000000000", "too large"),
    ("99999999999999999999999999999999999999999999999999 T", "too large"),
    ("1,5", "grouping"),
    ("1.400.000", "'.'"),
    ("1,400 000", "grouping"),
    ("12 5", "grouping"),
    ("1,000,00,000", "grouping"),
    ("(1,000", "expected"),
    ("1,000)", "expected"),
    ("((1))", "expected"),
    ("(-1,000)", "sign"),
    ("--5", "sign"),
    ("5-", "expected"),
    ("$5–10 million", "'–'"),
    ("5 6", "grouping"),
    ("5 $ 6", "several numbers"),
    ("$", "no number"),
    ("million", "no number"),
    ("5 million billion", "multiplier"),
    ("M5", "expected"),
    (".5", "'.'"),
    ("1.4bn.", "'.'"),
    ("\u0661\u0662", "not part of an amount"),
    ("5\t000", "several numbers"),
]


@pytest.mark.parametrize(("text", "reason"), BAD)
def test_parse_refuses_with_a_message_naming_the_input(text: str, reason: str) -> None:
    with pytest.raises(MoneyError) as raised:
        parse_money(text, default_currency="USD")
    message = str(raised.value)
    assert f"'{text}'" in message
    assert reason in message


def test_parse_without_any_currency_says_so() -> None:
    with pytest.raises(MoneyError, match="no currency") as raised:
        parse_money("620M")
    assert "'620M'" in str(raised.value)


def test_parse_refuses_long_text_and_non_text() -> None:
    with pytest.raises(MoneyError, match="longer than"):
        parse_money("1" + " " * 300, "USD")
    with pytest.raises(TypeError):
        parse_money(5, "USD")  # type: ignore[arg-type]


@pytest.mark.parametrize("code", ["XYZ", "usd", "", "US"])
def test_unknown_currency_codes_are_refused_everywhere(code: str) -> None:
    assert not is_currency(code)
    for attempt in (
        lambda: Money(1, code),
        lambda: Money.zero(code),
        lambda: parse_money("5", default_currency=code),
        lambda: from_decimal_string("5", code),
        lambda: money_sum([], code),
    ):
        with pytest.raises(MoneyError, match="Unknown currency"):
            attempt()


@pytest.mark.parametrize("minor", [1.0, True, "5", None, LIMIT, -LIMIT, LIMIT * 10])
def test_money_refuses_non_int_or_oversized_minor_units(minor: object) -> None:
    with pytest.raises(MoneyError):
        Money(minor, "USD")  # type: ignore[arg-type]


def test_currency_table_has_the_expected_minor_units() -> None:
    assert len(CURRENCY_DIGITS) >= 40
    expected = {"USD": 2, "EUR": 2, "JPY": 0, "KRW": 0, "VND": 0, "CLP": 0, "KWD": 3, "BHD": 3,
                "PKR": 2, "MNT": 2, "KZT": 2}  # fmt: skip
    assert {code: CURRENCY_DIGITS[code] for code in expected} == expected
    assert all(re.fullmatch("[A-Z]{3}", code) for code in CURRENCY_DIGITS)
    assert is_currency("USD") and not is_currency(None)  # type: ignore[arg-type]


def test_multiplier_words_never_shadow_a_currency_spelling() -> None:
    assert not set(_MULTIPLIERS) & set(TEXT_SPELLINGS)
    assert all(TEXT_SPELLINGS[symbol.lower()] == code for code, symbol in DISPLAY_SYMBOLS.items())


def test_arithmetic_within_one_currency() -> None:
    a, b = usd(620_000_000), usd(50_000_000)
    assert a + b == usd(670_000_000)
    assert a - b == usd(570_000_000)
    assert -a == usd(-620_000_000) and abs(-a) == a
    assert Money.zero("EUR") == Money(0, "EUR")
    assert not Money.zero("USD") and usd(0, 1) and usd(0, -1)


def test_arithmetic_refuses_mixed_currencies_and_other_types() -> None:
    with pytest.raises(CurrencyMismatch, match="EUR"):
        usd(1) + Money(1, "EUR")
    with pytest.raises(CurrencyMismatch, match="EUR"):
        usd(1) - Money(1, "EUR")
    with pytest.raises(CurrencyMismatch, match="EUR"):
        money_sum([usd(1), Money(1, "EUR")], "USD")
    with pytest.raises(TypeError):
        usd(1) + 1  # type: ignore[operator]
    assert issubclass(CurrencyMismatch, MoneyError) and issubclass(MoneyError, ValueError)


def test_overflowing_arithmetic_raises_instead_of_wrapping() -> None:
    with pytest.raises(MoneyError, match="too large"):
        Money(LIMIT - 1, "USD") + Money(1, "USD")
    with pytest.raises(MoneyError, match="too large"):
        money_sum([Money(LIMIT - 1, "USD")] * 2, "USD")


def test_the_vulcan_deal_shows_its_unallocated_remainder() -> None:
    headline = parse_money("$1.4 billion")
    tranches = [parse_money(t) for t in ("$620 million", "$50 million", "$550 million")]
    allocated = money_sum(tranches, "USD")
    assert format_money(allocated, short=True) == "$1.22B"
    assert format_money(headline - allocated, short=True) == "$180M"


@pytest.mark.parametrize(
    ("money", "full", "short"),
    [
        (usd(1_400_000_000), "$1,400,000,000.00", "$1.4B"),
        (usd(620_000_000), "$620,000,000.00", "$620M"),
        (usd(50_000_000), "$50,000,000.00", "$50M"),
        (usd(12_500), "$12,500.00", "$12.5K"),
        (usd(999), "$999.00", "$999"),
        (usd(999, 99), "$999.99", "$1K"),
        (usd(999_950), "$999,950.00", "$1M"),
        (usd(-1000), "-$1,000.00", "-$1K"),
        (usd(0), "$0.00", "$0"),
        (usd(0, 5), "$0.05", "$0.05"),
        (usd(12, 34), "$12.34", "$12.3"),
        (Money(230_000_000_000, "EUR"), "€2,300,000,000.00", "€2.3B"),
        (Money(50_000_000, "PKR"), "PKR 500,000.00", "PKR 500K"),
        (Money(-1234, "KWD"), "-KWD 1.234", "-KWD 1.23"),
        (Money(500, "JPY"), "¥500", "¥500"),
        (Money(LIMIT - 1, "JPY"), "¥9,223,372,036,854,775,807", "¥9,220,000T"),
    ],
)
def test_format_full_and_short(money: Money, full: str, short: str) -> None:
    assert format_money(money) == full
    assert format_money(money, short=True) == short


@pytest.mark.parametrize(
    ("money", "text"),
    [(usd(1_400_000_000), "1400000000.00"), (Money(-1050, "USD"), "-10.50"),
     (Money(500, "JPY"), "500"), (Money(-5, "KWD"), "-0.005")],
)  # fmt: skip
def test_decimal_string_both_ways(money: Money, text: str) -> None:
    assert to_decimal_string(money) == text
    assert from_decimal_string(text, money.currency) == money


@pytest.mark.parametrize(
    ("text", "currency", "reason"),
    [("1,000", "USD", "plain number"), ("$5", "USD", "plain number"), ("", "USD", "plain"),
     (" 5", "USD", "plain"), ("1e3", "USD", "plain"), ("1.", "USD", "plain"),
     ("+5", "USD", "plain"), ("5.5", "JPY", "no decimal places"),
     ("0.001", "USD", "2 decimal places"), ("92233720368547758.08", "USD", "too large")],
)  # fmt: skip
def test_from_decimal_string_is_strict(text: str, currency: str, reason: str) -> None:
    with pytest.raises(MoneyError, match=reason) as raised:
        from_decimal_string(text, currency)
    assert f"'{text}'" in str(raised.value)


@given(moneys)
def test_full_format_reads_back_exactly(money: Money) -> None:
    assert parse_money(format_money(money)) == money
    assert parse_money(format_money(money), default_currency="USD") == money


@given(moneys)
def test_decimal_string_reads_back_exactly(money: Money) -> None:
    assert from_decimal_string(to_decimal_string(money), money.currency) == money


@given(st.lists(st.integers(-(LIMIT - 1), LIMIT - 1), max_size=8))
def test_money_sum_is_the_exact_integer_sum(minors: list[int]) -> None:
    items = [Money(minor, "EUR") for minor in minors]
    if abs(sum(minors)) < LIMIT:
        assert money_sum(items, "EUR") == Money(sum(minors), "EUR")
    else:
        with pytest.raises(MoneyError):
            money_sum(items, "EUR")


@given(st.integers(0, 10**16), st.sampled_from([",", " ", "\u00a0", "'"]), st.integers(0, 99))
def test_grouped_integers_read_back_exactly(whole: int, separator: str, cents: int) -> None:
    grouped = f"{whole:,}".replace(",", separator)
    assert parse_money(grouped, "USD") == usd(whole)
    assert parse_money(f"-{grouped}.{cents:02d}", "USD") == usd(-whole, -cents)


@given(st.integers(1, 10**9), st.integers(0, 6), st.sampled_from(sorted(_MULTIPLIERS)))
def test_multiplied_decimals_are_exact_or_refused(digits: int, decimals: int, word: str) -> None:
    text = str(digits).zfill(decimals + 1)
    text = f"{text[: len(text) - decimals]}.{text[len(text) - decimals :]}" if decimals else text
    shift = _MULTIPLIERS[word] + 2 - decimals  # minor units = digits * 10**shift
    if shift < 0 and digits % 10**-shift:
        with pytest.raises(MoneyError, match="decimal places"):
            parse_money(f"${text} {word}")
        return
    expected = digits * 10**shift if shift >= 0 else digits // 10**-shift
    if expected < LIMIT:
        assert parse_money(f"${text} {word}") == usd(0, expected)
    else:
        with pytest.raises(MoneyError, match="too large"):
            parse_money(f"${text} {word}")


def _significant(digits: str) -> str:
    return digits.strip("0")


PASTE_ALPHABET = list("0123456789,. '()-+$€£¥kKmMbBnT\u2212\u00a0") + ["USD", "EUR", "bn", "e"]


@given(st.lists(st.sampled_from(PASTE_ALPHABET), max_size=14).map("".join))
def test_pasted_garbage_fails_or_keeps_every_digit_and_the_sign(text: str) -> None:
    try:
        money = parse_money(text, default_currency="USD")
    except MoneyError as error:
        assert str(error).startswith("Cannot read")
        return
    digits = "".join(re.findall("[0-9]", text))
    assert _significant(digits) == _significant(str(abs(money.minor)))
    if money.minor:
        assert (money.minor < 0) == any(mark in text for mark in "-\u2212(")


@given(st.text(max_size=30))
def test_arbitrary_text_gives_money_or_money_error(text: str) -> None:
    try:
        money = parse_money(text, default_currency="EUR")
    except MoneyError:
        return
    assert isinstance(money, Money) and re.search("[0-9]", text)
