"""`lodestone export`, `import` and `import-csv`: results, exit codes and one-line errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lodestone.cli import main
from lodestone.core.samples.example import load_example
from lodestone.core.storage import Repository

DEALS = "Company Name,Lender,Type,raisedAmt,Date\nVulcan Elements,BMW i Ventures,Loan,$5M,2025-08\n"


@pytest.fixture
def tracker(tmp_path: Path) -> Path:
    path = tmp_path / "t.db"
    repo = Repository.open(path)
    try:
        load_example(repo)
    finally:
        repo.close()
    return path


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def usage_error(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_info:
        main([str(a) for a in argv])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "usage:" in err
    return err.strip().splitlines()[-1]


def failure(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    code, _, err = run(capsys, *argv)
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("lodestone: error: "), err
    return lines[0]


def count(db: Path, table: str) -> int:
    repo = Repository.open(db)
    try:
        return int(repo.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
    finally:
        repo.close()


# -- export and import -------------------------------------------------------------------------


def test_export_then_import_restores(capsys: pytest.CaptureFixture[str], tracker: Path,
                                     tmp_path: Path) -> None:  # fmt: skip
    code, out, _ = run(capsys, "export", "--db", tracker, tmp_path / "snap")
    assert code == 0 and out.startswith(f"Exported {tracker} to {tmp_path / 'snap'}: 13 companies")
    code, out, _ = run(capsys, "import", "--db", tmp_path / "new.db", tmp_path / "snap")
    assert code == 0 and out.startswith("Restored 13 companies, 3 deals")
    assert count(tmp_path / "new.db", "citations") == count(tracker, "citations") > 0


def test_export_excel_zip(capsys: pytest.CaptureFixture[str], tracker: Path,
                          tmp_path: Path) -> None:  # fmt: skip
    code, _, _ = run(capsys, "export", "--db", tracker, "--excel", tmp_path / "s.zip")
    assert code == 0 and (tmp_path / "s.zip").is_file()


def test_import_into_a_tracker_with_records_backs_it_up(
    capsys: pytest.CaptureFixture[str], tracker: Path, tmp_path: Path, _private_home: Path
) -> None:
    run(capsys, "export", "--db", tracker, tmp_path / "snap")
    code, out, err = run(capsys, "import", "--db", tracker, tmp_path / "snap")
    assert code == 0 and "rows were already in the tracker, unchanged" in out
    (backup,) = _private_home.rglob("*before-import*.db")
    assert f"Backed up {tracker} to {backup} before importing" in err
    code, _, err = run(capsys, "import", "--db", tmp_path / "fresh.db", tmp_path / "snap")
    assert code == 0 and "Backed up" not in err  # nothing to back up in a new tracker


def test_export_destination_exists(capsys: pytest.CaptureFixture[str], tracker: Path,
                                   tmp_path: Path) -> None:  # fmt: skip
    (tmp_path / "snap").mkdir()
    assert "already exists" in failure(capsys, "export", "--db", tracker, tmp_path / "snap")


def test_export_of_a_missing_tracker(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    line = failure(capsys, "export", "--db", tmp_path / "none.db", tmp_path / "snap")
    assert "does not exist" in line and not (tmp_path / "none.db").exists()


@pytest.mark.parametrize("make", ["text", "folder", "missing"])
def test_import_of_something_that_is_not_a_snapshot(capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path, make: str) -> None:  # fmt: skip
    source = tmp_path / "thing"
    if make == "text":
        source.write_text("hello")
    elif make == "folder":
        source.mkdir()
    line = failure(capsys, "import", "--db", tmp_path / "new.db", source)
    assert "not a snapshot" in line or "no manifest.json" in line or "does not exist" in line


def test_import_of_a_tampered_snapshot(capsys: pytest.CaptureFixture[str], tracker: Path,
                                       tmp_path: Path) -> None:  # fmt: skip
    run(capsys, "export", "--db", tracker, tmp_path / "snap")
    data = json.loads((tmp_path / "snap" / "manifest.json").read_text())
    data["files"]["deals.csv"]["sha256"] = "0" * 64
    (tmp_path / "snap" / "manifest.json").write_text(json.dumps(data))
    line = failure(capsys, "import", "--db", tmp_path / "new.db", tmp_path / "snap")
    assert "deals.csv does not match its manifest checksum" in line


def test_export_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert "required: DEST" in usage_error(capsys, "export")
    assert "required: SNAPSHOT" in usage_error(capsys, "import")


# -- import-csv --------------------------------------------------------------------------------


@pytest.fixture
def deals_csv(tmp_path: Path) -> Path:
    path = tmp_path / "awards.csv"
    path.write_text(DEALS)
    return path


def test_import_csv(capsys: pytest.CaptureFixture[str], tracker: Path, deals_csv: Path) -> None:
    code, out, _ = run(capsys, "import-csv", "--db", tracker, "--kind", "deals", deals_csv)
    assert code == 0, out
    assert "Company Name -> recipient" in out and "Imported 1 deals." in out
    assert count(tracker, "deals") == 4


def test_import_csv_with_a_bad_row_imports_nothing(
    capsys: pytest.CaptureFixture[str], tracker: Path, deals_csv: Path
) -> None:
    deals_csv.write_text(DEALS + "Acme,Nobody,Loan,lots,2025\n")
    code, out, _ = run(capsys, "import-csv", "--db", tracker, "--kind", "deals", deals_csv)
    assert code == 1 and count(tracker, "deals") == 3
    assert "row 3, column 'raisedAmt' ('lots')" in out and "Nothing was imported" in out
    code, out, _ = run(capsys, "import-csv", "--db", tracker, "--kind", "deals", deals_csv,
                       "--skip-invalid")  # fmt: skip
    assert code == 0 and count(tracker, "deals") == 4
    assert (deals_csv.parent / "awards.rejected.csv").is_file()


def test_import_csv_dry_run_creates_nothing(capsys: pytest.CaptureFixture[str],
                                            tmp_path: Path, deals_csv: Path) -> None:  # fmt: skip
    code, out, _ = run(capsys, "import-csv", "--db", tmp_path / "new.db", "--kind", "deals",
                       deals_csv, "--dry-run")  # fmt: skip
    assert code == 0 and "Would import 1 deals (dry run" in out
    assert "New companies (2): Vulcan Elements, BMW i Ventures" in out
    assert not (tmp_path / "new.db").exists()


def test_import_csv_map_currency_and_date_format(
    capsys: pytest.CaptureFixture[str], tracker: Path, tmp_path: Path
) -> None:
    path = tmp_path / "grants.csv"
    path.write_text("Awardee,Sum,When\nPhoenix Tailings,2500000,05/01/2007\n")
    code, out, _ = run(capsys, "import-csv", "--db", tracker, "--kind", "deals", path,
                       "--map", "Awardee=recipient", "--map", "Sum=amount",
                       "--map", "When=announced", "--currency", "eur",
                       "--date-format", "%d/%m/%Y")  # fmt: skip
    assert code == 0, out
    repo = Repository.open(tracker)
    try:
        deal = repo.get("deal", 4)
    finally:
        repo.close()
    assert deal.announced.iso == "2007-01-05" and deal.amount.currency == "EUR"  # type: ignore[union-attr]


@pytest.mark.parametrize(("args", "message"), [
    (["--kind", "widgets"], "invalid choice: 'widgets'"),
    ([], "the following arguments are required: --kind"),
    (["--kind", "deals", "--map", "no equals sign"], "--map needs 'Source column=field'"),
    (["--kind", "deals", "--map", "=recipient"], "--map needs 'Source column=field'"),
    (["--kind", "deals", "--map", "Type=bogus"], "unknown field 'bogus' for deals"),
    (["--kind", "deals", "--currency", "dollars"], "'dollars' is not a currency code"),
    (["--kind", "deals", "--date-format", "%Q"], "'Q' is a bad directive"),
    (["--kind", "deals", "--date-format", "%Y-%m"], "must give the day, the month and the year"),
])  # fmt: skip
def test_import_csv_usage_errors(
    capsys: pytest.CaptureFixture[str], tracker: Path, deals_csv: Path, args: list[str],
    message: str,
) -> None:
    line = usage_error(capsys, "import-csv", "--db", tracker, deals_csv, *args)
    assert message in line
    assert count(tracker, "deals") == 3


@pytest.mark.parametrize(("content", "args", "message"), [
    (None, [], "does not exist"),
    ("", [], "is empty"),
    ("Amount,Date\n5,2025\n", [], "no column of the file is mapped to title or recipient"),
    (DEALS, ["--map", "Awardee=recipient"], "the file has no column 'Awardee'"),
    ('Recipient\n"open\n', [], "a quote may be missing or extra"),
])  # fmt: skip
def test_import_csv_file_errors(capsys: pytest.CaptureFixture[str], tracker: Path,
                                tmp_path: Path, content: str | None, args: list[str],
                                message: str) -> None:  # fmt: skip
    path = tmp_path / "file.csv"
    if content is not None:
        path.write_text(content)
    line = failure(capsys, "import-csv", "--db", tracker, "--kind", "deals", path, *args)
    assert message in line
    assert count(tracker, "deals") == 3
