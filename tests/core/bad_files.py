"""Files that are not usable trackers, shared by the check tests of the core and of the CLI.

Each maker writes its file at the given path; BAD_FILES maps a name to the maker, the error
check_tracker must raise, and words its one-line message must contain.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Callable
from pathlib import Path

from lodestone.core.records.model import Company
from lodestone.core.storage.db import (
    DamagedTrackerError,
    NewerSchemaError,
    NotATrackerError,
    TrackerError,
    open_tracker,
)
from lodestone.core.storage.repository import Repository
from lodestone.core.storage.schema import SCHEMA_VERSION


def noise(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


def good_tracker(path: Path, companies: int = 3) -> Path:
    """A closed tracker holding a few companies."""
    repo = Repository.open(path)
    with repo.transaction():
        for i in range(companies):
            repo.save(Company(f"Company {i:04d}", notes="magnets " * 20))
    repo.close()
    return path


def newer_schema(path: Path) -> None:
    conn = open_tracker(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()


def plain_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()


def empty_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("VACUUM")  # writes the header page without any table
    conn.close()


def truncated_tracker(path: Path) -> None:
    """A real tracker cut to 40% of its length, as by a copy that stopped half-way."""
    good_tracker(path, companies=300)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 5])


BAD_FILES: dict[str, tuple[Callable[[Path], object], type[TrackerError], str]] = {
    "empty file": (lambda p: p.write_bytes(b""), NotATrackerError, "empty"),
    "text file": (lambda p: p.write_text("company,deal\n" * 50), NotATrackerError,
                  "not an SQLite"),
    "truncated header": (lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\x00" * 30),
                         DamagedTrackerError, "truncated"),
    "truncated tracker": (truncated_tracker, DamagedTrackerError, "damaged"),
    "random bytes": (lambda p: p.write_bytes(b"SQLite format 3\x00" + noise(8000)),
                     DamagedTrackerError, "damaged"),
    "plain SQLite": (plain_sqlite, NotATrackerError, "not a Lodestone tracker"),
    "empty SQLite": (empty_sqlite, NotATrackerError, "empty SQLite database"),
    "newer schema": (newer_schema, NewerSchemaError, "newer version"),
}
