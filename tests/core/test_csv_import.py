"""Importing foreign CSV files: messy files, bad cells, all-or-nothing, events, preview."""

from __future__ import annotations

from pathlib import Path

import pytest
from csv_data import count, deals, problems, write
from lodestone.core.csvio import CsvImportError, MappingError, import_csv, preview
from lodestone.core.progress import Cancelled
from lodestone.core.records import Company, Deal, Event
from lodestone.core.storage import Repository

HEADER = "Company Name,Lender,Type,raisedAmt,Date\n"


# -- deals ---------------------------------------------------------------------------------


def test_deal_rows_become_deals_with_one_tranche(repo: Repository, tmp_path: Path) -> None:
    osc = repo.save(Company("Office of Strategic Capital", company_type="government agency"))
    path = write(tmp_path, HEADER + "Vulcan Elements,office of strategic capital,Loan,"
                 "$620 million,2025-11\n")  # fmt: skip
    report = import_csv(repo.conn, path, "deals")
    assert report.written and report.stored == 1 and not report.invalid
    (deal,) = deals(repo)
    assert deal.title == "Vulcan Elements loan (Nov 2025)"
    assert deal.amount is not None and deal.amount.minor == 620_000_000_00
    assert deal.announced is not None and deal.announced.iso == "2025-11"
    (tranche,) = deal.tranches
    assert (tranche.instrument, tranche.funder_id, tranche.amount) == ("loan", osc.id, deal.amount)
    vulcan = repo.find_company("Vulcan Elements")
    assert vulcan is not None and deal.parties[0].company_id == vulcan.id
    assert [c.name for c in report.new_companies] == ["Vulcan Elements"]
    assert [e.action for e in repo.history("deal", deal.id)] == ["create"]  # type: ignore[arg-type]
    found = repo.conn.execute("SELECT rowid FROM deals_fts WHERE deals_fts MATCH 'vulcan'")
    assert [r[0] for r in found] == [deal.id]


def test_messy_file_quirks(repo: Repository, tmp_path: Path) -> None:
    """BOM, CRLF and LF mixed, no final newline, quoted commas, quotes and line breaks,
    doubled and trailing spaces, blank and padding rows, NA/n/a/- as missing."""
    text = ("\ufeffTitle,Recipient,Amount,Currency,Announced,Description,Country\r\n"
            '"Magnets, phase 1",  Vulcan   Elements  ,"$1.4 billion",NA,2015-08-29,'
            '"He said ""yes""\nand left",United States\n'
            "\r\n,,,,,,\n"
            "Plain deal,Acme Mining,\"1,400,000\",usd,2021,n/a,-\r\n"
            "Third,Acme Mining,6850000,EUR,Aug 2025,-,CA")  # fmt: skip
    report = import_csv(repo.conn, write(tmp_path, text), "deals")
    assert not report.invalid and report.stored == 3, problems(report)
    first, second, third = deals(repo)
    assert first.title == "Magnets, phase 1" and first.country == "US"
    assert first.description == 'He said "yes"\nand left'
    assert first.amount is not None and first.amount.minor == 1_400_000_000_00
    assert repo.get("company", first.parties[0].company_id).label == "Vulcan Elements"
    assert second.amount is not None and second.amount.currency == "USD"
    assert (second.description, second.country) == ("", "")
    assert second.announced is not None and second.announced.precision == "year"
    assert third.amount is not None and (third.amount.minor, third.amount.currency) == (
        6_850_000_00, "EUR")
    assert second.parties[0].company_id == third.parties[0].company_id  # one Acme Mining


@pytest.mark.parametrize(("cell", "fmt", "iso"), [
    ("1-May-07", None, "2007-05-01"), ("21-Aug-99", None, "1999-08-21"),
    ("2015-08-29", None, "2015-08-29"), ("05/01/2007", "%m/%d/%Y", "2007-05-01"),
    ("05/01/2007", "%d/%m/%Y", "2007-01-05"), ("2021", None, "2021"),
    ("Aug 2025", None, "2025-08"), ("Q3 2025", None, "2025-Q3"),
])  # fmt: skip
def test_dates(repo: Repository, tmp_path: Path, cell: str, fmt: str | None, iso: str) -> None:
    path = write(tmp_path, f"Recipient,Announced\nAcme,{cell}\n")
    report = import_csv(repo.conn, path, "deals", date_format=fmt)
    assert not report.invalid, problems(report)
    (deal,) = deals(repo)
    assert deal.announced is not None and deal.announced.iso == iso
    assert deal.title == f"Acme deal ({deal.announced.display()})"  # no title, no instrument


@pytest.mark.parametrize(("row", "column", "reason"), [
    ("Acme,abc,USD,2025", "Amount", "Cannot read 'abc'"),
    ("Acme,(1000),USD,2025", "Amount", "cannot be negative"),
    ("Acme,5,XYZ,2025", "Currency", "'XYZ' is not a known ISO 4217 code"),
    ("Acme,€5,USD,2025", "Amount", "is in EUR, but the currency column says USD"),
    ("Acme,5,,2025", "Amount", "no default currency"),
    ("Acme,5,USD,2025-13-01", "Announced", "there is no month 13"),
    ("Acme,5,USD,05/01/2007", "Announced", "ambiguous"),
    ("Acme,5,USD,1201", "Announced", "year 1201 is outside 1900-2100"),
    ("Acme,5,USD,3201-01-01", "Announced", "year 3201 is outside"),
    ("Acme,5,USD,2025,extra", "", "has 5 cells but the header has 4"),
    ("Acme,5", "", "has 2 cells but the header has 4"),
    ("\x07Acme,5,USD,2025", "Recipient", "Recipient contains a control character"),
    ("Acme\x00,5,USD,2025", "Recipient", "control character (U+0000)"),
])  # fmt: skip
def test_bad_cells_are_reported_by_row_and_column(repo: Repository, tmp_path: Path, row: str,
                                                  column: str, reason: str) -> None:  # fmt: skip
    path = write(tmp_path, f"Recipient,Amount,Currency,Announced\nGood Co,5,USD,2024\n{row}\n")
    report = import_csv(repo.conn, path, "deals")
    assert not report.written and count(repo, "deals") == 0 and count(repo, "companies") == 0
    (error,) = [e for e in report.errors]
    assert (error.row, error.column) == (3, column) and reason in error.message, error
    where = f"column {column!r}" if column else "the row"
    assert error.describe().startswith(f"row 3, {where}")


@pytest.mark.parametrize(("header", "cell", "column", "reason"), [
    ("Instrument", "mortgage", "Instrument", "'mortgage' is not one of: loan"),
    ("Title", "x" * 301, "Title", "too long (at most 300"),
    ("Description", "y" * 20_001, "Description", "too long (at most 20,000"),
    ("Status", "rumoured", "Status", "is not one of: announced"),
    ("Country", "Atlantis", "Country", "two-letter ISO 3166 code"),
    ("Source URL", "javascript:alert(1)", "Source URL", "must start with http"),
    ("Commodity", "unobtainium", "Commodity", "'unobtainium' is not one of"),
])  # fmt: skip
def test_validation_errors_name_the_column(
    repo: Repository, tmp_path: Path, header: str, cell: str, column: str, reason: str
) -> None:
    path = write(tmp_path, f"Recipient,{header}\nAcme,{cell}\n")
    report = import_csv(repo.conn, path, "deals")
    assert [(e.column, reason in e.message) for e in report.errors] == [(column, True)], (
        problems(report))


def test_long_fields_are_read_whole(repo: Repository, tmp_path: Path) -> None:
    text = "word " * 3_900
    report = import_csv(repo.conn, write(tmp_path, f'Recipient,Description\nAcme,"{text}"\n'),
                        "deals")  # fmt: skip
    assert not report.invalid
    assert deals(repo)[0].description == text.strip()


def test_all_or_nothing_then_skip_invalid(repo: Repository, tmp_path: Path) -> None:
    path = write(tmp_path, "Recipient,Amount\nGood Co,$5M\nBad Co,lots\nOther Co,7\n")
    report = import_csv(repo.conn, path, "deals", currency="EUR")
    assert not report.written and count(repo, "deals") == 0
    assert "Nothing was imported: 1 row has errors" in "\n".join(report.lines())
    report = import_csv(repo.conn, path, "deals", currency="EUR", skip_invalid=True)
    assert report.written and report.stored == 2 and count(repo, "deals") == 2
    assert {c.name for c in report.new_companies} == {"Good Co", "Other Co"}  # not "Bad Co"
    assert repo.find_company("Bad Co") is None
    assert report.rejected_file == tmp_path / "in.rejected.csv"
    rejected = report.rejected_file.read_text(encoding="utf-8-sig").splitlines()
    assert rejected[0] == "rejected row,problems,Recipient,Amount"
    assert rejected[1].startswith("3,") and rejected[1].endswith(",Bad Co,lots")
    again = import_csv(repo.conn, path, "deals", currency="EUR", skip_invalid=True)
    assert again.rejected_file == tmp_path / "in.rejected-2.csv"  # never overwritten


def test_dry_run_writes_nothing(repo: Repository, tmp_path: Path) -> None:
    path = write(tmp_path, "Recipient,Amount,Source\nAcme,5,https://example.com/a\n")
    report = import_csv(repo.conn, path, "deals", currency="USD", dry_run=True)
    assert not report.written and report.stored == 1
    assert [c.name for c in report.new_companies] == ["Acme"]
    assert all(count(repo, t) == 0 for t in ("deals", "companies", "sources", "change_log"))
    assert "Would import 1 deals (dry run: nothing was written)." in report.lines()
    path.write_text("Recipient,Amount\nAcme,5\nBad,lots\n")
    report = import_csv(repo.conn, path, "deals", currency="USD", dry_run=True)
    assert report.lines()[1].startswith("Nothing would be imported: 1 row has errors")
    assert count(repo, "deals") == 0


def test_sources_are_cited_and_shared(repo: Repository, tmp_path: Path) -> None:
    path = write(tmp_path, "Recipient,Source URL\nA,https://gov.example/awards\n"
                           "B,https://gov.example/awards\nC,\n")  # fmt: skip
    import_csv(repo.conn, path, "deals")
    assert count(repo, "sources") == 1
    cited = [c[0] for c in repo.conn.execute("SELECT record_id FROM citations")]
    assert cited == [1, 2]
    import_csv(repo.conn, path, "deals")
    assert count(repo, "sources") == 1 and count(repo, "citations") == 4


def test_header_currency_and_default_currency(repo: Repository, tmp_path: Path) -> None:
    path = write(tmp_path, "Recipient,Amount (EUR),Currency\nA,5,\nB,6,GBP\n")
    report = import_csv(repo.conn, path, "deals", currency="USD")
    assert not report.invalid
    assert [d.amount.currency for d in deals(repo)] == ["EUR", "GBP"]  # type: ignore[union-attr]


# -- events --------------------------------------------------------------------------------


def test_events_with_companies_and_periods(repo: Repository, tmp_path: Path) -> None:
    text = ("Headline,Start Date,End Date,Type,Companies,Country\n"
            "China lifts export controls,Nov 2025,Nov 2026,Trade Restriction,,China\n"
            'Partnership,2025-08,,partnership,"Energy Fuels; Vulcan Elements, Inc.",US\n')
    report = import_csv(repo.conn, write(tmp_path, text), "events")
    assert not report.invalid, problems(report)
    first, second = (repo.get("event", i) for i in (1, 2))
    assert isinstance(first, Event) and isinstance(second, Event)
    assert (first.event_type, first.country, first.end_date.iso) == (  # type: ignore[union-attr]
        "trade restriction", "CN", "2026-11")
    assert [repo.get("company", i).label for i in second.company_ids] == [
        "Energy Fuels", "Vulcan Elements, Inc."]


@pytest.mark.parametrize(("row", "column", "reason"), [
    ("Title,,other", "Date", "Date is required"),
    ("Title,2025,volcano", "Kind", "'volcano' is not one of"),
    (",2025,other", "Title", "Title is required"),
])  # fmt: skip
def test_event_errors(repo: Repository, tmp_path: Path, row: str, column: str,
                      reason: str) -> None:  # fmt: skip
    report = import_csv(repo.conn, write(tmp_path, f"Title,Date,Kind\n{row}\n"), "events")
    assert [(e.column, reason in e.message) for e in report.errors] == [(column, True)], (
        problems(report))


# -- files that cannot be read ---------------------------------------------------------------


@pytest.mark.parametrize(("content", "match"), [
    (b"", "is empty"),
    (b"\n\n  \n", "no header row"),
    (b"Recipient\nA\n\"unterminated\nB\n", "cannot be read after row 2.*a quote may be"),
])  # fmt: skip
def test_unreadable_files(repo: Repository, tmp_path: Path, content: bytes, match: str) -> None:
    with pytest.raises(CsvImportError, match=match):
        import_csv(repo.conn, write(tmp_path, content), "deals")


def test_missing_file_and_folder(repo: Repository, tmp_path: Path) -> None:
    with pytest.raises(CsvImportError, match="does not exist"):
        import_csv(repo.conn, tmp_path / "nope.csv", "deals")
    with pytest.raises(CsvImportError, match="is a folder"):
        import_csv(repo.conn, tmp_path, "deals")


def test_missing_required_column(repo: Repository, tmp_path: Path) -> None:
    with pytest.raises(MappingError, match="mapped to name"):
        import_csv(repo.conn, write(tmp_path, "Ticker,Website\nA,B\n"), "companies")


def test_latin1_file_is_read_as_windows_1252_with_a_warning(repo: Repository,
                                                           tmp_path: Path) -> None:  # fmt: skip
    path = write(tmp_path, "Recipient;Description\nSociété Générale;Prêt – 5 €\n".encode("cp1252"))
    report = import_csv(repo.conn, path, "deals")
    assert not report.invalid
    (deal,) = deals(repo)
    assert deal.description == "Prêt – 5 €"  # semicolons detected as the delimiter too
    assert repo.get("company", deal.parties[0].company_id).label == "Société Générale"
    assert any("is not UTF-8" in w and "Windows-1252" in w for w in report.warnings)


# -- preview, progress and cancel --------------------------------------------------------------


def test_preview_reads_the_first_rows_and_writes_nothing(repo: Repository, tmp_path: Path) -> None:
    rows = "".join(f"Co {i},{'bad' if i == 2 else i}\n" for i in range(50))
    mapping, results = preview(write(tmp_path, "Recipient,Amount\n" + rows), "deals",
                               conn=repo.conn, currency="USD", limit=5)  # fmt: skip
    assert mapping.columns == {"recipient": 0, "amount": 1}
    assert [r.row for r in results] == [2, 3, 4, 5, 6]
    assert [r.ok for r in results] == [True, True, False, True, True]
    assert isinstance(results[0].record, Deal) and count(repo, "companies") == 0


def test_progress_and_cancel(repo: Repository, tmp_path: Path) -> None:
    path = write(tmp_path, "Recipient,Amount\n" + "".join(f"Co {i},{i}\n" for i in range(3000)))
    seen: list[tuple[int, int]] = []
    import_csv(repo.conn, path, "deals", currency="USD", progress=lambda d, t: seen.append((d, t)))
    assert seen[-1][0] == seen[-1][1] and [d for d, _ in seen] == sorted(d for d, _ in seen)
    with pytest.raises(Cancelled):
        import_csv(repo.conn, path, "deals", currency="USD", cancelled=lambda: True)
    assert count(repo, "deals") == 3000 and not repo.conn.in_transaction


def test_the_cycle_collector_waits_during_an_import_and_comes_back(tmp_path, monkeypatch):
    import gc

    from lodestone.core.csvio import import_csv
    from lodestone.core.csvio import importer as module

    seen = []
    original = module.RowParser

    class Spy(original):  # type: ignore[misc, valid-type]
        def __init__(self, *args, **kwargs):
            seen.append(gc.isenabled())
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(module, "RowParser", Spy)
    csv = tmp_path / "c.csv"
    csv.write_text("name,kind\nVulcan Elements,company\n", encoding="utf-8")
    assert gc.isenabled()
    import_csv(tmp_path / "t.db", csv, "companies")
    assert seen == [False]
    assert gc.isenabled()


def test_skip_invalid_imports_nothing_when_the_rejected_rows_cannot_be_kept(
    repo: Repository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Writing the rejected rows fails (a read-only folder): the valid rows are not committed
    either, so a retry does not import them twice."""
    import lodestone.core.csvio.report as report_module

    def no_room(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied")

    path = write(tmp_path, "Recipient,Amount\nGood Co,$5M\nBad Co,lots\nOther Co,7\n")
    monkeypatch.setattr(report_module.tempfile, "mkstemp", no_room)
    with pytest.raises(CsvImportError, match="rejected rows cannot be written beside .* "
                                             r"\(Permission denied\), so nothing was imported"):
        import_csv(repo.conn, path, "deals", currency="EUR", skip_invalid=True)
    assert count(repo, "deals") == 0 and count(repo, "companies") == 0
    assert not repo.conn.in_transaction


def test_the_rejected_rows_go_when_the_import_cannot_commit(
    repo: Repository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lodestone.core.csvio.importer as importer

    real_commit = importer._commit

    def full_disk(store: object, rejected: Path | None) -> None:
        real_commit(_FailingStore(), rejected)  # type: ignore[arg-type]

    class _FailingWrites:
        def commit(self) -> None:
            raise OSError(28, "No space left on device")

    class _FailingStore:
        writes = _FailingWrites()

    path = write(tmp_path, "Recipient,Amount\nGood Co,$5M\nBad Co,lots\n")
    monkeypatch.setattr(importer, "_commit", full_disk)
    with pytest.raises(OSError, match="No space left"):
        import_csv(repo.conn, path, "deals", currency="EUR", skip_invalid=True)
    assert count(repo, "deals") == 0 and list(tmp_path.glob("*.rejected*")) == []


def test_rejected_rows_are_safe_to_open_in_a_spreadsheet(repo: Repository, tmp_path: Path) -> None:
    """Formula-like cells get the export's leading apostrophe; plain numbers stay numbers."""
    path = write(tmp_path, "Recipient,Amount,Ignored\nGood Co,$5M,ok\n"
                           "=HYPERLINK(http://example.com),lots,-10.50\n")  # fmt: skip
    report = import_csv(repo.conn, path, "deals", currency="EUR", skip_invalid=True,
                        mapping=[("Ignored", "")])  # fmt: skip
    assert report.rejected_file is not None
    rejected = report.rejected_file.read_text(encoding="utf-8-sig").splitlines()
    assert rejected[1].endswith(",'=HYPERLINK(http://example.com),lots,-10.50"), rejected
