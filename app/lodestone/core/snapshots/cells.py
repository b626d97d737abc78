"""Snapshot cells both ways: the SQL that writes a table as CSV lines, and the reading back.

Export must keep pace with `sqlite3 -csv` on a million events, which rules out building every
cell in Python (a Python loop over ten million cells takes several times longer than SQLite's
own CSV writer). So each CSV line is assembled by SQLite itself with `format()`, the
spreadsheet escaping and RFC 4180 quoting written as SQL expressions; only money and list cells,
which need the money and JSON rules, call back into Python. Reading goes the other way, one
converter per column, and refuses (naming line and column) any cell export would not write.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sqlite3
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from lodestone.core.records import rowmap
from lodestone.core.records.fuzzydate import DateError, FuzzyDate
from lodestone.core.records.model import Event
from lodestone.core.records.money import (
    Money,
    MoneyError,
    from_decimal_string,
    is_currency,
    to_decimal_string,
)
from lodestone.core.records.spreadsheet import TRIGGERS, escape_cell, unescape_cell
from lodestone.core.snapshots.format import (
    AMOUNT,
    CHOICE,
    CURRENCY,
    DATE,
    DAY,
    ID,
    INT,
    LIST,
    PRECISION,
    REF,
    STAMP,
    TEXT,
    Column,
    FileSpec,
    SnapshotError,
)  # fmt: skip

_SQL_TRIGGERS = ", ".join(f"char({ord(c)})" for c in TRIGGERS)  # escape_cell's, in SQL
MAX_INTEGER = 2**63 - 1  # SQLite's largest integer
_INTEGER = re.compile(r"-?[0-9]+")
_STAMP = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{1,6})?Z")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def whole_number(cell: str) -> int:
    """The integer of an id, reference or position cell; ValueError for anything else,
    including a number too large for SQLite to store."""
    if not _INTEGER.fullmatch(cell):
        raise ValueError(f"{cell[:40]!r} is not a whole number")
    value = int(cell) if len(cell) <= 20 else MAX_INTEGER + 1
    if not -MAX_INTEGER - 1 <= value <= MAX_INTEGER:
        raise ValueError(f"{cell[:40]!r} is too large for a whole number here")
    return value


def encode_list(text: str | None) -> str | None:
    """A stored JSON list as `a; b`; kept as JSON (which starts with `[`) when an item would
    not survive the round trip (empty, padded, containing `;` or starting with `[`)."""
    if text is None:
        return None
    try:
        items = json.loads(text)
    except ValueError:
        return text
    plain = isinstance(items, list) and all(
        isinstance(i, str) and i and i == i.strip() and ";" not in i and i[0] != "[" for i in items
    )
    return "; ".join(items) if plain else text


def decode_list(cell: str) -> str:
    """The stored JSON text of a list cell."""
    if cell.startswith("["):
        try:
            value = json.loads(cell)
        except ValueError:
            value = None
        if not isinstance(value, list):
            raise ValueError(f"{cell[:40]!r} is not a list")
        return cell
    return json.dumps(cell.split("; ") if cell else [])


# -- writing ------------------------------------------------------------------------------------


def text_cell_sql(column: str) -> str:
    """SQL for the escaped (see escape_cell) and RFC 4180 quoted cell of a text column: quoted
    when it holds a comma, a quote or a line break, with its quotes doubled; NULL stays NULL.
    The column is only read, never recomputed: an expression here would be evaluated once per
    mention, so cells computed in Python come finished from `list_cell` instead."""
    needs = (f"instr({column}, ',') OR instr({column}, '\"') OR instr({column}, char(10)) "
             f"OR instr({column}, char(13))")  # fmt: skip
    doubled = f"replace({column}, '\"', '\"\"')"
    return (f"CASE WHEN substr(ltrim({column}, ''''), 1, 1) IN ({_SQL_TRIGGERS}) "
            f"THEN CASE WHEN {needs} THEN '\"''' || {doubled} || '\"' ELSE '''' || {column} END "
            f"ELSE CASE WHEN {needs} THEN '\"' || {doubled} || '\"' ELSE {column} END END")


def quote_cell(text: str) -> str:
    """The same RFC 4180 quoting in Python, for the cells made in Python (lists)."""
    if any(ch in text for ch in ',"\n\r'):
        return '"' + text.replace('"', '""') + '"'
    return text


def list_cell(text: str | None) -> str | None:
    """The finished cell of a stored JSON list: encoded, escaped and quoted."""
    cell = encode_list(text)
    return None if cell is None else quote_cell(escape_cell(cell))


def _cell_sql(column: Column) -> str:
    if column.kind == AMOUNT:
        return "lodestone_decimal(amount_minor, currency)"
    if column.kind == LIST:
        return f"lodestone_list({column.name})"
    if column.kind == TEXT:
        return text_cell_sql(column.name)
    # Numbers, vocabulary, dates and timestamps: validated on the way in, written as they are.
    return column.name


def line_sql(spec: FileSpec) -> str:
    """An SQL expression for the CSV line (without line end) of one row of `spec.table`."""
    cells = [_cell_sql(c) for c in spec.columns]
    return f"format('{','.join(['%s'] * len(cells))}', {', '.join(cells)})"


def select_lines_sql(spec: FileSpec) -> str:
    return f"SELECT {line_sql(spec)} FROM {spec.table} ORDER BY {', '.join(spec.key)}"


class CellFunctions:
    """The Python side of the export SQL, registered on a connection; an error raised inside
    SQLite loses its message, so the first one is kept here for the exporter to report."""

    def __init__(self) -> None:
        self.error: str | None = None

    def decimal(self, minor: int | None, currency: str | None) -> str | None:
        """A stored amount as exact decimal text, by Money's own rules."""
        if minor is None:
            return None
        try:  # an amount without a currency is refused by Money, and reported as such
            return to_decimal_string(Money(minor, currency))  # type: ignore[arg-type]
        except (MoneyError, TypeError) as exc:
            self.error = self.error or f"an amount cannot be written: {exc}"
            raise

    def register(self, conn: sqlite3.Connection) -> None:
        conn.create_function("lodestone_decimal", 2, self.decimal, deterministic=True)
        conn.create_function("lodestone_list", 1, list_cell, deterministic=True)


# -- reading ------------------------------------------------------------------------------------

Converter = Callable[[str, list[str]], Any]


@lru_cache(maxsize=65536)
def _fuzzy(iso: str) -> FuzzyDate:
    return FuzzyDate.from_iso(iso)


@lru_cache(maxsize=65536)
def _deal_bounds(iso: str | None) -> tuple[str | None, str | None]:
    row = rowmap.date_columns(None if iso is None else _fuzzy(iso), "d")
    return row["d_start"], row["d_end"]


@lru_cache(maxsize=65536)
def _event_bounds(date: str, end: str | None) -> tuple[str, str]:
    row = rowmap.event_row(Event("", _fuzzy(date), end_date=None if end is None else _fuzzy(end)))
    return row["start_day"], row["end_day"]


def derived_columns(table: str) -> tuple[str, ...]:
    """Columns computed from others (a date's first and last day), not carried in the CSV."""
    if table == "deals":
        return ("announced_start", "announced_end", "closed_start", "closed_end")
    if table == "events":
        return ("start_day", "end_day")
    return ()


def _deriver(spec: FileSpec) -> Callable[[list[Any]], tuple[Any, ...]] | None:
    """The derived values of a row from its stored values (by rowmap's rules), if any."""
    at = {c.name: i for i, c in enumerate(spec.columns)}
    if spec.table == "deals":
        announced, closed = at["announced"], at["closed"]
        return lambda v: _deal_bounds(v[announced]) + _deal_bounds(v[closed])
    if spec.table == "events":
        date, end = at["date"], at["end_date"]
        return lambda v: _event_bounds(v[date], v[end])
    return None


def _reader(column: Column, position: dict[str, int]) -> Converter:
    """A function (cell, row) -> stored value for `column`; ValueError says what is wrong."""
    kind, nullable = column.kind, column.nullable
    pair = position.get(column.pair, -1)

    def convert(cell: str, row: list[str]) -> Any:
        if kind == TEXT:
            return unescape_cell(cell) if cell or not nullable else None
        if cell == "" and kind != LIST:
            if nullable and (kind != AMOUNT or row[pair] == ""):
                return None
            raise ValueError("is empty")
        if kind in (ID, REF, INT):
            return whole_number(cell)
        if kind == CHOICE:
            if cell not in column.choices:
                raise ValueError(_not_one_of(cell, column.choices))
            return cell
        if kind == DATE:
            return _fuzzy(cell).iso
        if kind == PRECISION:
            date = row[pair]
            if not date or str(_fuzzy(date).precision) != cell:
                raise ValueError(f"{cell!r} is not the precision of the date {date!r}")
            return cell
        if kind == STAMP and _STAMP.fullmatch(cell):
            return cell
        if kind == DAY and _DAY.fullmatch(cell):
            return dt.date.fromisoformat(cell).isoformat()
        if kind == CURRENCY:
            if not is_currency(cell):
                raise ValueError(f"{cell[:40]!r} is not a known ISO 4217 currency code")
            return cell
        if kind == AMOUNT:
            return from_decimal_string(cell, row[pair]).minor
        if kind == LIST:
            return decode_list(unescape_cell(cell))
        raise ValueError(f"{cell[:40]!r} is not a valid {kind}")

    if column.choices and kind in (TEXT, LIST):
        return _one_of(convert, column)
    return convert


def _not_one_of(value: str, choices: tuple[str, ...]) -> str:
    return f"{value[:40]!r} is not one of: {', '.join(c for c in choices if c)}"


def _one_of(convert: Converter, column: Column) -> Converter:
    """`convert`, refusing what is not one of the column's choices (a text) or does not hold
    only them (a list): a file's values meet the rules the forms apply."""
    choices = frozenset(column.choices)

    def checked(cell: str, row: list[str]) -> Any:
        value = convert(cell, row)
        items = json.loads(value) if column.kind == LIST else (value,)
        for item in items:
            if item not in choices:
                raise ValueError(_not_one_of(str(item), column.choices))
        return value

    return checked


def row_reader(spec: FileSpec) -> Callable[[list[str], int], tuple[Any, ...]]:
    """A function (cells, line number) -> the row's stored values: the spec's columns, then
    the derived ones; SnapshotError names the file, line, column and problem."""
    position = {c.name: i for i, c in enumerate(spec.columns)}
    readers = [_reader(c, position) for c in spec.columns]
    width = len(readers)
    deriver = _deriver(spec)

    def read(cells: list[str], line: int) -> tuple[Any, ...]:
        if len(cells) != width:
            raise SnapshotError(f"{spec.name} line {line} has {len(cells)} cells, not {width}")
        values = []
        for reader, cell, column in zip(readers, cells, spec.columns, strict=True):
            try:
                values.append(reader(cell, cells))
            except (ValueError, DateError, MoneyError) as exc:
                raise SnapshotError(f"{spec.name} line {line}, column {column.name}: "
                                    f"{exc}") from None  # fmt: skip
        return tuple(values) if deriver is None else (*values, *deriver(values))

    return read
