# ruff: noqa: E501
# The SQL is kept exactly as it runs, long lines included.
"""Migration 0011: vocabularies that grow are checked in core, not in CHECK constraints.

Steps 1 and 10 wrote the company types, deal statuses, tranche instruments and statuses and
the event types of their day into CHECK constraints, so a value added to the vocabulary in a
later release was refused by every tracker created before it ("CHECK constraint failed") and
accepted by new ones. Those tables are rebuilt without them, SQLite's way: a new table, every
row copied with its id, the old one dropped, the new one renamed, its indexes recreated, and
the stored-name triggers (which name these tables) dropped first and recreated last. Foreign
keys are off while it runs and checked before it commits (see schema.py). Tranches keep
AUTOINCREMENT and their sequence, so an id is still never given twice (migration 10). The
values are validated by core (records.validation) and `lodestone check` warns of any stored
value outside today's vocabulary. Checks that never grow (JSON lists, an amount with its
currency) stay in the tables.
"""

SQL = """
DROP TRIGGER deal_parties_names_insert;
DROP TRIGGER deal_parties_names_delete;
DROP TRIGGER deal_parties_names_update;
DROP TRIGGER companies_rename_deal_parties;
DROP TRIGGER event_companies_names_insert;
DROP TRIGGER event_companies_names_delete;
DROP TRIGGER event_companies_names_update;
DROP TRIGGER companies_rename_event_companies;

CREATE TABLE companies_open (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'company',
    ticker TEXT NOT NULL DEFAULT '',
    exchange TEXT NOT NULL DEFAULT '',
    country TEXT NOT NULL DEFAULT '',
    parent_id INTEGER REFERENCES companies(id),
    stages TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(stages)),
    commodities TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(commodities)),
    website TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at TEXT
);
INSERT INTO companies_open (id, name, kind, ticker, exchange, country, parent_id, stages,
    commodities, website, notes, created_at, updated_at, deleted_at)
    SELECT id, name, kind, ticker, exchange, country, parent_id, stages,
    commodities, website, notes, created_at, updated_at, deleted_at
    FROM companies ORDER BY id;
DROP TABLE companies;
ALTER TABLE companies_open RENAME TO companies;
CREATE UNIQUE INDEX companies_name_unique ON companies(name COLLATE NOCASE)
    WHERE deleted_at IS NULL;
CREATE INDEX companies_parent ON companies(parent_id);
CREATE INDEX companies_kind ON companies(kind, name COLLATE NOCASE);
CREATE INDEX companies_country ON companies(country);
CREATE INDEX companies_list_name ON companies(name COLLATE NOCASE, id) WHERE deleted_at IS NULL;
CREATE INDEX companies_list_kind ON companies(kind, id) WHERE deleted_at IS NULL;
CREATE INDEX companies_list_country ON companies(country, id) WHERE deleted_at IS NULL;
CREATE INDEX companies_trash ON companies(id) WHERE deleted_at IS NOT NULL;
CREATE INDEX companies_name ON companies(name);

CREATE TABLE deals_open (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'announced',
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
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at TEXT,
    party_names TEXT NOT NULL DEFAULT '',
    CHECK ((amount_minor IS NULL) = (currency IS NULL))
);
INSERT INTO deals_open (id, title, status, announced, announced_precision, announced_start,
    announced_end, closed, closed_precision, closed_start, closed_end, amount_minor, currency,
    capacity_value, capacity_unit, capacity_product, stage, commodities, country, description,
    created_at, updated_at, deleted_at, party_names)
    SELECT id, title, status, announced, announced_precision, announced_start,
    announced_end, closed, closed_precision, closed_start, closed_end, amount_minor, currency,
    capacity_value, capacity_unit, capacity_product, stage, commodities, country, description,
    created_at, updated_at, deleted_at, party_names
    FROM deals ORDER BY id;
DROP TABLE deals;
ALTER TABLE deals_open RENAME TO deals;
CREATE INDEX deals_announced ON deals(announced_start, id);
CREATE INDEX deals_title ON deals(title COLLATE NOCASE, id);
CREATE INDEX deals_amount ON deals(currency, amount_minor);
CREATE INDEX deals_status ON deals(status);
CREATE INDEX deals_funding ON deals(id, deleted_at, currency, amount_minor, announced_start,
    announced_precision);
CREATE INDEX deals_span_live ON deals(announced_start, announced_end, deleted_at)
    WHERE deleted_at IS NULL;
CREATE INDEX deals_country_live ON deals(country, announced_start, announced_end, deleted_at)
    WHERE deleted_at IS NULL;
CREATE INDEX deals_list_announced ON deals(announced_start, id) WHERE deleted_at IS NULL;
CREATE INDEX deals_list_title ON deals(title COLLATE NOCASE, id) WHERE deleted_at IS NULL;
CREATE INDEX deals_list_amount ON deals(currency, amount_minor, id) WHERE deleted_at IS NULL;
CREATE INDEX deals_list_status ON deals(status, id) WHERE deleted_at IS NULL;
CREATE INDEX deals_list_country ON deals(country, id) WHERE deleted_at IS NULL;
CREATE INDEX deals_trash ON deals(id) WHERE deleted_at IS NOT NULL;
CREATE INDEX deals_list_parties ON deals(party_names COLLATE NOCASE, id)
    WHERE deleted_at IS NULL;

CREATE TABLE tranches_open (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    funder_id INTEGER REFERENCES companies(id),
    instrument TEXT NOT NULL DEFAULT 'other',
    amount_minor INTEGER,
    currency TEXT,
    status TEXT NOT NULL DEFAULT 'announced',
    notes TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    CHECK ((amount_minor IS NULL) = (currency IS NULL))
);
INSERT INTO tranches_open (id, deal_id, funder_id, instrument, amount_minor, currency, status,
    notes, position)
    SELECT id, deal_id, funder_id, instrument, amount_minor, currency, status, notes, position
    FROM tranches ORDER BY id;
DELETE FROM sqlite_sequence WHERE name = 'tranches_open';
UPDATE sqlite_sequence SET name = 'tranches_open' WHERE name = 'tranches';
DROP TABLE tranches;
ALTER TABLE tranches_open RENAME TO tranches;
CREATE INDEX tranches_deal ON tranches(deal_id, position);
CREATE INDEX tranches_funder ON tranches(funder_id);
CREATE INDEX tranches_funding ON tranches(currency, deal_id, instrument, funder_id, amount_minor);

CREATE TABLE events_open (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'other',
    date TEXT NOT NULL,
    date_precision TEXT NOT NULL,
    end_date TEXT,
    end_precision TEXT,
    start_day TEXT NOT NULL,
    end_day TEXT NOT NULL,
    deal_id INTEGER REFERENCES deals(id) ON DELETE SET NULL,
    country TEXT NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at TEXT,
    company_names TEXT NOT NULL DEFAULT ''
);
INSERT INTO events_open (id, title, kind, date, date_precision, end_date, end_precision,
    start_day, end_day, deal_id, country, description, created_at, updated_at, deleted_at,
    company_names)
    SELECT id, title, kind, date, date_precision, end_date, end_precision,
    start_day, end_day, deal_id, country, description, created_at, updated_at, deleted_at,
    company_names
    FROM events ORDER BY id;
DROP TABLE events;
ALTER TABLE events_open RENAME TO events;
CREATE INDEX events_start ON events(start_day, id);
CREATE INDEX events_title ON events(title COLLATE NOCASE, id);
CREATE INDEX events_kind ON events(kind, start_day);
CREATE INDEX events_deal ON events(deal_id);
CREATE INDEX events_span_live ON events(start_day, end_day, deleted_at)
    WHERE deleted_at IS NULL;
CREATE INDEX events_kind_live ON events(kind, start_day, end_day, deleted_at)
    WHERE deleted_at IS NULL;
CREATE INDEX events_country_live ON events(country, start_day, end_day, deleted_at)
    WHERE deleted_at IS NULL;
CREATE INDEX events_periods ON events(start_day, end_day, end_date, deleted_at)
    WHERE end_date IS NOT NULL AND deleted_at IS NULL;
CREATE INDEX events_list_date ON events(start_day, id) WHERE deleted_at IS NULL;
CREATE INDEX events_list_title ON events(title COLLATE NOCASE, id) WHERE deleted_at IS NULL;
CREATE INDEX events_list_kind ON events(kind, id) WHERE deleted_at IS NULL;
CREATE INDEX events_list_country ON events(country, id) WHERE deleted_at IS NULL;
CREATE INDEX events_trash ON events(id) WHERE deleted_at IS NOT NULL;
CREATE INDEX events_list_companies ON events(company_names COLLATE NOCASE, id)
    WHERE deleted_at IS NULL;

CREATE TRIGGER deal_parties_names_insert AFTER INSERT ON deal_parties BEGIN
    UPDATE deals SET party_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM deal_parties l JOIN companies c ON c.id = l.company_id WHERE l.deal_id = deals.id GROUP BY c.id ORDER BY min(l.position), c.id)), '') WHERE id = NEW.deal_id;
END;
CREATE TRIGGER deal_parties_names_delete AFTER DELETE ON deal_parties BEGIN
    UPDATE deals SET party_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM deal_parties l JOIN companies c ON c.id = l.company_id WHERE l.deal_id = deals.id GROUP BY c.id ORDER BY min(l.position), c.id)), '') WHERE id = OLD.deal_id;
END;
CREATE TRIGGER deal_parties_names_update AFTER UPDATE ON deal_parties BEGIN
    UPDATE deals SET party_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM deal_parties l JOIN companies c ON c.id = l.company_id WHERE l.deal_id = deals.id GROUP BY c.id ORDER BY min(l.position), c.id)), '') WHERE id = OLD.deal_id;
    UPDATE deals SET party_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM deal_parties l JOIN companies c ON c.id = l.company_id WHERE l.deal_id = deals.id GROUP BY c.id ORDER BY min(l.position), c.id)), '') WHERE id = NEW.deal_id;
END;
CREATE TRIGGER companies_rename_deal_parties AFTER UPDATE OF name ON companies BEGIN
    UPDATE deals SET party_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM deal_parties l JOIN companies c ON c.id = l.company_id WHERE l.deal_id = deals.id GROUP BY c.id ORDER BY min(l.position), c.id)), '')
    WHERE id IN (SELECT deal_id FROM deal_parties WHERE company_id = NEW.id);
END;


CREATE TRIGGER event_companies_names_insert AFTER INSERT ON event_companies BEGIN
    UPDATE events SET company_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM event_companies l JOIN companies c ON c.id = l.company_id WHERE l.event_id = events.id GROUP BY c.id ORDER BY min(l.position), c.id)), '') WHERE id = NEW.event_id;
END;
CREATE TRIGGER event_companies_names_delete AFTER DELETE ON event_companies BEGIN
    UPDATE events SET company_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM event_companies l JOIN companies c ON c.id = l.company_id WHERE l.event_id = events.id GROUP BY c.id ORDER BY min(l.position), c.id)), '') WHERE id = OLD.event_id;
END;
CREATE TRIGGER event_companies_names_update AFTER UPDATE ON event_companies BEGIN
    UPDATE events SET company_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM event_companies l JOIN companies c ON c.id = l.company_id WHERE l.event_id = events.id GROUP BY c.id ORDER BY min(l.position), c.id)), '') WHERE id = OLD.event_id;
    UPDATE events SET company_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM event_companies l JOIN companies c ON c.id = l.company_id WHERE l.event_id = events.id GROUP BY c.id ORDER BY min(l.position), c.id)), '') WHERE id = NEW.event_id;
END;
CREATE TRIGGER companies_rename_event_companies AFTER UPDATE OF name ON companies BEGIN
    UPDATE events SET company_names = coalesce((SELECT group_concat(name, ', ') FROM (SELECT c.name AS name FROM event_companies l JOIN companies c ON c.id = l.company_id WHERE l.event_id = events.id GROUP BY c.id ORDER BY min(l.position), c.id)), '')
    WHERE id IN (SELECT event_id FROM event_companies WHERE company_id = NEW.id);
END;
"""
