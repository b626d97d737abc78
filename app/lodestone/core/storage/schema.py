"""The tracker's schema, created and evolved only through numbered migrations.

Each migration is a numbered SQL script in `STEPS`; sqlite-utils records every
applied name in `_sqlite_migrations`, and `SCHEMA_VERSION` (also written to `user_version`)
lets a file made by a newer Lodestone be recognised and refused before anything is written.
"""

from __future__ import annotations

import sqlite3
from typing import TYPE_CHECKING

from lodestone.core.records.vocabulary import (
    COMPANY_KINDS,
    DEAL_STATUSES,
    EVENT_KINDS,
    INSTRUMENTS,
    RECORD_KINDS,
    TRANCHE_STATUSES,
    sql_in,
)

MIGRATION_SET = "lodestone"
# "LODE" in ASCII: marks a SQLite file as a Lodestone tracker.
APPLICATION_ID = 0x4C4F4445

if TYPE_CHECKING:
    from sqlite_utils.migrations import Migrations


def run_script(conn: sqlite3.Connection, script: str) -> None:
    """Run several statements without `executescript`, which would COMMIT an open transaction."""
    statement = ""
    for line in script.splitlines(keepends=True):
        statement += line
        if sqlite3.complete_statement(statement):
            conn.execute(statement)
            statement = ""
    if statement.strip():
        raise ValueError(f"incomplete SQL statement: {statement.strip()[:60]}")


_TIMESTAMPS = """
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at TEXT"""

SCHEMA_1 = f"""
CREATE TABLE companies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'company' CHECK (kind IN {sql_in(COMPANY_KINDS)}),
    ticker TEXT NOT NULL DEFAULT '',
    exchange TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    parent_id INTEGER REFERENCES companies(id),
    stages TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(stages)),
    commodities TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(commodities)),
    website TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',{_TIMESTAMPS}
);
CREATE UNIQUE INDEX companies_name_unique ON companies(name COLLATE NOCASE)
    WHERE deleted_at IS NULL;
CREATE INDEX companies_parent ON companies(parent_id);
CREATE INDEX companies_kind ON companies(kind, name COLLATE NOCASE);
CREATE INDEX companies_country ON companies(country);

CREATE TABLE deals (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'announced' CHECK (status IN {sql_in(DEAL_STATUSES)}),
    announced TEXT,
    announced_precision TEXT,
    announced_start TEXT,
    announced_end TEXT,
    closed TEXT,
    closed_precision TEXT,
    closed_start TEXT,
    closed_end TEXT,
    amount_minor INTEGER,
    currency TEXT,
    capacity_value TEXT NOT NULL DEFAULT '',
    capacity_unit TEXT NOT NULL DEFAULT '',
    capacity_product TEXT NOT NULL DEFAULT '',
    stage TEXT NOT NULL DEFAULT '',
    commodities TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(commodities)),
    country TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',{_TIMESTAMPS},
    CHECK ((amount_minor IS NULL) = (currency IS NULL))
);
CREATE INDEX deals_announced ON deals(announced_start, id);
CREATE INDEX deals_title ON deals(title COLLATE NOCASE, id);
CREATE INDEX deals_amount ON deals(currency, amount_minor);
CREATE INDEX deals_status ON deals(status);

CREATE TABLE deal_parties (
    id INTEGER PRIMARY KEY,
    deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    role TEXT NOT NULL DEFAULT 'recipient',
    position INTEGER NOT NULL DEFAULT 0,
    UNIQUE (deal_id, company_id, role)
);
CREATE INDEX deal_parties_company ON deal_parties(company_id);

CREATE TABLE tranches (
    id INTEGER PRIMARY KEY,
    deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    funder_id INTEGER REFERENCES companies(id),
    instrument TEXT NOT NULL DEFAULT 'other' CHECK (instrument IN {sql_in(INSTRUMENTS)}),
    amount_minor INTEGER,
    currency TEXT,
    status TEXT NOT NULL DEFAULT 'announced' CHECK (status IN {sql_in(TRANCHE_STATUSES)}),
    notes TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    CHECK ((amount_minor IS NULL) = (currency IS NULL))
);
CREATE INDEX tranches_deal ON tranches(deal_id, position);
CREATE INDEX tranches_funder ON tranches(funder_id);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'other' CHECK (kind IN {sql_in(EVENT_KINDS)}),
    date TEXT NOT NULL,
    date_precision TEXT NOT NULL,
    end_date TEXT,
    end_precision TEXT,
    start_day TEXT NOT NULL,
    end_day TEXT NOT NULL,
    deal_id INTEGER REFERENCES deals(id) ON DELETE SET NULL,
    country TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',{_TIMESTAMPS}
);
CREATE INDEX events_start ON events(start_day, id);
CREATE INDEX events_title ON events(title COLLATE NOCASE, id);
CREATE INDEX events_kind ON events(kind, start_day);
CREATE INDEX events_deal ON events(deal_id);

CREATE TABLE event_companies (
    event_id INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    company_id INTEGER NOT NULL REFERENCES companies(id),
    position INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (event_id, company_id)
) WITHOUT ROWID;
CREATE INDEX event_companies_company ON event_companies(company_id, event_id);

CREATE TABLE sources (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL DEFAULT '',
    publisher TEXT NOT NULL DEFAULT '',
    title TEXT NOT NULL DEFAULT '',
    published TEXT,
    published_precision TEXT,
    accessed TEXT,
    notes TEXT NOT NULL DEFAULT '',{_TIMESTAMPS}
);
CREATE INDEX sources_url ON sources(url);

CREATE TABLE citations (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    record_kind TEXT NOT NULL CHECK (record_kind IN {sql_in(RECORD_KINDS)}),
    record_id INTEGER NOT NULL,
    field TEXT NOT NULL DEFAULT '',
    quote TEXT NOT NULL DEFAULT ''
);
CREATE INDEX citations_record ON citations(record_kind, record_id);
CREATE INDEX citations_source ON citations(source_id);

CREATE TABLE tags (
    record_kind TEXT NOT NULL CHECK (record_kind IN {sql_in(RECORD_KINDS)}),
    record_id INTEGER NOT NULL,
    tag TEXT NOT NULL COLLATE NOCASE,
    PRIMARY KEY (record_kind, record_id, tag)
) WITHOUT ROWID;
CREATE INDEX tags_tag ON tags(tag, record_kind);

CREATE TABLE change_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    record_kind TEXT NOT NULL,
    record_id INTEGER NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'restore')),
    before TEXT CHECK (before IS NULL OR json_valid(before)),
    after TEXT CHECK (after IS NULL OR json_valid(after))
);
CREATE INDEX change_log_record ON change_log(record_kind, record_id, id);

CREATE VIRTUAL TABLE companies_fts USING fts5(text, tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE deals_fts USING fts5(text, tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE events_fts USING fts5(text, tokenize='unicode61 remove_diacritics 2');
CREATE VIRTUAL TABLE sources_fts USING fts5(text, tokenize='unicode61 remove_diacritics 2');
"""


# Named filters of a list ("Chinese export controls since 2024"), stored with the tracker so a
# view travels with the analyst's file. Names are unique per kind, whatever their case.
SCHEMA_2 = f"""
CREATE TABLE saved_views (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN {sql_in(RECORD_KINDS)}),
    name TEXT NOT NULL,
    query_json TEXT NOT NULL CHECK (json_valid(query_json)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (kind, name COLLATE NOCASE)
);
"""


# Exchange rates the analyst records for reporting-currency charts (`rate` is decimal text:
# units of `base` per one unit of `currency`, from `date` on), and covering indexes that let
# the funding breakdown sum tranches and deals without reading whole rows.
SCHEMA_3 = """
CREATE TABLE exchange_rates (
    id INTEGER PRIMARY KEY,
    currency TEXT NOT NULL CHECK (length(currency) = 3),
    base TEXT NOT NULL CHECK (length(base) = 3 AND base <> currency),
    date TEXT NOT NULL CHECK (date(date) IS date),
    rate TEXT NOT NULL CHECK (CAST(rate AS REAL) > 0),
    UNIQUE (currency, base, date)
);
CREATE INDEX tranches_funding ON tranches(currency, deal_id, instrument, funder_id, amount_minor);
CREATE INDEX deals_funding ON deals(id, deleted_at, currency, amount_minor, announced_start,
    announced_precision);
"""


# The timeline reads one window of days at a time, per lane: covering indexes of the live rows
# (deleted_at is NULL in each, and listed so SQLite needs no table row to know it) let it count
# and bucket a million events by reading only the index, and the small index of periods finds
# the spans still in force in a window without scanning every earlier event.
SCHEMA_4 = """
CREATE INDEX events_span_live ON events(start_day, end_day, deleted_at)
    WHERE deleted_at IS NULL;
CREATE INDEX events_kind_live ON events(kind, start_day, end_day, deleted_at)
    WHERE deleted_at IS NULL;
CREATE INDEX events_country_live ON events(country, start_day, end_day, deleted_at)
    WHERE deleted_at IS NULL;
CREATE INDEX events_periods ON events(start_day, end_day, end_date, deleted_at)
    WHERE end_date IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX deals_span_live ON deals(announced_start, announced_end, deleted_at)
    WHERE deleted_at IS NULL;
CREATE INDEX deals_country_live ON deals(country, announced_start, announced_end, deleted_at)
    WHERE deleted_at IS NULL;
"""


# Lists count and page the live rows in the order of each sortable column; partial indexes of
# (sort key, id) over live rows let count(*) and every page read an index alone.
SCHEMA_5 = """
CREATE INDEX events_list_date ON events(start_day, id) WHERE deleted_at IS NULL;
CREATE INDEX events_list_title ON events(title COLLATE NOCASE, id) WHERE deleted_at IS NULL;
CREATE INDEX events_list_kind ON events(kind, id) WHERE deleted_at IS NULL;
CREATE INDEX events_list_country ON events(country, id) WHERE deleted_at IS NULL;
CREATE INDEX deals_list_announced ON deals(announced_start, id) WHERE deleted_at IS NULL;
CREATE INDEX deals_list_title ON deals(title COLLATE NOCASE, id) WHERE deleted_at IS NULL;
CREATE INDEX deals_list_amount ON deals(currency, amount_minor, id) WHERE deleted_at IS NULL;
CREATE INDEX deals_list_status ON deals(status, id) WHERE deleted_at IS NULL;
CREATE INDEX deals_list_country ON deals(country, id) WHERE deleted_at IS NULL;
CREATE INDEX companies_list_name ON companies(name COLLATE NOCASE, id) WHERE deleted_at IS NULL;
CREATE INDEX companies_list_kind ON companies(kind, id) WHERE deleted_at IS NULL;
CREATE INDEX companies_list_country ON companies(country, id) WHERE deleted_at IS NULL;
"""


# The Trash of each kind, indexed apart: a search counts its matches from the full-text index
# and takes away those in the Trash, which this small index finds without touching live rows.
SCHEMA_6 = """
CREATE INDEX companies_trash ON companies(id) WHERE deleted_at IS NOT NULL;
CREATE INDEX deals_trash ON deals(id) WHERE deleted_at IS NOT NULL;
CREATE INDEX events_trash ON events(id) WHERE deleted_at IS NOT NULL;
CREATE INDEX sources_trash ON sources(id) WHERE deleted_at IS NOT NULL;
"""


# Lists sort deals by their parties and events by their companies. Sorting on a per-row
# subquery took 2.9 s over a million events; the names are stored in the row instead, kept by
# triggers on every path that writes links or renames a company (forms, imports, restores,
# generated data), and indexed like the other sort columns. Names follow the form's order.
def names_sql(links: str, owner: str, key: str) -> str:
    return (
        "coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name "
        f"FROM {links} l JOIN companies c ON c.id = l.company_id WHERE l.{owner} = {key} "
        "GROUP BY c.id ORDER BY min(l.position), c.id)), '')"
    )


def _names_triggers(table: str, column: str, links: str, owner: str) -> str:
    names = names_sql(links, owner, f"{table}.id")
    refresh = f"UPDATE {table} SET {column} = {names} WHERE id = "
    return f"""
CREATE TRIGGER {links}_names_insert AFTER INSERT ON {links} BEGIN
    {refresh}NEW.{owner};
END;
CREATE TRIGGER {links}_names_delete AFTER DELETE ON {links} BEGIN
    {refresh}OLD.{owner};
END;
CREATE TRIGGER {links}_names_update AFTER UPDATE ON {links} BEGIN
    {refresh}OLD.{owner};
    {refresh}NEW.{owner};
END;
CREATE TRIGGER companies_rename_{links} AFTER UPDATE OF name ON companies BEGIN
    UPDATE {table} SET {column} = {names}
    WHERE id IN (SELECT {owner} FROM {links} WHERE company_id = NEW.id);
END;
"""


SCHEMA_7 = f"""
ALTER TABLE deals ADD COLUMN party_names TEXT NOT NULL DEFAULT '';
ALTER TABLE events ADD COLUMN company_names TEXT NOT NULL DEFAULT '';
UPDATE deals SET party_names = {names_sql("deal_parties", "deal_id", "deals.id")};
UPDATE events SET company_names = {names_sql("event_companies", "event_id", "events.id")};
CREATE INDEX deals_list_parties ON deals(party_names COLLATE NOCASE, id)
    WHERE deleted_at IS NULL;
CREATE INDEX events_list_companies ON events(company_names COLLATE NOCASE, id)
    WHERE deleted_at IS NULL;
{_names_triggers("deals", "party_names", "deal_parties", "deal_id")}
{_names_triggers("events", "company_names", "event_companies", "event_id")}
"""


# A search is typed a letter at a time, and one letter is the broadest: "e" matches 388,000 of a
# million events. Without a prefix index FTS5 merges the lists of every word starting with "e"
# each time it is asked (36 ms to count them; 24 ms even to test one record). Indexes of the
# first one and two letters make counting three times faster and testing one record instant,
# so a list can walk its order's index testing each row. The tables are rebuilt with the option.
def _prefix_fts(table: str) -> str:
    return f"""
CREATE VIRTUAL TABLE {table}_fts_prefixed USING fts5(
    text, tokenize='unicode61 remove_diacritics 2', prefix='1 2');
INSERT INTO {table}_fts_prefixed (rowid, text) SELECT rowid, text FROM {table}_fts;
DROP TABLE {table}_fts;
ALTER TABLE {table}_fts_prefixed RENAME TO {table}_fts;
INSERT INTO {table}_fts ({table}_fts) VALUES ('optimize');
"""


SCHEMA_8 = "".join(_prefix_fts(table) for table in ("companies", "deals", "events", "sources"))

# A company's deals and events (its form's lists, the lists' Company facet) are found by its
# name as stored; the name's only indexes fold case, so SQLite read every party link instead and
# looked up its company (40 ms for one company among 100,000 deals; a lookup by name, ~1 ms).
SCHEMA_9 = "CREATE INDEX companies_name ON companies(name);"

# A tranche removed and then brought back by Undo keeps its id; but SQLite gave a new tranche the
# highest id plus one, so a tranche added meanwhile (to another deal) could hold that id, and the
# Undo moved it from its deal. With AUTOINCREMENT an id is never given twice.
SCHEMA_10 = f"""
CREATE TABLE tranches_numbered (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    funder_id INTEGER REFERENCES companies(id),
    instrument TEXT NOT NULL DEFAULT 'other' CHECK (instrument IN {sql_in(INSTRUMENTS)}),
    amount_minor INTEGER,
    currency TEXT,
    status TEXT NOT NULL DEFAULT 'announced' CHECK (status IN {sql_in(TRANCHE_STATUSES)}),
    notes TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    CHECK ((amount_minor IS NULL) = (currency IS NULL))
);
INSERT INTO tranches_numbered (id, deal_id, funder_id, instrument, amount_minor, currency, status,
    notes, position)
    SELECT id, deal_id, funder_id, instrument, amount_minor, currency, status, notes, position
    FROM tranches;
DROP TABLE tranches;
ALTER TABLE tranches_numbered RENAME TO tranches;
CREATE INDEX tranches_deal ON tranches(deal_id, position);
CREATE INDEX tranches_funder ON tranches(funder_id);
CREATE INDEX tranches_funding ON tranches(currency, deal_id, instrument, funder_id, amount_minor);
"""

# The numbered migrations, in order. Never edit a step that has shipped: add the next one.
STEPS: tuple[tuple[str, str], ...] = (
    ("0001_initial", SCHEMA_1),
    ("0002_saved_views", SCHEMA_2),
    ("0003_exchange_rates", SCHEMA_3),
    ("0004_timeline_indexes", SCHEMA_4),
    ("0005_list_indexes", SCHEMA_5),
    ("0006_trash_indexes", SCHEMA_6),
    ("0007_stored_names", SCHEMA_7),
    ("0008_search_prefixes", SCHEMA_8),
    ("0009_company_names", SCHEMA_9),
    ("0010_tranche_ids", SCHEMA_10),
)
SCHEMA_VERSION = len(STEPS)
KNOWN_MIGRATIONS = tuple(name for name, _ in STEPS)


def migration_set() -> Migrations:
    """The steps as sqlite-utils Migrations, which record each applied name and run it in a
    transaction. Imported only here: sqlite-utils pulls in numpy, a third of a second that
    read-only commands such as `lodestone check` need not pay."""
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for name, script in STEPS:
        migrations(name=name)(lambda db, script=script: run_script(db.conn, script))
    return migrations
