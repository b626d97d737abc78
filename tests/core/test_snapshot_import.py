"""Importing snapshots: merging by id with conflicts, cancel, and refusing bad snapshots."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from lodestone.core.progress import Cancelled
from lodestone.core.records import Company
from lodestone.core.snapshots import SnapshotError, export_snapshot, import_snapshot
from lodestone.core.snapshots.format import MANIFEST
from lodestone.core.storage import Repository
from snapshot_data import fill, read_rows, table_counts


@pytest.fixture
def full(repo: Repository) -> Repository:
    return fill(repo)


@pytest.fixture
def snap(full: Repository, tmp_path: Path) -> Path:
    dest = tmp_path / "snap"
    export_snapshot(full.conn, dest)
    return dest


def test_importing_twice_changes_nothing(full: Repository, snap: Path) -> None:
    before = table_counts(full)
    report = import_snapshot(full.conn, snap)
    assert not report.restored and report.conflict_count == 0
    assert sum(report.added.values()) == 0
    assert sum(report.unchanged.values()) == sum(before.values())
    assert table_counts(full) == before
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
        assert sum(table_counts(target).values()) == 0
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
    data["files"][name]["rows"] = len(read_rows(folder / name)) - 1
    (folder / MANIFEST).write_text(json.dumps(data))


def _refused(snap: Path, tmp_path: Path, match: str) -> None:
    with pytest.raises(SnapshotError, match=match):
        import_snapshot(tmp_path / "t.db", snap)
    target = Repository.open(tmp_path / "t.db")
    try:
        assert sum(table_counts(target).values()) == 0
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
    ("deal_parties.csv", ",recipient,", ",lender,", "column role: 'lender' is not one of"),
    ("deals.csv", "t/yr,magnets,magnets,", "t/yr,magnets,smelting,",
     "column stage: 'smelting' is not one of: mining,"),
    ("companies.csv", ",magnets,rare earths,", ",magnets,rare earths; scandium,",
     "column commodities: 'scandium' is not one of"),
    ("companies.csv", ",magnets,rare earths,", ",smelting,rare earths,",
     "column stages: 'smelting' is not one of"),
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


def test_a_repeated_id_is_refused_naming_file_line_and_id(snap: Path, tmp_path: Path) -> None:
    from bad_files import BAD_SNAPSHOTS

    make, words = BAD_SNAPSHOTS["a repeated company id"]
    bad = make(snap, tmp_path / "bad")
    target = Repository.open(tmp_path / "target.db")
    try:
        with pytest.raises(SnapshotError, match=words):
            import_snapshot(target.conn, bad)  # restored into an empty tracker
        assert sum(table_counts(target).values()) == 0
    finally:
        target.close()


def test_a_bomb_its_manifest_allows_is_read_in_bounded_memory(snap: Path, tmp_path: Path) -> None:
    """Zeros without a line end, with rows enough in the manifest to pass the size check: the
    reading stops at the first overlong row, holding no more than that row."""
    import tracemalloc

    from bad_files import zip_bomb

    size = 32 << 20
    manifest = json.loads((snap / MANIFEST).read_text())
    manifest["files"]["companies.csv"]["rows"] = 100
    (snap / MANIFEST).write_text(json.dumps(manifest))
    bomb = zip_bomb(snap, tmp_path / "bomb", size)
    target = Repository.open(tmp_path / "target.db")
    tracemalloc.start()
    try:
        with pytest.raises(SnapshotError, match="companies.csv line 1 is longer than any row"):
            import_snapshot(target.conn, bomb)
        assert tracemalloc.get_traced_memory()[1] < size // 4
    finally:
        tracemalloc.stop()
        target.close()
