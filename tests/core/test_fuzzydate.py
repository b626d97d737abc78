"""Fuzzy dates: every form analysts type reads to the one right value, or to a clear error.

A wrong date is silent (it just sits misplaced on the timeline), so besides the examples the
properties check the calendar arithmetic against an oracle written out here, independently of
the module.
"""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lodestone.core.records import DateError, FuzzyDate, Precision, format_range, parse_fuzzy_date

D = dt.date
REF = D(2025, 11, 9)  # the AInvest article: Sunday, Nov 9, 2025
MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August",
               "September", "October", "November", "December"]
WEEKDAY_NAMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
ANY_DAY = st.dates(min_value=D(1000, 1, 1), max_value=D(9999, 12, 31))
PRECISIONS = st.sampled_from(list(Precision))


def days_in_month(year: int, month: int) -> int:
    """The Gregorian rule, written out so the module's arithmetic has an independent check."""
    if month == 2:
        return 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def fuzzy_at(day: dt.date, precision: Precision) -> FuzzyDate:
    """The fuzzy date of this precision that contains day, built from its canonical text."""
    iso = {Precision.DAY: day.isoformat(),
           Precision.MONTH: f"{day.year}-{day.month:02d}",
           Precision.QUARTER: f"{day.year}-Q{(day.month - 1) // 3 + 1}",
           Precision.YEAR: str(day.year)}[precision]
    return FuzzyDate.from_iso(iso)


NOV_9 = ("2025-11-09", Precision.DAY, D(2025, 11, 9), D(2025, 11, 9), "Nov 9, 2025")
AUG = ("2025-08", Precision.MONTH, D(2025, 8, 1), D(2025, 8, 31), "Aug 2025")
Q3 = ("2025-Q3", Precision.QUARTER, D(2025, 7, 1), D(2025, 9, 30), "Q3 2025")
Y2025 = ("2025", Precision.YEAR, D(2025, 1, 1), D(2025, 12, 31), "2025")


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-11-09", NOV_9), ("2025/11/09", NOV_9), ("2025.11.9", NOV_9), ("Nov 9, 2025", NOV_9),
    ("November 9 2025", NOV_9), ("9 Nov 2025", NOV_9), ("9th November, 2025", NOV_9),
    ("Sunday, Nov 9, 2025", NOV_9), ("sun 9 nov. 2025", NOV_9), ("  NOV   9 ,  2025 ", NOV_9),
    ("on Nov 9, 2025", NOV_9), ("2025 Nov 9", NOV_9),
    ("2024-02-29", ("2024-02-29", Precision.DAY, D(2024, 2, 29), D(2024, 2, 29), "Feb 29, 2024")),
    ("2025-08", AUG), ("Aug 2025", AUG), ("August 2025", AUG), ("in August 2025", AUG),
    ("aug. 2025", AUG), ("08/2025", AUG), ("2025/8", AUG), ("2025 August", AUG),
    ("Sept 2025", ("2025-09", Precision.MONTH, D(2025, 9, 1), D(2025, 9, 30), "Sep 2025")),
    ("2024-02", ("2024-02", Precision.MONTH, D(2024, 2, 1), D(2024, 2, 29), "Feb 2024")),
    ("2025-02", ("2025-02", Precision.MONTH, D(2025, 2, 1), D(2025, 2, 28), "Feb 2025")),
    ("1900-02", ("1900-02", Precision.MONTH, D(1900, 2, 1), D(1900, 2, 28), "Feb 1900")),
    ("2000-02", ("2000-02", Precision.MONTH, D(2000, 2, 1), D(2000, 2, 29), "Feb 2000")),
    ("2025-Q3", Q3), ("Q3 2025", Q3), ("q3-2025", Q3), ("2025 Q3", Q3), ("3Q25", Q3),
    ("3Q2025", Q3), ("in Q3 2025", Q3),
    ("Q1 2024", ("2024-Q1", Precision.QUARTER, D(2024, 1, 1), D(2024, 3, 31), "Q1 2024")),
    ("4Q99", ("1999-Q4", Precision.QUARTER, D(1999, 10, 1), D(1999, 12, 31), "Q4 1999")),
    ("2025", Y2025), (" in 2025 ", Y2025),
    ("1000", ("1000", Precision.YEAR, D(1000, 1, 1), D(1000, 12, 31), "1000")),
    ("9999", ("9999", Precision.YEAR, D(9999, 1, 1), D(9999, 12, 31), "9999")),
])
def test_reads_what_analysts_type(text, expected):
    iso, precision, start, end, display = expected
    fd = parse_fuzzy_date(text)
    assert (fd.iso, fd.precision, fd.start, fd.end, fd.display()) == expected
    assert fd == FuzzyDate(iso, precision)


@pytest.mark.parametrize(("text", "reference", "iso"), [
    ("last month", REF, "2025-10"), ("this month", REF, "2025-11"), ("in August", REF, "2025-08"),
    ("September", REF, "2025-09"), ("in November", REF, "2025-11"), ("in December", REF, "2024-12"),
    ("Last Month", D(2025, 1, 15), "2024-12"), ("in January", D(2025, 1, 1), "2025-01"),
    ("last year", REF, "2024"), ("this year", REF, "2025"), ("today", REF, "2025-11-09"),
    ("yesterday", REF, "2025-11-08"), ("yesterday", D(2024, 3, 1), "2024-02-29"),
    ("last quarter", REF, "2025-Q3"), ("this quarter", REF, "2025-Q4"),
    ("last quarter", D(2025, 2, 1), "2024-Q4"),
])
def test_relative_phrases_read_against_the_reference(text, reference, iso):
    assert parse_fuzzy_date(text, reference=reference) == FuzzyDate.from_iso(iso)


@pytest.mark.parametrize(("text", "reason"), [
    ("", "empty"), ("   ", "empty"), ("2024-02-30", "February 2024 has 29 days"),
    ("2025-02-29", "February 2025 has 28 days"), ("Nov 31, 2025", "November 2025 has 30 days"),
    ("2025-11-00", "November 2025 has 30 days"), ("2025-13", "no month 13"),
    ("2025-00", "no month 0"), ("2025-Q5", "no quarter 5"), ("Q0 2025", "no quarter 0"),
    ("0000", "between 1000 and 9999"), ("999", "four digits (1000 to 9999)"),
    ("10000", "four digits"), ("02025", "four digits"), ("0999-01-01", "between 1000 and 9999"),
    ("Nov 9 02025", "four digits"), ("Aug 999", "four digits"), ("Q3 025", "four digits"),
    ("25-Q3", "four digits"), ("2025th", "expected a form"), ("2025-011-09", "YYYY-MM-DD"),
    ("2025-11-009", "YYYY-MM-DD"), ("008/2025", "YYYY-MM"), ("Nov 009 2025", "expected a form"),
    ("9 2025 Nov", "expected a form"), ("Nov Nov 2025", "expected a form"),
    ("03/04/2025", "ambiguous: it could be Mar 4, 2025 or Apr 3, 2025"),
    ("03/04/2025", "e.g. 2025-03-04"), ("13/04/2025", "2025-04-13"), ("04/13/2025", "2025-04-13"),
    ("31/31/2025", "no month and day"), ("03/04/0999", "between 1000 and 9999"),
    ("25-11-09", "YYYY-MM-DD"), ("11/09", "YYYY-MM"),
    ("Monday, Nov 9, 2025", "Nov 9, 2025 is a Sunday, not a Monday"),
    ("Sunday Aug 2025", "weekday needs a full date"), ("Nov 9", "four-digit year"),
    ("Aug 25", "four-digit year"), ("FY2025", "fiscal"), ("Q3 FY25", "fiscal"),
    ("hello", "expected a form"), ("Sunday", "expected a form"), ("in", "expected a form"),
    ("2025-11-09T10:00", "expected a form"), ("2025-11/09", "expected a form"),
    ("H1 2025", "expected a form"), ("Smarch 2025", "expected a form"),
    ("Nov 9 2025 2026", "expected a form"), ("last week", "expected a form"),
])
def test_bad_text_is_refused_with_a_reason_naming_it(text, reason):
    with pytest.raises(DateError) as caught:
        parse_fuzzy_date(text, reference=REF)
    assert repr(text) in str(caught.value)
    assert reason in str(caught.value)


@pytest.mark.parametrize("text", ["last month", "in August", "September", "today", "this year"])
def test_relative_phrases_need_a_reference(text):
    with pytest.raises(DateError, match="needs a reference date") as caught:
        parse_fuzzy_date(text)
    assert repr(text) in str(caught.value)


def test_overlong_text_is_refused_without_other_errors():
    with pytest.raises(DateError, match="too long"):
        parse_fuzzy_date("1" * 5000)


def test_not_text_is_refused():
    with pytest.raises(DateError, match="None is not a date"):
        parse_fuzzy_date(None)  # type: ignore[arg-type]


@pytest.mark.parametrize(("text", "date_format", "iso"), [
    ("09/11/2025", "%d/%m/%Y", "2025-11-09"), ("11/09/2025", "%m/%d/%Y", "2025-11-09"),
    ("03/04/2025", "%d/%m/%Y", "2025-04-03"),  # the format settles what alone is ambiguous
    ("Aug 2025", "%d/%m/%Y", "2025-08"), ("2025-11-09", "%d/%m/%Y", "2025-11-09"),
])
def test_a_date_format_is_tried_first(text, date_format, iso):
    assert parse_fuzzy_date(text, date_format=date_format) == FuzzyDate.from_iso(iso)


def test_a_date_format_reports_an_impossible_day():
    with pytest.raises(DateError, match=r"'30/02/2024' is not a date in the format '%d/%m/%Y'"):
        parse_fuzzy_date("30/02/2024", date_format="%d/%m/%Y")


@pytest.mark.parametrize("iso", ["2025-11-9", "2025-q3", "Nov 2025", "2025/11/09", " 2025",
                                 "2025-Q5", "2024-02-30", "0999", "", "2025-", "2025-11-09 "])
def test_from_iso_takes_only_valid_canonical_text(iso):
    with pytest.raises(DateError) as caught:
        FuzzyDate.from_iso(iso)
    assert repr(iso) in str(caught.value)


def test_constructor_refuses_a_precision_that_does_not_match():
    with pytest.raises(DateError, match="'2025' is a year date"):
        FuzzyDate("2025", Precision.DAY)
    assert FuzzyDate("2025-11", "month").precision is Precision.MONTH  # type: ignore[arg-type]
    assert FuzzyDate.of_day(REF) == FuzzyDate("2025-11-09", Precision.DAY)


def test_sorting_follows_start_then_end():
    texts = ["2026", "Q4 2025", "2025", "Nov 9, 2025", "Nov 2025", "Nov 1, 2025", "Jan 2025"]
    ordered = sorted(parse_fuzzy_date(t) for t in texts)
    assert [fd.iso for fd in ordered] == [
        "2025-01", "2025", "2025-Q4", "2025-11-01", "2025-11", "2025-11-09", "2026"]
    assert len({parse_fuzzy_date("Aug 2025"), parse_fuzzy_date("2025-08")}) == 1


def test_format_range():
    nov, later = parse_fuzzy_date("Nov 2025"), parse_fuzzy_date("2026-11")
    assert format_range(nov, later) == "Nov 2025 – Nov 2026"
    assert format_range(nov, None) == "Nov 2025"
    assert format_range(nov, parse_fuzzy_date("2025-11")) == "Nov 2025"
    assert format_range(parse_fuzzy_date("Q3 2025"), parse_fuzzy_date("2025-11-09")) == (
        "Q3 2025 – Nov 9, 2025")
    # A coarse end may start before the start: "ended some time in Q3" after an August start.
    assert format_range(parse_fuzzy_date("Aug 2025"), parse_fuzzy_date("2025-Q3")) == (
        "Aug 2025 – Q3 2025")
    with pytest.raises(DateError, match="ends before it starts"):
        format_range(later, nov)


@given(ANY_DAY, PRECISIONS)
def test_canonical_and_displayed_text_round_trip(day, precision):
    fd = fuzzy_at(day, precision)
    assert parse_fuzzy_date(fd.iso) == fd
    assert parse_fuzzy_date(fd.display()) == fd
    assert FuzzyDate.from_iso(fd.iso) == fd
    assert fd.precision is precision
    assert fd.start <= day <= fd.end
    assert fd.contains(day)


@given(ANY_DAY, PRECISIONS)
def test_bounds_match_the_calendar(day, precision):
    fd = fuzzy_at(day, precision)
    first_month = {Precision.DAY: day.month, Precision.MONTH: day.month,
                   Precision.QUARTER: (day.month - 1) // 3 * 3 + 1, Precision.YEAR: 1}[precision]
    last_month = {Precision.DAY: day.month, Precision.MONTH: day.month,
                  Precision.QUARTER: first_month + 2, Precision.YEAR: 12}[precision]
    if precision is Precision.DAY:
        assert fd.start == fd.end == day
    else:
        assert fd.start == D(day.year, first_month, 1)
        assert fd.end == D(day.year, last_month, days_in_month(day.year, last_month))


@given(ANY_DAY)
def test_every_day_spelling_reads_the_same_day(day):
    month, weekday = MONTH_NAMES[day.month - 1], WEEKDAY_NAMES[day.weekday()]
    expected = FuzzyDate.from_iso(day.isoformat())
    for text in (f"{day.year}/{day.month}/{day.day}", f"{month} {day.day} {day.year}",
                 f"{day.day} {month[:3]} {day.year}",
                 f"{weekday}, {month[:3]} {day.day}, {day.year}",
                 f"{weekday[:3].upper()} {day.day} {month.lower()} {day.year}"):
        assert parse_fuzzy_date(text) == expected
    for fmt in ("%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y", "%Y%m%d"):
        assert parse_fuzzy_date(day.strftime(fmt), date_format=fmt) == expected
    wrong = WEEKDAY_NAMES[(day.weekday() + 1) % 7]
    with pytest.raises(DateError, match=f"is a {weekday}, not a {wrong}"):
        parse_fuzzy_date(f"{wrong}, {month[:3]} {day.day}, {day.year}")


@given(ANY_DAY)
def test_every_month_spelling_reads_the_same_month(day):
    month = MONTH_NAMES[day.month - 1]
    expected = FuzzyDate.from_iso(f"{day.year}-{day.month:02d}")
    for text in (f"{month} {day.year}", f"in {month.upper()} {day.year}", f"{day.month}/{day.year}",
                 f"{day.year}/{day.month}", f"{month[:3]}. {day.year}"):
        assert parse_fuzzy_date(text) == expected


@given(st.lists(st.tuples(ANY_DAY, PRECISIONS), min_size=2, max_size=20))
def test_order_is_total_and_consistent_with_start(items):
    fds = [fuzzy_at(day, precision) for day, precision in items]
    ordered = sorted(fds)
    assert all(a.start <= b.start for a, b in zip(ordered, ordered[1:], strict=False))
    a, b = fds[0], fds[1]
    assert [a < b, a == b, b < a].count(True) == 1
    if a.start < b.start:
        assert a < b


@given(st.dates(min_value=D(1001, 1, 1), max_value=D(9998, 12, 31)), st.integers(1, 12))
def test_month_name_means_the_latest_such_month_up_to_the_reference(reference, month):
    fd = parse_fuzzy_date(f"in {MONTH_NAMES[month - 1]}", reference=reference)
    assert fd.precision is Precision.MONTH and fd.start.month == month
    assert fd.start <= reference < D(fd.start.year + 1, month, 1)


@given(st.dates(min_value=D(1001, 1, 1), max_value=D(9999, 12, 31)))
def test_last_month_and_yesterday_end_just_before_this_month_and_today(reference):
    last_month = parse_fuzzy_date("last month", reference=reference)
    assert last_month.precision is Precision.MONTH
    assert last_month.end + dt.timedelta(days=1) == reference.replace(day=1)
    assert parse_fuzzy_date("yesterday", reference=reference).start == (
        reference - dt.timedelta(days=1))


@given(st.text(max_size=30), st.sampled_from([None, REF]))
def test_any_text_reads_to_a_valid_date_or_a_date_error(text, reference):
    try:
        fd = parse_fuzzy_date(text, reference=reference)
    except DateError as error:
        assert repr(text) in str(error)
    else:
        assert FuzzyDate.from_iso(fd.iso) == fd
