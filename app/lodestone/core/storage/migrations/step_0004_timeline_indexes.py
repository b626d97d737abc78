"""Migration 0004, as shipped: never edit it (add a new step instead).

The timeline reads one window of days at a time, per lane: covering indexes of the live rows
(deleted_at is NULL in each, and listed so SQLite needs no table row to know it) let it count
and bucket a million events by reading only the index, and the small index of periods finds
the spans still in force in a window without scanning every earlier event.
"""

SQL = """
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
