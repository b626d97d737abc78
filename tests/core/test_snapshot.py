"""CSV snapshots: what export writes, exact round trips, atomic and cancellable writing."""

from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pytest
from lodestone.core.progress import Cancelled
from lodestone.core.snapshots import SnapshotError, export_snapshot, import_snapshot
from lodestone.core.snapshots import export as snapshot_module
from lodestone.core.snapshots import format as snapshot_format
from lodestone.core.snapshots.format import FILES, MANIFEST, describe_files
from lodestone.core.storage import Repository
from snapshot_data import INJECTION, cell, fill, fill_unaccepted, read_rows, table_counts


@pytest.fixture
def full(repo: Repository) -> Repository:
    return fill(repo)


def test_round_trip_is_byte_identical(full: Repository, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    manifest = export_snapshot(full.conn, first)
    report = import_snapshot(tmp_path / "restored.db", first)
    assert report.restored and report.conflict_count == 0
    again = export_snapshot(tmp_path / "restored.db", second)
    for name in manifest.files:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
    assert {n: e.sha256 for n, e in manifest.files.items()} == {
        n: e.sha256 for n, e in again.files.items()}
    restored = Repository.open(tmp_path / "restored.db")
    try:
        assert table_counts(restored) == table_counts(full)
        assert restored.get("deal", 1) == full.get("deal", 1)
        assert restored.is_deleted("company", 16)
    finally:
        restored.close()


def test_manifest_lists_versions_counts_and_checksums(full: Repository, tmp_path: Path) -> None:
    dest = tmp_path / "snap"
    manifest = export_snapshot(full.conn, dest)
    data = json.loads((dest / MANIFEST).read_text())
    assert data["format"] == "lodestone-snapshot"
    assert data["schema_version"] == manifest.schema_version > 0
    assert data["created_at"].endswith("Z")
    assert [s.name for s in FILES] == [n for n in data["files"] if n != "exchange_rates.csv"]
    for name, entry in data["files"].items():
        body = (dest / name).read_bytes()
        assert hashlib.sha256(body).hexdigest() == entry["sha256"]
        assert len(read_rows(dest / name)) - 1 == entry["rows"] == table_counts(full)[name[:-4]]


@pytest.fixture
def unaccepted(repo: Repository) -> Repository:
    return fill_unaccepted(repo)


def test_spreadsheet_escaping_and_numbers(unaccepted: Repository, tmp_path: Path) -> None:
    dest = tmp_path / "snap"
    export_snapshot(unaccepted.conn, dest)
    assert cell(dest, "companies.csv", 14, "name") == "'" + INJECTION
    assert cell(dest, "companies.csv", 14, "stages") == "mining; magnets"
    assert cell(dest, "companies.csv", 16, "notes") == "'\ttab"
    assert cell(dest, "companies.csv", 16, "website") == "'\rcr"
    assert cell(dest, "companies.csv", 15, "notes") == "line one\nline two\n\t-indented"
    assert cell(dest, "deals.csv", 4, "title") == "'@mention deal"
    assert cell(dest, "deals.csv", 4, "description") == "'-starts with a minus"
    assert cell(dest, "deals.csv", 4, "amount") == "500"  # JPY: no decimals
    assert cell(dest, "tranches.csv", 1, "amount") == "-10.50"  # numbers never escaped
    assert cell(dest, "events.csv", 7, "title") == "'+plus event"
    assert cell(dest, "events.csv", 7, "date") == "2025-Q3"
    assert cell(dest, "events.csv", 7, "date_precision") == "quarter"
    assert cell(dest, "sources.csv", 3, "published") == "2025-08"
    text = (dest / "companies.csv").read_text(encoding="utf-8")
    assert '"\'=HYPERLINK(""http://example.com"")"' in text  # RFC 4180 quoting and doubling
    assert not text.startswith("\ufeff") and "\r\n" not in text.split("\n")[0]


@pytest.mark.parametrize(("fault", "where"), [
    ("UPDATE tranches SET amount_minor = -1050 WHERE id = 1",
     r"tranches.csv line 2, field amount: Amount cannot be negative"),
    ("UPDATE companies SET website = char(13) || 'cr' WHERE name = 'Gone Mining'",
     r"companies.csv line 20, field website: Website contains a control character"),
    ("UPDATE companies SET ticker = 'NASDAQ:AREC' WHERE id = 1",
     r"companies.csv line 2, field ticker: Ticker 'NASDAQ:AREC' holds two things"),
])  # fmt: skip
def test_restore_refuses_a_record_the_forms_refuse(full: Repository, tmp_path: Path,
                                                   fault: str, where: str) -> None:  # fmt: skip
    full.conn.execute(fault)
    export_snapshot(full.conn, tmp_path / "snap")
    with pytest.raises(SnapshotError, match=where):
        import_snapshot(tmp_path / "restored.db", tmp_path / "snap")
    restored = Repository.open(tmp_path / "restored.db")
    try:
        assert restored.counts() == {"company": 0, "deal": 0, "event": 0, "source": 0,
                                     "tranche": 0}
    finally:
        restored.close()


def test_excel_option_adds_bom_and_crlf_and_restores_the_same(full: Repository,
                                                              tmp_path: Path) -> None:  # fmt: skip
    plain, excel = tmp_path / "plain", tmp_path / "excel"
    export_snapshot(full.conn, plain)
    export_snapshot(full.conn, excel, excel=True)
    body = (excel / "deals.csv").read_bytes()
    assert body.startswith(b"\xef\xbb\xbfid,title,") and body.endswith(b"\r\n")
    assert read_rows(excel / "deals.csv") == read_rows(plain / "deals.csv")
    import_snapshot(tmp_path / "r.db", excel)
    export_snapshot(tmp_path / "r.db", tmp_path / "again")
    for spec in FILES:
        assert (plain / spec.name).read_bytes() == (tmp_path / "again" / spec.name).read_bytes()


def test_zip_snapshot_round_trip(full: Repository, tmp_path: Path) -> None:
    dest = tmp_path / "snap.zip"
    manifest = export_snapshot(full.conn, dest)
    with zipfile.ZipFile(dest) as archive:
        assert sorted(archive.namelist()) == sorted([*manifest.files, MANIFEST])
    assert not [p for p in tmp_path.iterdir() if "partial" in p.name]
    report = import_snapshot(tmp_path / "r.db", dest)
    assert report.added["events.csv"] == table_counts(full)["events"]


def test_exchange_rates_are_included_only_when_recorded(full: Repository, tmp_path: Path) -> None:
    export_snapshot(full.conn, tmp_path / "none")
    assert not (tmp_path / "none" / "exchange_rates.csv").exists()
    full.conn.execute("INSERT INTO exchange_rates (currency, base, date, rate) "
                      "VALUES ('EUR', 'USD', '2025-01-01', '1.0825')")  # fmt: skip
    manifest = export_snapshot(full.conn, tmp_path / "rates")
    assert manifest.files["exchange_rates.csv"].rows == 1
    import_snapshot(tmp_path / "r.db", tmp_path / "rates")
    export_snapshot(tmp_path / "r.db", tmp_path / "again")
    assert ((tmp_path / "rates" / "exchange_rates.csv").read_bytes()
            == (tmp_path / "again" / "exchange_rates.csv").read_bytes())  # fmt: skip


def test_search_finds_restored_records(full: Repository, tmp_path: Path) -> None:
    export_snapshot(full.conn, tmp_path / "snap")
    import_snapshot(tmp_path / "r.db", tmp_path / "snap")
    restored = Repository.open(tmp_path / "r.db")
    try:
        for kind, table in (("deal", "deals"), ("event", "events"), ("company", "companies")):
            ids = [r[0] for r in restored.conn.execute(f"SELECT id FROM {table}")]
            for record_id in ids:
                text = restored.conn.execute(f"SELECT text FROM {table}_fts WHERE rowid = ?",
                                             (record_id,)).fetchone()  # fmt: skip
                assert text is not None and text[0] == full.search_text(kind, record_id)
    finally:
        restored.close()


@pytest.mark.parametrize("dest", ["snap", "snap.zip"])
def test_destination_that_exists_is_refused(full: Repository, tmp_path: Path, dest: str) -> None:
    (tmp_path / dest).mkdir()
    with pytest.raises(SnapshotError, match="already exists"):
        export_snapshot(full.conn, tmp_path / dest)
    with pytest.raises(SnapshotError, match="does not exist"):
        export_snapshot(full.conn, tmp_path / "missing" / dest)


@pytest.mark.parametrize("dest", ["snap", "snap.zip"])
def test_cancelled_export_leaves_nothing(full: Repository, tmp_path: Path, dest: str,
                                         monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setattr(snapshot_module, "BATCH_ROWS", 2)
    calls = []
    with pytest.raises(Cancelled):
        export_snapshot(full.conn, tmp_path / dest, cancelled=lambda: len(calls) > 3,
                        progress=lambda done, total: calls.append((done, total)))  # fmt: skip
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("tracker.db")] == []
    assert not full.conn.in_transaction


def test_failed_export_leaves_nothing(full: Repository, tmp_path: Path) -> None:
    full.conn.execute("PRAGMA ignore_check_constraints = ON")
    full.conn.execute("UPDATE tranches SET currency = 'XXX' WHERE id = 2")
    with pytest.raises(SnapshotError, match="tranches.csv cannot be written.*XXX"):
        export_snapshot(full.conn, tmp_path / "snap")
    assert not (tmp_path / "snap").exists()
    assert not [p for p in tmp_path.iterdir() if "partial" in p.name]


def test_small_batches_give_the_same_files_and_steady_progress(
    full: Repository, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    export_snapshot(full.conn, tmp_path / "big")
    monkeypatch.setattr(snapshot_module, "BATCH_ROWS", 2)
    seen: list[tuple[int, int]] = []
    export_snapshot(full.conn, tmp_path / "small", progress=lambda d, t: seen.append((d, t)))
    for spec in FILES:
        assert (tmp_path / "big" / spec.name).read_bytes() == (
            tmp_path / "small" / spec.name).read_bytes()
    done = [d for d, _ in seen]
    assert done == sorted(done) and seen[-1][0] == seen[-1][1] == sum(table_counts(full).values())
    assert len(seen) > 20


def test_export_from_a_path_reads_without_changing_it(full: Repository, tmp_path: Path) -> None:
    path = Path(full.conn.execute("PRAGMA database_list").fetchone()[2])
    before = path.stat().st_mtime_ns
    export_snapshot(path, tmp_path / "snap")
    assert path.stat().st_mtime_ns == before


def test_describe_files_is_the_documented_table() -> None:
    """The README text in snapshot_format's docstring lists the files the code writes."""
    assert describe_files() in (snapshot_format.__doc__ or "")
    assert all(f"`{spec.name}`" in describe_files() for spec in FILES)
