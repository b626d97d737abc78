"""The funding breakdown's figures, regrouped in memory from the funding facts.

For one choice of deals (the lists' filters) and amounts (`funding_amounts`): each deal's
headline `h` and the sum `a` of its counted tranches, then per bar its reconciliation totals,
per bar and stack key its segment, the deals that do not add up and the deals left out. Every
figure is an exact integer sum (64-bit while no sum can overflow, Python integers beyond), and
the deals a click on a segment lists are picked by the very masks that summed it.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

import numpy as np

from lodestone.core.funding.amounts import Amounts
from lodestone.core.funding.facts import NONE, Facts
from lodestone.core.funding.labels import (
    FUNDER_TYPE_ORDER,
    OTHERS,
    UNALLOCATED,
    kept_stacks,
    order_groups,
)
from lodestone.core.lists.queries import ListQuery, where_clause
from lodestone.core.records.vocabulary import INSTRUMENTS

RANKED = ("company", "deal")  # largest bar first: the chart keeps only the top ones
_ALL_LIVE = where_clause(ListQuery("deal")).sql


def chosen(conn: sqlite3.Connection, facts: Facts, filters: ListQuery) -> np.ndarray:
    """Per deal of the facts: whether the lists' `filters` choose it (all, unfiltered)."""
    where = where_clause(filters)
    if where.sql == _ALL_LIVE and not where.params:
        return np.ones(len(facts.deal_id), dtype=bool)
    ids = conn.execute(f"SELECT json_group_array(t.id) FROM deals t WHERE {where.sql}",
                       where.params).fetchone()[0]  # fmt: skip
    return np.isin(facts.deal_id, np.array(json.loads(ids), dtype=np.int64))


def _exact(values: np.ndarray, rows: int) -> np.ndarray:
    """`values` as Python integers if a sum of `rows` of them could overflow 64 bits."""
    if len(values) and int(np.abs(values).max()) * max(rows, 1) >= 2**63:
        return values.astype(object)
    return values


def _sums(index: np.ndarray, values: np.ndarray, size: int) -> np.ndarray:
    values = _exact(values, len(values))
    out = np.zeros(size, dtype=values.dtype)
    np.add.at(out, index, values)
    return out


def _group_codes(facts: Facts, by: str) -> np.ndarray:
    """Per deal, the integer code of its bar (`_group_key` names it)."""
    day = facts.day
    if by in ("year", "quarter"):
        year = day // 10_000
        quarter = np.where(facts.year_only, 0, ((day // 100) % 100 + 2) // 3)
        return np.where(day == NONE, NONE, year * 10 + (quarter if by == "quarter" else 0))
    if by == "company":
        return facts.party
    if by == "deal":
        return facts.deal_id
    return np.zeros(len(day), dtype=np.int64)


def _group_key(by: str, code: int) -> Any:
    if by == "all":
        return ""
    if code == NONE:
        return None
    return _time_key(code) if by in ("year", "quarter") else code


def _time_key(code: int) -> str:
    year, quarter = divmod(code, 10)
    return f"{year:04d}-Q{quarter}" if quarter else f"{year:04d}"


def _stack_key(stack: str, code: int) -> Any:
    if stack == "instrument":
        return INSTRUMENTS[code] if code < len(INSTRUMENTS) else "other"
    if stack == "funder-type":
        return FUNDER_TYPE_ORDER[code]
    return None if code == NONE else code


def _coded(facts: Facts, name: str) -> tuple[np.ndarray, np.ndarray]:
    """The distinct codes of a grouping (per deal) or a stacking (per tranche), and each row's
    position among them: sorted once per facts, then reused by every regroup."""
    found = facts.cache.get(("codes", name))
    if found is None:
        codes = {"instrument": facts.instrument, "funder-type": facts.funder_type,
                 "funder": facts.funder}.get(name)  # fmt: skip
        unique, inverse = np.unique(_group_codes(facts, name) if codes is None else codes,
                                    return_inverse=True)  # fmt: skip
        found = (unique, inverse.reshape(-1))
        facts.cache[("codes", name)] = found
    return found


@dataclass(frozen=True, eq=False)
class Frame:
    """One breakdown's deals, each with its `h`, `a` and bar; `ledger` marks the deals that
    have an amount in the chart's currency (the ones summed into bars)."""

    facts: Facts
    amounts: Amounts
    by: str
    chosen: np.ndarray
    ledger: np.ndarray
    counted: np.ndarray  # per tranche: counted and of a ledger deal
    h: np.ndarray
    a: np.ndarray
    has_a: np.ndarray
    bar: np.ndarray  # per deal: index into `keys`, NONE off the ledger
    keys: list[Any]

    @property
    def gap(self) -> np.ndarray:
        """Per deal on the ledger: its tranches do not add up to its headline."""
        gap: np.ndarray = self.ledger & (~self.amounts.has_head | (self.h != self.a))
        return gap


def frame(facts: Facts, amounts: Amounts, chosen: np.ndarray, by: str) -> Frame:
    included = chosen & ~amounts.left_out
    counted = amounts.counted & included[facts.deal]
    deals = len(facts.deal_id)
    a = _sums(facts.deal[counted], amounts.value[counted], deals)
    has_a = np.bincount(facts.deal[counted], minlength=deals) > 0
    ledger = included & (amounts.has_head | has_a)
    h = np.where(amounts.has_head, amounts.head, 0)
    codes, inverse = _coded(facts, by)
    present = np.nonzero(np.bincount(inverse[ledger], minlength=len(codes)))[0]
    renumber = np.full(len(codes), NONE, dtype=np.int64)
    renumber[present] = np.arange(len(present))
    bar = np.full(deals, NONE, dtype=np.int64)
    bar[ledger] = renumber[inverse[ledger]]
    return Frame(facts, amounts, by, chosen, ledger, counted & ledger[facts.deal], h, a, has_a,
                 bar, [_group_key(by, c) for c in codes[present].tolist()])  # fmt: skip


def bar_rows(f: Frame, top: int | None) -> tuple[list[tuple[Any, ...]], int]:
    """(g, None, deals, head, unallocated, short, over, unheadlined, gaps) of the bars, in
    chart order, only the `top` largest for bars by company or deal; and the number of gaps."""
    on = f.ledger
    h, a, has_head = f.h[on], f.a[on], f.amounts.has_head[on]
    bar, size = f.bar[on], len(f.keys)
    short = h > a
    over = has_head & (a > h)
    totals = [
        np.bincount(bar, minlength=size),
        _sums(bar, h, size),
        _sums(bar[short], (h - a)[short], size),
        np.bincount(bar[short], minlength=size),
        _sums(bar[over], (a - h)[over], size),
        _sums(bar[~has_head], a[~has_head], size),
        np.bincount(bar[f.gap[on]], minlength=size),
    ]
    wanted = np.arange(size)
    if f.by in RANKED and top is not None and size > top:
        whole = totals[1] + totals[4] + totals[5]  # headline + over + unheadlined
        least = np.partition(whole, size - top)[size - top] if top else None
        wanted = np.nonzero(whole >= least)[0] if top else wanted[:0]
    columns = [t[wanted].tolist() for t in totals]
    rows = [(f.keys[n], None, *values)
            for n, *values in zip(wanted.tolist(), *columns, strict=True)]  # fmt: skip
    ordered = order_groups(f.by, rows, lambda r: r[3] + r[6] + r[7])
    return (ordered if top is None or f.by not in RANKED else ordered[:top]), int(f.gap.sum())


def segment_rows(f: Frame, stack: str, bars: list[Any], limit: int | None
                 ) -> tuple[list[tuple[Any, ...]], list[Any] | None]:  # fmt: skip
    """(g, s, amount, count) of the counted tranches of the `bars` kept, with only the `limit`
    largest stack keys (the rest summed per bar under OTHERS), and the keys kept (None when
    nothing was folded)."""
    facts = f.facts
    wanted = np.zeros(len(f.keys) + 1, dtype=bool)  # [NONE] stays False
    index = {key: n for n, key in enumerate(f.keys)}
    wanted[[index[g] for g in bars]] = True
    on = f.counted & wanted[f.bar[facts.deal]]
    stacks, inverse = _coded(facts, stack)
    names = [_stack_key(stack, c) for c in stacks.tolist()]
    bar, s = f.bar[facts.deal[on]], inverse[on]
    value = _exact(f.amounts.value[on], int(on.sum()))
    pair_bar, pair_stack, sums, counts = _by_pair(bar, s, value, len(f.keys), len(names))
    totals = _sums(pair_stack, np.abs(sums), len(names))
    present = np.unique(pair_stack).tolist()
    kept = kept_stacks(dict(zip([names[n] for n in present], totals[present].tolist(),
                                strict=True)), limit)  # fmt: skip
    if kept is not None:  # the other keys become one OTHERS key, summed again per bar
        keep = set(kept)
        folded = np.array([n if name in keep else len(names) for n, name in enumerate(names)],
                          dtype=np.int64)  # fmt: skip
        names.append(OTHERS)
        pair_bar, pair_stack, sums, counts = _by_pair(bar, folded[s], value, len(f.keys),
                                                      len(names))  # fmt: skip
    rows = zip(pair_bar.tolist(), pair_stack.tolist(), sums.tolist(), counts.tolist(),
               strict=True)  # fmt: skip
    return [(f.keys[g], names[n], total, count) for g, n, total, count in rows], kept


_DENSE = 1 << 22  # bars x stack keys up to which segments are summed in a table, not sorted


def _by_pair(bar: np.ndarray, stack: np.ndarray, value: np.ndarray, bars: int, stacks: int
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:  # fmt: skip
    """(bar, stack key, sum, count) of each pair present, summed over the tranches."""
    width = max(stacks, 1)
    pair = bar * width + stack
    if bars * width <= _DENSE:
        counts = np.bincount(pair, minlength=bars * width)
        sums = _sums(pair, value, bars * width)
        found = np.nonzero(counts)[0]
        sums, counts = sums[found], counts[found]
    else:
        found, at = np.unique(pair, return_inverse=True)
        at = at.reshape(-1)
        sums, counts = _sums(at, value, len(found)), np.bincount(at, minlength=len(found))
    return found // width, found % width, sums, counts


def latest(f: Frame, mask: np.ndarray, limit: int | None) -> list[int]:
    """Positions of the deals of `mask`, latest announced first, at most `limit`."""
    order = f.facts.latest[mask[f.facts.latest]]
    positions: list[int] = (order if limit is None else order[:limit]).tolist()
    return positions


def gap_rows(f: Frame, limit: int | None) -> list[tuple[int, int | None, int | None]]:
    """(id, h, a) of the latest deals whose tranches do not add up to their headline."""
    has_head = f.amounts.has_head
    return [(int(f.facts.deal_id[n]), int(f.h[n]) if has_head[n] else None,
             int(f.a[n]) if f.has_a[n] else None) for n in latest(f, f.gap, limit)]  # fmt: skip


def left_out_ids(f: Frame) -> list[int]:
    """Ids of the chosen deals a converted chart leaves out, latest first."""
    ids: list[int] = f.facts.deal_id[latest(f, f.chosen & f.amounts.left_out, None)].tolist()
    return ids


def segment_deals(f: Frame, stack: str, bar_key: Any, segment_key: Any,
                  folded: tuple[Any, ...] | None) -> list[int]:  # fmt: skip
    """Ids of the deals summed into one segment: a bar's deals short of their headline (the
    unallocated segment), or with a counted tranche of the stack key (OTHERS: of any key but
    the `folded` ones kept)."""
    if bar_key not in f.keys:
        return []
    in_bar = f.bar == f.keys.index(bar_key)
    if segment_key == UNALLOCATED:
        deals = in_bar & (f.h > f.a)
    else:
        stacks, at = _coded(f.facts, stack)
        keys = [_stack_key(stack, c) for c in stacks.tolist()]
        if segment_key == OTHERS:
            match = np.array([k not in (folded or ()) for k in keys], dtype=bool)
        else:
            match = np.array([k == segment_key and type(k) is type(segment_key) for k in keys],
                             dtype=bool)  # fmt: skip
        tranches = f.counted & match[at] if len(keys) else f.counted[:0]
        deals = np.zeros(len(f.facts.deal_id), dtype=bool)
        deals[f.facts.deal[tranches]] = True
        deals &= in_bar
    ids: list[int] = f.facts.deal_id[deals].tolist()
    return ids
