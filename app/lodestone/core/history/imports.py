"""An import as one undoable step.

An import writes through its own connection (on a worker thread, in batches), so it is not
applied by the history; once it has committed, the records it created are read from the change
log and recorded as one step: undo moves them all to the Trash, redo brings them back.
"""

from __future__ import annotations

from lodestone.core.history.operations import Composite, TrashMany
from lodestone.core.records.kinds import KIND_NAMES
from lodestone.core.storage.repository import Repository


def log_mark(repo: Repository) -> int:
    """The newest change-log entry now: what an import logs afterwards comes after it."""
    return int(repo.conn.execute("SELECT coalesce(max(id), 0) FROM change_log").fetchone()[0])


def created_since(repo: Repository, mark: int) -> list[tuple[str, int]]:
    """(kind, id) of each record created after the change-log entry `mark`, oldest first."""
    kinds = ",".join("?" * len(KIND_NAMES))
    rows = repo.conn.execute(
        "SELECT record_kind, record_id FROM change_log WHERE id > ? AND action = 'create' "
        f"AND record_kind IN ({kinds}) ORDER BY id",
        (mark, *KIND_NAMES),
    )
    return [(r[0], r[1]) for r in rows]


def import_step(repo: Repository, mark: int, text: str) -> tuple[Composite, Composite] | None:
    """(the import as redo, its undo) for the records created since `mark`; None if none."""
    by_kind: dict[str, list[int]] = {}
    for kind, record_id in created_since(repo, mark):
        by_kind.setdefault(kind, []).append(record_id)
    if not by_kind:
        return None
    restore = [TrashMany(kind, ids, False, text=text) for kind, ids in by_kind.items()]
    trash = [TrashMany(kind, ids, True, text=text) for kind, ids in by_kind.items()]
    return Composite(restore, text=text), Composite(trash[::-1], text=text)
