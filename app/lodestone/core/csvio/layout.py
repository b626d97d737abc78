"""The records of a batch of CSV rows laid out as table rows, where the batch was parsed.

An import parses batches in worker processes (or on a thread, for a small file) while the
importing thread stores the batches before, and the Python work per row (parsing, checking and
this layout) is what an import of a hundred thousand rows waits for. So the layout is done
beside the parsing, and knows nothing that depends on the batches before: the deals, tranches
and events of a batch are numbered from 0 and its companies carry the ids the parsing matcher
gave them. `CsvNumbering` (on the importing thread) then gives them their ids in the tracker.
The result is plain lists, cheap to send from one process to another.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from lodestone.core.csvio.company_match import CompanyMatcher
from lodestone.core.csvio.rows import RowResult
from lodestone.core.records import rowmap
from lodestone.core.records.kinds import to_row
from lodestone.core.records.model import Company, Deal, Event

# The tables a batch fills, in the order they are filled: links before their owners (see
# `_BatchLayout._names`), companies first (a company arriving while a link to it is pending
# would be looked up in link tables whose indexes a big import has dropped).
TABLES = ("companies", "deal_parties", "deals", "tranches", "event_companies", "events")
LINK_COLUMNS = {"deal_parties": ("deal_id", "company_id", "role", "position"),
                "event_companies": ("event_id", "company_id", "position")}  # fmt: skip
# The columns holding ids that `CsvNumbering` gives: a table's own numbering, or "company".
ID_COLUMNS = {
    "companies": (("id", "company"), ("parent_id", "company")),
    "deal_parties": (("deal_id", "deals"), ("company_id", "company")),
    "deals": (("id", "deals"),),
    "tranches": (("id", "tranches"), ("deal_id", "deals"), ("funder_id", "company")),
    "event_companies": (("event_id", "events"), ("company_id", "company")),
    "events": (("id", "events"),),
}  # fmt: skip
NUMBERED_BY = {"deal": "deals", "event": "events", "company": "company"}  # kind -> its ids

Rows = dict[str, list[list[Any]]]  # table -> [columns, row, row, ...]
Created = dict[str, list[tuple[int, int]]]  # kind -> (id, file row) of each record stored
Cited = list[tuple[str, int, str, int]]  # (kind, id, url, file row) of each row with a source


def to_json(rows: Any) -> str:
    return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


@dataclass
class Laid:
    """One batch's parsed rows, laid out (when `writing`) with ids of the batch alone."""

    results: list[RowResult]  # the rows that store nothing: invalid, or skipped with a note
    rows: int = 0
    counts: dict[str, int] = field(default_factory=dict)  # kind -> records of valid rows
    uses: list[int] = field(default_factory=list)  # companies valid rows name, each once
    defines: list[int] = field(default_factory=list)  # companies valid rows define
    tables: Rows = field(default_factory=dict)
    given: dict[str, int] = field(default_factory=dict)  # table -> ids given, from 0
    created: Created = field(default_factory=dict)
    cited: Cited = field(default_factory=list)


def lay_out(results: list[RowResult], matcher: CompanyMatcher, writing: bool) -> Laid:
    """Lay out the valid rows of `results` (only counted, unless `writing`)."""
    return _BatchLayout(matcher, writing).lay_out(results)


def _given_id(record: Company | Deal | Event) -> int:
    """The id of a record laid out: a company's from its matcher, a deal's or event's here."""
    if record.id is None:
        raise ValueError(f"a {record.KIND} was laid out without an id")
    return record.id


class _BatchLayout:
    """Lays out one batch: each record's `rowmap` columns, its links, and the names the
    links' triggers would store."""

    def __init__(self, matcher: CompanyMatcher, writing: bool) -> None:
        self.matcher = matcher
        self.writing = writing
        self.given = {"deals": 0, "tranches": 0, "events": 0}

    def lay_out(self, results: list[RowResult]) -> Laid:
        laid = Laid([r for r in results if not r.ok or r.note], len(results))
        valid = [(r, r.record) for r in results if r.ok and r.record is not None]
        uses: dict[int | None, None] = {}  # a tranche's funder or a parent may be None
        rows = laid.tables
        for result, record in valid:
            kind = record.KIND
            laid.counts[kind] = laid.counts.get(kind, 0) + 1
            if isinstance(record, Deal):
                uses.update(dict.fromkeys(p.company_id for p in record.parties))
                uses.update(dict.fromkeys(t.funder_id for t in record.tranches))
                if self.writing:
                    self._deal(laid, rows, record, result.row)
            elif isinstance(record, Event):
                uses.update(dict.fromkeys(record.company_ids))
                if self.writing:
                    self._event(laid, rows, record, result.row)
            else:
                laid.defines.append(_given_id(record))
                uses[record.parent_id] = None
                if self.writing:
                    self._record(laid, rows, "companies", record, result.row)
            if result.source_url and self.writing:
                laid.cited.append((kind, _given_id(record), result.source_url, result.row))
        laid.uses = [c for c in uses if c is not None]
        laid.given = self.given
        return laid

    @staticmethod
    def _record(laid: Laid, rows: Rows, table: str, record: Company | Deal | Event, row: int,
                *extra: tuple[str, Any]) -> None:  # fmt: skip
        """A record's table row (its id, its `rowmap` columns, then `extra`), noted as created
        by file row `row` (for its change-log entry and its search index entry)."""
        columns = to_row(record)
        if table not in rows:
            rows[table] = [["id", *columns, *(name for name, _ in extra)]]
        rows[table].append([record.id, *columns.values(), *(value for _, value in extra)])
        laid.created.setdefault(record.KIND, []).append((_given_id(record), row))

    def _next(self, table: str) -> int:
        self.given[table] += 1
        return self.given[table] - 1

    def _deal(self, laid: Laid, rows: Rows, deal: Deal, row: int) -> None:
        deal.id = self._next("deals")
        links = rows.setdefault("deal_parties", [list(LINK_COLUMNS["deal_parties"])])
        links += [[deal.id, p.company_id, p.role, i] for i, p in enumerate(deal.parties)]
        names = self._names([p.company_id for p in deal.parties])
        self._record(laid, rows, "deals", deal, row, ("party_names", names))
        for position, tranche in enumerate(deal.tranches):
            tranche.id = self._next("tranches")
            columns = rowmap.tranche_row(tranche, deal.id, position)
            rows.setdefault("tranches", [["id", *columns]]).append(
                [tranche.id, *columns.values()])  # fmt: skip

    def _event(self, laid: Laid, rows: Rows, event: Event, row: int) -> None:
        event.id = self._next("events")
        links = rows.setdefault("event_companies", [list(LINK_COLUMNS["event_companies"])])
        links += [[event.id, c, i] for i, c in enumerate(event.company_ids)]
        names = self._names(event.company_ids)
        self._record(laid, rows, "events", event, row, ("company_names", names))

    def _names(self, company_ids: list[int]) -> str:
        """What the links' triggers store in the owner's row (deals.party_names,
        events.company_names): each company's name once, in the order the record lists them.
        The links go in before their owner, so those triggers find no row to update."""
        if len(company_ids) == 1:
            return self.matcher.name_of(company_ids[0])
        return ", ".join(self.matcher.name_of(i) for i in dict.fromkeys(company_ids))
