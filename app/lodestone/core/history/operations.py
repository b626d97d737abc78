"""Undoable operations: each mutation is a small command that, applied, returns its inverse.

The undo history (`undo.UndoHistory`) applies them and keeps each inverse; the window's Undo
and Redo only display that history, so undo is tested without Qt. Records are saved, deleted
and restored here; citations and tags in `attachments`, exchange rates and saved views in
`reference_data`; `Composite` makes several of them one step (an import, a merge).
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field

from lodestone.core.records.kinds import record_kind, snapshot
from lodestone.core.records.model import Record
from lodestone.core.records.rowmap import diff
from lodestone.core.storage.repository import Repository

_FIELD_NAMES = {
    "amount_minor": "Amount",
    "currency": "Currency",
    "announced": "Announced Date",
    "date": "Date",
    "end_date": "End Date",
    "company_ids": "Companies",
    "parent_id": "Parent",
    "deal_id": "Related Deal",
    "funder_id": "Funder",
    "base": "Reporting Currency",
}


class Operation:
    """Apply to a repository; return the operation that undoes it.

    `apply` runs inside the caller's transaction (the history opens one per step), so an
    operation that fails half-way leaves nothing behind once that transaction rolls back.
    """

    text: str = ""

    def apply(self, repo: Repository) -> Operation:
        raise NotImplementedError


@dataclass
class Composite(Operation):
    """Several operations as one step: applied in order, undone in reverse order."""

    parts: Sequence[Operation]
    text: str = ""

    def apply(self, repo: Repository) -> Operation:
        with repo.transaction():
            inverses = [part.apply(repo) for part in self.parts]
        return Composite(inverses[::-1], text=self.text)


def field_title(name: str) -> str:
    """A column as the analyst reads it: 'funder_id' -> 'Funder', 'end_date' -> 'End Date'."""
    return _FIELD_NAMES.get(name, name.replace("_", " ").title())


def describe_edit(before: Record | None, after: Record) -> str:
    """'Edit Tranche Amount', 'Edit Deal', 'Add Company' — the words of the Undo menu item."""
    noun = record_kind(after.KIND).title
    if before is None:
        return f"Add {noun}"
    old, new = diff(snapshot(before), snapshot(after))
    changed = sorted(set(old) | set(new))
    if changed == ["tranches"]:
        b, a = old.get("tranches") or [], new.get("tranches") or []
        if len(b) != len(a):
            return "Add Tranche" if len(a) > len(b) else "Remove Tranche"
        fields = sorted({k for x, y in zip(b, a, strict=True) for k in y if x.get(k) != y.get(k)})
        fields = ["amount" if f in ("amount_minor", "currency") else f for f in fields]
        if len(set(fields)) == 1:
            return f"Edit Tranche {field_title(fields[0])}"
        return "Edit Tranches"
    if changed == ["amount_minor"] or changed == ["amount_minor", "currency"]:
        return f"Edit {noun} Amount"
    if len(changed) == 1:
        return f"Edit {noun} {field_title(changed[0])}"
    return f"Edit {noun}"


@dataclass
class Save(Operation):
    """Create a record (id None) or replace it with this version (`in_trash`: and leave it in
    the Trash, as it was when an edit made there is undone)."""

    record: Record
    text: str = ""
    in_trash: bool = False

    def apply(self, repo: Repository) -> Operation:
        record = copy.deepcopy(self.record)
        if record.id is None:
            saved = repo.save(record)
            self.record.id = saved.id
            assert saved.id is not None
            return Trash(saved.KIND, saved.id, text=self.text)
        before = repo.get(record.KIND, record.id)
        was_deleted = repo.is_deleted(record.KIND, record.id)
        with repo.transaction():
            if was_deleted:
                repo.restore(record.KIND, record.id)
            repo.save(record)
            if self.in_trash:
                repo.delete(record.KIND, record.id)
        return Save(before, text=self.text, in_trash=was_deleted)


@dataclass
class Trash(Operation):
    """Move a record to the Trash (`deleted`) or back out of it; the inverse does the other."""

    kind_: str
    id_: int
    deleted: bool = True
    text: str = field(default="")

    def apply(self, repo: Repository) -> Operation:
        (repo.delete if self.deleted else repo.restore)(self.kind_, self.id_)
        return Trash(self.kind_, self.id_, not self.deleted, text=self.text)


@dataclass
class TrashMany(Operation):
    """Many records of one kind to the Trash (`deleted`) or back, in a few statements."""

    kind: str
    ids: list[int]
    deleted: bool = True
    text: str = ""

    def apply(self, repo: Repository) -> Operation:
        changed = repo.set_deleted_many(self.kind, self.ids, self.deleted)
        return TrashMany(self.kind, changed, not self.deleted, text=self.text)


def save_operation(repo: Repository, record: Record) -> Save:
    """A Save with the menu text that says what it changes."""
    before = None if record.id is None else repo.get(record.KIND, record.id)
    return Save(copy.deepcopy(record), text=describe_edit(before, record))


def kind_title(kind: str) -> str:
    """A record kind as menus name it: 'company' -> 'Company'."""
    return record_kind(kind).title


def delete_operation(repo: Repository, kind: str, record_id: int) -> Trash:
    label = repo.get(kind, record_id).label
    return Trash(kind, record_id, True, text=f"Delete {record_kind(kind).title} “{label}”")


def restore_operation(repo: Repository, kind: str, record_id: int) -> Trash:
    label = repo.get(kind, record_id).label
    return Trash(kind, record_id, False, text=f"Restore {record_kind(kind).title} “{label}”")
