"""Validation: every rule refuses its bad input with a message naming the field, and the
records of the example reports (and values right at each limit) pass."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lodestone.core.records import (
    Citation,
    Company,
    Deal,
    Event,
    FieldError,
    FieldWarning,
    FuzzyDate,
    Money,
    Party,
    Source,
    Tranche,
    clean_text,
    deal_warnings,
    field_label,
    from_decimal_string,
    parse_field,
    parse_fuzzy_date,
    parse_money,
    validate,
    validate_deal,
    validate_source,
)
from lodestone.core.records.validation import validate_company, validate_event

day = FuzzyDate.from_iso


def usd(millions: float) -> Money:
    return Money(round(millions * 100_000_000), "USD")


def forged_money(minor: int, currency: str) -> Money:
    """A Money that skipped its constructor's check, as buggy code could build one: the
    repository's last line of defence must not rely on the type alone."""
    money = object.__new__(Money)
    object.__setattr__(money, "minor", minor)
    object.__setattr__(money, "currency", currency)
    return money


AREC = Company(
    name="American Resources Corp.", ticker="AREC", exchange="NASDAQ", country="US", id=1,
    stages=["separation/refining"], commodities=["rare earths", "NdPr"],
    website="https://americanresources.com/", notes="Holds ReElement.\n\tSee the report.",
    tags=["magnets", "US supply chain"],
)  # fmt: skip
MAGNET_DEAL = Deal(
    title="Vulcan Elements and ReElement $1.4 billion domestic magnet supply chain",
    status="announced", announced=day("2025-11"), amount=usd(1400),
    parties=[Party(2, "recipient"), Party(3, "partner"), Party(1, "partner")],
    tranches=[Tranche("loan", usd(620), 4), Tranche("other", usd(50), 5),
              Tranche("equity", usd(550), 6)],
    capacity_value="10,000", capacity_unit="t/yr", capacity_product="magnets",
    stage="magnets", commodities=["rare earths"], country="US",
)  # fmt: skip
CHINA_REPRIEVE = Event(
    title="China agrees to lift its rare-earth export restrictions for one year",
    date=day("2025-11"), end_date=day("2026-11"), event_type="trade restriction",
    company_ids=[7], country="CN", description="A one-year reprieve, not a repeal.",
)  # fmt: skip
AINVEST = Source(
    url="https://www.ainvest.com/news/", publisher="AInvest", title="U.S. rare-earth supply chain",
    published=day("2025-11-09"), accessed="2025-11-09",
)  # fmt: skip

VALID = [
    AREC,
    Company(name="ReElement Technologies", parent_id=1, id=2, country="US"),
    Company(name="Office of Strategic Capital", company_type="government agency", parent_id=9),
    Company(name="MP Materials", ticker="MP", exchange="NYSE", stages=["mining", "magnets"]),
    Company(name="Berkshire", ticker="BRK.B", exchange="NYSE"),
    Company(name="China Northern Rare Earth", ticker="600111", exchange="SSE", country="CN"),
    Company(
        name="BMW i Ventures", company_type="investor", country="DE", website="http://localhost:8000/x"
    ),
    Company(name="N" * 200, notes="n" * 20_000, tags=["t" * 50]),
    Company(name="Côte d'Ivoire mining agency", country="CI", company_type="other"),
    MAGNET_DEAL,
    Deal(
        title="Pakistan $500 million rare-earth partnership",
        status="agreed",
        announced=day("2025-09"),
        amount=usd(500),
        country="PK",
    ),
    Deal(
        title="MP Materials stake",
        announced=day("2025-07"),
        closed=day("2025-07-10"),
        tranches=[Tranche("equity"), Tranche("price floor"), Tranche("offtake")],
    ),
    Deal(title="T" * 300, announced=day("2025-08-20"), closed=day("2025-08"), amount=usd(0)),
    Deal(title="Same company, two roles", parties=[Party(1, "investor"), Party(1, "offtaker")]),
    Deal(
        title="Mixed currencies are allowed",
        amount=usd(10),
        tranches=[Tranche("grant", Money(500, "EUR")), Tranche("loan", Money(9, "JPY"))],
    ),
    CHINA_REPRIEVE,
    Event(
        title="Energy Fuels partners with Vulcan Elements",
        date=day("2025-08"),
        event_type="partnership",
        company_ids=[8, 3],
    ),
    Event(title="Same-day period", date=day("2025-11-10"), end_date=day("2025-11-10")),
    Event(title="Fuzzy end overlapping start", date=day("2025-11-10"), end_date=day("2025-11")),
    AINVEST,
    Source(publisher="Benzinga", published=day("2025")),
    Source(title="Only a title", notes="multi\nline\ttext"),
    Source(url="https://benzinga.com", published=day("2025-11"), accessed="2025-11-04"),
]


@pytest.mark.parametrize("record", VALID, ids=lambda r: f"{r.KIND}:{r.label[:30]}")
def test_valid_records_pass(record):
    assert validate(record) == []


def test_validate_dispatches_by_type():
    bad = [dataclasses.replace(AREC, name=""), dataclasses.replace(MAGNET_DEAL, title=""),
           dataclasses.replace(CHINA_REPRIEVE, title=""), Source()]  # fmt: skip
    expected = [validate_company(bad[0]), validate_deal(bad[1]), validate_event(bad[2]),
                validate_source(bad[3])]  # fmt: skip
    assert [validate(r) for r in bad] == expected
    assert all(len(errors) == 1 for errors in expected)
    with pytest.raises(TypeError, match="Citation"):
        validate(Citation(1, "deal", 1))  # type: ignore[arg-type]


def co(**changes) -> Company:
    return dataclasses.replace(AREC, **changes)


def deal(**changes) -> Deal:
    return dataclasses.replace(MAGNET_DEAL, **changes)


def with_tranche(index: int, **changes) -> Deal:
    tranches = [dataclasses.replace(t) for t in MAGNET_DEAL.tranches]
    tranches[index] = dataclasses.replace(tranches[index], **changes)
    return deal(tranches=tranches)


def with_party(index: int, **changes) -> Deal:
    parties = [dataclasses.replace(p) for p in MAGNET_DEAL.parties]
    parties[index] = dataclasses.replace(parties[index], **changes)
    return deal(parties=parties)


def event(**changes) -> Event:
    return dataclasses.replace(CHINA_REPRIEVE, **changes)


def source(**changes) -> Source:
    return dataclasses.replace(AINVEST, **changes)


# (record, field, the start of the message: the field as a person names it, then why)
INVALID = [
    (co(name=""), "name", "Name is required"),
    (co(name="   "), "name", "Name is required"),
    (co(name="N" * 201), "name", "Name is too long (at most 200 characters)"),
    (co(name="Vulcan\x00Elements"), "name", "Name contains a control character (U+0000)"),
    (co(name="Vulcan\nElements"), "name", "Name contains a control character (U+000A)"),
    (co(name="Vulcan\tElements"), "name", "Name contains a control character (U+0009)"),
    (co(company_type="factory"), "kind",
     "Kind 'factory' is not one of: company, government agency"),
    (co(ticker="AR EC"), "ticker", "Ticker 'AR EC' may contain only letters, digits and dots"),
    (co(ticker=".MP"), "ticker", "Ticker '.MP' may contain only letters, digits and dots"),
    (co(ticker="AREC$"), "ticker", "Ticker 'AREC$' may contain only letters, digits and dots"),
    (co(ticker="NASDAQ:AREC"), "ticker", "Ticker 'NASDAQ:AREC' holds two things: put 'NASDAQ'"),
    (co(ticker="A" * 16), "ticker", "Ticker is too long (at most 15 characters)"),
    (co(exchange="Nasdaq"), "exchange", "Exchange 'Nasdaq' must be upper-case letters"),
    (co(exchange="NYSE-A"), "exchange", "Exchange 'NYSE-A' must be upper-case letters"),
    (co(ticker=""), "ticker", "Ticker is required when an exchange is given"),
    (
        co(country="us"),
        "country",
        "Country 'us' must be a two-letter ISO 3166 code in capitals: write 'US'",
    ),
    (
        co(country="Pakistan"),
        "country",
        "Country 'Pakistan' must be a two-letter ISO 3166 code in capitals: write 'PK'",
    ),
    (
        co(country="USA"),
        "country",
        "Country 'USA' must be a two-letter ISO 3166 code in capitals: such as US or CN",
    ),
    (co(country="UK"), "country", "Country 'UK' is not a known ISO 3166 country code"),
    (co(country="XX"), "country", "Country 'XX' is not a known ISO 3166 country code"),
    (co(parent_id=1), "parent_id", "Parent company cannot be the company itself"),
    (co(stages=["mining", "smelting"]), "stages", "Stages: 'smelting' is not one of: mining"),
    (co(stages=["magnets", "magnets"]), "stages", "Stages list 'magnets' twice"),
    (co(commodities=["unobtainium"]), "commodities", "Commodities: 'unobtainium' is not one of"),
    (co(commodities=["Dy", "Dy"]), "commodities", "Commodities list 'Dy' twice"),
    (co(website="www.example.com"), "website", "Website 'www.example.com' must start with http"),
    (co(website="ftp://example.com/x"), "website", "Website 'ftp://example.com/x' must start"),
    (co(website="javascript:alert(1)"), "website", "Website 'javascript:alert(1)' must start"),
    (co(website="https://"), "website", "Website 'https://' has no host name"),
    (co(website="https:///path"), "website", "Website 'https:///path' has no host name"),
    (co(website="http://[::1"), "website", "Website 'http://[::1' is not a valid web address"),
    (co(website="https://exa mple.com"), "website", "Website cannot contain spaces"),
    (co(website="https://x.com/\x07"), "website", "Website contains a control character"),
    (co(website="https://x.com/" + "a" * 2000), "website", "Website is too long (at most 2,000"),
    (co(notes="n" * 20_001), "notes", "Notes is too long (at most 20,000 characters)"),
    (co(notes="bell\x07"), "notes", "Notes contains a control character (U+0007)"),
    (co(notes="windows\r\nline end"), "notes", "Notes contains a control character (U+000D)"),
    (co(tags=[""]), "tags", "A tag cannot be empty"),
    (co(tags=["  "]), "tags", "A tag cannot be empty"),
    (co(tags=["t" * 51]), "tags", "Tag 'tttttttttttttttttttt…' is too long (at most 50"),
    (co(tags=["a\nb"]), "tags", "Tag 'a\\nb' contains a control character (U+000A)"),
    (co(tags=["Magnets", "magnets"]), "tags", "Tags list 'magnets' twice"),
    (deal(title=""), "title", "Title is required"),
    (deal(title="T" * 301), "title", "Title is too long (at most 300 characters)"),
    (deal(title="\x1b[31mred"), "title", "Title contains a control character (U+001B)"),
    (deal(status="rumoured"), "status", "Status 'rumoured' is not one of: announced, agreed"),
    (
        deal(closed=day("2025-10-15")),
        "closed",
        "Closed date (Oct 15, 2025) is before the announced date (Nov 2025)",
    ),
    (deal(closed=day("2024")), "closed", "Closed date (2024) is before the announced date"),
    (deal(amount=Money(-1, "USD")), "amount", "Amount cannot be negative"),
    (
        deal(amount=forged_money(100, "USX")),
        "amount",
        "Currency 'USX' is not a known ISO 4217 code",
    ),
    (with_party(0, company_id=None), "parties[0].company_id", "Party 1 company is required"),
    (with_party(1, role="lender"), "parties[1].role", "Party 2 role 'lender' is not one of"),
    (
        with_party(2, company_id=2, role="recipient"),
        "parties[2]",
        "Party 3 repeats party 1 (same company and role)",
    ),
    (with_tranche(0, amount=usd(-6)), "tranches[0].amount", "Tranche 1 amount cannot be negative"),
    (
        with_tranche(2, amount=forged_money(5, "usd")),
        "tranches[2].amount",
        "Tranche 3 currency 'usd' is not a known ISO 4217 code",
    ),
    (
        with_tranche(1, instrument="bond"),
        "tranches[1].instrument",
        "Tranche 2 instrument 'bond' is not one of: loan",
    ),
    (
        with_tranche(1, status="paid"),
        "tranches[1].status",
        "Tranche 2 status 'paid' is not one of: announced, conditional",
    ),
    (with_tranche(0, notes="x" * 20_001), "tranches[0].notes", "Tranche 1 notes is too long"),
    (with_tranche(0, notes="\x00"), "tranches[0].notes", "Tranche 1 notes contains a control"),
    (deal(capacity_value="10k"), "capacity_value", "Capacity '10k' must be a number"),
    (deal(capacity_value="1,0000"), "capacity_value", "Capacity '1,0000' must be a number"),
    (deal(capacity_value="-5"), "capacity_value", "Capacity '-5' must be a number"),
    (deal(capacity_unit=""), "capacity_unit", "Capacity unit is required when a capacity"),
    (deal(capacity_unit="t\x00"), "capacity_unit", "Capacity unit contains a control"),
    (deal(capacity_product="m" * 201), "capacity_product", "Capacity product is too long"),
    (deal(stage="smelting"), "stage", "Stage 'smelting' is not one of: mining"),
    (deal(commodities=["copper"]), "commodities", "Commodities: 'copper' is not one of"),
    (deal(country="usa"), "country", "Country 'usa' must be a two-letter ISO 3166 code"),
    (deal(description="d" * 20_001), "description", "Description is too long (at most 20,000"),
    (deal(description="\x0b"), "description", "Description contains a control character"),
    (deal(tags=["x" * 51]), "tags", "Tag 'xxxxxxxxxxxxxxxxxxxx…' is too long"),
    (event(title=""), "title", "Title is required"),
    (event(title="T" * 301), "title", "Title is too long (at most 300 characters)"),
    (event(title="a\x7fb"), "title", "Title contains a control character (U+007F)"),
    (event(date=None, end_date=None), "date", "Date is required"),
    (event(end_date=day("2025-10")), "end_date", "End date (Oct 2025) is before the start (Nov"),
    (event(event_type="riot"), "kind", "Kind 'riot' is not one of: policy, trade restriction"),
    (event(company_ids=[7, 3, 7]), "company_ids", "Companies include the same company"),
    (
        event(country="cn"),
        "country",
        "Country 'cn' must be a two-letter ISO 3166 code in capitals: write 'CN'",
    ),
    (event(description="\x85"), "description", "Description contains a control character"),
    (event(tags=[""]), "tags", "A tag cannot be empty"),
    (Source(), "url", "A URL, title or publisher is required"),
    (Source(title="   ", publisher=""), "url", "A URL, title or publisher is required"),
    (source(url="benzinga.com/news"), "url", "URL 'benzinga.com/news' must start with http"),
    (source(url="mailto:desk@ainvest.com"), "url", "URL 'mailto:desk@ainvest.com' must start"),
    (source(url="https:/ainvest.com"), "url", "URL 'https:/ainvest.com' has no host name"),
    (source(publisher="P" * 201), "publisher", "Publisher is too long (at most 200"),
    (source(publisher="A\x00Invest"), "publisher", "Publisher contains a control character"),
    (source(title="T" * 301), "title", "Title is too long (at most 300 characters)"),
    (
        source(accessed="Nov 9, 2025"),
        "accessed",
        "Accessed date 'Nov 9, 2025' must be a day written YYYY-MM-DD",
    ),
    (source(accessed="2025-11"), "accessed", "Accessed date '2025-11' must be a day written"),
    (
        source(accessed="2025-02-30"),
        "accessed",
        "Accessed date: '2025-02-30' is not a date: February 2025 has 28 days",
    ),
    (
        source(accessed="2025-11-01"),
        "accessed",
        "Accessed date (Nov 1, 2025) is before the published date (Nov 9, 2025)",
    ),
    (source(notes="\x00"), "notes", "Notes contains a control character (U+0000)"),
    (source(tags=["a", "A"]), "tags", "Tags list 'A' twice"),
]


@pytest.mark.parametrize(
    ("record", "field", "message"),
    INVALID,
    ids=[f"{r.KIND}-{f}-{i}" for i, (r, f, _) in enumerate(INVALID)],
)
def test_each_bad_input_gets_one_error_naming_its_field(record, field, message):
    errors = validate(record)
    assert [e.field for e in errors] == [field], errors
    assert errors[0].message.startswith(message), errors[0].message


def test_errors_of_several_fields_are_all_reported():
    errors = validate(co(name="", country="XX", website="example.com", tags=[""]))
    assert [e.field for e in errors] == ["name", "country", "website", "tags"]
    assert all(isinstance(e, FieldError) for e in errors)


@pytest.mark.parametrize(("field", "label"), [
    ("name", "Name"), ("announced", "Announced date"), ("parent_id", "Parent company"),
    ("tranches[0].amount", "Tranche 1 amount"), ("tranches[11].status", "Tranche 12 status"),
    ("parties[1].role", "Party 2 role"), ("parties[1]", "Party 2"),
    ("some_new_field", "Some new field"),
])  # fmt: skip
def test_field_label(field, label):
    assert field_label(field) == label


REFERENCE = dt.date(2025, 11, 9)


@pytest.mark.parametrize(("field", "parser", "text", "message"), [
    ("announced", parse_fuzzy_date, "03/04/2025", "Announced date: '03/04/2025' is ambiguous"),
    ("date", parse_fuzzy_date, "last month", "Date: 'last month' needs a reference date"),
    ("end_date", parse_fuzzy_date, "2025-13", "End date: '2025-13' is not a date"),
    ("amount", parse_money, "$1.4 bajillion", "Amount: Cannot read '$1.4 bajillion'"),
    ("tranches[1].amount", parse_money, "-", "Tranche 2 amount: Cannot read '-'"),
    ("amount", lambda t: from_decimal_string(t, "USX"), "12", "Amount: Unknown currency 'USX'"),
])  # fmt: skip
def test_parse_field_turns_parse_errors_into_field_errors(field, parser, text, message):
    value, error = parse_field(field, parser, text)
    assert value is None
    assert error is not None and error.field == field
    assert error.message.startswith(message), error.message


@pytest.mark.parametrize(("parser", "text", "expected"), [
    (parse_money, "  $1.4 billion ", usd(1400)),
    (lambda t: parse_money(t, "USD"), "620M", usd(620)),
    (lambda t: parse_fuzzy_date(t, reference=REFERENCE), "last month", day("2025-10")),
    (parse_fuzzy_date, "Sunday, Nov 9, 2025", day("2025-11-09")),
])  # fmt: skip
def test_parse_field_returns_the_parsed_value(parser, text, expected):
    assert parse_field("x", parser, text) == (expected, None)


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_parse_field_blank_is_no_value_and_no_error(blank):
    def never(text: str) -> object:
        raise AssertionError("a blank field must not be parsed")

    assert parse_field("closed", never, blank) == (None, None)


def test_parse_field_lets_programming_errors_through():
    with pytest.raises(ZeroDivisionError):
        parse_field("amount", lambda text: 1 / 0, "5")


@pytest.mark.parametrize(("text", "multiline", "expected"), [
    ("  Vulcan   Elements \n", False, "Vulcan Elements"),
    ("Vulcan\nElements", False, "Vulcan Elements"),
    ("\tVulcan\u00a0Elements\r\n", False, "Vulcan Elements"),
    ("Co\u0302te d'Ivoire", False, "Côte d'Ivoire"),
    ("a\x00b", False, "a\x00b"),
    ("  line one  \r\nline two\r\n\r\n", True, "line one\nline two"),
    ("a\n\n\tindented", True, "a\n\n\tindented"),
    ("old\rmac", True, "old\nmac"),
    ("\n\n  \n", True, ""),
])  # fmt: skip
def test_clean_text(text, multiline, expected):
    assert clean_text(text, multiline=multiline) == expected


@given(st.text(), st.booleans())
def test_clean_text_is_idempotent_and_one_line_fields_stay_one_line(text, multiline):
    cleaned = clean_text(text, multiline=multiline)
    assert clean_text(cleaned, multiline=multiline) == cleaned
    assert cleaned == cleaned.strip()
    if not multiline:
        assert "\n" not in cleaned and "\t" not in cleaned


def test_pasted_windows_notes_pass_once_cleaned():
    pasted = "First paragraph.\r\n\r\n\tQuote from the report.\r\n"
    assert [e.field for e in validate(co(notes=pasted))] == ["notes"]
    assert validate(co(notes=clean_text(pasted, multiline=True))) == []


def test_example_deal_has_no_warnings_even_though_it_is_not_fully_allocated():
    assert deal_warnings(MAGNET_DEAL) == []


def test_tranche_in_another_currency_is_a_warning_not_an_error():
    d = with_tranche(1, amount=Money(5_000_000_000, "EUR"))
    assert validate(d) == []
    assert deal_warnings(d) == [FieldWarning(
        "tranches[1].amount",
        "Tranche 2 amount is in EUR, not the deal's USD: it is not counted against the "
        "headline amount",
    )]  # fmt: skip


def test_over_allocation_is_a_warning_not_an_error():
    d = with_tranche(1, amount=usd(250))  # 620 + 250 + 550 = 1420 > 1400
    assert validate(d) == []
    assert deal_warnings(d) == [
        FieldWarning("tranches", "Tranches are over-allocated by $20M: $1.42B of $1.4B")
    ]


def test_no_headline_means_no_currency_or_allocation_warnings():
    d = deal(amount=None, tranches=[Tranche("loan", usd(5)), Tranche("grant", Money(1, "EUR"))])
    assert deal_warnings(d) == []
