"""The repository: reading records, and saving, deleting and restoring them.

Each public mutation is one transaction of the tracker's write layer (`writes.Writes`), which
validates, keeps the change log and the full-text index, and tells subscribers after the
commit which records were created, updated, deleted or restored.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from lodestone.core.records import rowmap
from lodestone.core.records.kinds import KIND_NAMES, record_kind
from lodestone.core.records.model import Citation, Company, Deal, Event, Record
from lodestone.core.records.validation import FieldError
from lodestone.core.storage.changes import Action, Subscriber
from lodestone.core.storage.db import open_tracker
from lodestone.core.storage.writes import InvalidRecord, Writes, check_record

__all__ = ["ChangeEntry", "InvalidRecord", "RecordNotFound", "Repository"]


class RecordNotFound(KeyError):
    def __str__(self) -> str:
        return str(self.args[0])


@dataclass(frozen=True)
class ChangeEntry:
    id: int
    at: str
    action: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    origin: str | None = None  # where an imported record came from


class Repository:
    """All reads and writes of one open tracker, over one sqlite3 connection."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        conn.row_factory = sqlite3.Row
        self.writes = Writes(conn)

    @property
    def conn(self) -> sqlite3.Connection:
        """The connection every read and write of this repository goes through."""
        return self.writes.conn

    @conn.setter
    def conn(self, conn: sqlite3.Connection) -> None:
        self.writes.conn = conn

    @classmethod
    def open(cls, path: Path | str, **kwargs: Any) -> Repository:
        return cls(open_tracker(path, **kwargs))

    def close(self) -> None:
        self.conn.close()

    # -- transactions and notifications ---------------------------------------------------

    def subscribe(self, subscriber: Subscriber) -> None:
        """`subscriber(change)` is called after each committed change."""
        self.writes.subscribe(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self.writes.unsubscribe(subscriber)

    @contextmanager
    def transaction(self) -> Iterator[Repository]:
        """One transaction; nested calls become savepoints of the outer one."""
        with self.writes.transaction():
            yield self

    def announce(self, kind: str, record_id: int, action: Action = "updated") -> None:
        """Tell subscribers, once the current transaction commits, that this record changed
        (for writers beside the repository's own: exchange rates, citations)."""
        self.writes.changed(kind, action, (record_id,))

    # -- reading ----------------------------------------------------------------------------

    def _one(self, sql: str, params: tuple[Any, ...] = ()) -> sqlite3.Row | None:
        row: sqlite3.Row | None = self.conn.execute(sql, params).fetchone()
        return row

    def tags(self, kind: str, record_id: int) -> list[str]:
        rows = self.conn.execute(
            "SELECT tag FROM tags WHERE record_kind = ? AND record_id = ? ORDER BY tag",
            (kind, record_id),
        )
        return [r[0] for r in rows]

    def get(self, kind: str, record_id: int) -> Record:
        described = record_kind(kind)
        row = self._one(f"SELECT * FROM {described.table} WHERE id = ?", (record_id,))
        if row is None:
            raise RecordNotFound(f"no {kind} with id {record_id}")
        children = {
            child.table: [dict(r) for r in self.conn.execute(described.children_sql(child),
                                                             (record_id,))]
            for child in described.children
        }  # fmt: skip
        return described.from_row(dict(row), children, self.tags(kind, record_id))

    def is_deleted(self, kind: str, record_id: int) -> bool:
        table = record_kind(kind).table
        row = self._one(f"SELECT deleted_at FROM {table} WHERE id = ?", (record_id,))
        if row is None:
            raise RecordNotFound(f"no {kind} with id {record_id}")
        return row[0] is not None

    def find_company(self, name: str) -> Company | None:
        row = self._one(
            "SELECT id FROM companies WHERE name = ? COLLATE NOCASE AND deleted_at IS NULL",
            (name.strip(),),
        )
        company = None if row is None else self.get("company", row[0])
        return company if isinstance(company, Company) else None

    def company_names(self, ids: list[int]) -> dict[int, str]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.conn.execute(f"SELECT id, name FROM companies WHERE id IN ({marks})", ids)
        return {r[0]: r[1] for r in rows}

    def count(self, kind: str) -> int:
        """Live (not deleted) records of one kind."""
        sql = f"SELECT count(*) FROM {record_kind(kind).table} WHERE deleted_at IS NULL"
        return int(self.conn.execute(sql).fetchone()[0])

    def counts(self) -> dict[str, int]:
        """Live (not deleted) records of each kind, plus tranches."""
        result = {kind: self.count(kind) for kind in KIND_NAMES}
        result["tranche"] = self.conn.execute(
            "SELECT count(*) FROM tranches JOIN deals ON deals.id = tranches.deal_id "
            "WHERE deals.deleted_at IS NULL"
        ).fetchone()[0]
        return result

    def history(self, kind: str, record_id: int) -> list[ChangeEntry]:
        rows = self.conn.execute(
            "SELECT id, at, action, before, after, origin FROM change_log "
            "WHERE record_kind = ? AND record_id = ? ORDER BY id",
            (kind, record_id),
        )
        return [
            ChangeEntry(
                r["id"],
                r["at"],
                r["action"],
                json.loads(r["before"]) if r["before"] else None,
                json.loads(r["after"]) if r["after"] else None,
                r["origin"],
            )
            for r in rows
        ]

    # -- writing ----------------------------------------------------------------------------

    def save(self, record: Record) -> Record:
        """Create (id None) or update a record with its children, whole or not at all."""
        check_record(record)
        kind = record.KIND
        table = record_kind(kind).table
        writes = self.writes
        with self.transaction():
            if isinstance(record, Company):
                self._check_name_free(record.name, record.id)
            if record.id is None:
                record.id = self._insert(table, record_kind(kind).to_row(record))
                self._save_children(record)
                self._write_tags(kind, record.id, record.tags)
                writes.created(kind, (record.id,))
                return record
            before = writes.picture(kind, record.id)
            self._update(table, record.id, record_kind(kind).to_row(record))
            self._save_children(record)
            self._write_tags(kind, record.id, record.tags)
            after = writes.picture(kind, record.id)
            old, new = rowmap.diff(before or {}, after or {})
            if new or old:
                writes.log(kind, record.id, "update", old, new)
            writes.index(kind, (record.id,))
            if isinstance(record, Company) and before and before["name"] != record.name:
                self._reindex_dependents(record.id)
            writes.changed(kind, "updated", (record.id,))
        return record

    def delete(self, kind: str, record_id: int) -> None:
        """Move a record to the Trash (soft delete); `restore` brings it back."""
        with self.transaction():
            if self.is_deleted(kind, record_id):
                return
            self.conn.execute(
                f"UPDATE {record_kind(kind).table} "
                "SET deleted_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') WHERE id = ?",
                (record_id,),
            )
            self.writes.log(kind, record_id, "delete")
            self.writes.changed(kind, "deleted", (record_id,))

    def restore(self, kind: str, record_id: int) -> None:
        with self.transaction():
            if not self.is_deleted(kind, record_id):
                return
            if kind == "company":
                self._check_name_free(self.get(kind, record_id).label, record_id)
            self.conn.execute(
                f"UPDATE {record_kind(kind).table} SET deleted_at = NULL WHERE id = ?", (record_id,)
            )
            self.writes.log(kind, record_id, "restore")
            self.writes.changed(kind, "restored", (record_id,))

    def set_deleted_many(self, kind: str, ids: list[int], deleted: bool) -> list[int]:
        """Move many records to the Trash (or back) in a few statements, as `delete` and
        `restore` do one by one (undoing an import of a hundred thousand rows); return the
        ids that changed, in order."""
        table, ids_json = record_kind(kind).table, json.dumps(ids)
        state = "IS NULL" if deleted else "IS NOT NULL"
        with self.transaction():
            rows = self.conn.execute(
                f"SELECT id FROM {table} WHERE id IN (SELECT value FROM json_each(?)) "
                f"AND deleted_at {state} ORDER BY id", (ids_json,))  # fmt: skip
            changed = [r[0] for r in rows]
            changed_json = json.dumps(changed)
            if kind == "company" and not deleted:
                clash = self._one(
                    "SELECT name FROM companies r WHERE id IN (SELECT value FROM json_each(?)) "
                    "AND EXISTS (SELECT 1 FROM companies l WHERE l.deleted_at IS NULL AND "
                    "l.name = r.name COLLATE NOCASE AND l.id <> r.id) LIMIT 1",
                    (changed_json,),
                )
                if clash is not None:
                    message = f"Another company is already named '{clash[0]}'"
                    raise InvalidRecord([FieldError("name", message)])
            when = "strftime('%Y-%m-%dT%H:%M:%fZ', 'now')" if deleted else "NULL"
            self.conn.execute(
                f"UPDATE {table} SET deleted_at = {when} "
                "WHERE id IN (SELECT value FROM json_each(?))", (changed_json,))  # fmt: skip
            self.conn.execute(
                "INSERT INTO change_log (record_kind, record_id, action) "
                "SELECT ?, value, ? FROM json_each(?)",
                (kind, "delete" if deleted else "restore", changed_json))  # fmt: skip
            self.writes.changed(kind, "deleted" if deleted else "restored", changed)
        return changed

    def add_citation(self, citation: Citation) -> Citation:
        """Store a citation; one with an id keeps it (an undone removal coming back)."""
        with self.transaction():
            # the table's columns are the dataclass's fields
            row = {k: v for k, v in asdict(citation).items() if k != "id" or v is not None}
            citation.id = self._insert("citations", row)
            self.announce(citation.record_kind, citation.record_id)
        return citation

    def citation(self, citation_id: int) -> Citation:
        row = self._one("SELECT * FROM citations WHERE id = ?", (citation_id,))
        if row is None:
            raise RecordNotFound(f"no citation with id {citation_id}")
        return Citation(**dict(row))

    def update_citation(self, citation: Citation) -> None:
        """Change which field a citation backs and the sentence it quotes."""
        with self.transaction():
            cur = self.conn.execute(
                "UPDATE citations SET field = ?, quote = ? WHERE id = ?",
                (citation.field, citation.quote, citation.id),
            )
            if cur.rowcount != 1:
                raise RecordNotFound(f"no citation with id {citation.id}")
            self.announce(citation.record_kind, citation.record_id)

    def remove_citation(self, citation_id: int) -> None:
        with self.transaction():
            row = self._one(
                "SELECT record_kind, record_id FROM citations WHERE id = ?", (citation_id,)
            )
            if row is None:
                raise RecordNotFound(f"no citation with id {citation_id}")
            self.conn.execute("DELETE FROM citations WHERE id = ?", (citation_id,))
            self.announce(row[0], row[1])

    def citations(self, kind: str, record_id: int) -> list[Citation]:
        rows = self.conn.execute(
            "SELECT * FROM citations WHERE record_kind = ? AND record_id = ? ORDER BY id",
            (kind, record_id),
        )
        return [Citation(**dict(r)) for r in rows]

    # -- internals --------------------------------------------------------------------------

    def _check_name_free(self, name: str, record_id: int | None) -> None:
        clash = self.find_company(name)
        if clash is not None and clash.id != record_id:
            message = f"Another company is already named '{clash.name}'"
            raise InvalidRecord([FieldError("name", message)])

    def _insert(self, table: str, row: dict[str, Any]) -> int:
        cols = ", ".join(row)
        marks = ", ".join("?" * len(row))
        cur = self.conn.execute(
            f"INSERT INTO {table} ({cols}) VALUES ({marks})", list(row.values())
        )
        return int(cur.lastrowid or 0)

    def _update(self, table: str, record_id: int, row: dict[str, Any]) -> None:
        sets = ", ".join(f"{c} = ?" for c in row)
        cur = self.conn.execute(
            f"UPDATE {table} SET {sets}, updated_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now') "
            "WHERE id = ?",
            [*row.values(), record_id],
        )
        if cur.rowcount != 1:
            raise RecordNotFound(f"no {table} row with id {record_id}")

    def _save_children(self, record: Record) -> None:
        assert record.id is not None
        if isinstance(record, Deal):
            self.conn.execute("DELETE FROM deal_parties WHERE deal_id = ?", (record.id,))
            for i, party in enumerate(record.parties):
                self._insert(
                    "deal_parties",
                    {
                        "deal_id": record.id,
                        "company_id": party.company_id,
                        "role": party.role,
                        "position": i,
                    },
                )
            for i, tranche in enumerate(record.tranches):
                row = rowmap.tranche_row(tranche, record.id, i)
                if tranche.id is None:
                    tranche.id = self._insert("tranches", row)
                else:
                    sets = ", ".join(f"{c} = ?" for c in row)
                    cur = self.conn.execute(  # this deal's tranche only, never another's
                        f"UPDATE tranches SET {sets} WHERE id = ? AND deal_id = ?",
                        [*row.values(), tranche.id, record.id],
                    )
                    if cur.rowcount == 0:  # undoing a removal brings the tranche back as it was
                        self._insert("tranches", {"id": tranche.id, **row})
            # removed ones last, so a new tranche never takes the id of one removed in this save
            keep = [t.id for t in record.tranches]
            marks = ",".join("?" * len(keep))
            self.conn.execute(
                f"DELETE FROM tranches WHERE deal_id = ? AND id NOT IN ({marks})",
                [record.id, *keep],
            )
        elif isinstance(record, Event):
            self.conn.execute("DELETE FROM event_companies WHERE event_id = ?", (record.id,))
            for i, company_id in enumerate(record.company_ids):
                self._insert(
                    "event_companies",
                    {"event_id": record.id, "company_id": company_id, "position": i},
                )

    def _write_tags(self, kind: str, record_id: int, tags: list[str]) -> None:
        self.conn.execute(
            "DELETE FROM tags WHERE record_kind = ? AND record_id = ?", (kind, record_id)
        )
        self.conn.executemany(
            "INSERT OR IGNORE INTO tags (record_kind, record_id, tag) VALUES (?, ?, ?)",
            [(kind, record_id, t) for t in tags],
        )

    def log_change(self, kind: str, record_id: int, action: str, before: Any, after: Any) -> None:
        """One change-log entry, for writers beside the repository's own (reference data)."""
        self.writes.log(kind, record_id, action, before, after)

    def search_text(self, kind: str, record_id: int) -> str:
        """What full-text search sees of a record: its own text and the names around it."""
        return self.writes.text(kind, record_id)

    def reindex(self, kind: str, record_id: int) -> None:
        self.writes.index(kind, (record_id,))

    def _reindex_dependents(self, company_id: int) -> None:
        """A renamed company changes what its deals and events are found by."""
        deals = self.conn.execute(
            "SELECT deal_id FROM deal_parties WHERE company_id = ? "
            "UNION SELECT deal_id FROM tranches WHERE funder_id = ?",
            (company_id, company_id),
        ).fetchall()
        self.writes.index("deal", (deal_id for (deal_id,) in deals))
        events = self.conn.execute(
            "SELECT event_id FROM event_companies WHERE company_id = ?", (company_id,)
        ).fetchall()
        self.writes.index("event", (event_id for (event_id,) in events))

