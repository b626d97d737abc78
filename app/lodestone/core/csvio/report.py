"""What a CSV import read, stored and refused: the report, in sentences, and the rejected rows.

The report is what the command line prints and the import dialog shows; the rejected rows go
to a file beside the input (with a column saying what is wrong with each) that can be fixed and
imported again.
"""

from __future__ import annotations

import csv
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lodestone.core.csvio.company_match import NewCompany
from lodestone.core.csvio.mapping import ColumnMapping
from lodestone.core.csvio.rows import CellError, RowResult
from lodestone.core.csvio.source import CsvSource
from lodestone.core.records.spreadsheet import escape_any_cell
from lodestone.core.storage.changes import Change

LISTED = 50  # problems and names listed one by one in the report's lines


@dataclass
class CsvImportReport:
    """What an import read, stored (or, in a dry run, would store) and refused."""

    path: Path
    mapping: ColumnMapping
    rows: int = 0
    stored: int = 0
    written: bool = False
    dry_run: bool = False
    invalid: list[RowResult] = field(default_factory=list)
    skipped: list[RowResult] = field(default_factory=list)
    new_companies: list[NewCompany] = field(default_factory=list)
    matched: dict[str, str] = field(default_factory=dict)
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    rejected_file: Path | None = None
    changes: list[Change] = field(default_factory=list)  # what the committed import changed

    @property
    def errors(self) -> list[CellError]:
        return [error for result in self.invalid for error in result.errors]

    def lines(self, listed: int | None = LISTED) -> list[str]:
        """The report in sentences; at most `listed` items of each list (None: all)."""
        kind = self.mapping.kind
        out = [f"{self.path.name}: {self.rows:,} rows of {kind} "
               f"({'; '.join(self.mapping.describe())})."] + self.warnings  # fmt: skip
        if self.written or (self.dry_run and self.stored):
            verb = "Would import" if self.dry_run else "Imported"
            out.append(f"{verb} {self.stored:,} {kind}"
                       + (" (dry run: nothing was written)." if self.dry_run else "."))
        elif self.invalid:
            rows = _count(len(self.invalid), "row has", "rows have")
            verb = "would be" if self.dry_run else "was"
            out.append(f"Nothing {verb} imported: {rows} errors (fix them, or use "
                       "--skip-invalid to import the valid rows).")
        out += [f"  {r.note} (row {r.row})" for r in self.skipped[:listed]]
        if self.new_companies:
            names = ", ".join(c.name for c in self.new_companies[:listed])
            more = len(self.new_companies) - len(self.new_companies[:listed])
            out.append(f"New companies ({len(self.new_companies):,}): {names}"
                       + (f" and {more:,} more" if more else ""))
        out += [f"  {name!r} matched the tracker's {known!r}"
                for name, known in list(self.matched.items())[:listed]]  # fmt: skip
        out += [f"  likely duplicate, kept separate: {new!r} and {old!r}"
                for new, old in self.duplicates[:listed]]  # fmt: skip
        errors = self.errors
        if errors:
            out.append(f"Rows with errors ({len(self.invalid):,}):")
            out += [f"  {e.describe()}" for e in errors[:listed]]
            if len(errors) > len(errors[:listed]):
                out.append(f"  ... and {len(errors) - len(errors[:listed]):,} more problems")
        if self.rejected_file is not None:
            out.append(f"The rejected rows were written to {self.rejected_file}")
        return out


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"



def _free_name(path: Path) -> Path:
    candidate = path.with_name(f"{path.stem}.rejected.csv")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem}.rejected-{number}.csv")
        number += 1
    return candidate


def write_rejected(source: CsvSource, invalid: list[RowResult]) -> Path:
    """The rejected rows, as they were, after columns giving their row and problems: a file
    to fix and import again (the extra columns are not mapped to any field)."""
    target = _free_name(source.path)
    handle, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(handle, "w", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            # Written for a spreadsheet: formula-like cells neutralised as an export does.
            writer.writerow(map(escape_any_cell, ["rejected row", "problems", *source.headers]))
            for result in invalid:
                problems = "; ".join(e.describe().partition(": ")[2] or e.message
                                     for e in result.errors)  # fmt: skip
                writer.writerow([result.row, *map(escape_any_cell, [problems, *result.cells])])
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target
