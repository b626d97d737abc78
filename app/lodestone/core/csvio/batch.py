"""Parsing one batch of CSV rows: the one function both ways of importing run.

A batch is parsed and laid out either on a thread of the importing process, over the import's
own company matcher, or in a worker process, over a copy of it made before the first row was
read (`BatchParser.for_worker`). A copy cannot know the companies that earlier batches, parsed
elsewhere, first named: it numbers them on its own, far above any id of the tracker, and notes
the first answer it gave for each name of the batch. `settle` replays those answers in file
order on the import's matcher, so it ends exactly as if it had parsed every row itself, and
says which ids moved. Only a name that the copy first met spelled otherwise than the file first
spells it ("ACME INC" before "Acme Inc") would change what the worker laid out (a deal's title,
the party names); such a batch is parsed again over the import's matcher.
"""

from __future__ import annotations

from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass, field, fields

from lodestone.core.csvio.company_match import CompanyMatcher
from lodestone.core.csvio.layout import Laid, lay_out
from lodestone.core.csvio.mapping import ColumnMapping
from lodestone.core.csvio.rows import RowParser, RowResult

PROVISIONAL = 1 << 48  # the first id a worker gives a company the tracker lacks
Rows = list[tuple[int, list[str]]]  # (row number, cells)
# The first answer to a name in a batch: (name, row, role, id, the name of a new company).
Call = tuple[str, int, str, int, str | None]


@dataclass
class LoggingMatcher(CompanyMatcher):
    """A copy of the import's matcher in a worker process: notes the first answer it gives
    each name in a batch (`take_calls`)."""

    calls: list[Call] = field(default_factory=list)
    logged: set[str] = field(default_factory=set)

    @classmethod
    def copy_of(cls, matcher: CompanyMatcher) -> LoggingMatcher:
        copy = cls(**{f.name: deepcopy(getattr(matcher, f.name)) for f in fields(CompanyMatcher)})
        copy.next_id = max(copy.next_id, PROVISIONAL)
        return copy

    def resolve(self, name: str, row: int, role: str) -> int:
        company_id = super().resolve(name, row, role)
        if name not in self.logged:
            self.logged.add(name)
            new = self.new.get(company_id)
            self.calls.append((name, row, role, company_id, None if new is None else new.name))
        return company_id

    def take_calls(self) -> list[Call]:
        calls, self.calls = self.calls, []
        self.logged.clear()
        return calls


@dataclass
class Parsed:
    """A batch parsed and laid out, with the answers its matcher gave (when it logs them)."""

    laid: Laid
    calls: list[Call]


def check_parents(results: list[RowResult], parser: RowParser) -> None:
    """A company whose parent is defined by an invalid row cannot be stored either."""
    invalid = {id(r) for r in results if not r.ok}
    by_company = {r.record.id: r for r in results if r.record is not None}
    for result in results:
        parent = getattr(result.record, "parent_id", None)
        if result.ok and parent in by_company and id(by_company[parent]) in invalid:
            row = by_company[parent].row
            parser.reject(result, "parent", f"Parent company is on row {row}, which has errors")


def parse_rows(parser: RowParser, rows: Iterable[tuple[int, list[str]]]) -> list[RowResult]:
    results = [parser.parse(number, cells) for number, cells in rows]
    if parser.mapping.kind == "companies":
        check_parents(results, parser)
    return results


class BatchParser:
    """Parses and lays out the batches of one file, in file order."""

    def __init__(self, parser: RowParser) -> None:
        self.parser = parser

    @classmethod
    def for_worker(cls, mapping: ColumnMapping, matcher: CompanyMatcher, currency: str | None,
                   date_format: str | None) -> BatchParser:  # fmt: skip
        return cls(RowParser(mapping, LoggingMatcher.copy_of(matcher), currency, date_format))

    def parse(self, rows: Rows, writing: bool) -> Parsed:
        matcher = self.parser.matcher
        laid = lay_out(parse_rows(self.parser, rows), matcher, writing)
        calls = matcher.take_calls() if isinstance(matcher, LoggingMatcher) else []
        return Parsed(laid, calls)


def settle(matcher: CompanyMatcher, calls: list[Call]) -> dict[int, int] | None:
    """Replay a worker's answers on the import's `matcher`: the ids that moved, or None when
    a new company's name differs from the one the worker used (see the module docstring)."""
    moved = {}
    same_names = True
    for name, row, role, given, new_name in calls:
        company_id = matcher.resolve(name, row, role)
        if company_id != given:
            moved[given] = company_id
        if new_name is not None and matcher.name_of(company_id) != new_name:
            same_names = False
    return moved if same_names else None
