"""The record kinds' descriptions are complete and agree with the tracker and the dataclasses.

Everything that lists kinds, lays out a list, indexes search text, maps rows or writes snapshot
files reads these descriptions: a wrong column here breaks all of them at once, so each fact
is checked against a fresh tracker's tables and against records that use every field.
"""

from __future__ import annotations

import dataclasses
import sqlite3
from typing import Any

import pytest
from lodestone.core.records import (
    KIND_NAMES,
    RECORD_KINDS,
    ChildTable,
    Company,
    Deal,
    Event,
    Party,
    RecordKind,
    Source,
    Tranche,
    kind_of_table,
    parse_fuzzy_date,
    parse_money,
    record_kind,
    snapshot,
    to_row,
    validate,
)
from lodestone.core.records.kinds import RECORD_CHILDREN, child_tables, kind_of
from lodestone.core.snapshots.cells import derived_columns
from lodestone.core.snapshots.format import FILES, FileSpec
from lodestone.core.storage import Repository

# The dataclass fields each kind keeps in a child table rather than in its own columns.
CHILD_FIELDS = {"tags", "parties", "tranches", "company_ids"}
ids = pytest.mark.parametrize("kind", RECORD_KINDS, ids=KIND_NAMES)


def columns(conn: sqlite3.Connection, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


@pytest.fixture
def linked(repo: Repository) -> dict[str, int]:
    """Records for the fields that refer to other records to point at."""
    a = repo.save(Company("Vulcan Elements"))
    b = repo.save(Company("Office of Strategic Capital", company_type="government agency"))
    deal = repo.save(Deal("Magnet plant"))
    return {"a": a.id, "b": b.id, "deal": deal.id}  # type: ignore[dict-item]


def full_records(linked: dict[str, int]) -> dict[str, tuple[Any, Any]]:
    """Two valid records of each kind that differ in every field (ids aside)."""
    a, b, deal = linked["a"], linked["b"], linked["deal"]
    day = parse_fuzzy_date
    return {
        "company": (
            Company(name="ReElement Technologies", company_type="company", ticker="AREC",
                    exchange="NASDAQ", country="US", parent_id=a, stages=["magnets"],
                    commodities=["NdPr"], website="https://reelement.example", notes="notes",
                    tags=["onshoring"]),
            Company(name="MP Materials", company_type="investor", ticker="MP", exchange="NYSE",
                    country="CA", parent_id=b, stages=["mining"], commodities=["Dy"],
                    website="https://mp.example", notes="other notes", tags=["stake"]),
        ),
        "deal": (
            Deal(title="Magnet supply chain", status="announced", announced=day("2025-08"),
                 closed=day("2025-11"), amount=parse_money("$1.4 billion"),
                 parties=[Party(a, "recipient")],
                 tranches=[Tranche("loan", parse_money("$620 million"), b, "conditional", "OSC")],
                 capacity_value="10000", capacity_unit="t/yr", capacity_product="magnets",
                 stage="magnets", commodities=["NdPr"], country="US", description="text",
                 tags=["doe"]),
            Deal(title="Price floor", status="closed", announced=day("2025-07-10"),
                 closed=day("2025-09-01"), amount=parse_money("€50 million"),
                 parties=[Party(b, "partner")],
                 tranches=[Tranche("grant", parse_money("€5 million"), a, "closed", "DoW")],
                 capacity_value="2,500", capacity_unit="t", capacity_product="oxide",
                 stage="mining", commodities=["Tb"], country="CA", description="other text",
                 tags=["dod"]),
        ),
        "event": (
            Event(title="Export controls lifted", date=day("2025-11"), event_type="policy",
                  end_date=day("2026-11"), company_ids=[a], deal_id=deal, country="CN",
                  description="text", tags=["china"]),
            Event(title="First shipment", date=day("2025-10-02"), event_type="shipment",
                  end_date=None, company_ids=[b, a], deal_id=None, country="PK",
                  description="other text", tags=["pakistan"]),
        ),
        "source": (
            Source(url="https://benzinga.example/a", publisher="Benzinga", title="Magnet deal",
                   published=day("2025-11"), accessed="2025-11-09", notes="notes",
                   tags=["news"]),
            Source(url="https://ainvest.example/b", publisher="AInvest", title="Rare earths",
                   published=day("2025-11-09"), accessed="2025-11-10", notes="other notes",
                   tags=["analysis"]),
        ),
    }  # fmt: skip


def test_the_registry_holds_each_kind_once_in_the_order_the_program_shows_them():
    assert KIND_NAMES == ("company", "deal", "event", "source")
    assert kind_of(Company("x")) is record_kind("company")
    assert [record_kind(name) for name in KIND_NAMES] == list(RECORD_KINDS)
    assert {kind.table for kind in RECORD_KINDS} == {"companies", "deals", "events", "sources"}
    assert [c.table for c in child_tables()] == [
        "deal_parties", "tranches", "event_companies", "citations", "tags"]
    with pytest.raises(KeyError, match="no record kind 'tranche'"):
        record_kind("tranche")
    with pytest.raises(TypeError, match="not a record"):
        kind_of(Tranche())


@ids
def test_each_description_names_its_dataclass_and_its_nouns(kind: RecordKind):
    assert kind.record_type.KIND == kind.name
    assert kind_of_table(kind.table) is kind
    assert kind.title.lower() == kind.name and kind.plural.islower()
    assert kind.snapshot_file == f"{kind.table}.csv"
    assert kind.title_column in {c.key for c in kind.list_columns}
    assert kind.default_sort in {c.key for c in kind.list_columns}


@ids
def test_each_table_and_its_columns_exist_in_a_fresh_tracker(repo: Repository, kind: RecordKind):
    conn = repo.conn
    own = columns(conn, kind.table)
    assert own, f"no table {kind.table}"
    assert set(kind.search_columns) | set(kind.label_columns) <= own
    assert set(kind.span_columns or ()) <= own
    assert columns(conn, kind.search_table) == {"text"}
    for child in kind.children:
        assert child.owner in columns(conn, child.table)
        assert {child.company_column} - {""} <= columns(conn, child.table)
        assert {child.names_column} - {""} <= own
    # every SQL fragment the description holds runs against the table
    for column in kind.list_columns:
        conn.execute(f"SELECT {column.expr}, {column.order_expr} FROM {kind.table} t LIMIT 0")
    for facet in kind.facets:
        source = f", {facet.source}" if facet.source else ""
        conn.execute(f"SELECT {facet.value} FROM {kind.table} t{source} "
                     f"WHERE {facet.link} LIMIT 0")  # fmt: skip
    conn.execute(kind.search_text_sql, (1,))
    for child in kind.children:
        conn.execute(kind.children_sql(child), (1,))


def test_children_of_any_record_are_keyed_by_kind_and_id(repo: Repository):
    for child in RECORD_CHILDREN:
        assert child.of_any_record
        assert {"record_kind", "record_id"} <= columns(repo.conn, child.table)


@ids
def test_every_dataclass_field_is_stored_and_read_back(
        repo: Repository, linked: dict[str, int], kind: RecordKind) -> None:  # fmt: skip
    first, second = full_records(linked)[kind.name]
    assert validate(first) == [] and validate(second) == []
    own = columns(repo.conn, kind.table)
    assert set(to_row(first)) <= own, set(to_row(first)) - own
    fields = [f.name for f in dataclasses.fields(kind.record_type) if f.name != "id"]
    for name in fields:  # each field, changed alone, changes what is stored
        assert getattr(first, name) != getattr(second, name), (
            f"full_records: give {kind.name}.{name} a different value in each record")
        changed = dataclasses.replace(first, **{name: getattr(second, name)})
        assert snapshot(changed) != snapshot(first), f"{kind.name}.{name} is not stored"
        if name not in CHILD_FIELDS:
            assert to_row(changed) != to_row(first), f"{kind.name}.{name} has no column"
    for record in (first, second):
        saved = repo.save(dataclasses.replace(record))
        assert saved.id is not None
        assert repo.get(kind.name, saved.id) == dataclasses.replace(record, id=saved.id)


@ids
def test_labels_name_a_record_as_its_dataclass_does(kind: RecordKind, linked: dict[str, int]):
    for record in full_records(linked)[kind.name]:
        row = to_row(record)
        assert next(row[c] for c in kind.label_columns if row[c]) == record.label


def test_search_text_is_the_records_columns_then_the_companies_it_names(
        repo: Repository, linked: dict[str, int]) -> None:  # fmt: skip
    deal = repo.save(full_records(linked)["deal"][0])
    assert repo.search_text("deal", deal.id) == (  # type: ignore[arg-type]
        "Magnet supply chain text US magnets Vulcan Elements Office of Strategic Capital")


def test_snapshot_files_follow_the_registry():
    described: list[RecordKind | ChildTable] = [
        d for kind in RECORD_KINDS for d in (kind, *kind.children)]
    described += RECORD_CHILDREN
    assert [(s.name, s.table) for s in FILES] == [(d.snapshot_file, d.table) for d in described]
    assert {s.record_kind for s in FILES} - {None} == set(KIND_NAMES)
    for spec in FILES:
        kind = kind_of_table(spec.table)
        assert spec.record_kind == (None if kind is None else kind.name)


@pytest.mark.parametrize("spec", FILES, ids=[spec.name for spec in FILES])
def test_every_stored_column_is_in_its_snapshot_file(repo: Repository, spec: FileSpec):
    """A column a snapshot leaves out would be lost by an export and import: each is written,
    or worked out again from those that are (a date's days, the names stored for sorting)."""
    kind = kind_of_table(spec.table)
    links = None if kind is None else kind.named_companies
    stored_names = {links.names_column} if links is not None else set()
    written = {column.db for column in spec.columns}
    assert columns(repo.conn, spec.table) - written - set(derived_columns(spec.table)) == (
        stored_names)


def test_stored_record_kinds_are_the_registrys(repo: Repository, linked: dict[str, int]):
    """The tracker accepts each kind's name where it stores one (citations, tags)."""
    source = repo.save(Source(url="https://example.com"))
    for name in KIND_NAMES:
        repo.conn.execute("INSERT INTO tags (record_kind, record_id, tag) VALUES (?, 1, 'x')",
                          (name,))  # fmt: skip
        repo.conn.execute("INSERT INTO citations (source_id, record_kind, record_id) "
                          "VALUES (?, ?, 1)", (source.id, name))  # fmt: skip
    assert repo.conn.execute("SELECT count(*) FROM citations").fetchone()[0] == len(KIND_NAMES)
