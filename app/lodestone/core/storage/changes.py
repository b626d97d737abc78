"""What a committed write tells the rest of the app: which records, and what happened to them.

A `Change` is delivered after its transaction commits (never for a rollback), so a listener
that reads the tracker sees exactly what the change describes. Within one transaction the
notices of one record are folded into what happened overall: a record created and then edited
was created; one moved to the Trash and brought back was updated.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Literal

Action = Literal["created", "updated", "deleted", "restored"]
ACTIONS: tuple[Action, ...] = ("created", "updated", "deleted", "restored")


@dataclass(frozen=True)
class Change:
    """Records `ids` of `kind` were created, updated, moved to the Trash (deleted) or brought
    back from it (restored)."""

    kind: str
    ids: tuple[int, ...]
    action: Action

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"a change is one of {', '.join(ACTIONS)}, not {self.action!r}")


Subscriber = Callable[[Change], None]

# (what happened before, what happened next) -> what happened overall; None: nothing at all
_FOLDED: dict[tuple[Action, Action], Action | None] = {
    ("created", "updated"): "created",
    ("created", "deleted"): None,
    ("created", "restored"): "created",
    ("updated", "deleted"): "deleted",
    ("updated", "restored"): "restored",
    ("deleted", "updated"): "deleted",
    ("deleted", "restored"): "updated",
    ("deleted", "created"): "created",
    ("restored", "deleted"): "updated",
    ("restored", "updated"): "restored",
}


class PendingChanges:
    """The notices of one open transaction, folded per record, in the order first heard."""

    def __init__(self) -> None:
        self._actions: dict[tuple[str, int], Action | None] = {}

    def add(self, kind: str, action: Action, ids: Iterable[int]) -> None:
        for record_id in ids:
            key = (kind, int(record_id))
            if key not in self._actions:
                self._actions[key] = action
                continue
            before = self._actions[key]
            if before is None:  # created and deleted in this transaction: it comes back new
                self._actions[key] = "created" if action == "restored" else None
            elif before != action:
                self._actions[key] = _FOLDED.get((before, action), action)

    def clear(self) -> None:
        self._actions.clear()

    def take(self) -> list[Change]:
        """The folded changes, one per kind and action, and nothing pending after."""
        grouped: dict[tuple[str, Action], list[int]] = {}
        for (kind, record_id), action in self._actions.items():
            if action is not None:
                grouped.setdefault((kind, action), []).append(record_id)
        self._actions.clear()
        return [Change(kind, tuple(sorted(ids)), action)
                for (kind, action), ids in grouped.items()]  # fmt: skip
