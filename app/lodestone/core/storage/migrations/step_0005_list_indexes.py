"""Migration 0005, as shipped: never edit it (add a new step instead).

Lists count and page the live rows in the order of each sortable column; partial indexes of
(sort key, id) over live rows let count(*) and every page read an index alone.
"""

SQL = """
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
