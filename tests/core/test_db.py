from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from lodestone.core.storage import (
    SCHEMA_VERSION,
    DamagedTrackerError,
    NewerSchemaError,
    NotATrackerError,
    TrackerError,
    migrate,
    open_tracker,
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_tracker_has_the_reliability_pragmas(tmp_path: Path):
    conn = open_tracker(tmp_path / "t.db")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert conn.execute("PRAGMA synchronous").fetchone()[0] in (1, 2)
    assert conn.execute("PRAGMA busy_timeout").fetchone()[0] >= 1000
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert (tmp_path / "t.db").stat().st_mode & 0o777 == 0o600


def test_migrations_applied_twice_change_nothing(tmp_path: Path):
    conn = open_tracker(tmp_path / "t.db")
    schema = conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall()
    migrate(conn)
    conn.close()
    conn = open_tracker(tmp_path / "t.db")
    assert conn.execute("SELECT sql FROM sqlite_master ORDER BY name").fetchall() == schema
    assert conn.execute("SELECT count(*) FROM _sqlite_migrations").fetchone()[0] == SCHEMA_VERSION


def test_newer_schema_refused_byte_for_byte_untouched(tmp_path: Path):
    path = tmp_path / "t.db"
    conn = open_tracker(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = _digest(path)
    with pytest.raises(NewerSchemaError, match="newer version of Lodestone"):
        open_tracker(path)
    assert _digest(path) == before
    assert not Path(str(path) + "-wal").exists() or Path(str(path) + "-wal").stat().st_size == 0


def test_unknown_migration_name_means_newer(tmp_path: Path):
    path = tmp_path / "t.db"
    conn = open_tracker(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('lodestone', '9999_future', 'x')"
    )
    conn.close()
    with pytest.raises(NewerSchemaError):
        open_tracker(path)


@pytest.mark.parametrize(
    ("content", "error", "words"),
    [
        (b"", NotATrackerError, "empty"),
        (b"hello, I am a text file\n" * 10, NotATrackerError, "not an SQLite"),
        (b"SQLite format 3\x00" + b"\x00" * 20, DamagedTrackerError, "truncated"),
        (b"SQLite format 3\x00" + bytes(range(256)) * 20, DamagedTrackerError, "damaged"),
    ],
)
def test_bad_files_refused_untouched(tmp_path: Path, content: bytes, error, words):
    path = tmp_path / "bad.db"
    path.write_bytes(content)
    with pytest.raises(error, match=words):
        open_tracker(path)
    assert path.read_bytes() == content


def test_foreign_sqlite_database_refused_untouched(tmp_path: Path):
    path = tmp_path / "other.db"
    other = sqlite3.connect(path)
    other.execute("CREATE TABLE notes (x)")
    other.commit()
    other.close()
    before = _digest(path)
    with pytest.raises(NotATrackerError, match="not a Lodestone tracker"):
        open_tracker(path)
    assert _digest(path) == before


def test_folder_and_missing_parent(tmp_path: Path):
    with pytest.raises(NotATrackerError, match="folder"):
        open_tracker(tmp_path)
    with pytest.raises(TrackerError, match="does not exist"):
        open_tracker(tmp_path / "nope" / "t.db")
    with pytest.raises(TrackerError, match="does not exist"):
        open_tracker(tmp_path / "t.db", create=False)


def test_readonly_connection_cannot_write(tmp_path: Path):
    open_tracker(tmp_path / "t.db").close()
    conn = open_tracker(tmp_path / "t.db", readonly=True)
    with pytest.raises(sqlite3.OperationalError):
        conn.execute("INSERT INTO companies (name) VALUES ('x')")


def test_a_damaged_files_message_is_one_line_even_when_sqlite_quotes_sql():
    from lodestone.core.storage import DamagedTrackerError

    reason = "malformed database schema (rates) - unrecognized token: \"`NULL,\n  base TEXT\n)\""
    message = str(DamagedTrackerError(f"t.db is damaged and cannot be opened ({reason})"))
    assert "\n" not in message and message.startswith("t.db is damaged and cannot be opened (")
    assert message.endswith("…)") and len(message) < 320
    plain = "t.db is damaged and cannot be opened (file is not a database)"
    assert str(DamagedTrackerError(plain)) == plain


def test_an_unknown_migration_is_named_not_called_a_schema_number(tmp_path: Path):
    path = tmp_path / "t.db"
    conn = open_tracker(path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                 "VALUES ('lodestone', '9999_future', 'x')")  # fmt: skip
    conn.close()
    with pytest.raises(NewerSchemaError) as refused:
        open_tracker(path)
    assert "the step '9999_future', which this version does not know" in str(refused.value)
    assert "reads up to" not in str(refused.value)
