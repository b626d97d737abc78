"""Comparing snapshots and trackers: real exports, edited the way an analyst edits, compared
record by record; the `compare` command's output and exit status; every bad side refused."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from lodestone.cli import main
from lodestone.core.progress import Cancelled
from lodestone.core.records import Citation, Company, Party, parse_money
from lodestone.core.samples.example import load_example
from lodestone.core.snapshots import (
    ADDED,
    CHANGED,
    REMOVED,
    Comparison,
    compare_snapshots,
    export_snapshot,
)
from lodestone.core.snapshots.compare_report import CSV_HEADER
from lodestone.core.storage import Repository, TrackerError


@pytest.fixture
def example(tmp_path: Path):
    repo = Repository.open(tmp_path / "t.db")
    load_example(repo)
    yield repo
    repo.close()


def snapshot(repo: Repository, tmp_path: Path, name: str, excel: bool = False) -> Path:
    dest = tmp_path / name
    export_snapshot(repo.conn, dest, excel=excel)
    return dest


def the_magnet_deal(repo: Repository):
    deal_id = repo.conn.execute("SELECT id FROM deals WHERE title LIKE '%magnet%'").fetchone()[0]
    return repo.get("deal", deal_id)


def summary(comparison: Comparison) -> dict[str, dict[str, int]]:
    """The non-zero counts, by kind."""
    return {kind: {c: n for c, n in counted.items() if n}
            for kind, counted in comparison.counts.items() if any(counted.values())}  # fmt: skip


def fields(comparison: Comparison, kind: str, record_id: int) -> list[tuple[str, str, str]]:
    (record,) = [r for r in comparison.changes if (r.kind, r.id) == (kind, record_id)]
    return [(f.field, f.before, f.after) for f in record.fields]


def test_edited_tranche_and_deleted_event_are_exactly_the_differences(example, tmp_path):
    before = snapshot(example, tmp_path, "before")
    deal = the_magnet_deal(example)
    tranche = deal.tranches[0]
    old_amount = tranche.amount
    tranche.amount = parse_money("$630 million")
    example.save(deal)
    event_id = example.conn.execute("SELECT min(id) FROM events").fetchone()[0]
    event_title = example.get("event", event_id).title
    example.delete("event", event_id)
    after = snapshot(example, tmp_path, "after.zip")

    comparison = compare_snapshots(before, after)

    assert summary(comparison) == {"deal": {CHANGED: 1}, "event": {REMOVED: 1}}
    assert old_amount is not None and old_amount.minor == 620_000_000_00
    assert fields(comparison, "deal", deal.id) == [
        ("tranche 1 amount", "620000000.00 USD", "630000000.00 USD")]
    (removed,) = comparison.of("event", REMOVED)
    assert (removed.id, removed.label, removed.note) == (event_id, event_title,
                                                         "moved to the Trash")  # fmt: skip
    assert not comparison.same
    assert any("tranche 1 amount: \u201c620000000.00 USD\u201d \u2192 \u201c630000000.00 USD"
               in line for line in comparison.lines())  # fmt: skip


def test_a_tracker_and_its_snapshot_are_the_same(example, tmp_path):
    plain = snapshot(example, tmp_path, "plain")
    excel = snapshot(example, tmp_path, "excel.zip", excel=True)
    for a, b in ((plain, tmp_path / "t.db"), (excel, plain), (tmp_path / "t.db", excel)):
        comparison = compare_snapshots(a, b)
        assert comparison.same and comparison.changes == [], (a, b)
        assert comparison.lines()[-1] == "No differences: both hold the same records."


def test_every_part_of_a_record_is_compared(example, tmp_path):
    """Names, references (by name), parties, event companies, tags, citations, a tranche
    added and one removed, an added record and one restored from the Trash."""
    gone = example.save(Company("Gone Mining"))
    example.delete("company", gone.id)
    partner = example.save(Company("Partner Metals"))
    before = snapshot(example, tmp_path, "before")
    parent = example.find_company("ReElement Technologies")
    vulcan = example.find_company("Vulcan Elements")
    assert parent is not None and vulcan is not None
    vulcan.notes, vulcan.parent_id = "=SUM(A1) is text here", parent.id
    example.save(vulcan)
    deal = the_magnet_deal(example)
    old_tags = "; ".join(sorted(deal.tags))
    deal.tags = ["magnets", "DoW"]
    deal.parties = [*deal.parties, Party(partner.id, "partner")]
    dropped = deal.tranches.pop(1)
    deal.tranches.append(type(dropped)("grant", parse_money("EUR 5 million"), None))
    example.save(deal)
    event_id = example.conn.execute("SELECT min(id) FROM events").fetchone()[0]
    event = example.get("event", event_id)
    event.company_ids = [vulcan.id]
    example.save(event)
    source_id = example.conn.execute("SELECT min(id) FROM sources").fetchone()[0]
    example.add_citation(Citation(source_id, "company", vulcan.id, "website", "a quote"))
    added = example.save(Company("Acme Magnets"))
    example.restore("company", gone.id)

    comparison = compare_snapshots(before, tmp_path / "t.db")

    assert summary(comparison) == {"company": {ADDED: 2, CHANGED: 1},
                                   "deal": {CHANGED: 1}, "event": {CHANGED: 1}}  # fmt: skip
    assert [(r.id, r.note) for r in comparison.of("company", ADDED)] == [
        (gone.id, "restored from the Trash"), (added.id, "")]
    changed = dict((f, (b, a)) for f, b, a in fields(comparison, "company", vulcan.id))
    assert changed["notes"][1] == "=SUM(A1) is text here"  # as typed, not escaped
    assert changed["parent"] == ("", "ReElement Technologies")
    source = example.get("source", source_id)
    assert changed["citations"][1].endswith(f"{source.title} [website]: \u201ca quote\u201d")
    deal_changes = {f: (b, a) for f, b, a in fields(comparison, "deal", deal.id)}
    parties = deal_changes["parties"]
    assert parties[1] == parties[0] + "; Partner Metals (partner)"
    assert deal_changes["tags"] == (old_tags, "DoW; magnets")
    removed = [k for k, (b, a) in deal_changes.items() if b and not a]
    new = [k for k, (b, a) in deal_changes.items() if a and not b and k.startswith("tranche")]
    assert len(removed) == 1 and "50000000.00 USD" in deal_changes[removed[0]][0]
    assert deal_changes[new[0]][1] == "grant 5000000.00 EUR (announced)"
    assert fields(comparison, "event", event_id)[0][0] == "companies"
    assert fields(comparison, "event", event_id)[0][2] == "Vulcan Elements"


def test_json_and_csv_carry_every_change(example, tmp_path):
    before = snapshot(example, tmp_path, "before")
    company = example.save(Company("@Formula Corp"))
    comparison = compare_snapshots(before, tmp_path / "t.db")
    data = json.loads(json.dumps(comparison.as_json()))
    assert data["same"] is False
    assert data["kinds"]["companies"]["added"] == [
        {"id": company.id, "label": "@Formula Corp", "note": "", "fields": []}]
    rows = list(comparison.csv_rows())
    assert rows[0] == CSV_HEADER
    assert rows[1][:4] == ["company", str(company.id), "'@Formula Corp", ADDED]
    out = tmp_path / "changes.csv"
    comparison.write_csv(out)
    assert out.read_bytes().startswith(b"\xef\xbb\xbfkind,id,record")
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".changes")] == []


@pytest.mark.parametrize("bad", ["missing", "text", "damaged", "no-manifest", "not-a-zip"])
def test_a_side_that_cannot_be_read_is_refused_in_one_sentence(example, tmp_path, bad):
    good = snapshot(example, tmp_path, "good")
    target = tmp_path / bad
    if bad == "text":
        target.write_text("this is not a tracker\n")
    elif bad == "damaged":
        shutil.copytree(good, target)
        with (target / "events.csv").open("a") as handle:
            handle.write("99,extra,other,2025,year,,,,,,2025-01-01T00:00:00.000Z,"
                         "2025-01-01T00:00:00.000Z,\n")
    elif bad == "no-manifest":
        shutil.copytree(good, target)
        (target / "manifest.json").unlink()
    elif bad == "not-a-zip":
        target = tmp_path / "fake.zip"
        target.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(TrackerError) as info:
        compare_snapshots(good, target)
    message = str(info.value)
    assert str(target.name) in message and "\n" not in message
    expected = {"missing": "does not exist", "text": "not", "damaged": "checksum",
                "no-manifest": "manifest.json", "not-a-zip": "not"}[bad]  # fmt: skip
    assert expected in message


def test_cancel_stops_the_comparison(example, tmp_path):
    before = snapshot(example, tmp_path, "before")
    calls: list[tuple[int, int]] = []
    with pytest.raises(Cancelled):
        compare_snapshots(before, tmp_path / "t.db", progress=lambda d, t: calls.append((d, t)),
                          cancelled=lambda: len(calls) >= 2)  # fmt: skip
    assert len(calls) == 2
    done: list[tuple[int, int]] = []
    compare_snapshots(before, tmp_path / "t.db", progress=lambda d, t: done.append((d, t)))
    assert done[-1][0] == done[-1][1]
    assert [d for d, _ in done] == sorted(d for d, _ in done)


# -- the command --------------------------------------------------------------------------


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def test_command_exit_status_follows_diff(example, tmp_path, capsys):
    before = snapshot(example, tmp_path, "before.zip")
    assert run(capsys, "compare", before, tmp_path / "t.db")[0] == 0
    example.save(Company("Acme Magnets"))
    code, out, err = run(capsys, "compare", before, tmp_path / "t.db")
    assert (code, err) == (1, "")
    assert "Companies: 1 added." in out and "+ Acme Magnets" in out
    code, out, _ = run(capsys, "diff", "--json", before, tmp_path / "t.db")
    assert code == 1 and json.loads(out)["kinds"]["companies"]["counts"][ADDED] == 1
    code, out, _ = run(capsys, "compare", "--csv", before, tmp_path / "t.db")
    assert code == 1 and out.splitlines()[0] == ",".join(CSV_HEADER)
    assert run(capsys, "compare", "-q", before, tmp_path / "t.db")[1:] == ("", "")
    code, out, err = run(capsys, "compare", before, tmp_path / "missing.zip")
    assert (code, out) == (2, "") and err.startswith("lodestone: error: ") and \
        "missing.zip does not exist" in err


def test_command_help_documents_the_exit_status(capsys):
    with pytest.raises(SystemExit) as info:
        main(["compare", "--help"])
    assert info.value.code == 0
    text = capsys.readouterr().out
    assert "0  A and B hold the same records" in text and "2  trouble" in text
    with pytest.raises(SystemExit) as info:
        main(["compare", "only-one"])
    assert info.value.code == 2
