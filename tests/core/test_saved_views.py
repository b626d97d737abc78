"""Saved views on a real tracker file: round trips, names, and damaged stored queries."""

from __future__ import annotations

import sqlite3

import pytest
from lodestone.core.lists import (
    ListQuery,
    ViewError,
    ViewNotFound,
    delete_view,
    list_views,
    load_view,
    save_view,
)
from lodestone.core.lists.saved_views import MAX_NAME
from lodestone.core.storage import Repository, open_tracker
from lodestone.core.storage.schema import APPLICATION_ID, migration_set
from sqlite_utils import Database

FULL = ListQuery(
    "event",
    search="export ban",
    filters=(("kind", ("policy", "trade restriction")), ("country", ("CN",))),
    date_from="2024-01-01",
    date_to="2025-12-31",
    sort="title",
    descending=True,
    deleted=False,
    ids=(3, 1, 2),
)


def test_a_view_round_trips_every_part_of_the_query_across_reopening(tmp_path):
    path = tmp_path / "views.db"
    repo = Repository.open(path)
    assert save_view(repo.conn, "event", "  China controls  ", FULL) == "China controls"
    repo.close()
    repo = Repository.open(path)
    assert list_views(repo.conn, "event") == ["China controls"]
    assert load_view(repo.conn, "event", "china CONTROLS") == FULL
    repo.close()


def test_names_are_unique_per_kind_whatever_their_case(repo):
    conn = repo.conn
    save_view(conn, "deal", "Loans", ListQuery("deal", search="loan"))
    save_view(conn, "deal", "big", ListQuery("deal", sort="amount", descending=True))
    save_view(conn, "event", "Loans", ListQuery("event"))
    assert save_view(conn, "deal", "LOANS", ListQuery("deal", search="grant")) == "LOANS"
    assert list_views(conn, "deal") == ["big", "LOANS"]
    assert load_view(conn, "deal", "loans").search == "grant"
    assert load_view(conn, "event", "Loans") == ListQuery("event")
    delete_view(conn, "deal", "Loans")
    assert list_views(conn, "deal") == ["big"] and list_views(conn, "event") == ["Loans"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "A view needs a name"),
        ("   \t ", "A view needs a name"),
        ("x" * (MAX_NAME + 1), f"at most {MAX_NAME} characters \\(this one has {MAX_NAME + 1}\\)"),
        ("two\nlines", "control characters"),
        ("tab\there", "control characters"),
        (None, "must be text"),
    ],
)
def test_bad_names_are_refused_and_nothing_is_stored(repo, name, message):
    with pytest.raises(ViewError, match=message):
        save_view(repo.conn, "deal", name, ListQuery("deal"))
    assert list_views(repo.conn, "deal") == []


def test_the_longest_name_allowed_is_kept_whole(repo):
    name = "y" * MAX_NAME
    save_view(repo.conn, "source", name, ListQuery("source"))
    assert list_views(repo.conn, "source") == [name]


def test_kinds_must_exist_and_match_the_query(repo):
    with pytest.raises(ValueError, match="no list of kind 'tranche'"):
        save_view(repo.conn, "tranche", "x", ListQuery("deal"))
    with pytest.raises(ValueError, match="a event query cannot be saved as a deal view"):
        save_view(repo.conn, "deal", "x", ListQuery("event"))
    with pytest.raises(ValueError, match="no list of kind"):
        list_views(repo.conn, "nothing")


def test_missing_views_are_reported_by_name(repo):
    with pytest.raises(ViewNotFound, match="no saved view named 'Gone'"):
        load_view(repo.conn, "deal", "Gone")
    with pytest.raises(ViewNotFound, match="no saved view named 'Gone'"):
        delete_view(repo.conn, "deal", " Gone ")


@pytest.mark.parametrize(
    "stored",
    [
        "[]",
        '{"kind": "deal"}',
        '{"kind": "event", "search": 5}',
        '{"kind": "event", "filters": 5}',
        '{"kind": "event", "filters": [["kind", "policy"]]}',
        '{"kind": "event", "filters": [["no such facet", ["x"]]]}',
        '{"kind": "event", "filters": [["kind", [1]]]}',
        '{"kind": "event", "sort": "no such column"}',
        '{"kind": "event", "date_from": "2025-13-01"}',
        '{"kind": "event", "date_to": 20250101}',
        '{"kind": "event", "descending": "yes"}',
        '{"kind": "event", "ids": [1, "2"]}',
        '{"kind": "event", "ids": [true]}',
    ],
)
def test_a_damaged_stored_query_is_refused_with_the_views_name(repo, stored):
    save_view(repo.conn, "event", "Mine", FULL)
    repo.conn.execute("UPDATE saved_views SET query_json = ?", (stored,))
    with pytest.raises(ViewError, match="The saved view 'Mine' is damaged and cannot be opened"):
        load_view(repo.conn, "event", "Mine")


def test_text_that_is_not_json_is_refused_on_write_and_on_read(repo):
    save_view(repo.conn, "event", "Mine", FULL)
    with pytest.raises(sqlite3.IntegrityError):
        repo.conn.execute("UPDATE saved_views SET query_json = 'not json'")
    repo.conn.execute("PRAGMA ignore_check_constraints = ON")  # as a damaged file would be
    repo.conn.execute("UPDATE saved_views SET query_json = 'not json'")
    with pytest.raises(ViewError, match="'Mine' is damaged"):
        load_view(repo.conn, "event", "Mine")


def test_a_tracker_of_the_first_schema_gains_saved_views_when_opened(tmp_path):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    migration_set().apply(Database(conn), stop_before="0002_saved_views")
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 1")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert "events" in tables and "saved_views" not in tables
    conn.close()
    conn = open_tracker(path)
    save_view(conn, "event", "Upgraded", FULL)
    assert load_view(conn, "event", "Upgraded") == FULL
    conn.close()
