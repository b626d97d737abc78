"""Migration 0006, as shipped: never edit it (add a new step instead).

The Trash of each kind, indexed apart: a search counts its matches from the full-text index
and takes away those in the Trash, which this small index finds without touching live rows.
"""

SQL = """
CREATE INDEX companies_trash ON companies(id) WHERE deleted_at IS NOT NULL;
CREATE INDEX deals_trash ON deals(id) WHERE deleted_at IS NOT NULL;
CREATE INDEX events_trash ON events(id) WHERE deleted_at IS NOT NULL;
CREATE INDEX sources_trash ON sources(id) WHERE deleted_at IS NOT NULL;
"""
