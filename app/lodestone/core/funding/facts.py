"""What every funding figure is made of, read once: each live deal and each of its tranches with
an amount, as columns of integers, and the recorded exchange rates.

A breakdown regroups these columns in memory (`funding_frame`) instead of asking SQLite to seek
and sort every tranche again for each choice of bars, segments and currency: over 100,000 deals
the columns are read in about 150 ms from covering indexes, one read transaction so they are
one state of the tracker, and a regroup then takes tens of milliseconds. Whoever keeps them
(the funding view) reads them again after the tracker changed.

Missing values are stored as NONE (-1), never NULL: company and deal ids are positive, days are
written as the integer YYYYMMDD (so they order as their ISO text does), and an amount of 0 with
currency NONE is a deal without a headline.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lodestone.core.funding.exchange_rates import has_rates_table
from lodestone.core.funding.labels import FUNDER_TYPE_ORDER
from lodestone.core.records.vocabulary import FUNDER_TYPES, INSTRUMENTS, sql_codes

NONE = -1
_DEALS_INDEX = "deals_funding"  # (id, deleted_at, currency, amount_minor, announced_start, …)
_DAY = "IFNULL(CAST(replace({}, '-', '') AS INTEGER), -1)"


def day_number(day: str) -> int:
    """'2025-03-04' as 20250304, the form days take in the columns."""
    return int(day.replace("-", ""))


@dataclass(frozen=True, eq=False)
class Facts:
    """Deals (live ones, by id) and their tranches with an amount; `deal` of a tranche is the
    position of its deal in the deal columns. `currencies[code]` is a currency's code in
    `head_cur` and `cur`; `rates[base]` the (currency, day, rate text) rows into `base`."""

    currencies: tuple[str, ...]
    deal_id: np.ndarray
    day: np.ndarray  # announced start as YYYYMMDD, NONE when undated
    year_only: np.ndarray  # announced to the year only: no quarter
    head: np.ndarray  # headline amount in minor units (0 when none)
    head_cur: np.ndarray  # NONE when the deal has no headline
    party: np.ndarray  # first recipient, else first party of any role; NONE when none
    deal: np.ndarray
    amount: np.ndarray
    cur: np.ndarray
    instrument: np.ndarray  # position in INSTRUMENTS
    funder: np.ndarray  # company id, NONE when undisclosed
    funder_type: np.ndarray  # position in FUNDER_TYPE_ORDER
    rates: dict[str, list[tuple[str, int, str]]]
    latest: np.ndarray = field(init=False)  # deal positions, latest announced first
    cache: dict[Any, Any] = field(default_factory=dict, init=False)  # conversions, by target

    def __post_init__(self) -> None:
        # latest day first, then highest id, undated (NONE) last: as `day DESC, id DESC`
        object.__setattr__(self, "latest", np.lexsort((self.deal_id, self.day))[::-1])

    def code(self, currency: str) -> int:
        """The currency's code in the columns, or NONE when no amount is in it."""
        return self.currencies.index(currency) if currency in self.currencies else NONE


def _columns(conn: sqlite3.Connection, sql: str,
             params: tuple[object, ...] = ()) -> list[list[Any]]:  # fmt: skip
    """Each selected `json_group_array` as a Python list: one row of text for all the rows,
    far cheaper to hand to Python than a tuple per row."""
    row = conn.execute(sql, params).fetchone()
    return [json.loads(text) for text in row]


def _integers(values: list[Any]) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def load_facts(conn: sqlite3.Connection) -> Facts:
    """Read the facts in one read transaction (one state of the tracker)."""
    began = not conn.in_transaction
    if began:
        conn.execute("BEGIN")
    try:
        return _read(conn)
    finally:
        if began:
            conn.execute("COMMIT")


def _read(conn: sqlite3.Connection) -> Facts:
    indexed = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?", (_DEALS_INDEX,)
    ).fetchone()
    deals = f"deals INDEXED BY {_DEALS_INDEX}" if indexed else "deals"
    ids, day, year_only, head, head_code = _columns(
        conn,
        f"SELECT json_group_array(id), json_group_array({_DAY.format('announced_start')}), "
        "json_group_array(IFNULL(announced_precision = 'year', 0)), "
        "json_group_array(IFNULL(amount_minor, 0)), json_group_array(currency) "
        f"FROM {deals} WHERE deleted_at IS NULL",
    )
    instruments = sql_codes("instrument", {kind: n for n, kind in enumerate(INSTRUMENTS)},
                            len(INSTRUMENTS))  # fmt: skip
    tranches = conn.execute(
        "SELECT currency, json_group_array(deal_id), json_group_array(amount_minor), "
        f"json_group_array({instruments}), "
        "json_group_array(IFNULL(funder_id, -1)) FROM tranches "
        "WHERE currency IS NOT NULL GROUP BY currency"
    ).fetchall()
    currencies = tuple(dict.fromkeys([*(row[0] for row in tranches),
                                      *(c for c in head_code if c is not None)]))  # fmt: skip
    codes = {c: n for n, c in enumerate(currencies)}
    deal_id = _integers(ids)
    tr = [[json.loads(text) for text in row[1:]] for row in tranches]
    cur = np.concatenate([np.full(len(row[0]), codes[c], np.int64)
                          for (c, *_), row in zip(tranches, tr, strict=True)] or [_integers([])])
    deal_of, amount, instrument, funder = (
        np.concatenate([_integers(row[n]) for row in tr] or [_integers([])]) for n in range(4))
    position = np.searchsorted(deal_id, deal_of)
    live = position < len(deal_id)
    live[live] = deal_id[position[live]] == deal_of[live]  # tranches of deleted deals: gone
    funder = funder[live]
    return Facts(
        currencies, deal_id, _integers(day), np.array(year_only, dtype=bool), _integers(head),
        _integers([NONE if c is None else codes[c] for c in head_code]),
        _first_parties(conn, deal_id), position[live], amount[live], cur[live],
        instrument[live], funder, _funder_types(conn, funder), _rates(conn),
    )  # fmt: skip


def _first_parties(conn: sqlite3.Connection, deal_id: np.ndarray) -> np.ndarray:
    """Per deal, the company that stands for it in bars by company: its first recipient by
    position, else its first party of any role."""
    deal, other, position, link, company = (_integers(c) for c in _columns(
        conn,
        "SELECT json_group_array(deal_id), json_group_array(role <> 'recipient'), "
        "json_group_array(position), json_group_array(id), json_group_array(company_id) "
        "FROM deal_parties",
    ))  # fmt: skip
    order = np.lexsort((link, position, other, deal))
    deal, company = deal[order], company[order]
    first = np.ones(len(deal), dtype=bool)
    first[1:] = deal[1:] != deal[:-1]
    party = np.full(len(deal_id), NONE, dtype=np.int64)
    at = np.searchsorted(deal_id, deal[first])
    found = at < len(deal_id)
    found[found] = deal_id[at[found]] == deal[first][found]
    party[at[found]] = company[first][found]
    return party


def _funder_types(conn: sqlite3.Connection, funder: np.ndarray) -> np.ndarray:
    """Per tranche, its funder's type (government, private, other) as a position in
    FUNDER_TYPE_ORDER; an undisclosed funder or one of no known kind is 'other'."""
    other = FUNDER_TYPE_ORDER.index("other")
    kinds = sql_codes("kind", {kind: FUNDER_TYPE_ORDER.index(group)
                               for kind, group in FUNDER_TYPES.items()}, other)  # fmt: skip
    ids, types = (_integers(c) for c in _columns(
        conn,
        f"SELECT json_group_array(id), json_group_array({kinds}) "
        "FROM (SELECT id, kind FROM companies ORDER BY id)",
    ))  # fmt: skip
    found = np.full(len(funder), other, dtype=np.int64)
    if len(ids):
        at = np.minimum(np.searchsorted(ids, funder), len(ids) - 1)
        known = ids[at] == funder
        found[known] = types[at[known]]
    return found


def _rates(conn: sqlite3.Connection) -> dict[str, list[tuple[str, int, str]]]:
    rates: dict[str, list[tuple[str, int, str]]] = {}
    if not has_rates_table(conn):
        return rates
    rows = conn.execute(
        "SELECT base, currency, date, rate FROM exchange_rates ORDER BY base, currency, date"
    )
    for base, currency, day, rate in rows:
        rates.setdefault(base, []).append((currency, day_number(day), rate))
    return rates


def currencies_present(facts: Facts) -> list[str]:
    """Currencies of live deals' headlines and tranches, the most used first."""
    size = len(facts.currencies)
    used = (np.bincount(facts.head_cur[facts.head_cur != NONE], minlength=size)
            + np.bincount(facts.cur, minlength=size)).tolist()  # fmt: skip
    found = [(-n, code) for code, n in zip(facts.currencies, used, strict=True) if n]
    return [code for _, code in sorted(found)]
