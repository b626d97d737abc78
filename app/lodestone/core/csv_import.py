"""Importing a foreign CSV file of companies, deals or events: all of it, or nothing.

The whole file is read and every row checked inside one transaction before anything is
stored. With any invalid row, nothing is written and every problem is reported (row, column,
value, reason), unless `skip_invalid`: then the valid rows are stored and the rejected ones
are written, with their reasons, to a CSV file beside the input that can be fixed and
imported again. A dry run does all of it and rolls back, so it reports exactly what an import
would do. `preview` reads the first rows the same way for the import dialog.

Each deal row becomes a deal with its recipient as party and one tranche (funder, instrument,
amount); a deal without a title is named "<recipient> <instrument> (<announced>)".
"""

from __future__ import annotations

import csv
import os
import sqlite3
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from lodestone.core.company_match import CompanyMatcher, NewCompany
from lodestone.core.csv_mapping import ColumnMapping, Explicit, check_kind, resolve_mapping
from lodestone.core.csv_rows import CellError, RowParser, RowResult
from lodestone.core.csv_source import CsvImportError, CsvSource
from lodestone.core.csv_store import CsvStore, new_companies, stored_records
from lodestone.core.csv_values import check_date_format
from lodestone.core.db import open_tracker
from lodestone.core.money import is_currency
from lodestone.core.progress import CancelCheck, Progress, Ticker, collector_paused

__all__ = ["CsvImportError", "CsvImportReport", "ImportOptionError", "import_csv", "preview"]

PREVIEW_ROWS = 20
LISTED = 50  # problems and names listed one by one in the report's lines


class ImportOptionError(ValueError):
    """An import option is wrong whatever the file holds (currency, date format)."""


def check_options(kind: str, currency: str | None, date_format: str | None) -> None:
    check_kind(kind)
    if currency is not None and not is_currency(currency):
        raise ImportOptionError(f"unknown currency {currency!r}: expected an ISO 4217 code "
                                "such as USD or EUR")  # fmt: skip
    if date_format is not None:
        try:
            check_date_format(date_format)
        except ValueError as exc:
            raise ImportOptionError(str(exc)) from None


@dataclass
class CsvImportReport:
    """What an import read, stored (or, in a dry run, would store) and refused."""

    path: Path
    mapping: ColumnMapping
    rows: int = 0
    stored: int = 0
    written: bool = False
    dry_run: bool = False
    invalid: list[RowResult] = field(default_factory=list)
    skipped: list[RowResult] = field(default_factory=list)
    new_companies: list[NewCompany] = field(default_factory=list)
    matched: dict[str, str] = field(default_factory=dict)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rejected_file: Path | None = None

    @property
    def errors(self) -> list[CellError]:
        return [error for result in self.invalid for error in result.errors]

    def lines(self, listed: int | None = LISTED) -> list[str]:
        """The report in sentences; at most `listed` items of each list (None: all)."""
        kind = self.mapping.kind
        out = [f"{self.path.name}: {self.rows:,} rows of {kind} "
               f"({'; '.join(self.mapping.describe())})."] + self.warnings  # fmt: skip
        if self.written or (self.dry_run and self.stored):
            verb = "Would import" if self.dry_run else "Imported"
            out.append(f"{verb} {self.stored:,} {kind}"
                       + (" (dry run: nothing was written)." if self.dry_run else "."))
        elif self.invalid:
            rows = _count(len(self.invalid), "row has", "rows have")
            verb = "would be" if self.dry_run else "was"
            out.append(f"Nothing {verb} imported: {rows} errors (fix them, or use "
                       "--skip-invalid to import the valid rows).")
        out += [f"  {r.note} (row {r.row})" for r in self.skipped[:listed]]
        if self.new_companies:
            names = ", ".join(c.name for c in self.new_companies[:listed])
            more = len(self.new_companies) - len(self.new_companies[:listed])
            out.append(f"New companies ({len(self.new_companies):,}): {names}"
                       + (f" and {more:,} more" if more else ""))
        out += [f"  {name!r} matched the tracker's {known!r}"
                for name, known in list(self.matched.items())[:listed]]  # fmt: skip
        out += [f"  likely duplicate, kept separate: {new!r} and {old!r}"
                for new, old in self.duplicates[:listed]]  # fmt: skip
        errors = self.errors
        if errors:
            out.append(f"Rows with errors ({len(self.invalid):,}):")
            out += [f"  {e.describe()}" for e in errors[:listed]]
            if len(errors) > len(errors[:listed]):
                out.append(f"  ... and {len(errors) - len(errors[:listed]):,} more problems")
        if self.rejected_file is not None:
            out.append(f"The rejected rows were written to {self.rejected_file}")
        return out


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


@contextmanager
def _transaction(conn_or_path: sqlite3.Connection | Path | str,
                 write: bool) -> Iterator[sqlite3.Connection]:  # fmt: skip
    """A transaction (holding the write lock when `write`) that is rolled back unless the
    body calls COMMIT itself; a path gets its own connection (read-only unless `write`)."""
    own = not isinstance(conn_or_path, sqlite3.Connection)
    if own:
        conn = open_tracker(conn_or_path, readonly=not write, create=write)
    else:
        conn = conn_or_path  # type: ignore[assignment]
    try:
        if conn.in_transaction:
            raise CsvImportError("the tracker is in the middle of another change; try again")
        conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        try:
            yield conn
        finally:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
    finally:
        if own:
            conn.close()


def _parse(source: CsvSource, parser: RowParser, rows: Iterator[tuple[int, list[str]]],
           ticker: Ticker | None) -> list[RowResult]:  # fmt: skip
    results = []
    for count, (number, cells) in enumerate(rows, 1):
        results.append(parser.parse(number, cells))
        if ticker is not None and count % 1000 == 0:
            ticker.advance(source.bytes_read - ticker.done)
    if parser.mapping.kind == "companies":
        _check_parents(results, parser)
    return results


def _check_parents(results: list[RowResult], parser: RowParser) -> None:
    """A company whose parent is defined by an invalid row cannot be stored either."""
    invalid = {id(r) for r in results if not r.ok}
    by_company = {r.record.id: r for r in results if r.record is not None}
    for result in results:
        parent = getattr(result.record, "parent_id", None)
        if result.ok and parent in by_company and id(by_company[parent]) in invalid:
            row = by_company[parent].row
            parser.reject(result, "parent", f"Parent company is on row {row}, which has errors")


def preview(
    path: Path | str, kind: str, mapping: Explicit = (), *,
    conn: sqlite3.Connection | None = None, currency: str | None = None,
    date_format: str | None = None, limit: int = PREVIEW_ROWS,
    company_choices: Mapping[str, int] | None = None,
) -> tuple[ColumnMapping, list[RowResult]]:  # fmt: skip
    """The mapping and the first `limit` rows as the import would read them (with their
    errors), matched against `conn`'s companies when given; nothing is written."""
    check_options(kind, currency, date_format)
    source = CsvSource.open(path)
    columns = resolve_mapping(kind, source.headers, mapping)
    matcher = CompanyMatcher(choices=dict(company_choices or {}))
    if conn is not None:
        matcher = CompanyMatcher.from_tracker(conn, company_choices)
    parser = RowParser(columns, matcher, currency, date_format)
    return columns, _parse(source, parser, iter(source.sample(limit)), None)


def import_csv(
    conn_or_path: sqlite3.Connection | Path | str, path: Path | str, kind: str, *,
    mapping: Explicit = (), currency: str | None = None, date_format: str | None = None,
    skip_invalid: bool = False, dry_run: bool = False,
    company_choices: Mapping[str, int] | None = None,
    progress: Progress | None = None, cancelled: CancelCheck | None = None,
    before_write: Callable[[], None] | None = None,
) -> CsvImportReport:  # fmt: skip
    """Import the rows of the CSV file at `path` as records of `kind` (module docstring).

    Raises ImportOptionError or MappingError for options that cannot work, CsvImportError
    for a file that cannot be read, Cancelled on `cancelled()`: in each case nothing is
    written. Invalid rows are not raised but reported in the returned report.
    `company_choices` maps a company name of the file to the id of the tracker's company it
    means (the dialog's company-matching step). `before_write()` runs when the rows are
    checked and about to be stored (not in a dry run): the place for a backup.
    """
    check_options(kind, currency, date_format)
    source = CsvSource.open(path)
    report = CsvImportReport(source.path, resolve_mapping(kind, source.headers, mapping),
                             dry_run=dry_run, warnings=list(source.warnings))  # fmt: skip
    # Progress: the bytes of the file while reading, then one unit per record written.
    ticker = Ticker(source.size, progress, cancelled, "The import")
    with collector_paused(), _transaction(conn_or_path, write=not dry_run) as conn:
        matcher = CompanyMatcher.from_tracker(conn, company_choices)
        parser = RowParser(report.mapping, matcher, currency, date_format)
        results = _parse(source, parser, source.rows(), ticker)
        report.rows = len(results)
        report.invalid = [r for r in results if not r.ok]
        report.skipped = [r for r in results if r.ok and r.note]
        report.matched, report.duplicates = matcher.matched, matcher.duplicates
        if report.invalid and not skip_invalid:
            return report
        records = stored_records(results)
        companies = new_companies(records, matcher)
        report.new_companies = [matcher.new[c.id] for c in companies if c.id is not None]
        report.stored = len(records)
        ticker.advance(source.size - ticker.done)
        ticker.add_total(len(records) + len(report.new_companies))
        if not dry_run:
            if before_write is not None:
                before_write()
            CsvStore(conn, ticker.advance).write(results, records, companies)
            conn.execute("COMMIT")
            report.written = True
    if report.invalid and skip_invalid and not dry_run:
        report.rejected_file = write_rejected(source, report.invalid)
    ticker.finish()
    return report


def _free_name(path: Path) -> Path:
    candidate = path.with_name(f"{path.stem}.rejected.csv")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.rejected-{number}.csv")
        number += 1
    return candidate


def write_rejected(source: CsvSource, invalid: list[RowResult]) -> Path:
    """The rejected rows, as they were, after columns giving their row and problems: a file
    to fix and import again (the extra columns are not mapped to any field)."""
    target = _free_name(source.path)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow(["rejected row", "problems", *source.headers])
            for result in invalid:
                problems = "; ".join(e.describe().partition(": ")[2] or e.message
                                     for e in result.errors)  # fmt: skip
                writer.writerow([result.row, problems, *result.cells])
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target
