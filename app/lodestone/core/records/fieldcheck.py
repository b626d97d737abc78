"""The building blocks of validation: field errors, field labels, and the per-field checks.

Validation speaks to people, so every message begins with the field's name as the analyst sees
it ("Tranche 2 amount cannot be negative"); "invalid value" without saying where is no help in a
form of twenty fields. This module holds what every record's rules share: the error types, the
labels, text cleaning, parsing a typed value into a field error, and `FieldChecks`, which
collects the errors of one record. The rules per record kind live in `validation`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from lodestone.core.records.countries import country_code, is_country
from lodestone.core.records.fuzzydate import DateError
from lodestone.core.records.money import Money, MoneyError, is_currency

T = TypeVar("T")

TAG_LIMIT = 50
URL_LIMIT = 2_000

_COUNTRY = re.compile(r"[A-Z]{2}")
_PATH = re.compile(r"(\w+)\[([0-9]+)\](?:\.(\w+))?")  # tranches[0].amount, parties[1]

FIELD_LABELS = {
    "name": "Name", "kind": "Kind", "ticker": "Ticker", "exchange": "Exchange",
    "country": "Country", "parent_id": "Parent company", "stages": "Stages",
    "commodities": "Commodities", "website": "Website", "notes": "Notes", "tags": "Tags",
    "title": "Title", "status": "Status", "announced": "Announced date",
    "closed": "Closed date", "amount": "Amount", "currency": "Currency",
    "parties": "Parties", "tranches": "Tranches", "capacity_value": "Capacity",
    "capacity_unit": "Capacity unit", "capacity_product": "Capacity product",
    "stage": "Stage", "description": "Description", "date": "Date", "end_date": "End date",
    "company_ids": "Companies", "deal_id": "Deal", "url": "URL", "publisher": "Publisher",
    "published": "Published date", "accessed": "Accessed date", "instrument": "Instrument",
    "funder_id": "Funder", "role": "Role", "company_id": "Company",
}  # fmt: skip
_ITEM_LABELS = {"tranches": "Tranche", "parties": "Party"}


@dataclass(frozen=True)
class FieldError:
    """A reason the record cannot be saved; `field` is the attribute path the form maps to a
    widget ("title", "tranches[0].amount"), `message` a sentence that names the field."""

    field: str
    message: str


@dataclass(frozen=True)
class FieldWarning:
    """Worth a second look but saved anyway (a EUR tranche in a USD deal may well be right)."""

    field: str
    message: str


def field_label(field: str) -> str:
    """The name a person reads: "announced" -> "Announced date", "tranches[0].amount" ->
    "Tranche 1 amount", "parties[1]" -> "Party 2"."""
    match = _PATH.fullmatch(field)
    if match is None:
        return FIELD_LABELS.get(field, field.replace("_", " ").capitalize())
    collection, index, leaf = match.groups()
    item = f"{_ITEM_LABELS.get(collection, collection)} {int(index) + 1}"
    return item if leaf is None else f"{item} {field_label(leaf).lower()}"


def clean_text(text: str, *, multiline: bool) -> str:
    """What a form stores from what was typed or pasted: surrounding blanks stripped, composed
    Unicode (so "Côte" typed two ways is one name); one-line fields get single spaces, multiline
    fields "\\n" line ends without trailing blanks. Control characters are kept, so that
    validation can name the field instead of data vanishing silently."""
    text = unicodedata.normalize("NFC", text)
    if not multiline:
        return " ".join(text.split())
    return "\n".join(line.rstrip() for line in text.splitlines()).strip()


def parse_field(
    field: str, parser: Callable[[str], T], text: str
) -> tuple[T | None, FieldError | None]:
    """Parse one form field or CSV cell; a DateError or MoneyError becomes a FieldError naming
    the field. Blank text is no value and no error: whether it is required is validate's call."""
    if not text or not text.strip():
        return None, None
    try:
        return parser(text.strip()), None
    except (DateError, MoneyError) as exc:
        return None, FieldError(field, f"{field_label(field)}: {exc}")


class FieldChecks:
    """Collects the errors of one record; every message begins with the field's label."""

    def __init__(self) -> None:
        self.errors: list[FieldError] = []

    def add(self, field: str, rest: str, label: str | None = None) -> None:
        """Record "<label> <rest>"; `label` replaces the field's own where the subject differs
        (the currency of an amount, one tag of the list)."""
        self.errors.append(FieldError(field, f"{label or field_label(field)} {rest}"))

    def text(self, field: str, value: Any, limit: int, *, required: bool = False,
             multiline: bool = False, label: str | None = None) -> None:  # fmt: skip
        """Free text: required, length and control characters (which break CSV, the FTS index
        and display without anyone seeing them), one error at most per field."""
        if value == "" and not required:
            return  # what the checks below conclude for an empty optional field, sooner
        if not isinstance(value, str):
            self.add(field, "must be text", label)
        elif len(value) > limit:
            self.add(field, f"is too long (at most {limit:,} characters)", label)
        elif bad := _control_character(value, multiline):
            self.add(field, f"contains a control character (U+{ord(bad):04X}); remove it", label)
        elif required and not value.strip():
            self.add(field, "is required", label)

    def choice(self, field: str, value: str, allowed: Sequence[str], *, optional: bool = False,
               label: str | None = None) -> None:  # fmt: skip
        """A value from a closed vocabulary; the message lists the allowed ones."""
        if value not in allowed and not (optional and value == ""):
            self.add(field, f"{value!r} is not one of: {', '.join(allowed)}", label)

    def choices(self, field: str, values: Sequence[str], allowed: Sequence[str]) -> None:
        """A list of vocabulary values (stages, commodities), each known and listed once."""
        for value in values:
            self.choice(field, value, allowed, label=f"{field_label(field)}:")
        self.unique(field, values, lambda v: v)

    def unique(self, field: str, values: Iterable[T], key: Callable[[T], Hashable]) -> None:
        """Each value once, compared by `key` (tags case-insensitively, as the database does)."""
        seen: set[Hashable] = set()
        for value in values:
            if key(value) in seen:
                self.add(field, f"list {value!r} twice")
            seen.add(key(value))

    def money(self, field: str, amount: Money | None) -> None:
        """A known currency and no negative amount: a deal or tranche is money committed, and a
        minus sign pasted from an accounting table would silently shrink every total."""
        if amount is None:
            return
        if not is_currency(amount.currency):
            currency = field_label(field.rpartition(".")[0] + ".currency" if "." in field
                                   else "currency")  # fmt: skip
            self.add(field, f"{amount.currency!r} is not a known ISO 4217 code", currency)
        elif amount.minor < 0:
            self.add(field, "cannot be negative")

    def country(self, field: str, code: str) -> None:
        """An assigned ISO 3166 alpha-2 code; a name or lower-case code gets the code suggested."""
        if not code:
            return
        if _COUNTRY.fullmatch(code):
            if not is_country(code):
                self.add(field, f"{code!r} is not a known ISO 3166 country code")
            return
        hint = country_code(code) or (code.upper() if is_country(code.upper()) else None)
        wanted = f"write {hint!r}" if hint else "such as US or CN"
        self.add(field, f"{code!r} must be a two-letter ISO 3166 code in capitals: {wanted}")

    def url(self, field: str, url: str) -> None:
        """An http(s) address with a host: what the app can open in a browser, nothing else
        (no javascript: or file: links in a file that may be shared)."""
        before = len(self.errors)
        self.text(field, url, URL_LIMIT)
        if len(self.errors) > before or not url:
            return
        try:
            parts = urlsplit(url)
            host = parts.hostname
        except ValueError:
            parts, host = None, None
        if any(ch.isspace() for ch in url):
            self.add(field, "cannot contain spaces")
        elif parts is None:
            self.add(field, f"{url!r} is not a valid web address")
        elif parts.scheme.lower() not in ("http", "https"):
            self.add(field, f"{url!r} must start with http:// or https://")
        elif not host:
            self.add(field, f"{url!r} has no host name, e.g. https://www.example.com/")

    def tags(self, tags: Sequence[str]) -> None:
        """Tags are short one-line labels, each once (case-insensitively, like the database)."""
        for tag in tags:
            shown = repr(tag if len(str(tag)) <= 20 else str(tag)[:20] + "…")
            self.text("tags", tag, TAG_LIMIT, label=f"Tag {shown}")
            if isinstance(tag, str) and not tag.strip() and not _control_character(tag, False):
                self.add("tags", "cannot be empty", "A tag")
        self.unique("tags", tags, lambda t: str(t).casefold())


# The Unicode category Cc is exactly U+0000-U+001F and U+007F-U+009F (a stable property), so
# one regex search finds what a per-character category lookup did, many times faster.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
_CONTROL_MULTILINE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # newline and tab allowed


def _control_character(text: str, multiline: bool) -> str | None:
    """The first Cc character not allowed here (multiline fields keep newline and tab)."""
    found = (_CONTROL_MULTILINE if multiline else _CONTROL).search(text)
    return None if found is None else found.group()
