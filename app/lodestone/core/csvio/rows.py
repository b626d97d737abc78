"""One row of a foreign CSV file turned into a record, with every problem named.

Each cell is read by the parsers the forms use (money, fuzzy dates) and the record is checked
by the same `validate`, so a row is refused for exactly the reasons a form would refuse it;
the only difference is the address: "row 12, column 'Amount (USD)'" instead of a red field.
All of a row's problems are collected, not just the first, so one pass fixes a file.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from lodestone.core.csvio.company_match import CompanyMatcher
from lodestone.core.csvio.mapping import ColumnMapping
from lodestone.core.csvio.values import (
    choice,
    commodities,
    country,
    read_date,
    read_money,
    split_names,
)
from lodestone.core.records.fieldcheck import FieldChecks, FieldError, clean_text, parse_field
from lodestone.core.records.fuzzydate import DateError, FuzzyDate
from lodestone.core.records.kinds import validate
from lodestone.core.records.model import Company, Deal, Event, Party, Source, Tranche
from lodestone.core.records.validation import NAME_LIMIT, validate_source
from lodestone.core.records.vocabulary import COMPANY_TYPES, DEAL_STATUSES, EVENT_TYPES, INSTRUMENTS

MISSING = frozenset({"", "na", "n/a", "n.a.", "-", "--", "\u2013", "\u2014", "null", "#n/a"})
_FIELD_ALIASES = {"commodities": "commodity", "company_ids": "companies", "parent_id": "parent",
                  "url": "source_url"}  # fmt: skip
_TRANCHE_PATH = re.compile(r"tranches\[0\]\.(\w+)")
_PARTY_PATH = re.compile(r"parties\[[0-9]+\]")
_EXCHANGE_TICKER = re.compile(r"\s*([A-Za-z]+)\s*:\s*(\S+)\s*")
MULTILINE = frozenset({"description", "notes"})  # fields that keep their line breaks

Texts = dict[str, str]  # field -> its cleaned cell, for the fields a row fills
CLEANED_CACHE = 100_000  # distinct one-line cells remembered (the rest are cleaned each time)


@dataclass(frozen=True)
class CellError:
    """A problem with one cell (or the whole row, when `column` is empty)."""

    row: int
    column: str
    value: str
    message: str

    def describe(self) -> str:
        where = f"column {self.column!r}" if self.column else "the row"
        value = self.value if len(self.value) <= 60 else self.value[:57] + "..."
        shown = f" ({value!r})" if value else ""
        return f"row {self.row}, {where}{shown}: {self.message}"


@dataclass
class RowResult:
    """One data row: its cells, the record it makes (when it makes one) and its problems."""

    row: int
    cells: list[str]
    record: Company | Deal | Event | None = None
    source_url: str = ""
    errors: list[CellError] = field(default_factory=list)
    note: str = ""  # why a valid row writes nothing (a company already in the tracker)

    @property
    def ok(self) -> bool:
        return not self.errors


def _one_per_cell(errors: list[CellError]) -> list[CellError]:
    """The first problem of each cell: one bad amount is not also reported as a bad tranche
    amount, nor a bad recipient as a bad title made from it."""
    seen: set[str] = set()
    kept = []
    for error in errors:
        key = error.column or error.message
        if key not in seen:
            seen.add(key)
            kept.append(error)
    return kept


class RowParser:
    """Reads rows of one file into records of `mapping.kind`."""

    def __init__(self, mapping: ColumnMapping, matcher: CompanyMatcher,
                 currency: str | None = None, date_format: str | None = None) -> None:  # fmt: skip
        self.mapping = mapping
        self.matcher = matcher
        self.currency = currency
        self.date_format = date_format
        self.width = len(mapping.headers)
        self.defined: dict[int, int] = {}  # company id -> the row that defines it (companies)
        self._title_from = ""  # the column a missing title is made from, in the current row
        self._fields = [(name, index, name in MULTILINE) for name, index in mapping.columns.items()]
        # A name's problem (or "") by (field, name): files repeat the same companies.
        self._name_problems: dict[tuple[str, str], str] = {}
        self._cleaned: dict[str, str] = {}  # one-line cell -> its text ("" if missing)
        builders: dict[str, Callable[[RowResult, Texts], Company | Deal | Event | None]] = {
            "deals": self._deal, "events": self._event, "companies": self._company_row}
        self._build = builders[mapping.kind]

    # -- cells ------------------------------------------------------------------------------

    def _cell(self, cells: list[str], name: str) -> str:
        index = self.mapping.columns.get(name)
        if index is None or index >= len(cells):
            return ""
        text = cells[index]
        return "" if text.strip().casefold() in MISSING else text

    def _texts(self, cells: list[str]) -> Texts:
        """Every mapped field's cell as a form would store it (`clean_text`), read once per
        row; fields whose cell is blank or says it is missing ("n/a", "-") are left out."""
        texts = {}
        count = len(cells)
        cache = self._cleaned
        for name, index, multiline in self._fields:
            cell = cells[index] if index < count else ""
            if not cell:
                continue
            text = None if multiline else cache.get(cell)
            if text is None:
                missing = cell.strip().casefold() in MISSING
                text = "" if missing else clean_text(cell, multiline=multiline)
                if not multiline and len(cache) < CLEANED_CACHE:
                    cache[cell] = text  # files repeat their agencies, countries, types
            if text:
                texts[name] = text
        return texts

    def reject(self, result: RowResult, name: str, message: str) -> None:
        """Record a problem with the cell of field `name` (of the row, if it is unmapped)."""
        column = self.mapping.column_name(name) if name in self.mapping.columns else ""
        value = self._cell(result.cells, name) if column else ""
        result.errors.append(CellError(result.row, column, value, message))

    def _field_error(self, result: RowResult, error: FieldError) -> None:
        name = error.field
        if name == "title" and self._title_from:
            name = self._title_from  # the title was to be made from this column
        tranche = _TRANCHE_PATH.fullmatch(name)
        if tranche:
            name = tranche.group(1)
            name = {"funder_id": "funder"}.get(name, name)
        elif _PARTY_PATH.match(name):
            name = "recipient"
        self.reject(result, _FIELD_ALIASES.get(name, name), error.message)

    def _date(self, result: RowResult, texts: Texts, name: str) -> FuzzyDate | None:
        if name not in texts:
            return None  # blank: no value and no error (parse_field's answer too)

        def strict(text: str) -> FuzzyDate | None:
            value, problem = read_date(text, self.date_format)
            if problem:
                raise DateError(problem)
            return value

        value, error = parse_field(name, strict, texts[name])
        if error is not None:
            self.reject(result, name, error.message)
        return value

    def _company(self, result: RowResult, texts: Texts, name: str, role: str) -> int | None:
        text = texts.get(name, "")
        return self._named(result, name, text, role) if text else None

    def _named(self, result: RowResult, name: str, text: str, role: str) -> int | None:
        """The company a cell names (found or to be created); None, with the problem, for a
        name no company may have."""
        problem = self._name_problems.get((name, text))
        if problem is None:
            checks = FieldChecks()
            checks.text(name, text, NAME_LIMIT, required=True)
            problem = checks.errors[0].message if checks.errors else ""
            self._name_problems[(name, text)] = problem
        if problem:
            self.reject(result, name, problem)
            return None
        return self.matcher.resolve(text, result.row, role)

    # -- rows -------------------------------------------------------------------------------

    def parse(self, row: int, cells: list[str]) -> RowResult:
        result = RowResult(row, cells)
        if len(cells) != self.width and (
                len(cells) < self.width or any(c.strip() for c in cells[self.width:])):
            result.errors.append(CellError(row, "", "", (
                f"has {len(cells)} cells but the header has {self.width} columns; a quote or a "
                "delimiter may be missing or extra")))  # fmt: skip
            return result
        self._title_from = ""
        texts = self._texts(cells)
        record = self._build(result, texts)
        url = texts.get("source_url", "")
        if url:
            result.source_url = url
            for error in validate_source(Source(url=url)):
                self._field_error(result, error)
        if record is not None:
            for error in validate(record):
                self._field_error(result, error)
            result.record = record
        if result.errors:
            result.errors = _one_per_cell(result.errors)
        return result

    def _deal(self, result: RowResult, texts: Texts) -> Deal:
        text = texts.get
        amount, problems = read_money(text("amount", ""), text("currency", ""),
                                      self.mapping.currencies.get("amount") or self.currency)
        for name, message in problems:
            self.reject(result, name, message)
        named_instrument = text("instrument", "")
        instrument = choice(named_instrument, INSTRUMENTS) or "other"
        announced = self._date(result, texts, "announced")
        closed = self._date(result, texts, "closed")
        recipient = self._company(result, texts, "recipient", "recipient")
        funder = self._company(result, texts, "funder", "funder")
        title = text("title", "")
        if not title and "recipient" in self.mapping.columns:
            self._title_from = "recipient"
        if not title and recipient is not None:
            when = f" ({announced.display()})" if announced else ""
            what = instrument if named_instrument else "deal"
            title = f"{self.matcher.name_of(recipient)} {what}{when}"
        tranches = []
        if funder is not None or amount is not None or named_instrument:
            tranches.append(Tranche(instrument, amount, funder))
        return Deal(
            title, status=choice(text("status", ""), DEAL_STATUSES) or "announced",
            announced=announced, closed=closed, amount=amount,
            parties=[Party(recipient, "recipient")] if recipient is not None else [],
            tranches=tranches, commodities=commodities(text("commodity", "")),
            country=country(text("country", "")), description=text("description", ""),
        )  # fmt: skip

    def _event(self, result: RowResult, texts: Texts) -> Event:
        text = texts.get
        date = self._date(result, texts, "date")
        end = self._date(result, texts, "end_date")
        named = [self._named(result, "companies", name, "event company")
                 for name in split_names(text("companies", ""))]  # fmt: skip
        ids = [i for i in named if i is not None]
        return Event(
            text("title", ""), date,  # type: ignore[arg-type]  # validate says if None
            event_type=choice(text("kind", ""), EVENT_TYPES) or "other", end_date=end,
            company_ids=list(dict.fromkeys(ids)), country=country(text("country", "")),
            description=text("description", ""),
        )  # fmt: skip

    def _company_row(self, result: RowResult, texts: Texts) -> Company | None:
        text = texts.get
        name = text("name", "")
        ticker, exchange = text("ticker", ""), text("exchange", "").upper()
        pair = _EXCHANGE_TICKER.fullmatch(ticker)
        if pair and not exchange:
            exchange, ticker = pair.group(1).upper(), pair.group(2)
        company: dict[str, Any] = {
            "company_type": choice(text("kind", ""), COMPANY_TYPES) or "company",
            "ticker": ticker, "exchange": exchange, "country": country(text("country", "")),
            "website": text("website", ""), "notes": text("notes", ""),
        }  # fmt: skip
        if not name:
            return Company(name, **company)
        company_id = self.matcher.resolve(name, result.row, "row")
        if company_id not in self.matcher.new:
            result.note = f"{name!r} is already in the tracker; the row was skipped"
            return None
        first = self.defined.setdefault(company_id, result.row)
        if first != result.row:
            self.reject(result, "name", f"Name {name!r} repeats row {first}")
            return None
        parent = self._company(result, texts, "parent", "parent")
        return Company(name, parent_id=parent, id=company_id, **company)
