"""Properties of snapshot cells: spreadsheet escaping and money survive any value."""

from __future__ import annotations

import csv
import io
import sqlite3
import tempfile
from pathlib import Path

from hypothesis import assume, given, settings
from hypothesis import strategies as st
from lodestone.core.records import (
    CURRENCY_DIGITS,
    TRIGGERS,
    Company,
    Deal,
    Money,
    Party,
    escape_cell,
    to_decimal_string,
    unescape_cell,
    validate,
)
from lodestone.core.snapshots import export_snapshot, import_snapshot
from lodestone.core.snapshots.cells import quote_cell, text_cell_sql
from lodestone.core.storage import Repository
from snapshot_data import cell

# Any text a record can hold: no NUL (which CSV cannot carry), no lone surrogates (which
# cannot be written as UTF-8 at all).
_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=40)
_FORMULA_LIKE = st.builds(lambda a, t, b: a + t + b, st.sampled_from(["", "'", "''"]),
                          st.sampled_from(["=", "+", "-", "@", "\t", "\r", "x", ""]), _TEXT)


@given(st.one_of(_TEXT, _FORMULA_LIKE))
def test_escaping_round_trips_and_defuses_every_formula(text: str) -> None:
    escaped = escape_cell(text)
    assert unescape_cell(escaped) == text
    assert escaped[:1] not in TRIGGERS
    if text[:1] in TRIGGERS:
        assert escaped == "'" + text


@given(st.one_of(_TEXT, _FORMULA_LIKE))
def test_sql_cell_is_the_python_rule_and_reads_back(text: str) -> None:
    conn = sqlite3.connect(":memory:")
    try:
        cell = conn.execute(f"SELECT {text_cell_sql('?1')}", (text,)).fetchone()[0]
    finally:
        conn.close()
    assert cell == quote_cell(escape_cell(text))
    parsed = next(csv.reader(io.StringIO(cell + "\n", newline="")), [""])
    assert unescape_cell(parsed[0] if parsed else "") == text


@settings(max_examples=25, deadline=None)
@given(notes=st.one_of(_TEXT, _FORMULA_LIKE), minor=st.integers(0, 2**63 - 1),
       currency=st.sampled_from(sorted(CURRENCY_DIGITS)))  # fmt: skip
def test_text_and_money_survive_a_file_round_trip(notes: str, minor: int, currency: str) -> None:
    """Any notes and amount a form accepts (a restore refuses the others, as a form does)."""
    assume(not validate(Company("Acme", notes=notes)))
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        repo = Repository.open(root / "a.db")
        try:
            company = repo.save(Company("Acme"))
            repo.save(Deal("Deal", parties=[Party(company.id)]))  # type: ignore[arg-type]
            repo.conn.execute("UPDATE companies SET notes = ?", (notes,))
            repo.conn.execute("UPDATE deals SET amount_minor = ?, currency = ?", (minor, currency))
            export_snapshot(repo.conn, root / "snap")
        finally:
            repo.close()
        amount = cell(root / "snap", "deals.csv", 1, "amount")
        assert amount == to_decimal_string(Money(minor, currency))  # a number, never escaped
        import_snapshot(root / "b.db", root / "snap")
        restored = Repository.open(root / "b.db")
        try:
            row = restored.conn.execute("SELECT notes FROM companies").fetchone()
            deal = restored.conn.execute("SELECT amount_minor, currency FROM deals").fetchone()
        finally:
            restored.close()
        assert row[0] == notes and tuple(deal) == (minor, currency)
