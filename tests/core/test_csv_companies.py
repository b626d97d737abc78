"""Companies in foreign CSV files: matching names to the tracker, and files of companies."""

from __future__ import annotations

from pathlib import Path

from csv_data import count, deals, problems, write
from lodestone.core.csvio import import_csv
from lodestone.core.records import Company
from lodestone.core.storage import Repository


def test_company_names_are_matched_to_the_tracker(repo: Repository, tmp_path: Path) -> None:
    vulcan = repo.save(Company("Vulcan Elements Inc."))
    acme = repo.save(Company("Acme"))
    path = write(tmp_path, 'Recipient\n"VULCAN ELEMENTS, INCORPORATED"\nvulcan elements inc\n'
                           "Acme Ltd\nAcme Limited\n")  # fmt: skip
    report = import_csv(repo.conn, path, "deals")
    assert not report.invalid, problems(report)
    parties = [d.parties[0].company_id for d in deals(repo)]
    assert parties[:2] == [vulcan.id, vulcan.id]
    assert parties[2] == parties[3] != acme.id  # one new "Acme Ltd", a likely duplicate
    assert report.matched == {"VULCAN ELEMENTS, INCORPORATED": "Vulcan Elements Inc.",
                              "vulcan elements inc": "Vulcan Elements Inc."}  # fmt: skip
    assert report.duplicates == [("Acme Ltd", "Acme")]
    assert "likely duplicate, kept separate: 'Acme Ltd' and 'Acme'" in "\n".join(report.lines())


def test_company_choices_merge_a_likely_duplicate(repo: Repository, tmp_path: Path) -> None:
    acme = repo.save(Company("Acme"))
    path = write(tmp_path, "Recipient\nAcme Ltd\n")
    report = import_csv(repo.conn, path, "deals", company_choices={"Acme Ltd": acme.id})  # type: ignore[dict-item]
    assert deals(repo)[0].parties[0].company_id == acme.id and not report.new_companies


def test_companies_file(repo: Repository, tmp_path: Path) -> None:
    repo.save(Company("Existing Corp"))
    text = ("Company Name,Type,Ticker,Parent Company,Website,Country\n"
            "ReElement Technologies,company,,American Resources Corp.,https://re.example,US\n"
            "American Resources Corp.,Company,NASDAQ:AREC,,,us\n"
            "existing corporation,,,,,\n"
            "Energy Agency,Agency,,,,Canada\n")  # fmt: skip
    report = import_csv(repo.conn, write(tmp_path, text), "companies")
    assert report.stored == 3 and not report.invalid, problems(report)
    child, parent = repo.find_company("ReElement Technologies"), repo.find_company(
        "American Resources Corp.")  # fmt: skip
    assert child is not None and parent is not None and child.parent_id == parent.id
    assert (parent.exchange, parent.ticker, parent.country) == ("NASDAQ", "AREC", "US")
    agency = repo.find_company("Energy Agency")
    assert agency is not None
    assert (agency.company_type, agency.country) == ("government agency", "CA")
    assert [r.note for r in report.skipped] == [
        "'existing corporation' is already in the tracker; the row was skipped"]
    assert count(repo, "companies") == 4 and not report.new_companies


def test_companies_file_errors(repo: Repository, tmp_path: Path) -> None:
    text = "Name,Kind,Parent\nA,company,B\nA,company,\nB,spaceship,\n"
    report = import_csv(repo.conn, write(tmp_path, text), "companies")
    messages = problems(report)
    assert "row 3, column 'Name' ('A'): Name 'A' repeats row 2" in messages
    assert any("row 4, column 'Kind' ('spaceship')" in m for m in messages)
    assert any("row 2, column 'Parent' ('B'): Parent company is on row 4" in m
               for m in messages)  # fmt: skip
