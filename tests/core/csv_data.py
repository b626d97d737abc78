"""Small helpers of the CSV import tests: writing a file, reading back what was stored."""

from __future__ import annotations

from pathlib import Path

from lodestone.core.csvio import CsvImportReport
from lodestone.core.records import Deal
from lodestone.core.storage import Repository


def write(tmp_path: Path, text: str | bytes, name: str = "in.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, str):
        text = text.encode("utf-8")
    path.write_bytes(text)
    return path


def deals(repo: Repository) -> list[Deal]:
    ids = [r[0] for r in repo.conn.execute("SELECT id FROM deals ORDER BY id")]
    return [repo.get("deal", i) for i in ids]  # type: ignore[misc]


def count(repo: Repository, table: str) -> int:
    return int(repo.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def problems(report: CsvImportReport) -> list[str]:
    return [e.describe() for e in report.errors]
