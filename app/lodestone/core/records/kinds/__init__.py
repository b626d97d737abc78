"""Each record kind described once: the descriptions, and lookups by name, table and record.

    from lodestone.core.records.kinds import RECORD_KINDS, record_kind
    for kind in RECORD_KINDS: print(kind.plural, kind.table)
    record_kind("deal").title  # "Deal"
"""

from __future__ import annotations

from typing import Any

from lodestone.core.records import rowmap
from lodestone.core.records.fieldcheck import FieldError
from lodestone.core.records.kinds.description import ChildTable, RecordKind
from lodestone.core.records.kinds.listing import Column, Facet, ListLayout
from lodestone.core.records.kinds.registry import (
    CITATIONS,
    COMPANY,
    DEAL,
    EVENT,
    EVENT_COMPANIES,
    PARTIES,
    RECORD_CHILDREN,
    RECORD_KINDS,
    SOURCE,
    TAGS,
    TRANCHES,
)
from lodestone.core.records.rowmap import ChildRows, Row

__all__ = [
    "CITATIONS", "COMPANY", "DEAL", "EVENT", "EVENT_COMPANIES", "KIND_NAMES", "PARTIES",
    "RECORD_CHILDREN", "RECORD_KINDS", "SOURCE", "TAGS", "TRANCHES", "ChildRows", "ChildTable",
    "Column", "Facet", "ListLayout", "RecordKind", "Row", "child_tables", "kind_of",
    "kind_of_table", "record_kind", "snapshot", "to_row", "validate",
]  # fmt: skip

KIND_NAMES: tuple[str, ...] = tuple(kind.name for kind in RECORD_KINDS)
_BY_NAME = {kind.name: kind for kind in RECORD_KINDS}
_BY_TABLE = {kind.table: kind for kind in RECORD_KINDS}
_BY_TYPE: dict[type, RecordKind] = {kind.record_type: kind for kind in RECORD_KINDS}


def record_kind(name: str) -> RecordKind:
    """The description of the kind stored as `name` ("company", "deal", ...)."""
    try:
        return _BY_NAME[name]
    except KeyError:
        raise KeyError(f"no record kind {name!r}: the kinds are {', '.join(KIND_NAMES)}") from None


def kind_of_table(table: str) -> RecordKind | None:
    """The kind whose records `table` holds, or None for any other table."""
    return _BY_TABLE.get(table)


def kind_of(record: Any) -> RecordKind:
    """The description of a record's kind, from its dataclass."""
    try:
        return _BY_TYPE[type(record)]
    except KeyError:
        raise TypeError(f"not a record: {record!r}") from None


def child_tables() -> tuple[ChildTable, ...]:
    """Every child table: each kind's own, in the kinds' order, then those of any record."""
    return tuple(child for kind in RECORD_KINDS for child in kind.children) + RECORD_CHILDREN


def to_row(record: Any) -> Row:
    """The record's own table columns (children such as tranches are stored apart)."""
    return kind_of(record).to_row(record)


def snapshot(record: Any) -> Row:
    """A JSON-able picture of a record with its children, for the change log and diffs."""
    return rowmap.with_children(record, to_row(record))


def validate(record: Any) -> list[FieldError]:
    """The errors of any record; an empty list means it may be saved."""
    try:
        validator = _BY_TYPE[type(record)].validator
    except KeyError:
        raise TypeError(f"cannot validate a {type(record).__name__}") from None
    return validator(record)
