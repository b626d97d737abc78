"""Migration 0009, as shipped: never edit it (add a new step instead).

A company's deals and events (its form's lists, the lists' Company facet) are found by its
name as stored; the name's only indexes fold case, so SQLite read every party link instead and
looked up its company (40 ms for one company among 100,000 deals; a lookup by name, ~1 ms).
"""

SQL = """CREATE INDEX companies_name ON companies(name);"""
