"""A tracker with every awkward case a snapshot must carry, and ways to read snapshots back."""

from __future__ import annotations

import csv
from pathlib import Path

from lodestone.core.records import (
    Company,
    Deal,
    Event,
    Party,
    Source,
    Tranche,
    parse_fuzzy_date,
    parse_money,
)
from lodestone.core.samples.example import load_example
from lodestone.core.snapshots.format import FILES
from lodestone.core.storage import Repository

INJECTION = '=HYPERLINK("http://example.com")'


def read_rows(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def cell(folder: Path, name: str, record_id: int, column: str) -> str:
    rows = read_rows(folder / name)
    header = rows[0]
    row = next(r for r in rows[1:] if r[0] == str(record_id))
    return row[header.index(column)]


def table_counts(repo: Repository) -> dict[str, int]:
    return {s.table: repo.conn.execute(f"SELECT count(*) FROM {s.table}").fetchone()[0]
            for s in FILES}  # fmt: skip


def fill(repo: Repository) -> Repository:
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
                    event_type="policy", tags=["Export controls"]))  # fmt: skip
    repo.save(Source(url="https://example.com/a?b=1,2", title="Quote \"this\"",
                     published=parse_fuzzy_date("Aug 2025"), accessed="2025-11-09"))  # fmt: skip
    repo.conn.execute("UPDATE companies SET notes = char(9) || 'tab' WHERE id = ?", (gone.id,))
    return repo


def fill_unaccepted(repo: Repository) -> Repository:
    """`fill`, and values no form accepts, which export must still write safely (a restore
    refuses them): a negative amount and a cell starting with a carriage return."""
    fill(repo)
    repo.conn.execute("UPDATE tranches SET amount_minor = -1050 WHERE id = 1")
    gone = repo.conn.execute("SELECT id FROM companies WHERE name = 'Gone Mining'").fetchone()[0]
    repo.conn.execute("UPDATE companies SET website = char(13) || 'cr' WHERE id = ?", (gone,))
    return repo
