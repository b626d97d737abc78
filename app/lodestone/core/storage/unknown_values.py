"""Stored values that today's vocabularies do not hold: what `lodestone check` warns of.

The vocabularies that grow (company types, deal statuses, tranche instruments and statuses,
event types, party roles, stages, commodities) are not CHECK constraints in the file (see
migration 11): core validates every value before it is stored. A value outside the vocabulary
can still be there, written by a later release that knew more values, or by hand; the records
keep working, so it is a warning that names the field, not damage.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from lodestone.core.records import vocabulary


@dataclass(frozen=True)
class VocabularyColumn:
    table: str
    column: str
    label: str  # the field as the analyst knows it
    vocabulary: str  # the name of its list in records.vocabulary, read when checked
    is_list: bool = False  # a JSON list of values
    optional: bool = False  # "" allowed


VOCABULARY_COLUMNS = (
    VocabularyColumn("companies", "kind", "company type", "COMPANY_TYPES"),
    VocabularyColumn("companies", "stages", "company stage", "STAGES", is_list=True),
    VocabularyColumn("companies", "commodities", "company commodity", "COMMODITIES",
                     is_list=True),
    VocabularyColumn("deals", "status", "deal status", "DEAL_STATUSES"),
    VocabularyColumn("deals", "stage", "deal stage", "STAGES", optional=True),
    VocabularyColumn("deals", "commodities", "deal commodity", "COMMODITIES", is_list=True),
    VocabularyColumn("deal_parties", "role", "party role", "PARTY_ROLES"),
    VocabularyColumn("tranches", "instrument", "tranche instrument", "INSTRUMENTS"),
    VocabularyColumn("tranches", "status", "tranche status", "TRANCHE_STATUSES"),
    VocabularyColumn("events", "kind", "event type", "EVENT_TYPES"),
)  # fmt: skip


def _stored_values(conn: sqlite3.Connection, field: VocabularyColumn) -> list[tuple[str, int]]:
    """Each distinct stored value and how many rows hold it (an index answers most)."""
    if field.is_list:
        sql = (f"SELECT item.value, count(*) FROM {field.table}, "
               f"json_each({field.table}.{field.column}) AS item "
               f"WHERE json_valid({field.table}.{field.column}) GROUP BY item.value")
    else:
        sql = f"SELECT {field.column}, count(*) FROM {field.table} GROUP BY {field.column}"
    return [(value, count) for value, count in conn.execute(sql)]


def unknown_value_warnings(conn: sqlite3.Connection) -> list[str]:
    """One line per stored value outside its vocabulary: the field, the value, how many rows."""
    warnings = []
    for field in VOCABULARY_COLUMNS:
        known: tuple[str, ...] = getattr(vocabulary, field.vocabulary)
        for value, count in _stored_values(conn, field):
            if value in known or (field.optional and value == ""):
                continue
            rows = "1 row has" if count == 1 else f"{count:,} rows have"
            warnings.append(
                f"{field.table}.{field.column}: {rows} the {field.label} {value!r}, which this "
                f"version of Lodestone does not know (it knows {', '.join(known)})"
            )
    return warnings
