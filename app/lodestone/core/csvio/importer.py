"""Importing a foreign CSV file of companies, deals or events: all of it, or nothing.

The whole file is read and every row checked inside one transaction, committed only when every
row was valid: with any invalid row, nothing is written and every problem is reported (row,
column, value, reason), unless `skip_invalid`: then the valid rows are stored and the rejected
ones are written, with their reasons, to a CSV file beside the input that can be fixed and
imported again. A dry run checks it all and writes nothing, so it reports exactly what an
import would do. `preview` reads the first rows the same way for the import dialog. Rows are
stored batch by batch as they are checked (the next batch is parsed while one is stored).

Each deal row becomes a deal with its recipient as party and one tranche (funder, instrument,
amount); a deal without a title is named "<recipient> <instrument> (<announced>)".
"""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from lodestone.core.csvio.batch import BatchParser, parse_rows
from lodestone.core.csvio.company_match import CompanyMatcher
from lodestone.core.csvio.mapping import ColumnMapping, Explicit, check_kind, resolve_mapping
from lodestone.core.csvio.numbering import Batch, CsvNumbering
from lodestone.core.csvio.report import LISTED, CsvImportReport, write_rejected
from lodestone.core.csvio.rows import RowParser, RowResult
from lodestone.core.csvio.source import CsvImportError, CsvSource
from lodestone.core.csvio.store import CsvStore
from lodestone.core.csvio.values import check_date_format
from lodestone.core.csvio.workers import Pipeline, parsed_batches
from lodestone.core.progress import CancelCheck, Progress, Ticker, collector_paused
from lodestone.core.records.money import is_currency
from lodestone.core.storage.db import open_tracker

__all__ = ["LISTED", "CsvImportError", "CsvImportReport", "ImportOptionError", "Pipeline",
           "import_csv", "preview", "write_rejected"]  # fmt: skip

PREVIEW_ROWS = 20
PIPELINE = Pipeline.default()  # batches of 5,000 rows; worker processes from 1 MiB on
SWITCH_SECONDS = 0.0005  # how long a thread waits for the interpreter lock during an import


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


@contextmanager
def _transaction(conn_or_path: sqlite3.Connection | Path | str,
                 write: bool) -> Iterator[sqlite3.Connection]:  # fmt: skip
    """A transaction (holding the write lock when `write`) that is rolled back unless the
    body calls COMMIT itself; a path gets its own connection (read-only unless `write`)."""
    own = not isinstance(conn_or_path, sqlite3.Connection)
    if isinstance(conn_or_path, sqlite3.Connection):
        conn = conn_or_path
    else:
        conn = open_tracker(conn_or_path, readonly=not write, create=write)
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


@contextmanager
def _switching_often() -> Iterator[None]:
    """While a batch is parsed, the thread storing the one before needs the interpreter lock
    back after each statement, and the window's thread after each event; by default Python
    makes them wait 5 ms for it while another thread runs Python code. Shorter waits for the
    duration of the import (the setting is the process's: it is put back afterwards)."""
    was = sys.getswitchinterval()
    sys.setswitchinterval(min(was, SWITCH_SECONDS))
    try:
        yield
    finally:
        sys.setswitchinterval(was)


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
    return columns, parse_rows(parser, source.sample(limit))


def import_csv(
    conn_or_path: sqlite3.Connection | Path | str, path: Path | str, kind: str, *,
    mapping: Explicit = (), currency: str | None = None, date_format: str | None = None,
    skip_invalid: bool = False, dry_run: bool = False,
    company_choices: Mapping[str, int] | None = None,
    progress: Progress | None = None, cancelled: CancelCheck | None = None,
    before_write: Callable[[], None] | None = None, pipeline: Pipeline | None = None,
) -> CsvImportReport:  # fmt: skip
    """Import the rows of the CSV file at `path` as records of `kind` (module docstring).

    Raises ImportOptionError or MappingError for options that cannot work, CsvImportError
    for a file that cannot be read, Cancelled on `cancelled()`: in each case nothing is
    written. Invalid rows are not raised but reported in the returned report.
    `company_choices` maps a company name of the file to the id of the tracker's company it
    means (the dialog's company-matching step). `before_write()` runs when the rows are
    checked and about to be stored (not in a dry run): the place for a backup. Rows are
    stored in batches as they are checked, all in one transaction that is rolled back unless
    every row was valid (or `skip_invalid`), so `before_write()` runs before the first batch.
    `pipeline` says how the rows are parsed (batch size, worker processes; `csv_workers`).
    """
    check_options(kind, currency, date_format)
    source = CsvSource.open(path)
    report = CsvImportReport(source.path, resolve_mapping(kind, source.headers, mapping),
                             dry_run=dry_run, warnings=list(source.warnings))  # fmt: skip
    # Progress: the bytes of the file as its rows are checked and stored, then one unit per
    # index rebuilt after a big import.
    ticker = Ticker(source.size, progress, cancelled, "The import")
    with collector_paused(), _transaction(conn_or_path, write=not dry_run) as conn:
        matcher = CompanyMatcher.from_tracker(conn, company_choices)
        parser = BatchParser(RowParser(report.mapping, matcher, currency, date_format))
        store = None if dry_run else CsvStore(conn, source.path.name)
        numbering = CsvNumbering(matcher, store.next_ids() if store else {},
                                 writing=store is not None,
                                 defaults=store.defaults if store else None)  # fmt: skip
        try:
            _read(source, parser, numbering, store, report, ticker, skip_invalid, before_write,
                  pipeline or PIPELINE)
            report.matched, report.duplicates = matcher.matched, matcher.duplicates
            if report.invalid and not skip_invalid:
                return report
            if store is not None:
                _finish(store, ticker, before_write)
                if report.invalid:  # skip_invalid: the rejected rows are kept before the rest
                    report.rejected_file = _write_rejected_first(source, report.invalid)
                _commit(store, report.rejected_file)
                report.written = True
                report.changes = store.writes.committed
        finally:
            if store is not None:
                store.close()
    ticker.finish()
    return report


def _write_rejected_first(source: CsvSource, invalid: list[RowResult]) -> Path:
    """The rejected rows' file, written before the valid rows are committed: an import that
    cannot keep them imports nothing, so that a retry does not import the valid rows twice."""
    try:
        return write_rejected(source, invalid)
    except OSError as exc:
        raise CsvImportError(f"the rejected rows cannot be written beside {source.path} "
                             f"({exc.strerror or exc}), so nothing was imported; fix the "
                             "folder or import without --skip-invalid") from None  # fmt: skip


def _commit(store: CsvStore, rejected_file: Path | None) -> None:
    """COMMIT; if it fails, the rejected rows' file goes too (nothing was imported)."""
    try:
        store.writes.commit()
    except BaseException:
        if rejected_file is not None:
            rejected_file.unlink(missing_ok=True)
        raise


def _read(source: CsvSource, parser: BatchParser, numbering: CsvNumbering,
          store: CsvStore | None, report: CsvImportReport, ticker: Ticker, skip_invalid: bool,
          before_write: Callable[[], None] | None, pipeline: Pipeline) -> None:  # fmt: skip
    """Check every row into `report`, storing each batch as it comes for as long as the import
    can still succeed (until an invalid row without `skip_invalid`: then only checking)."""
    stored, new_companies = 0, []
    batches = parsed_batches(source, parser, pipeline, lambda: numbering.writing,
                             lambda parsed, moved, read: numbering.batch(parsed.laid, moved, read))
    with _switching_often(), batches as numbered:
        for batch in numbered:
            report.rows += batch.rows
            report.invalid += [r for r in batch.results if not r.ok]
            report.skipped += [r for r in batch.results if r.ok and r.note]
            if report.invalid and not skip_invalid:
                numbering.writing = False  # from the next batch on: nothing will be stored
            stored += batch.stored
            new_companies += batch.new_companies
            if store is not None and batch.tables and numbering.writing:
                if not store.started:
                    if before_write is not None:
                        before_write()
                    store.start(_expected(batch, source))
                store.write(batch)
            ticker.advance(batch.bytes_read - ticker.done)
    if not report.invalid or skip_invalid:
        report.stored, report.new_companies = stored, new_companies


def _expected(batch: Batch, source: CsvSource) -> dict[str, int]:
    """How many records of each kind the whole file will give, from its first batch (the
    companies it names that the tracker lacks among its companies)."""
    share = min(max(batch.bytes_read, 1) / max(source.size, 1), 1.0)
    counts = dict(batch.counts)
    counts["company"] = counts.get("company", 0) + len(batch.new_companies)
    return {kind: round(count / share) for kind, count in counts.items()}


def _finish(store: CsvStore, ticker: Ticker, before_write: Callable[[], None] | None) -> None:
    if not store.started and before_write is not None:
        before_write()  # nothing to store, but the caller was told it runs before a write
    ticker.add_total(len(store.deferred))
    store.finish(lambda: ticker.advance(1))
