"""Field-by-field rules for each kind of record, shared by the forms, CSV import and the repository
(each kind's description in `records.kinds` names its validator; `kinds.validate` runs it).

One set of rules, three callers: a form shows each message next to its field, CSV import
reports it with the row number, and the repository refuses to store a record that has any.
Each check is a pure function of the record, so the same input always gives the same messages.

Records hold parsed values (Money, FuzzyDate); reading the text they came from is the form's and
the importer's job, and `parse_field` turns those parsers' errors into the same FieldError.
"""

from __future__ import annotations

import re

from lodestone.core.records.fieldcheck import (
    FieldChecks,
    FieldError,
    FieldWarning,
    clean_text,
    field_label,
    parse_field,
)
from lodestone.core.records.fuzzydate import DateError, FuzzyDate, Precision
from lodestone.core.records.model import Company, Deal, Event, Source
from lodestone.core.records.reconciliation import reconcile_deal
from lodestone.core.records.vocabulary import (
    COMMODITIES,
    COMPANY_TYPES,
    DEAL_STATUSES,
    EVENT_TYPES,
    INSTRUMENTS,
    PARTY_ROLES,
    STAGES,
    TRANCHE_STATUSES,
)

__all__ = [
    "FieldError", "FieldWarning", "clean_text", "deal_warnings", "field_label", "parse_field",
    "validate_company", "validate_deal", "validate_event", "validate_source",
]  # fmt: skip

NAME_LIMIT = 200  # company names
TITLE_LIMIT = 300  # deal, event and source titles
TEXT_LIMIT = 20_000  # notes and descriptions
SHORT_LIMIT = 200  # other one-line text: publisher, capacity unit and product
SYMBOL_LIMIT = 15  # ticker and exchange

_TICKER = re.compile(r"[A-Za-z0-9]+(?:\.[A-Za-z0-9]+)*")  # AREC, MP, 600111, BRK.B
_EXCHANGE = re.compile(r"[A-Z]+")  # NASDAQ, NYSE, ASX, TSXV
_NUMBER = re.compile(r"(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?")  # 10000, 10,000, 2.5
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _before(later: FuzzyDate, earlier: FuzzyDate) -> bool:
    """True only when `later` surely ends before `earlier` starts: "Aug 2025" is not before
    "Aug 12, 2025", since the fuzzy month may well contain that day."""
    return later.end < earlier.start


def validate_company(c: Company) -> list[FieldError]:
    """A company as the lists, the chart's funder types and the ticker links need it."""
    r = FieldChecks()
    r.text("name", c.name, NAME_LIMIT, required=True)
    r.choice("kind", c.company_type, COMPANY_TYPES)
    r.text("ticker", c.ticker, SYMBOL_LIMIT)
    r.text("exchange", c.exchange, SYMBOL_LIMIT)
    if c.ticker and ":" in c.ticker:
        exchange, _, symbol = c.ticker.partition(":")
        r.add("ticker", f"{c.ticker!r} holds two things: put {exchange.strip()!r} in Exchange "
                        f"and {symbol.strip()!r} in Ticker")  # fmt: skip
    elif c.ticker and len(c.ticker) <= SYMBOL_LIMIT and not _TICKER.fullmatch(c.ticker):
        r.add("ticker", f"{c.ticker!r} may contain only letters, digits and dots, e.g. BRK.B")
    if c.exchange and len(c.exchange) <= SYMBOL_LIMIT and not _EXCHANGE.fullmatch(c.exchange):
        r.add("exchange", f"{c.exchange!r} must be upper-case letters, e.g. NASDAQ or NYSE")
    if c.exchange and not c.ticker:
        r.add("ticker", "is required when an exchange is given")
    r.country("country", c.country)
    if c.parent_id is not None and c.parent_id == c.id:
        r.add("parent_id", "cannot be the company itself")
    r.choices("stages", c.stages, STAGES)
    r.choices("commodities", c.commodities, COMMODITIES)
    r.url("website", c.website)
    r.text("notes", c.notes, TEXT_LIMIT, multiline=True)
    r.tags(c.tags)
    return r.errors


def validate_deal(d: Deal) -> list[FieldError]:
    """A deal with its parties and tranches, which are saved with it in one transaction: one
    bad tranche refuses the whole save, so its errors name the row ("tranches[1].amount")."""
    r = FieldChecks()
    r.text("title", d.title, TITLE_LIMIT, required=True)
    r.choice("status", d.status, DEAL_STATUSES)
    if d.announced is not None and d.closed is not None and _before(d.closed, d.announced):
        r.add("closed", f"({d.closed.display()}) is before the announced date "
                        f"({d.announced.display()})")  # fmt: skip
    r.money("amount", d.amount)
    seen: dict[tuple[int, str], int] = {}
    for i, party in enumerate(d.parties):
        if party.company_id is None:
            r.add(f"parties[{i}].company_id", "is required")
        r.choice(f"parties[{i}].role", party.role, PARTY_ROLES)
        first = seen.setdefault((party.company_id, party.role), i)
        if first != i and party.company_id is not None:
            r.add(f"parties[{i}]", f"repeats party {first + 1} (same company and role)")
    for i, tranche in enumerate(d.tranches):
        r.choice(f"tranches[{i}].instrument", tranche.instrument, INSTRUMENTS)
        r.money(f"tranches[{i}].amount", tranche.amount)
        r.choice(f"tranches[{i}].status", tranche.status, TRANCHE_STATUSES)
        r.text(f"tranches[{i}].notes", tranche.notes, TEXT_LIMIT, multiline=True)
    r.text("capacity_value", d.capacity_value, SHORT_LIMIT)
    if d.capacity_value and not _NUMBER.fullmatch(d.capacity_value):
        r.add("capacity_value", f"{d.capacity_value!r} must be a number, e.g. 10000 or 10,000")
    r.text("capacity_unit", d.capacity_unit, SHORT_LIMIT)
    if d.capacity_value and not d.capacity_unit:
        r.add("capacity_unit", "is required when a capacity is given (e.g. t/yr)")
    r.text("capacity_product", d.capacity_product, SHORT_LIMIT)
    r.choice("stage", d.stage, STAGES, optional=True)
    r.choices("commodities", d.commodities, COMMODITIES)
    r.country("country", d.country)
    r.text("description", d.description, TEXT_LIMIT, multiline=True)
    r.tags(d.tags)
    return r.errors


def validate_event(e: Event) -> list[FieldError]:
    """An event needs a title and a date to appear on the timeline at all."""
    r = FieldChecks()
    r.text("title", e.title, TITLE_LIMIT, required=True)
    if e.date is None:
        r.add("date", "is required")
    elif e.end_date is not None and _before(e.end_date, e.date):
        r.add("end_date", f"({e.end_date.display()}) is before the start ({e.date.display()})")
    r.choice("kind", e.event_type, EVENT_TYPES)
    if len(set(e.company_ids)) != len(e.company_ids):
        r.add("company_ids", "include the same company more than once")
    r.country("country", e.country)
    r.text("description", e.description, TEXT_LIMIT, multiline=True)
    r.tags(e.tags)
    return r.errors


def validate_source(s: Source) -> list[FieldError]:
    """A source must be findable again: a link that opens, or at least a title or publisher."""
    r = FieldChecks()
    if not any(isinstance(v, str) and v.strip() for v in (s.url, s.title, s.publisher)):
        r.add("url", "is required", "A URL, title or publisher")
    r.url("url", s.url)
    r.text("publisher", s.publisher, SHORT_LIMIT)
    r.text("title", s.title, TITLE_LIMIT)
    if s.accessed and not _ISO_DAY.fullmatch(s.accessed):
        r.add("accessed", f"{s.accessed!r} must be a day written YYYY-MM-DD, e.g. 2025-11-09")
    elif s.accessed:
        try:
            accessed = FuzzyDate(s.accessed, Precision.DAY)
        except DateError as exc:
            r.add("accessed", str(exc), "Accessed date:")
        else:
            if s.published is not None and _before(accessed, s.published):
                r.add("accessed", f"({accessed.display()}) is before the published date "
                                  f"({s.published.display()})")  # fmt: skip
    r.text("notes", s.notes, TEXT_LIMIT, multiline=True)
    r.tags(s.tags)
    return r.errors


def deal_warnings(d: Deal) -> list[FieldWarning]:
    """What the deal form flags without refusing: tranches in another currency than the
    headline (not counted against it) and tranches that add up to more than the headline."""
    warnings = []
    if d.amount is not None:
        for i, tranche in enumerate(d.tranches):
            if tranche.amount is not None and tranche.amount.currency != d.amount.currency:
                field = f"tranches[{i}].amount"
                warnings.append(FieldWarning(field, (
                    f"{field_label(field)} is in {tranche.amount.currency}, not the deal's "
                    f"{d.amount.currency}: it is not counted against the headline amount"
                )))  # fmt: skip
    for line in reconcile_deal(d):
        if line.status == "over-allocated":
            warnings.append(FieldWarning("tranches", f"Tranches are {line.describe()}"))
    return warnings
