# ruff: noqa: E501
# The SQL is kept exactly as it ran, long lines included.
"""Migration 0001, as shipped: never edit it (add a new step instead).

The first schema: the records, their links, citations, tags, the change log and the
full-text indexes.
"""

SQL = """
CREATE TABLE companies (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'company' CHECK (kind IN ('company', 'government agency', 'investor', 'other')),
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
CREATE UNIQUE INDEX companies_name_unique ON companies(name COLLATE NOCASE)
    WHERE deleted_at IS NULL;
CREATE INDEX companies_parent ON companies(parent_id);
CREATE INDEX companies_kind ON companies(kind, name COLLATE NOCASE);
CREATE INDEX companies_country ON companies(country);

CREATE TABLE deals (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'announced' CHECK (status IN ('announced', 'agreed', 'closed', 'cancelled')),
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
    instrument TEXT NOT NULL DEFAULT 'other' CHECK (instrument IN ('loan', 'loan guarantee', 'grant', 'equity', 'convertible', 'offtake', 'price floor', 'tax credit', 'other')),
    amount_minor INTEGER,
    currency TEXT,
    status TEXT NOT NULL DEFAULT 'announced' CHECK (status IN ('announced', 'conditional', 'closed', 'disbursed')),
    notes TEXT NOT NULL DEFAULT '',
    position INTEGER NOT NULL DEFAULT 0,
    CHECK ((amount_minor IS NULL) = (currency IS NULL))
);
CREATE INDEX tranches_deal ON tranches(deal_id, position);
CREATE INDEX tranches_funder ON tranches(funder_id);

CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'other' CHECK (kind IN ('policy', 'trade restriction', 'shipment', 'partnership', 'financing', 'production', 'stake', 'other')),
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
    deleted_at TEXT
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
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    deleted_at TEXT
);
CREATE INDEX sources_url ON sources(url);

CREATE TABLE citations (
    id INTEGER PRIMARY KEY,
    source_id INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
    record_kind TEXT NOT NULL CHECK (record_kind IN ('company', 'deal', 'event', 'source')),
    record_id INTEGER NOT NULL,
    field TEXT NOT NULL DEFAULT '',
    quote TEXT NOT NULL DEFAULT ''
);
CREATE INDEX citations_record ON citations(record_kind, record_id);
CREATE INDEX citations_source ON citations(source_id);

CREATE TABLE tags (
    record_kind TEXT NOT NULL CHECK (record_kind IN ('company', 'deal', 'event', 'source')),
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
