"""What changed between two snapshots, or a snapshot and a tracker: records added, removed and
changed, field by field.

"Compare this month's snapshot with last month's" is about records, not files, so the rows of
a deal's parties and tranches, an event's companies, and every record's tags and citations
are read as fields of the record they belong to ("tranche 1 amount", "companies", "tags").
Values are shown as a snapshot writes them: amounts as exact decimals with their currency
(`620000000.00 USD`), dates at their precision (`2025-08`), references by name. A record in
the Trash counts as removed; timestamps are not compared (saving a record unchanged is not a
change). Reading the two sides is `compare_sides`; the words, JSON and CSV are `compare_report`.
"""

from __future__ import annotations

import sqlite3
from contextlib import ExitStack
from pathlib import Path

from lodestone.core.progress import CancelCheck, Progress, Ticker
from lodestone.core.records.kinds import KIND_NAMES, kind_of_table
from lodestone.core.records.spreadsheet import unescape_cell
from lodestone.core.snapshots.compare_report import (
    ADDED,
    CHANGED,
    REMOVED,
    Comparison,
    FieldChange,
    RecordChange,
)
from lodestone.core.snapshots.compare_sides import (
    ITEM_SEPARATOR,
    Side,
    compared_columns,
    load_side,
    scratch_database,
    unpack,
)
from lodestone.core.snapshots.format import (
    AMOUNT,
    CURRENCY,
    FILES,
    ID,
    PRECISION,
    REF,
    TEXT,
    Column,
)

__all__ = ["ADDED", "CHANGED", "REMOVED", "Comparison", "FieldChange", "RecordChange",
           "compare_snapshots"]  # fmt: skip

MAX_LISTED = 10_000  # records of each kind described one by one; the rest are counted
_SPECS = {spec.record_kind: spec for spec in FILES if spec.record_kind}
_TRANCHE = next(spec for spec in FILES if spec.table == "tranches")
_TRANCHE_COLUMNS = _TRANCHE.columns[[c.name for c in _TRANCHE.columns].index("funder_id"):]
# The kind of record each reference column points at (parent_id: a company), by file specs.
_REF_KINDS = {column: kind.name for spec in FILES for column, table in spec.refs.items()
              if (kind := kind_of_table(table)) is not None}  # fmt: skip
_PART_ORDER = {"parties": 0, "tranche": 1, "companies": 2, "tags": 3, "citations": 4}

_DIFF_SQL = """
CREATE TABLE status AS
SELECT kind, id, coalesce(a.live, 0) AS la, coalesce(b.live, 0) AS lb, a.label AS label_a,
       b.label AS label_b, a.cells AS ca, b.cells AS cb
FROM rec_a AS a FULL JOIN rec_b AS b USING (kind, id);
CREATE TABLE pdiff AS
SELECT kind, id, part, pa.value AS va, pb.value AS vb
FROM part_a AS pa FULL JOIN part_b AS pb USING (kind, id, part)
WHERE pa.value IS NOT pb.value;
CREATE INDEX pdiff_record ON pdiff (kind, id);
"""
_LIST_SQL = """
SELECT id, la, lb, label_a, label_b, ca, cb FROM status
WHERE kind = ? AND (la != lb OR (la AND (ca != cb OR EXISTS
      (SELECT 1 FROM pdiff WHERE pdiff.kind = status.kind AND pdiff.id = status.id))))
ORDER BY id
"""


def field_name(column: str) -> str:
    """The words for a column: `parent_id` -> "parent", `end_date` -> "end date"."""
    return column.removesuffix("_id").replace("_", " ")


class _Describer:
    """Turns differing cells into FieldChanges, looking names up on each side."""

    def __init__(self, work: sqlite3.Connection) -> None:
        self.work = work
        self._names: dict[tuple[str, str, int], str] = {}

    def name(self, side: str, kind: str, record_id: str | int) -> str:
        if record_id in ("", None):
            return ""
        key = (side, kind, int(record_id))
        if key not in self._names:
            row = self.work.execute(f"SELECT label FROM rec_{side} WHERE kind = ? AND id = ?",
                                    (kind, int(record_id))).fetchone()  # fmt: skip
            self._names[key] = (row[0] or f"{kind} {record_id}") if row else f"{kind} {record_id}"
        return self._names[key]

    def cells(self, side: str, columns: tuple[Column, ...], cells: list[str]) -> dict[str, str]:
        """{field: value as shown} of a row's cells: currencies joined to their amounts,
        precisions left to their dates (which show it), references by name."""
        by_name = dict(zip((c.name for c in columns), cells, strict=True))
        shown = {}
        for column in columns:
            cell = by_name[column.name]
            if column.kind in (ID, PRECISION, CURRENCY) or column.name in ("deal_id", "position"):
                continue
            if column.kind == AMOUNT:
                cell = f"{cell} {by_name[column.pair]}".strip()
            elif column.kind == REF:
                cell = self.name(side, _REF_KINDS[column.name], cell)
            elif column.kind == TEXT:
                cell = unescape_cell(cell)
            shown[field_name(column.name)] = cell
        return shown

    def record(self, kind: str, ca: str, cb: str) -> list[FieldChange]:
        spec = _SPECS[kind]
        columns = tuple(c for c in spec.columns if c.name in compared_columns(spec))
        before = self.cells("a", columns, unpack(ca))
        after = self.cells("b", columns, unpack(cb))
        return [FieldChange(name, before[name], after[name]) for name in before
                if before[name] != after[name]]  # fmt: skip

    def part(self, kind: str, part: str, va: str | None, vb: str | None) -> list[FieldChange]:
        if part.startswith("tranche:"):
            return self.tranche(va, vb)
        before = self.part_value("a", part, va)
        after = self.part_value("b", part, vb)
        return [FieldChange(part, before, after)] if before != after else []

    def part_value(self, side: str, part: str, value: str | None) -> str:
        items = [unpack(item) for item in value.split(ITEM_SEPARATOR)] if value else []
        if part == "parties":
            return "; ".join(f"{self.name(side, 'company', c)} ({role})" for c, role in items)
        if part == "companies":
            return "; ".join(self.name(side, "company", c) for c, in items)
        if part == "citations":
            shown = []
            for source, cited_field, quote in items:
                text = self.name(side, "source", source)
                text += f" [{unescape_cell(cited_field)}]" if cited_field else ""
                shown.append(text + (f": \u201c{unescape_cell(quote)}\u201d" if quote else ""))
            return "; ".join(shown)
        return "; ".join(unescape_cell(tag) for tag, in items)

    def tranche(self, va: str | None, vb: str | None) -> list[FieldChange]:
        """A tranche's changed fields, or the whole tranche when it was added or removed;
        named by its position in the newer deal ("tranche 2 amount")."""
        values = {s: unpack(v) if v else None for s, v in (("a", va), ("b", vb))}
        before, after = (None if v is None else self.cells(s, _TRANCHE_COLUMNS, v)
                         for s, v in values.items())  # fmt: skip
        positions = [int(v[-1]) + 1 if v else 0 for v in values.values()]
        label = f"tranche {positions[1] or positions[0]}"
        if before is None or after is None:
            return [FieldChange(label, _tranche_words(before), _tranche_words(after))]
        changes = [FieldChange(f"{label} {name}", before[name], after[name])
                   for name in before if before[name] != after[name]]  # fmt: skip
        if positions[0] != positions[1]:
            changes.append(FieldChange(f"{label} position", *map(str, positions)))
        return changes


def _tranche_words(cells: dict[str, str] | None) -> str:
    """A whole tranche in a few words: "loan 620000000.00 USD from Office of Strategic
    Capital (announced)"."""
    if cells is None:
        return ""
    words = " ".join(w for w in (cells["instrument"], cells["amount"]) if w)
    words += f" from {cells['funder']}" if cells["funder"] else ""
    return words + (f" ({cells['status']})" if cells["status"] else "")


Counts = dict[str, dict[str, int]]


def _diff(work: sqlite3.Connection, ticker: Ticker) -> tuple[list[RecordChange], Counts]:
    work.executescript(_DIFF_SQL)
    describe = _Describer(work)
    changes: list[RecordChange] = []
    counts: Counts = {}
    for kind in KIND_NAMES:
        counted = {ADDED: 0, REMOVED: 0, CHANGED: 0}
        for record_id, la, lb, label_a, label_b, ca, cb in work.execute(_LIST_SQL, (kind,)):
            change = CHANGED if la and lb else ADDED if lb else REMOVED
            counted[change] += 1
            ticker.check()
            if sum(counted.values()) > MAX_LISTED:
                continue
            note = ""
            if change == ADDED and label_a is not None:
                note = "restored from the Trash"
            elif change == REMOVED and label_b is not None:
                note = "moved to the Trash"
            label = label_b if change != REMOVED else label_a
            record = RecordChange(kind, record_id, label or f"{kind} {record_id}", change,
                                  note=note)  # fmt: skip
            if change == CHANGED:
                record.fields = describe.record(kind, ca, cb) if ca != cb else []
                parts = work.execute("SELECT part, va, vb FROM pdiff WHERE kind = ? AND id = ?",
                                     (kind, record_id)).fetchall()  # fmt: skip
                parts.sort(key=lambda p: (_PART_ORDER[p[0].partition(":")[0]], p[0]))
                for part, va, vb in parts:
                    record.fields += describe.part(kind, part, va, vb)
            changes.append(record)
        counts[kind] = counted
    return changes, counts


def compare_snapshots(
    a: Path | str, b: Path | str, *, progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> Comparison:  # fmt: skip
    """Compare `a` (the older) with `b` (the newer): each a snapshot folder or zip, or a
    tracker file (read-only, never changed). Raises a TrackerError (one sentence) for a side
    that cannot be read, Cancelled on `cancelled()`."""
    a, b = Path(a), Path(b)
    with ExitStack() as stack:
        sides = {"a": Side(a, stack), "b": Side(b, stack)}
        work = scratch_database()
        stack.callback(work.close)
        ticker = Ticker(sum(s.work for s in sides.values()) + 1, progress, cancelled,
                        "The comparison")  # fmt: skip
        for name, side in sides.items():
            load_side(work, name, side, ticker)
        changes, counts = _diff(work, ticker)
    ticker.finish()
    return Comparison(a, b, changes, counts)
