"""Names and order of the funding chart's bars and segments.

The SQL groups by keys (a year, a company id, an instrument); people read names. This module
turns keys into labels and decides the order, so the chart, its legend, its CSV and
`lodestone stats` all list bars and segments the same way.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from typing import Any

from lodestone.core.records.vocabulary import FUNDER_TYPES, INSTRUMENTS

UNALLOCATED = "unallocated"
UNALLOCATED_LABEL = "Unallocated"
OTHERS = "(others)"  # the stack keys beyond a chart's limit, folded into one segment
FUNDER_TYPE_ORDER = tuple(dict.fromkeys([*FUNDER_TYPES.values(), "other"]))
_NO_KEY = {
    "year": "Undated",
    "quarter": "Undated",
    "company": "No recipient",
    "deal": "Untitled deal",
    "all": "All deals",
}


def company_names(conn: sqlite3.Connection, ids: Iterable[Any]) -> dict[int, str]:
    wanted = [i for i in ids if isinstance(i, int)]
    if not wanted:
        return {}
    rows = conn.execute(
        "SELECT id, name FROM companies WHERE id IN (SELECT value FROM json_each(?))",
        (json.dumps(wanted),),
    )
    return {r[0]: r[1] for r in rows}


def group_label(by: str, key: Any, names: dict[int, str], title: str | None) -> str:
    """"2025", "2025 Q4", "2025 (quarter unknown)", a company's name or a deal's title."""
    if key is None or (by == "all" and key == ""):
        return _NO_KEY[by]
    if by == "quarter":
        year, _, quarter = str(key).partition("-")
        return f"{year} {quarter}" if quarter else f"{year} (quarter unknown)"
    if by == "company":
        return names.get(key, f"Company {key}")
    if by == "deal":
        return title or _NO_KEY[by]
    return str(key)


def order_groups(by: str, rows: list[Any], total: Any) -> list[Any]:
    """Time bars in time order (undated last); company and deal bars largest first."""
    if by in ("year", "quarter"):
        return sorted(rows, key=lambda r: (r[0] is None, r[0] or ""))
    return sorted(rows, key=lambda r: (-total(r), str(r[0])))


def stack_labels(conn: sqlite3.Connection, stack: str, keys: Iterable[Any]) -> dict[Any, str]:
    keys = list(keys)
    if stack == "funder":
        names = company_names(conn, keys)
        labels = {k: names.get(k, f"Company {k}") for k in keys if k is not None}
        labels[None] = "Undisclosed funder"
    else:
        labels = {k: str(k).capitalize() for k in keys}
    labels[UNALLOCATED] = UNALLOCATED_LABEL
    labels[OTHERS] = "Other funders" if stack == "funder" else "Others"
    return labels


def kept_stacks(totals: dict[Any, int], limit: int | None) -> list[Any] | None:
    """The `limit` stack keys of largest `totals` (of their segments' absolute amounts), or
    None when there are no more than that. Thousands of funders cannot be told apart by
    colour: the largest few can, and the others share one OTHERS segment."""
    if limit is None or len(totals) <= limit:
        return None
    return sorted(totals, key=lambda k: (-totals[k], str(k)))[:limit]


def stack_rank(stack: str, totals: dict[Any, int]) -> dict[Any, tuple[int, int, str]]:
    """Sort keys for segments: the vocabulary's order (instruments, funder types), or for
    funders the largest total first; unallocated always on top of the stack, last."""
    order = {"instrument": INSTRUMENTS, "funder-type": FUNDER_TYPE_ORDER}.get(stack)
    rank = {}
    for key, total in totals.items():
        if order is not None:
            position = order.index(key) if key in order else len(order)
            rank[key] = (0, position, "")
        else:
            rank[key] = (0 if key is not None else 1, -total, str(key))
    rank[OTHERS] = (1, 1, "")
    rank[UNALLOCATED] = (2, 0, "")
    return rank
