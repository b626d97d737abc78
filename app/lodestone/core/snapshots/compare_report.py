"""The result of a comparison, and the three ways it is shown: words (the command line and the
dialog's summary), JSON (for scripts) and CSV (to open in a spreadsheet).

Words shorten long values to one line; JSON and CSV carry them whole. CSV cells are escaped
like a snapshot's, so a changed title starting with `=` is never run as a formula.
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lodestone.core.records.kinds import RECORD_KINDS
from lodestone.core.records.spreadsheet import escape_cell

ADDED, REMOVED, CHANGED = "added", "removed", "changed"
CHANGES = (ADDED, REMOVED, CHANGED)
MARKS = {ADDED: "+", REMOVED: "-", CHANGED: "~"}
CSV_HEADER = ["kind", "id", "record", "change", "field", "before", "after"]
SHORT = 80  # characters of a value shown in words


@dataclass(frozen=True)
class FieldChange:
    """One field of a record, before (in the older side) and after (in the newer)."""

    field: str
    before: str
    after: str


@dataclass
class RecordChange:
    """A record added, removed or changed; `fields` says how, for a changed one."""

    kind: str
    id: int
    label: str
    change: str
    fields: list[FieldChange] = field(default_factory=list)
    note: str = ""  # "moved to the Trash", "restored from the Trash"

    def title(self) -> str:
        return f"{self.label} ({self.kind} {self.id})" + (f", {self.note}" if self.note else "")


def shorten(value: str) -> str:
    """A value on one line, in quotes, at most SHORT characters; "(none)" for empty."""
    if not value:
        return "(none)"
    text = " ".join(value.split())
    text = text if len(text) <= SHORT else text[:SHORT - 3] + "..."
    return f"\u201c{text}\u201d"


@dataclass
class Comparison:
    """Records of `b` (the newer side) against `a` (the older), by kind.

    `counts[kind][change]` is exact; `changes` lists at most MAX_LISTED records of each kind
    (a comparison of two unrelated trackers would otherwise list millions).
    """

    a: Path
    b: Path
    changes: list[RecordChange]
    counts: dict[str, dict[str, int]]

    @property
    def same(self) -> bool:
        return not any(n for counted in self.counts.values() for n in counted.values())

    def of(self, kind: str, change: str | None = None) -> list[RecordChange]:
        return [c for c in self.changes if c.kind == kind and change in (None, c.change)]

    def summary(self, kind: str) -> str:
        """"1 added, 2 changed" for one kind ("no differences" when there are none)."""
        counted = self.counts.get(kind, {})
        return ", ".join(f"{counted[c]:,} {c}" for c in CHANGES if counted.get(c)) or \
            "no differences"

    def unlisted(self, kind: str) -> int:
        return sum(self.counts.get(kind, {}).values()) - len(self.of(kind))

    def lines(self) -> list[str]:
        """The comparison in words, kind by kind; long values shortened to one line."""
        out = [f"Comparing {self.a} (older) with {self.b} (newer):"]
        if self.same:
            return out + ["No differences: both hold the same records."]
        for kind, plural in ((k.name, k.plural) for k in RECORD_KINDS):
            if not sum(self.counts.get(kind, {}).values()):
                continue
            out.append(f"{plural.capitalize()}: {self.summary(kind)}.")
            for record in self.of(kind):
                out.append(f"  {MARKS[record.change]} {record.title()}")
                out += [f"      {f.field}: {shorten(f.before)} \u2192 {shorten(f.after)}"
                        for f in record.fields]  # fmt: skip
            if self.unlisted(kind):
                out.append(f"  ... and {self.unlisted(kind):,} more {plural}")
        return out

    def as_json(self) -> dict[str, Any]:
        kinds: dict[str, Any] = {}
        for kind, plural in ((k.name, k.plural) for k in RECORD_KINDS):
            entry: dict[str, Any] = {"counts": dict(self.counts.get(kind, {}))}
            for change in CHANGES:
                entry[change] = [
                    {"id": r.id, "label": r.label, "note": r.note,
                     "fields": [vars(f) for f in r.fields]}
                    for r in self.of(kind, change)
                ]  # fmt: skip
            kinds[plural] = entry
        return {"a": str(self.a), "b": str(self.b), "same": self.same, "kinds": kinds}

    def csv_rows(self) -> Iterator[list[str]]:
        """The header, then a row per changed field, and one per record added or removed."""
        yield CSV_HEADER
        for record in self.changes:
            head = [record.kind, str(record.id), escape_cell(record.label), record.change]
            if record.change != CHANGED or not record.fields:
                yield head + [record.note, "", ""]
            for f in record.fields:
                yield head + [escape_cell(f.field), escape_cell(f.before), escape_cell(f.after)]

    def csv_text(self) -> str:
        out = io.StringIO()
        csv.writer(out, lineterminator="\n").writerows(self.csv_rows())
        return out.getvalue()

    def write_csv(self, path: Path) -> None:
        """The CSV rows to `path`, with a byte-order mark so a spreadsheet reads UTF-8; written
        under a temporary name and renamed, so a failed write leaves no half file."""
        handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
                csv.writer(out).writerows(self.csv_rows())
            os.replace(temp, path)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
