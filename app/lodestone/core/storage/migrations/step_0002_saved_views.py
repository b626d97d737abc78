"""Migration 0002, as shipped: never edit it (add a new step instead).

Named filters of a list ("Chinese export controls since 2024"), stored with the tracker so a
view travels with the analyst's file. Names are unique per kind, whatever their case.
"""

SQL = """
CREATE TABLE saved_views (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('company', 'deal', 'event', 'source')),
    name TEXT NOT NULL,
    query_json TEXT NOT NULL CHECK (json_valid(query_json)),
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    UNIQUE (kind, name COLLATE NOCASE)
);
"""
