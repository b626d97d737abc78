"""The snapshot format: which CSV files a snapshot holds, their columns, and what a cell means.

The text between the two rulers below is the README's description of the format; a test keeps
its file table identical to `describe_files()`, which renders it from the specs in this module.

---------------------------------------------------------------------------------------------
## CSV snapshots

`lodestone export DEST` writes a snapshot: a new folder, or a `.zip` when DEST ends in `.zip`,
holding one CSV file per table and a `manifest.json` (app version, schema version, the UTC time,
and each file's row count and SHA-256). Every record is included, those in the Trash too (with
their `deleted_at`), so `lodestone import SNAPSHOT` into a new tracker restores it exactly.

Files and their columns, in this order (ids included; `_id` columns refer to another file's id):

- `companies.csv`: id, name, kind, ticker, exchange, country, parent_id, stages, commodities,
  website, notes, created_at, updated_at, deleted_at
- `deals.csv`: id, title, status, announced, announced_precision, closed, closed_precision,
  amount, currency, capacity_value, capacity_unit, capacity_product, stage, commodities,
  country, description, created_at, updated_at, deleted_at
- `deal_parties.csv`: id, deal_id, company_id, role, position
- `tranches.csv`: id, deal_id, funder_id, instrument, amount, currency, status, notes, position
- `events.csv`: id, title, kind, date, date_precision, end_date, end_precision, deal_id,
  country, description, created_at, updated_at, deleted_at
- `event_companies.csv`: event_id, company_id, position
- `sources.csv`: id, url, publisher, title, published, published_precision, accessed, notes,
  created_at, updated_at, deleted_at
- `citations.csv`: id, source_id, record_kind, record_id, field, quote
- `tags.csv`: record_kind, record_id, tag
- `exchange_rates.csv`: the columns of the exchange-rate table (id, currency, base, date, rate),
  only when rates are recorded

Cells:

- UTF-8, RFC 4180 quoting (a cell with a comma, a double quote or a line break is quoted, and
  quotes are doubled), LF line ends; `--excel` adds a byte-order mark and CRLF line ends.
- An empty cell is "none" (no amount, no end date, not deleted).
- `amount` is an exact decimal in major units without grouping (`1400000000.00`, `-10.50`,
  JPY `500`), in the `currency` beside it (ISO 4217). Never a float, never altered.
- Dates are written as entered, at their precision: `2025-11-09`, `2025-08`, `2025-Q3`, `2025`,
  with the precision (`day`, `month`, `quarter`, `year`) in the column after.
- `stages` and `commodities` are lists separated by `; ` (`mining; magnets`).
- Timestamps (`created_at`, `updated_at`, `deleted_at`) are UTC, `2025-11-09T14:03:00.000Z`.
- Safe to open in a spreadsheet: a text cell that starts with `=`, `+`, `-`, `@`, a tab or a
  carriage return (after any leading apostrophes) gets one more leading `'`, so it is never
  run as a formula; import removes it again. Number and date columns are never changed.

Importing (`lodestone import SNAPSHOT`, or File → Import Snapshot…) first checks every file
against the manifest: a snapshot with a missing or edited file is refused and nothing
is changed. Into a new or empty tracker the snapshot is restored exactly (export it again and
you get the same files). Into a tracker that has records it is merged by id, in one
transaction: rows already there and identical are skipped, new ids are added, and a row whose
id holds something different (compared cell by cell, timestamps aside) is a conflict: it is
listed and the tracker's version kept, with whatever belongs to it (a conflicting deal's
parties, tranches and tags). The change history is not part of a snapshot.
---------------------------------------------------------------------------------------------
"""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from typing import Any

from lodestone.core.records.kinds import (
    CITATIONS,
    COMPANY,
    DEAL,
    EVENT,
    EVENT_COMPANIES,
    KIND_NAMES,
    PARTIES,
    SOURCE,
    TAGS,
    TRANCHES,
    ChildTable,
    RecordKind,
)
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
from lodestone.core.storage.db import TrackerError

FORMAT = "lodestone-snapshot"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"

# Column kinds: how a cell is written and read back.
ID, REF, INT = "id", "ref", "int"  # integers; a ref may be empty (no link)
TEXT = "text"  # free text: spreadsheet-escaped; with choices, one of them
CHOICE = "choice"  # a closed vocabulary value
DATE, PRECISION = "date", "precision"  # a fuzzy date's iso text and its precision
DAY, STAMP = "day", "stamp"  # a YYYY-MM-DD day; a UTC timestamp
AMOUNT, CURRENCY = "amount", "currency"  # exact decimal in major units and its ISO code
LIST = "list"  # a JSON list of vocabulary values (its choices), written "a; b"
NUMERIC_KINDS = (ID, REF, INT, AMOUNT)


class SnapshotError(TrackerError):
    """A snapshot cannot be written or read; the message is one sentence for the user.

    A TrackerError, so the command line and the app's background jobs report it as they
    report any refused file: one line, nothing changed."""


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    nullable: bool = False
    choices: tuple[str, ...] = ()
    pair: str = ""  # a precision's date column; an amount's currency column

    @property
    def db(self) -> str:
        """The table column holding this cell's value."""
        return "amount_minor" if self.kind == AMOUNT else self.name


@dataclass(frozen=True)
class FileSpec:
    """One CSV file of a snapshot and the table it mirrors.

    `key` identifies a row when merging; `refs` are integer columns that point at another
    table's id; `poly` marks a (record_kind, record_id) pair pointing at any record.
    """

    name: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ("id",)
    refs: dict[str, str] = field(default_factory=dict)
    poly: bool = False
    record_kind: str | None = None  # set for the four record tables (full-text indexed)
    optional: bool = False  # written only when the table exists and has rows

    @property
    def header(self) -> list[str]:
        return [c.name for c in self.columns]


def _c(name: str, kind: str = TEXT, nullable: bool = False, choices: tuple[str, ...] = (),
       pair: str = "") -> Column:  # fmt: skip
    return Column(name, kind, nullable, choices, pair)


_STAMPS = (_c("created_at", STAMP), _c("updated_at", STAMP), _c("deleted_at", STAMP, True))


def _date(name: str, nullable: bool = True, precision: str | None = None) -> tuple[Column, ...]:
    return (_c(name, DATE, nullable),
            _c(precision or f"{name}_precision", PRECISION, nullable, pair=name))


def _money() -> tuple[Column, ...]:
    return (_c("amount", AMOUNT, True, pair="currency"), _c("currency", CURRENCY, True))


def _file(described: RecordKind | ChildTable, columns: tuple[Column, ...],
          **options: Any) -> FileSpec:  # fmt: skip
    """The file of a record kind or child table, named and placed as its description says."""
    kind = described.name if isinstance(described, RecordKind) else None
    return FileSpec(described.snapshot_file, described.table, columns, record_kind=kind,
                    **options)  # fmt: skip


# A file per record kind followed by its children's, in the kinds' order; then citations, tags.
FILES: tuple[FileSpec, ...] = (
    _file(COMPANY, (
        _c("id", ID), _c("name"), _c("kind", CHOICE, choices=COMPANY_TYPES), _c("ticker"),
        _c("exchange"), _c("country"), _c("parent_id", REF, True),
        _c("stages", LIST, choices=STAGES), _c("commodities", LIST, choices=COMMODITIES),
        _c("website"), _c("notes"), *_STAMPS,
    ), refs={"parent_id": "companies"}),
    _file(DEAL, (
        _c("id", ID), _c("title"), _c("status", CHOICE, choices=DEAL_STATUSES),
        *_date("announced"), *_date("closed"), *_money(), _c("capacity_value"),
        _c("capacity_unit"), _c("capacity_product"), _c("stage", choices=("", *STAGES)),
        _c("commodities", LIST, choices=COMMODITIES),
        _c("country"), _c("description"), *_STAMPS,
    )),
    _file(PARTIES, (
        _c("id", ID), _c("deal_id", REF), _c("company_id", REF), _c("role", choices=PARTY_ROLES),
        _c("position", INT),
    ), refs={"deal_id": "deals", "company_id": "companies"}),
    _file(TRANCHES, (
        _c("id", ID), _c("deal_id", REF), _c("funder_id", REF, True),
        _c("instrument", CHOICE, choices=INSTRUMENTS), *_money(),
        _c("status", CHOICE, choices=TRANCHE_STATUSES), _c("notes"), _c("position", INT),
    ), refs={"deal_id": "deals", "funder_id": "companies"}),
    _file(EVENT, (
        _c("id", ID), _c("title"), _c("kind", CHOICE, choices=EVENT_TYPES),
        *_date("date", False), *_date("end_date", precision="end_precision"),
        _c("deal_id", REF, True), _c("country"), _c("description"), *_STAMPS,
    ), refs={"deal_id": "deals"}),
    _file(EVENT_COMPANIES, (
        _c("event_id", REF), _c("company_id", REF), _c("position", INT),
    ), key=("event_id", "company_id"), refs={"event_id": "events", "company_id": "companies"}),
    _file(SOURCE, (
        _c("id", ID), _c("url"), _c("publisher"), _c("title"), *_date("published"),
        _c("accessed", DAY, True), _c("notes"), *_STAMPS,
    )),
    _file(CITATIONS, (
        _c("id", ID), _c("source_id", REF), _c("record_kind", CHOICE, choices=KIND_NAMES),
        _c("record_id", INT), _c("field"), _c("quote"),
    ), refs={"source_id": "sources"}, poly=True),
    _file(TAGS, (
        _c("record_kind", CHOICE, choices=KIND_NAMES), _c("record_id", INT), _c("tag"),
    ), key=("record_kind", "record_id", "tag"), poly=True),
)  # fmt: skip
OPTIONAL_TABLES = ("exchange_rates",)
RECORD_TABLES = {spec.record_kind: spec.table for spec in FILES if spec.record_kind}


def generic_spec(table: str, table_info: list[tuple[Any, ...]]) -> FileSpec:
    """The spec of a table this module does not describe column by column (exchange rates):
    its columns in table order, integers as numbers and everything else as escaped text."""
    def text(value: Any) -> str:  # the export's connection reads text as bytes
        return value.decode() if isinstance(value, bytes) else str(value)

    columns = tuple(
        Column(text(row[1]), INT if "INT" in text(row[2]).upper() else TEXT, not row[3])
        for row in table_info
    )
    names = [c.name for c in columns]
    key = ("id",) if "id" in names else tuple(names)
    return FileSpec(f"{table}.csv", table, columns, key=key, optional=True)


def describe_files() -> str:
    """The README's list of files and columns, rendered from the specs (wrapped at 96)."""
    items = [(spec.name, ", ".join(spec.header)) for spec in FILES]
    items += [(f"{t}.csv", "the columns of the exchange-rate table (id, currency, base, date, "
                           "rate), only when rates are recorded") for t in OPTIONAL_TABLES]
    return "\n".join(textwrap.fill(f"- `{name}`: {columns}", width=96, subsequent_indent="  ")
                     for name, columns in items)


@dataclass(frozen=True)
class FileEntry:
    rows: int
    sha256: str


@dataclass(frozen=True)
class Manifest:
    """What a snapshot holds; written last, so a snapshot without one is incomplete."""

    app_version: str
    schema_version: int
    created_at: str  # UTC, ISO 8601
    files: dict[str, FileEntry]
    excel: bool = False

    def to_json(self) -> str:
        data = {
            "format": FORMAT, "format_version": FORMAT_VERSION, "app_version": self.app_version,
            "schema_version": self.schema_version, "created_at": self.created_at,
            "excel": self.excel,
            "files": {name: {"rows": e.rows, "sha256": e.sha256} for name, e in self.files.items()},
        }  # fmt: skip
        return json.dumps(data, indent=2) + "\n"

    @property
    def total_rows(self) -> int:
        return sum(entry.rows for entry in self.files.values())

    @classmethod
    def from_json(cls, text: str) -> Manifest:
        """Parse a manifest, refusing anything that is not one of ours (SnapshotError)."""
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != FORMAT:
                raise SnapshotError("its manifest.json is not a Lodestone snapshot manifest")
            version = data.get("format_version")
            if not _is_count(version):
                raise SnapshotError(f"its manifest.json is damaged (the format version "
                                    f"{str(version)[:40]!r} is not a whole number)")  # fmt: skip
            if version != FORMAT_VERSION:
                raise SnapshotError(
                    f"it is in snapshot format {version}; this version of "
                    f"Lodestone reads format {FORMAT_VERSION}")  # fmt: skip
            files = {
                str(name): FileEntry(_count(entry["rows"], f"{name} rows"), str(entry["sha256"]))
                for name, entry in data["files"].items()
            }
            return cls(str(data["app_version"]), _count(data["schema_version"], "schema_version"),
                       str(data["created_at"]), files, bool(data.get("excel", False)))  # fmt: skip
        except SnapshotError:
            raise
        except RecursionError:
            raise SnapshotError("its manifest.json is damaged (nested too deeply)") from None
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise SnapshotError(f"its manifest.json is damaged ({exc})") from None


MAX_COUNT = 2**63 - 1  # SQLite's largest integer: no row count or version can be larger


def _is_count(value: object) -> bool:
    return type(value) is int and 0 <= value <= MAX_COUNT


def _count(value: object, what: str) -> int:
    """A whole number from 0 up to MAX_COUNT, as the manifest must give its counts."""
    if not _is_count(value):
        raise ValueError(f"{what} is {str(value)[:40]!r}, not a whole number")
    return value  # type: ignore[return-value]
