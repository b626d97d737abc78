"""Which column of a foreign CSV file feeds which field: automatic matching and `--map`.

Files from government sites and spreadsheets name their columns every which way ("Company
Name", "raisedAmt", "Amount (USD)", "DATE_ANNOUNCED"). Headers are normalised (case, spaces,
underscores, camelCase, punctuation) and compared with each field's name and synonyms; the
analyst can override any of it, and a file that lacks a required field is refused up front
with the option that would fix it, rather than failing on every row.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from lodestone.core.records.currencies import is_currency

KINDS = ("companies", "deals", "events")

FIELDS: dict[str, tuple[str, ...]] = {
    "companies": ("name", "kind", "ticker", "exchange", "country", "parent", "website", "notes"),
    "deals": ("title", "recipient", "funder", "instrument", "amount", "currency", "announced",
              "closed", "status", "description", "source_url", "country", "commodity"),
    "events": ("title", "date", "end_date", "kind", "companies", "country", "description",
               "source_url"),
}  # fmt: skip

# Each inner tuple: fields of which at least one must be mapped.
REQUIRED: dict[str, tuple[tuple[str, ...], ...]] = {
    "companies": (("name",),),
    "deals": (("title", "recipient"),),  # a missing title is composed from the recipient
    "events": (("title",), ("date",)),
}

_COMMON = {
    "country": ("nation", "country code", "country name", "location", "jurisdiction"),
    "description": ("notes", "details", "summary", "comments", "comment", "purpose", "project "
                    "description", "abstract"),  # fmt: skip
    "source_url": ("source", "url", "link", "source link", "reference", "reference url",
                   "article", "article url", "press release"),
}
_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "companies": {
        "name": ("company", "company name", "organisation", "organization", "entity",
                 "entity name", "firm", "legal name"),
        "kind": ("type", "category", "company type", "entity type", "organisation type"),
        "ticker": ("symbol", "ticker symbol", "stock symbol", "stock ticker"),
        "exchange": ("stock exchange", "listing", "listed on", "market"),
        "country": _COMMON["country"] + ("headquarters", "hq country"),
        "parent": ("parent company", "owner", "holding company", "parent name"),
        "website": ("url", "web", "web site", "homepage", "home page", "site"),
        "notes": ("description", "details", "comments", "comment", "summary"),
    },
    "deals": {
        "title": ("deal", "deal title", "deal name", "project", "project name", "project title",
                  "award title", "headline"),
        "recipient": ("company", "company name", "recipient name", "borrower", "awardee",
                      "grantee", "beneficiary", "organisation", "organization", "applicant",
                      "developer", "target", "investee"),
        "funder": ("lender", "investor", "funded by", "funding agency", "agency", "sponsor",
                   "awarding agency", "source of funds", "financier", "backer", "funding source"),
        "instrument": ("type", "financing type", "funding type", "award type", "instrument type",
                       "deal type", "financing", "mechanism"),
        "amount": ("amt", "raised", "raised amt", "raised amount", "value", "award amount",
                   "funding amount", "loan amount", "deal value", "deal amount", "total",
                   "obligation", "obligated amount", "investment", "size", "funding"),
        "currency": ("ccy", "cur", "currency code", "curr"),
        "announced": ("date", "announcement date", "announced date", "date announced",
                      "award date", "announced on", "signed", "date signed", "signing date"),
        "closed": ("close date", "closing date", "date closed", "completion date", "closed on",
                   "completed"),
        "status": ("deal status", "stage status"),
        "description": _COMMON["description"],
        "source_url": _COMMON["source_url"],
        "country": _COMMON["country"],
        "commodity": ("commodities", "mineral", "minerals", "material", "materials", "metal"),
    },
    "events": {
        "title": ("event", "headline", "name", "event title", "summary title"),
        "date": ("start", "start date", "event date", "when", "date from", "from"),
        "end_date": ("end", "until", "to", "date to", "end of period", "expires"),
        "kind": ("type", "category", "event type"),
        "companies": ("company", "company name", "companies involved", "parties",
                      "participants", "organisations", "organizations"),
        "country": _COMMON["country"],
        "description": _COMMON["description"],
        "source_url": _COMMON["source_url"],
    },
}

_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_PARENTHESES = re.compile(r"\(([^)]*)\)|\[([^\]]*)\]")
_SEPARATORS = re.compile(r"[\s_\-./:#*]+")
_OTHER = re.compile(r"[^\w ]+")


class MappingError(ValueError):
    """The columns cannot be mapped as asked; the message says which option would fix it."""


def normalise_header(header: str) -> str:
    """"raisedAmt" -> "raised amt", "Amount (USD)" -> "amount", " DATE_Announced " ->
    "date announced": what headers are compared by."""
    text = _PARENTHESES.sub(" ", header.replace("\ufeff", ""))
    text = _CAMEL.sub(" ", text)
    text = _SEPARATORS.sub(" ", text)
    return " ".join(_OTHER.sub(" ", text).lower().split())


def _match_key(header: str) -> str:
    """The normalised header without a currency it names ("amount usd", "amount in eur" ->
    "amount"): the currency is taken from the header separately."""
    words = normalise_header(header).split()
    if len(words) > 1 and len(words[-1]) == 3 and is_currency(words[-1].upper()):
        words = words[:-2] if len(words) > 2 and words[-2] == "in" else words[:-1]
    return " ".join(words)


def header_currency(header: str) -> str | None:
    """The currency a header names, as in "Amount (USD)", "Value [EUR]" or "amount_usd"."""
    codes: list[str] = [a or b for a, b in _PARENTHESES.findall(header)]
    codes += header.split("_")[-1:]
    codes += _SEPARATORS.split(header)[-1:]
    for code in codes:
        code = code.strip().upper()
        if len(code) == 3 and is_currency(code):
            return code
    return None


def _candidates(kind: str, field_name: str) -> set[str]:
    names = {normalise_header(field_name), field_name.replace("_", " ")}
    return names | set(_SYNONYMS[kind].get(field_name, ()))


@dataclass(frozen=True)
class ColumnMapping:
    """The fields of one import and the column index each is read from."""

    kind: str
    headers: tuple[str, ...]
    columns: Mapping[str, int]  # field -> column index
    currencies: Mapping[str, str] = field(default_factory=dict)  # field -> code its header names

    def column_name(self, field_name: str) -> str:
        return self.headers[self.columns[field_name]]

    def ignored(self) -> list[str]:
        used = set(self.columns.values())
        return [h for i, h in enumerate(self.headers) if i not in used]

    def describe(self) -> list[str]:
        """One line per mapped column ("Company Name -> recipient"), then the ignored ones."""
        lines = [f"{self.headers[i]} -> {f}" for f, i in sorted(self.columns.items(),
                                                                  key=lambda item: item[1])]
        ignored = self.ignored()
        if ignored:
            lines.append(f"ignored: {', '.join(ignored)}")
        return lines


def parse_map_option(text: str) -> tuple[str, str]:
    """`'Source column=field'` (an empty field ignores the column): MappingError otherwise."""
    source, equals, target = text.rpartition("=")
    if not equals or not source.strip():
        raise MappingError(f"--map needs 'Source column=field', not {text!r}")
    return source.strip(), target.strip()


def check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise MappingError(f"unknown kind {kind!r}: expected one of {', '.join(KINDS)}")


def _find_column(headers: tuple[str, ...], source: str) -> int:
    for index, header in enumerate(headers):
        if header == source:
            return index
    wanted = normalise_header(source)
    for index, header in enumerate(headers):
        if normalise_header(header) == wanted:
            return index
    raise MappingError(f"the file has no column {source!r} (its columns: "
                       f"{', '.join(headers)[:300]})")  # fmt: skip


Explicit = Iterable[tuple[str, str]] | Mapping[str, str]


def resolve_mapping(kind: str, headers: Iterable[str], explicit: Explicit = ()) -> ColumnMapping:
    """Map `headers` to the fields of `kind`: the explicit pairs (source column -> field, ""
    to ignore a column) first, then the headers that match a field's name or a synonym,
    in file order, each field at most once. MappingError when a required field is unmapped."""
    check_kind(kind)
    headers = tuple(headers)
    pairs = explicit.items() if isinstance(explicit, Mapping) else explicit
    columns: dict[str, int] = {}
    decided: set[int] = set()
    for source, target in pairs:
        index = _find_column(headers, source)
        decided.add(index)
        if not target:
            continue
        if target not in FIELDS[kind]:
            raise MappingError(f"unknown field {target!r} for {kind}: expected one of "
                               f"{', '.join(FIELDS[kind])}")  # fmt: skip
        if target in columns:
            raise MappingError(f"two columns are mapped to {target!r}")
        columns[target] = index
    for index, header in enumerate(headers):
        key = _match_key(header)
        if index in decided or not key:
            continue
        for field_name in FIELDS[kind]:
            if field_name not in columns and key in _candidates(kind, field_name):
                columns[field_name] = index
                break
    for group in REQUIRED[kind]:
        if not any(f in columns for f in group):
            wanted = " or ".join(group)
            raise MappingError(f"no column of the file is mapped to {wanted}; name one with "
                               f"--map 'Column name={group[0]}'")  # fmt: skip
    currencies = {f: code for f, i in columns.items() if (code := header_currency(headers[i]))}
    return ColumnMapping(kind, headers, columns, currencies)
