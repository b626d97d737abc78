"""Reading CSV cells as long as any text a record may hold: the CSV import and the snapshot
restore both read CSV files, and neither should depend on the other for it."""

from __future__ import annotations

import csv
import sys

FIELD_LIMIT = 64 << 20  # characters in one cell: far beyond any text field's limit


def allow_long_fields() -> None:
    """Let csv read cells as long as any text a record may hold (its default limit is 128 KiB,
    a notes field pasted from a report can be longer)."""
    if csv.field_size_limit() < FIELD_LIMIT:
        csv.field_size_limit(min(sys.maxsize, FIELD_LIMIT))
