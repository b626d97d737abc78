"""The bundled example tracker: the facts of the reports the project started from, as data.

The example lives in `resources/example/tracker.json` as readable text with symbolic references
(companies by name, deals and sources by key) rather than as a shipped database, so a reviewer
can check every fact and quote against its source, and so it is always built by the same
parsers and repository calls an analyst's own input goes through: if the example loads, the
path from text to stored record works.

Loading is one transaction: a malformed example leaves the tracker untouched, not half-filled.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any, TypeVar

from lodestone.core.paths import AppPaths, resources_dir
from lodestone.core.records.fuzzydate import DateError, FuzzyDate, parse_fuzzy_date
from lodestone.core.records.kinds import record_kind
from lodestone.core.records.model import (
    Citation,
    Company,
    Deal,
    Event,
    Party,
    Record,
    Source,
    Tranche,
)
from lodestone.core.records.money import Money, MoneyError, parse_money
from lodestone.core.storage.repository import InvalidRecord, Repository

EXAMPLE_FORMAT = "lodestone-example"
EXAMPLE_VERSION = 1
# Keys of the JSON that are references or bookkeeping rather than dataclass fields.
_SYMBOLIC = {"key", "sources", "parent", "parties", "tranches", "companies", "deal"}
_TRANCHE_KEYS = {"instrument", "amount", "funder", "status", "notes"}
_PARTY_KEYS = {"company", "role"}
_CITATION_KEYS = {"source", "field", "quote"}
_COUNTED = ("source", "company", "deal", "event", "tranche", "citation")

T = TypeVar("T")
Item = dict[str, Any]


class ExampleError(ValueError):
    """The example data cannot be loaded; the message names the record and the field."""


def default_example_path() -> Path:
    return resources_dir() / "example" / "tracker.json"


def read_example(path: Path | None = None) -> Item:
    """The parsed JSON of the example, with its format checked (not yet its records)."""
    path = path or default_example_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ExampleError(f"The example data {path.name} cannot be read: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != EXAMPLE_FORMAT:
        raise ExampleError(f"{path.name} is not Lodestone example data")
    if data.get("version") != EXAMPLE_VERSION:
        raise ExampleError(
            f"{path.name} is example data version {data.get('version')!r}; "
            f"this Lodestone reads version {EXAMPLE_VERSION}"
        )
    return data


def load_example(repo: Repository, path: Path | None = None) -> dict[str, int]:
    """Add the example's records, with their citations, to `repo` in one transaction.

    Returns how many records of each kind were added, plus "tranche" and "citation".
    """
    data = read_example(path)
    loader = _Loader(repo)
    with repo.transaction():
        for item in _items(data, "sources"):
            loader.source(item)
        loader.companies(_items(data, "companies"))
        for item in _items(data, "deals"):
            loader.deal(item)
        for item in _items(data, "events"):
            loader.event(item)
        loader.cite()
    return loader.counts


def write_example(path: Path, paths: AppPaths | None = None) -> dict[str, int]:
    """Create (or open) the tracker at `path` and load the example into it.

    Refuses a tracker that already holds records: the example's companies would clash with the
    analyst's, and mixing invented-looking data into real work is worse than an error. Opened
    like every writer, under the writer lock.
    """
    from lodestone.core.tracker.session import open_for_writing

    with open_for_writing(path, paths or AppPaths.default(), backup_on_open=False) as session:
        if any(session.repo.counts().values()):
            raise ExampleError(
                f"{path.name} already holds records; the example is written only to an empty one"
            )
        return load_example(session.repo)


def ensure_example(paths: AppPaths) -> Path:
    """The example tracker, written into its own file on first use."""
    paths.ensure()
    if not paths.example_tracker.exists():
        write_example(paths.example_tracker, paths)
    return paths.example_tracker


def _items(data: Item, section: str) -> list[Item]:
    items = data.get(section, [])
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        raise ExampleError(f"'{section}' must be a list of objects")
    return items


def _check_keys(item: Any, allowed: Iterable[str], where: str) -> None:
    """Refuse unknown keys: a misspelt "anounced" must not silently drop a date."""
    if not isinstance(item, dict):
        raise ExampleError(f"{where}: expected an object, not {item!r}")
    unknown = sorted(set(item) - set(allowed))
    if unknown:
        raise ExampleError(f"{where}: unknown field {', '.join(map(repr, unknown))}")


def _record_keys(kind: str) -> set[str]:
    """The JSON keys a record may have: its dataclass fields, symbolic references for ids."""
    names = {f.name for f in fields(record_kind(kind).record_type)}
    return (names - {"id", "parent_id", "deal_id", "company_ids"}) | _SYMBOLIC


def _parsed(value: Any, parser: Callable[[str], T], where: str, field: str) -> T | None:
    """Read a date or amount written as text; None when absent."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise ExampleError(f'{where}: {field} must be text, e.g. "2025-08" or "$620 million"')
    try:
        return parser(value)
    except (DateError, MoneyError) as exc:
        raise ExampleError(f"{where}: {field}: {exc}") from exc


def _date(item: Item, field: str, where: str) -> FuzzyDate | None:
    return _parsed(item.get(field), parse_fuzzy_date, where, field)


def _money(item: Item, field: str, where: str) -> Money | None:
    return _parsed(item.get(field), parse_money, where, field)


def _plain(item: Item, names: Iterable[str], required: str | None = None) -> dict[str, Any]:
    """The fields copied as they are (text, lists of text): the repository validates their
    values. The `required` one is passed even when absent, so validation names it."""
    values = {name: item[name] for name in names if name in item}
    if required is not None:
        values.setdefault(required, "")
    return values


def _key(item: Item, where: str) -> str:
    key = item.get("key")
    if not isinstance(key, str) or not key.strip():
        raise ExampleError(f"{where}: a key is required, so that other records can refer to it")
    return key


class _Loader:
    """Resolves symbolic references to ids while saving, and remembers citations for the end."""

    def __init__(self, repo: Repository) -> None:
        self.repo = repo
        self.ids: dict[str, dict[str, int]] = {"company": {}, "deal": {}, "source": {}}
        self.pending: list[tuple[str, int, str, Any]] = []
        self.counts = dict.fromkeys(_COUNTED, 0)

    def ref(self, kind: str, name: Any, where: str) -> int:
        """The id of an already saved company (by name), deal or source (by key)."""
        found = self.ids[kind].get(name.casefold()) if isinstance(name, str) else None
        if found is None:
            raise ExampleError(f"{where}: {name!r} is not a {kind} of the example")
        return found

    def save(self, record: Record, item: Item, where: str, name: str | None = None) -> None:
        """Save through the repository; remember the id under `name`, and the citations."""
        if name is not None and name.casefold() in self.ids[record.KIND]:
            raise ExampleError(f"{where}: {name!r} is listed twice")
        try:
            saved = self.repo.save(record)
        except InvalidRecord as exc:
            raise ExampleError(f"{where}: {exc}") from exc
        assert saved.id is not None
        if name is not None:
            self.ids[record.KIND][name.casefold()] = saved.id
        self.counts[record.KIND] += 1
        self.pending.append((record.KIND, saved.id, where, item.get("sources")))

    def source(self, item: Item) -> None:
        where = f"source {item.get('key')!r}"
        _check_keys(item, _record_keys("source"), where)
        values = _plain(item, ("url", "publisher", "title", "accessed", "notes", "tags"))
        record = Source(**values, published=_date(item, "published", where))
        self.save(record, item, where, _key(item, where))

    def companies(self, items: list[Item]) -> None:
        """Save companies parents first, whatever order the file lists them in."""
        waiting = list(items)
        while waiting:
            ready = [item for item in waiting if self.parent_id(item) != -1]
            if not ready:
                item = waiting[0]
                raise ExampleError(
                    f"company {item.get('name')!r}: parent {item.get('parent')!r} is not a "
                    "company of the example (or the parents form a loop)"
                )
            for item in ready:
                self.company(item)
            waiting = [item for item in waiting if not any(item is r for r in ready)]

    def parent_id(self, item: Item) -> int | None:
        """The id of the company's parent, None for none, -1 while the parent is not saved."""
        where = f"company {item.get('name')!r}"
        _check_keys(item, _record_keys("company"), where)
        parent = item.get("parent")
        if parent is None:
            return None
        if not isinstance(parent, str):
            raise ExampleError(f"{where}: parent must be the name of a company")
        return self.ids["company"].get(parent.casefold(), -1)

    def company(self, item: Item) -> None:
        where = f"company {item.get('name')!r}"
        names = ("name", "company_type", "ticker", "exchange", "country", "stages",
                 "commodities", "website", "notes", "tags")  # fmt: skip
        record = Company(**_plain(item, names, required="name"), parent_id=self.parent_id(item))
        name = item.get("name")
        self.save(record, item, where, name if isinstance(name, str) else None)

    def deal(self, item: Item) -> None:
        where = f"deal {item.get('key')!r}"
        _check_keys(item, _record_keys("deal"), where)
        parties = []
        for n, party in enumerate(item.get("parties", []), 1):
            at = f"{where} party {n}"
            _check_keys(party, _PARTY_KEYS, at)
            company_id = self.ref("company", party.get("company"), at)
            parties.append(Party(company_id, **_plain(party, ("role",))))
        tranches = []
        for n, tranche in enumerate(item.get("tranches", []), 1):
            at = f"{where} tranche {n}"
            _check_keys(tranche, _TRANCHE_KEYS, at)
            funder = tranche.get("funder")
            tranches.append(
                Tranche(
                    **_plain(tranche, ("instrument", "status", "notes")),
                    amount=_money(tranche, "amount", at),
                    funder_id=None if funder is None else self.ref("company", funder, at),
                )
            )
        names = ("title", "status", "capacity_value", "capacity_unit", "capacity_product",
                 "stage", "commodities", "country", "description", "tags")  # fmt: skip
        record = Deal(
            **_plain(item, names, required="title"),
            announced=_date(item, "announced", where),
            closed=_date(item, "closed", where),
            amount=_money(item, "amount", where),
            parties=parties,
            tranches=tranches,
        )
        self.save(record, item, where, _key(item, where))
        self.counts["tranche"] += len(tranches)

    def event(self, item: Item) -> None:
        where = f"event {item.get('key') or item.get('title')!r}"
        _check_keys(item, _record_keys("event"), where)
        date = _date(item, "date", where)
        if date is None:
            raise ExampleError(f"{where}: date is required")
        deal = item.get("deal")
        record = Event(
            **_plain(item, ("title", "event_type", "country", "description", "tags"),
                     required="title"),
            date=date,
            end_date=_date(item, "end_date", where),
            company_ids=[self.ref("company", c, where) for c in item.get("companies", [])],
            deal_id=None if deal is None else self.ref("deal", deal, where),
        )
        self.save(record, item, where)

    def cite(self) -> None:
        """Add every record's citations once all sources exist (sources may cite themselves)."""
        for kind, record_id, where, cites in self.pending:
            if not isinstance(cites, list) or not cites:
                raise ExampleError(f"{where}: every record needs at least one source")
            names = {f.name for f in fields(record_kind(kind).record_type)}
            for cite in cites:
                _check_keys(cite, _CITATION_KEYS, f"{where} citation")
                field, quote = cite.get("field", ""), cite.get("quote", "")
                if not isinstance(field, str) or (field and field not in names):
                    raise ExampleError(
                        f"{where}: a citation names field {field!r}, which a {kind} does not have"
                    )
                if not isinstance(quote, str):
                    raise ExampleError(f"{where}: a citation's quote must be text")
                source_id = self.ref("source", cite.get("source"), f"{where} citation")
                self.repo.add_citation(Citation(source_id, kind, record_id, field, quote))
                self.counts["citation"] += 1
