"""What a snapshot import did, for the command line and the import dialog."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lodestone.core.snapshots.format import Manifest
from lodestone.core.storage.changes import Change

MAX_LISTED = 1000  # conflicts described one by one; the rest are counted


@dataclass(frozen=True)
class Conflict:
    """A snapshot row that was not imported, and why."""

    file: str
    key: tuple[Any, ...]
    line: int
    reason: str

    def describe(self) -> str:
        key = ", ".join(str(k) for k in self.key)
        return f"{self.file} line {self.line} ({key}): {self.reason}"


@dataclass
class ImportReport:
    """What an import did: `restored` when the tracker was empty (an exact restore)."""

    source: Path
    manifest: Manifest
    restored: bool = False
    added: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    unchanged: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    conflicts: list[Conflict] = field(default_factory=list)
    conflict_count: int = 0
    changes: list[Change] = field(default_factory=list)  # what the committed import changed

    def add_conflict(self, conflict: Conflict) -> None:
        """Count a conflict; describe the first MAX_LISTED (a snapshot of another tracker
        can conflict on every row, and a million sentences help nobody)."""
        self.conflict_count += 1
        if len(self.conflicts) < MAX_LISTED:
            self.conflicts.append(conflict)

    def lines(self) -> list[str]:
        """The report as sentences, for the command line and the import dialog."""
        verb = "Restored" if self.restored else "Added"
        added = ", ".join(f"{n:,} {name.removesuffix('.csv').replace('_', ' ')}"
                          for name, n in self.added.items() if n) or "nothing"  # fmt: skip
        lines = [f"{verb} {added} from {self.source.name}."]
        unchanged = sum(self.unchanged.values())
        if unchanged:
            lines.append(f"{unchanged:,} rows were already in the tracker, unchanged.")
        if self.conflict_count:
            lines.append(f"{self.conflict_count:,} rows conflict with the tracker and were not "
                         "imported (the tracker's version was kept):")  # fmt: skip
            lines += [f"  {c.describe()}" for c in self.conflicts]
            if self.conflict_count > len(self.conflicts):
                lines.append(f"  ... and {self.conflict_count - len(self.conflicts):,} more")
        return lines
