"""The names a deal's or event's row stores for sorting, worked out from the record itself."""

from __future__ import annotations

from lodestone.core.records import Deal
from lodestone.core.storage import Repository

STORED = {"deal": ("deals", "party_names"), "event": ("events", "company_names")}


def linked_company_ids(record) -> list[int]:
    ids = [p.company_id for p in record.parties] if isinstance(record, Deal) else record.company_ids
    return list(dict.fromkeys(ids))  # a company in two roles is named once, first place first


def expected_names(repo: Repository, kind: str, record_id: int) -> str:
    record = repo.get(kind, record_id)
    return ", ".join(repo.get("company", cid).name for cid in linked_company_ids(record))


def stored_names(repo: Repository, kind: str, record_id: int) -> str:
    table, column = STORED[kind]
    row = repo.conn.execute(f"SELECT {column} FROM {table} WHERE id = ?", (record_id,))
    return row.fetchone()[0]


def assert_all_current(repo: Repository) -> None:
    for kind, (table, _) in STORED.items():
        for (record_id,) in repo.conn.execute(f"SELECT id FROM {table}").fetchall():
            assert stored_names(repo, kind, record_id) == expected_names(repo, kind, record_id)
