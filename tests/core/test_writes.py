"""The one write path: every writer logs the same change-log entries, indexes the same search
text and says what it changed, created, updated, deleted or restored, after the commit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from csv_data import write
from lodestone.core.csvio import import_csv
from lodestone.core.paths import AppPaths
from lodestone.core.records import RECORD_KINDS, Company, Event, parse_fuzzy_date
from lodestone.core.samples import GenerateSpec, generate_tracker
from lodestone.core.samples.example import load_example
from lodestone.core.snapshots import export_snapshot, import_snapshot
from lodestone.core.storage import Change, Repository
from lodestone.core.storage.changes import PendingChanges
from snapshot_data import fill

TABLES = {kind.name: kind.table for kind in RECORD_KINDS}

CSV_DEALS = ("Title,Recipient,Funder,Instrument,Amount,Currency,Announced\n"
             "Magnet plant,Vulcan Elements,Office of Strategic Capital,loan,620000000,USD,2025-11\n"
             "Separation,ReElement Technologies,Commerce,grant,50000000,USD,2025-10\n")  # fmt: skip


def heard(repo: Repository) -> list[Change]:
    changes: list[Change] = []
    repo.subscribe(changes.append)
    return changes


def test_a_save_a_delete_and_a_restore_each_say_what_happened(repo: Repository) -> None:
    changes = heard(repo)
    company = repo.save(Company("Phoenix Tailings"))
    assert changes == [Change("company", (company.id,), "created")]  # type: ignore[arg-type]
    company.notes = "rare earths from mining waste"
    repo.save(company)
    assert changes[1:] == [Change("company", (company.id,), "updated")]  # type: ignore[arg-type]
    repo.delete("company", company.id)  # type: ignore[arg-type]
    assert changes[2:] == [Change("company", (company.id,), "deleted")]  # type: ignore[arg-type]
    repo.restore("company", company.id)  # type: ignore[arg-type]
    assert changes[3:] == [Change("company", (company.id,), "restored")]  # type: ignore[arg-type]


def test_nothing_is_said_before_the_commit_nor_for_a_rollback(repo: Repository) -> None:
    changes = heard(repo)
    with repo.transaction():
        first = repo.save(Company("Energy Fuels"))
        first.ticker = "UUUU"
        repo.save(first)  # created and edited in one transaction: created
        second = repo.save(Company("MP Materials"))
        assert changes == []
    assert changes == [Change("company", (first.id, second.id), "created")]  # type: ignore[arg-type]
    with pytest.raises(RuntimeError), repo.transaction():
        repo.save(Company("Lynas"))
        raise RuntimeError("abandon")
    assert len(changes) == 1


def test_a_csv_import_says_which_records_it_created(repo: Repository, tmp_path: Path) -> None:
    report = import_csv(repo.conn, write(tmp_path, CSV_DEALS), "deals")
    assert report.written
    by_kind = {change.kind: change for change in report.changes}
    deal_ids = tuple(r[0] for r in repo.conn.execute("SELECT id FROM deals ORDER BY id"))
    company_ids = tuple(r[0] for r in repo.conn.execute("SELECT id FROM companies ORDER BY id"))
    assert by_kind["deal"] == Change("deal", deal_ids, "created")
    assert by_kind["company"] == Change("company", company_ids, "created")


def test_a_snapshot_restore_says_which_records_it_created(repo: Repository,
                                                          tmp_path: Path) -> None:  # fmt: skip
    fill(repo)
    export_snapshot(repo.conn, tmp_path / "snap")
    report = import_snapshot(tmp_path / "restored.db", tmp_path / "snap")
    assert report.restored
    restored = Repository.open(tmp_path / "restored.db")
    try:
        expected = {Change(kind, tuple(r[0] for r in restored.conn.execute(
                        f"SELECT id FROM {table} ORDER BY id")), "created")
                    for kind, table in TABLES.items()}  # fmt: skip
    finally:
        restored.close()
    assert set(report.changes) == expected


def test_a_merge_says_which_records_it_added(repo: Repository, tmp_path: Path) -> None:
    fill(repo)
    export_snapshot(repo.conn, tmp_path / "snap")
    other = Repository.open(tmp_path / "other.db")
    try:
        other.save(Company("Somebody Else"))
    finally:
        other.close()
    report = import_snapshot(tmp_path / "other.db", tmp_path / "snap")
    assert not report.restored
    assert {c.action for c in report.changes} == {"created"}
    assert {c.kind for c in report.changes} == set(TABLES)


# -- every writer, one shape ----------------------------------------------------------------

def _form(folder: Path) -> tuple[Path, str | None]:
    repo = Repository.open(folder / "form.db")
    try:
        company = repo.save(Company("Vulcan Elements", notes="magnets"))
        repo.save(Event("Partnership", parse_fuzzy_date("2025-08"),
                        company_ids=[company.id]))  # type: ignore[list-item]
    finally:
        repo.close()
    return folder / "form.db", None


def _example(folder: Path) -> tuple[Path, str | None]:
    repo = Repository.open(folder / "example.db")
    try:
        load_example(repo)
    finally:
        repo.close()
    return folder / "example.db", None


def _csv(folder: Path) -> tuple[Path, str | None]:
    import_csv(folder / "csv.db", write(folder, CSV_DEALS, "awards.csv"), "deals")
    return folder / "csv.db", "awards.csv, row "


def _snapshot(folder: Path) -> tuple[Path, str | None]:
    repo = Repository.open(folder / "full.db")
    try:
        fill(repo)
        export_snapshot(repo.conn, folder / "snap")
    finally:
        repo.close()
    import_snapshot(folder / "restored.db", folder / "snap")
    return folder / "restored.db", "snap"


def _generated(folder: Path) -> tuple[Path, str | None]:
    spec = GenerateSpec(companies=5, deals=10, events=40, seed=3)
    generate_tracker(folder / "generated.db", AppPaths(folder / "home"), spec)
    return folder / "generated.db", "the generator (seed 3)"


WRITERS: dict[str, Callable[[Path], tuple[Path, str | None]]] = {
    "form": _form, "example tracker": _example, "csv import": _csv,
    "snapshot restore": _snapshot, "generate": _generated,
}  # fmt: skip


@pytest.mark.parametrize("writer", list(WRITERS))
def test_every_writer_logs_and_indexes_each_record_alike(tmp_path: Path, writer: str) -> None:
    path, origin = WRITERS[writer](tmp_path)
    repo = Repository.open(path)
    try:
        for kind, table in TABLES.items():
            ids = [r[0] for r in repo.conn.execute(f"SELECT id FROM {table} ORDER BY id")]
            entries = {record_id: [] for record_id in ids}
            for record_id in ids:
                entries[record_id] = repo.history(kind, record_id)
            for record_id, found in entries.items():
                assert [e.action for e in found] in (["create"], ["create", "delete"]), (
                    kind, record_id)
                create = found[0]
                assert (create.before, create.after) == (None, None)
                if origin is None:
                    assert create.origin is None
                else:
                    assert create.origin is not None and create.origin.startswith(origin)
            indexed = dict(repo.conn.execute(f"SELECT rowid, text FROM {table}_fts"))
            assert sorted(indexed) == ids
            assert all(indexed[i] == repo.search_text(kind, i) for i in ids)
    finally:
        repo.close()


def test_pending_changes_fold_what_happened_to_each_record() -> None:
    pending = PendingChanges()
    pending.add("deal", "created", [1, 2])
    pending.add("deal", "updated", [1, 3])
    pending.add("deal", "deleted", [2, 4])
    pending.add("deal", "restored", [4])
    assert pending.take() == [Change("deal", (1,), "created"), Change("deal", (3, 4), "updated")]
    assert pending.take() == []
    with pytest.raises(ValueError, match="created, updated, deleted or restored|not 'moved'"):
        Change("deal", (1,), "moved")  # type: ignore[arg-type]
