"""CSV snapshots: export, exact restore, merge, refusal of bad snapshots, cancel."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lodestone.core import snapshot as snapshot_module
from lodestone.core import snapshot_format
from lodestone.core.example import load_example
from lodestone.core.fuzzydate import parse_fuzzy_date
from lodestone.core.money import CURRENCY_DIGITS, Money, parse_money, to_decimal_string
from lodestone.core.progress import Cancelled
from lodestone.core.records import Company, Deal, Event, Party, Source, Tranche
from lodestone.core.repository import Repository
from lodestone.core.snapshot import SnapshotError, export_snapshot, import_snapshot
from lodestone.core.snapshot_cells import (
    TRIGGERS,
    escape_cell,
    quote_cell,
    text_cell_sql,
    unescape_cell,
)
from lodestone.core.snapshot_format import FILES, MANIFEST, describe_files

INJECTION = '=HYPERLINK("http://example.com")'


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _cell(folder: Path, name: str, record_id: int, column: str) -> str:
    rows = _read(folder / name)
    header = rows[0]
    row = next(r for r in rows[1:] if r[0] == str(record_id))
    return row[header.index(column)]


def _counts(repo: Repository) -> dict[str, int]:
    return {s.table: repo.conn.execute(f"SELECT count(*) FROM {s.table}").fetchone()[0]
            for s in FILES}  # fmt: skip


@pytest.fixture
def full(repo: Repository) -> Repository:
    """The example (with the magnet deal), and the awkward cases: formula-like text, a deleted
    company, a child company, list columns, a period event, quotes and line breaks."""
    load_example(repo)
    parent = repo.save(Company(INJECTION, stages=["mining", "magnets"], commodities=["NdPr"]))
    child = repo.save(Company("Child, \"quoted\" Ltd", parent_id=parent.id, country="AU",
                              notes="line one\nline two\n\t-indented"))  # fmt: skip
    gone = repo.save(Company("Gone Mining"))
    repo.delete("company", gone.id)  # type: ignore[arg-type]
    repo.save(Deal("@mention deal", amount=parse_money("JPY 500"), parties=[Party(child.id)],  # type: ignore[arg-type]
                   tranches=[Tranche("grant", parse_money("€2.3bn"), parent.id)],
                   description="-starts with a minus", commodities=["Dy", "Tb"]))  # fmt: skip
    repo.save(Event("+plus event", parse_fuzzy_date("2025-Q3"),
                    end_date=parse_fuzzy_date("2026"), company_ids=[parent.id, child.id],  # type: ignore[list-item]
                    kind="policy", tags=["Export controls"]))  # fmt: skip
    repo.save(Source(url="https://example.com/a?b=1,2", title="Quote \"this\"",
                     published=parse_fuzzy_date("Aug 2025"), accessed="2025-11-09"))  # fmt: skip
    # Values no form accepts but a snapshot must carry unchanged: a negative amount and cells
    # starting with a tab or a carriage return.
    repo.conn.execute("UPDATE tranches SET amount_minor = -1050 WHERE id = 1")
    repo.conn.execute("UPDATE companies SET notes = char(9) || 'tab', website = char(13) || 'cr' "
                      "WHERE id = ?", (gone.id,))  # fmt: skip
    return repo


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
        assert _counts(restored) == _counts(full)
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
        assert len(_read(dest / name)) - 1 == entry["rows"] == _counts(full)[name[:-4]]


def test_spreadsheet_escaping_and_numbers(full: Repository, tmp_path: Path) -> None:
    dest = tmp_path / "snap"
    export_snapshot(full.conn, dest)
    assert _cell(dest, "companies.csv", 14, "name") == "'" + INJECTION
    assert _cell(dest, "companies.csv", 14, "stages") == "mining; magnets"
    assert _cell(dest, "companies.csv", 16, "notes") == "'\ttab"
    assert _cell(dest, "companies.csv", 16, "website") == "'\rcr"
    assert _cell(dest, "companies.csv", 15, "notes") == "line one\nline two\n\t-indented"
    assert _cell(dest, "deals.csv", 4, "title") == "'@mention deal"
    assert _cell(dest, "deals.csv", 4, "description") == "'-starts with a minus"
    assert _cell(dest, "deals.csv", 4, "amount") == "500"  # JPY: no decimals
    assert _cell(dest, "tranches.csv", 1, "amount") == "-10.50"  # numbers never escaped
    assert _cell(dest, "events.csv", 7, "title") == "'+plus event"
    assert _cell(dest, "events.csv", 7, "date") == "2025-Q3"
    assert _cell(dest, "events.csv", 7, "date_precision") == "quarter"
    assert _cell(dest, "sources.csv", 3, "published") == "2025-08"
    text = (dest / "companies.csv").read_text(encoding="utf-8")
    assert '"\'=HYPERLINK(""http://example.com"")"' in text  # RFC 4180 quoting and doubling
    assert not text.startswith("\ufeff") and "\r\n" not in text.split("\n")[0]


def test_excel_option_adds_bom_and_crlf_and_restores_the_same(full: Repository,
                                                              tmp_path: Path) -> None:  # fmt: skip
    plain, excel = tmp_path / "plain", tmp_path / "excel"
    export_snapshot(full.conn, plain)
    export_snapshot(full.conn, excel, excel=True)
    body = (excel / "deals.csv").read_bytes()
    assert body.startswith(b"\xef\xbb\xbfid,title,") and body.endswith(b"\r\n")
    assert _read(excel / "deals.csv") == _read(plain / "deals.csv")
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
    assert report.added["events.csv"] == _counts(full)["events"]


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
    assert done == sorted(done) and seen[-1][0] == seen[-1][1] == sum(_counts(full).values())
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


# -- restore and merge ---------------------------------------------------------------------


@pytest.fixture
def snap(full: Repository, tmp_path: Path) -> Path:
    dest = tmp_path / "snap"
    export_snapshot(full.conn, dest)
    return dest


def test_importing_twice_changes_nothing(full: Repository, snap: Path) -> None:
    before = _counts(full)
    report = import_snapshot(full.conn, snap)
    assert not report.restored and report.conflict_count == 0
    assert sum(report.added.values()) == 0
    assert sum(report.unchanged.values()) == sum(before.values())
    assert _counts(full) == before
    assert "already in the tracker" in "\n".join(report.lines())


def test_merge_adds_new_ids_and_reports_conflicts(full: Repository, snap: Path,
                                                  tmp_path: Path) -> None:  # fmt: skip
    target = Repository.open(tmp_path / "target.db")
    try:
        import_snapshot(target.conn, snap)
        target.conn.execute("DELETE FROM tags")  # the snapshot's tags are new again
        deal = target.get("deal", 2)
        deal.title = "Renamed in the tracker"
        target.save(deal)
        report = import_snapshot(target.conn, snap)
        assert {name: n for name, n in report.added.items() if n} == {"tags.csv": 3}
        conflict, *parts = report.conflicts
        assert (conflict.file, conflict.key) == ("deals.csv", (2,))
        assert "title is 'Renamed in the tracker' in the tracker" in conflict.reason
        assert target.get("deal", 2).title == "Renamed in the tracker"  # not overwritten
        # Saving the deal renumbered its parties: the snapshot's parties and tag of deal 2
        # are part of that conflict, not added to the tracker's deal.
        assert {p.file for p in parts} == {"deal_parties.csv", "tags.csv"}
        assert all(p.reason == "belongs to deals 2, which conflicts with the tracker"
                   for p in parts)  # fmt: skip
        assert target.tags("deal", 2) == [] and len(target.tags("deal", 1)) == 2
        assert report.conflict_count == len(report.conflicts) == 1 + len(parts)
        assert f"{report.conflict_count} rows conflict" in "\n".join(report.lines())
    finally:
        target.close()


def test_merge_new_company_whose_name_is_taken(full: Repository, snap: Path,
                                               tmp_path: Path) -> None:  # fmt: skip
    target = Repository.open(tmp_path / "target.db")
    try:
        target.save(Company("Vulcan Elements"))  # id 1, which is another company there
        report = import_snapshot(target.conn, snap)
        reasons = [c.reason for c in report.conflicts]
        assert any("a company with this name is already in the tracker" in r for r in reasons)
        assert any(r.startswith("refers to companies") for r in reasons)  # its deal parties
        assert target.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        target.close()


def test_cancelled_import_leaves_the_tracker_unchanged(snap: Path, tmp_path: Path) -> None:
    target = Repository.open(tmp_path / "target.db")
    try:
        ticks: list[int] = []
        with pytest.raises(Cancelled):
            import_snapshot(target.conn, snap, progress=lambda d, t: ticks.append(d),
                            cancelled=lambda: len(ticks) > 12)  # fmt: skip
        assert sum(_counts(target).values()) == 0
        assert target.conn.execute("SELECT count(*) FROM events_fts").fetchone()[0] == 0
        assert not target.conn.in_transaction
    finally:
        target.close()


def test_before_write_runs_after_verification(snap: Path, tmp_path: Path) -> None:
    calls: list[str] = []
    import_snapshot(tmp_path / "t.db", snap, before_write=lambda: calls.append("backup"))
    assert calls == ["backup"]
    (snap / "tags.csv").write_text("broken")
    with pytest.raises(SnapshotError):
        import_snapshot(tmp_path / "u.db", snap, before_write=lambda: calls.append("again"))
    assert calls == ["backup"]


# -- refused snapshots ---------------------------------------------------------------------


def _rehash(folder: Path, name: str) -> None:
    """Make the manifest agree with an edited file, as a careful forger would."""
    data = json.loads((folder / MANIFEST).read_text())
    body = (folder / name).read_bytes()
    data["files"][name]["sha256"] = hashlib.sha256(body).hexdigest()
    data["files"][name]["rows"] = len(_read(folder / name)) - 1
    (folder / MANIFEST).write_text(json.dumps(data))


def _refused(snap: Path, tmp_path: Path, match: str) -> None:
    with pytest.raises(SnapshotError, match=match):
        import_snapshot(tmp_path / "t.db", snap)
    target = Repository.open(tmp_path / "t.db")
    try:
        assert sum(_counts(target).values()) == 0
    finally:
        target.close()


def test_tampered_file_is_refused(snap: Path, tmp_path: Path) -> None:
    body = (snap / "events.csv").read_bytes()
    (snap / "events.csv").write_bytes(body.replace(b"2025", b"2024", 1))
    _refused(snap, tmp_path, "events.csv does not match its manifest checksum")


@pytest.mark.parametrize("name", ["tags.csv", MANIFEST])
def test_incomplete_snapshot_is_refused(snap: Path, tmp_path: Path, name: str) -> None:
    (snap / name).unlink()
    _refused(snap, tmp_path, "missing|no manifest.json")


def test_manifest_without_a_file_is_refused(snap: Path, tmp_path: Path) -> None:
    data = json.loads((snap / MANIFEST).read_text())
    del data["files"]["citations.csv"]
    (snap / MANIFEST).write_text(json.dumps(data))
    _refused(snap, tmp_path, "lists no citations.csv")


@pytest.mark.parametrize("manifest", ["not json", '{"format": "other"}', "[]",
                                      '{"format": "lodestone-snapshot", "format_version": 9}',
                                      '{"format": "lodestone-snapshot", "format_version": 1}'])
def test_bad_manifest_is_refused(snap: Path, tmp_path: Path, manifest: str) -> None:
    (snap / MANIFEST).write_text(manifest)
    _refused(snap, tmp_path, "manifest|format")


def test_newer_schema_is_refused(snap: Path, tmp_path: Path) -> None:
    data = json.loads((snap / MANIFEST).read_text())
    data["schema_version"] = 999
    (snap / MANIFEST).write_text(json.dumps(data))
    _refused(snap, tmp_path, "newer Lodestone")


@pytest.mark.parametrize(("name", "old", "new", "match"), [
    ("deals.csv", "1400000000.00", "1.4 billion", "deals.csv line 2, column amount"),
    ("events.csv", ",month,", ",day,", "events.csv line .*, column date_precision"),
    ("companies.csv", "id,name,kind", "id,nom,kind", "companies.csv has the columns"),
    ("tranches.csv", ",loan,", ",mortgage,", "column instrument: 'mortgage' is not one of"),
    ("deals.csv", "\n1,", "\nx,", "column id: 'x' is not a whole number"),
])  # fmt: skip
def test_bad_cells_are_refused_by_line_and_column(
    snap: Path, tmp_path: Path, name: str, old: str, new: str, match: str
) -> None:
    text = (snap / name).read_text(encoding="utf-8")
    assert old in text
    (snap / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    _rehash(snap, name)
    _refused(snap, tmp_path, match)


def test_dangling_reference_is_refused(snap: Path, tmp_path: Path) -> None:
    text = (snap / "deal_parties.csv").read_text(encoding="utf-8")
    (snap / "deal_parties.csv").write_text(text.replace("\n1,1,2,", "\n1,1,999,"))
    _rehash(snap, "deal_parties.csv")
    _refused(snap, tmp_path, "refers to records it does not hold")


@pytest.mark.parametrize("content", [b"just text", b"PK\x03\x04 not really a zip"])
def test_a_file_that_is_not_a_snapshot_is_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "thing.zip"
    path.write_bytes(content)
    with pytest.raises(SnapshotError, match="not a snapshot|damaged"):
        import_snapshot(tmp_path / "t.db", path)


def test_a_zip_without_a_manifest_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("companies.csv", "id,name\n")
    with pytest.raises(SnapshotError, match="no manifest.json"):
        import_snapshot(tmp_path / "t.db", path)
    with pytest.raises(SnapshotError, match="does not exist"):
        import_snapshot(tmp_path / "t.db", tmp_path / "nowhere")


def test_unknown_file_in_manifest_is_refused(snap: Path, tmp_path: Path) -> None:
    data = json.loads((snap / MANIFEST).read_text())
    data["files"]["../../etc/passwd"] = {"rows": 0, "sha256": "0"}
    (snap / MANIFEST).write_text(json.dumps(data))
    _refused(snap, tmp_path, "files Lodestone does not know")


def test_csv_reader_reads_what_export_quotes(snap: Path) -> None:
    """The files are plain RFC 4180: any CSV reader gets the same cells."""
    rows = list(csv.reader(io.StringIO((snap / "companies.csv").read_text(encoding="utf-8"))))
    assert rows[0][:3] == ["id", "name", "kind"] and all(len(r) == len(rows[0]) for r in rows)


# -- properties -------------------------------------------------------------------------------

_TEXT = st.text(alphabet=st.characters(blacklist_characters="\x00"), max_size=40)
_FORMULA_LIKE = st.builds(lambda a, t, b: a + t + b, st.sampled_from(["", "'", "''"]),
                          st.sampled_from(["=", "+", "-", "@", "\t", "\r", "x", ""]), _TEXT)


@given(st.one_of(_TEXT, _FORMULA_LIKE))
def test_escaping_round_trips_and_defuses_every_formula(text: str) -> None:
    escaped = escape_cell(text)
    assert unescape_cell(escaped) == text
    assert escaped[:1] not in TRIGGERS
    if text[:1] in TRIGGERS:
        assert escaped == "'" + text


@given(st.one_of(_TEXT, _FORMULA_LIKE))
def test_sql_cell_is_the_python_rule_and_reads_back(text: str) -> None:
    conn = sqlite3.connect(":memory:")
    try:
        cell = conn.execute(f"SELECT {text_cell_sql('?1')}", (text,)).fetchone()[0]
    finally:
        conn.close()
    assert cell == quote_cell(escape_cell(text))
    parsed = next(csv.reader(io.StringIO(cell + "\n", newline="")), [""])
    assert unescape_cell(parsed[0] if parsed else "") == text


@settings(max_examples=25, deadline=None)
@given(notes=st.one_of(_TEXT, _FORMULA_LIKE), minor=st.integers(-(2**63) + 1, 2**63 - 1),
       currency=st.sampled_from(sorted(CURRENCY_DIGITS)))  # fmt: skip
def test_text_and_money_survive_a_file_round_trip(notes: str, minor: int, currency: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        repo = Repository.open(root / "a.db")
        try:
            company = repo.save(Company("Acme"))
            repo.save(Deal("Deal", parties=[Party(company.id)]))  # type: ignore[arg-type]
            repo.conn.execute("UPDATE companies SET notes = ?", (notes,))
            repo.conn.execute("UPDATE deals SET amount_minor = ?, currency = ?", (minor, currency))
            export_snapshot(repo.conn, root / "snap")
        finally:
            repo.close()
        amount = _cell(root / "snap", "deals.csv", 1, "amount")
        assert amount == to_decimal_string(Money(minor, currency))  # a number, never escaped
        import_snapshot(root / "b.db", root / "snap")
        restored = Repository.open(root / "b.db")
        try:
            row = restored.conn.execute("SELECT notes FROM companies").fetchone()
            deal = restored.conn.execute("SELECT amount_minor, currency FROM deals").fetchone()
        finally:
            restored.close()
        assert row[0] == notes and tuple(deal) == (minor, currency)
