# ruff: noqa: E501
# The SQL is kept exactly as it ran, long lines included.
"""Migration 0010, as shipped: never edit it (add a new step instead).

A tranche removed and then brought back by Undo keeps its id; but SQLite gave a new tranche the
highest id plus one, so a tranche added meanwhile (to another deal) could hold that id, and the
Undo moved it from its deal. With AUTOINCREMENT an id is never given twice.
"""

SQL = """
CREATE TABLE tranches_numbered (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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
