"""Migration 0012, as shipped: never edit it (add a new step instead).

Every writer logs a created record in one shape; where it came from when not from a form (the
file and row of an import, the snapshot it was restored from) is said beside the entry, in a
column of its own, not in place of the record's values.
"""

SQL = """ALTER TABLE change_log ADD COLUMN origin TEXT;"""
