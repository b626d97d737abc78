"""Migration 0003, as shipped: never edit it (add a new step instead).

Exchange rates the analyst records for reporting-currency charts (`rate` is decimal text:
units of `base` per one unit of `currency`, from `date` on), and covering indexes that let
the funding breakdown sum tranches and deals without reading whole rows.
"""

SQL = """
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
