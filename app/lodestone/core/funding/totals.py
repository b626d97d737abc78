"""The funding numbers without the chart: `lodestone stats` and the chart's CSV export.

Both read the same `breakdown` the chart draws, so a total printed or exported is the very
figure on screen. Totals are written as exact decimal strings in major units ("620000000.00"),
never floats, one currency per row.
"""

from __future__ import annotations

import csv
import os
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from lodestone.core.funding.dimensions import STATS_BY
from lodestone.core.funding.facts import currencies_present, load_facts
from lodestone.core.funding.figures import Breakdown, FundingQuery, breakdown
from lodestone.core.lists.queries import ListQuery
from lodestone.core.records.money import money_sum, to_decimal_string

_STACK_DIMENSIONS = ("instrument", "funder", "funder-type")
CSV_HEADER = ("group", "segment", "currency", "amount", "count")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Live companies, deals, tranches (of live deals) and events."""
    row = conn.execute(
        "SELECT (SELECT COUNT(*) FROM companies WHERE deleted_at IS NULL), "
        "(SELECT COUNT(*) FROM deals WHERE deleted_at IS NULL), "
        "(SELECT COUNT(*) FROM tranches tr JOIN deals t ON t.id = tr.deal_id "
        " WHERE t.deleted_at IS NULL), "
        "(SELECT COUNT(*) FROM events WHERE deleted_at IS NULL)"
    ).fetchone()
    return dict(zip(("companies", "deals", "tranches", "events"), map(int, row), strict=True))


def stats_query(by: str, currency: str, filters: ListQuery | None = None) -> FundingQuery:
    """The chart query whose figures `stats --by` prints: a bar per group, or for a segment
    dimension (instrument, funder, funder type) one bar of all deals stacked by it."""
    if by not in STATS_BY:
        raise ValueError(f"cannot group by {by!r}: choose one of {', '.join(STATS_BY)}")
    filters = filters or ListQuery("deal")
    if by in _STACK_DIMENSIONS:
        return FundingQuery(by="all", stack=by, currency=currency, filters=filters)
    return FundingQuery(by=by, stack="instrument", currency=currency, filters=filters)


def group_totals(data: Breakdown, by: str) -> list[dict[str, Any]]:
    """(group, currency, total) rows of one breakdown, as `stats` prints them."""
    if data.currency is None:
        return []
    rows = []
    if by in _STACK_DIMENSIONS:
        for key, label in data.stacks:
            amounts = [s.amount for bar in data.bars for s in bar.segments if s.key == key]
            total = money_sum(amounts, data.currency)
            rows.append({"group": label, "key": key, "currency": data.currency,
                         "total": to_decimal_string(total)})  # fmt: skip
    else:
        for bar in data.bars:
            rows.append({"group": bar.label, "key": bar.key, "currency": data.currency,
                         "total": to_decimal_string(bar.total), "deals": bar.deals})  # fmt: skip
    return rows


def stats(
    conn: sqlite3.Connection, by: str = "year", currency: str | None = None
) -> dict[str, Any]:
    """Record counts and, per group and currency, the total the funding chart shows."""
    facts = load_facts(conn)  # read once, regrouped per currency
    currencies = [currency] if currency is not None else currencies_present(facts)
    totals: list[dict[str, Any]] = []
    for code in currencies:
        totals.extend(group_totals(breakdown(conn, stats_query(by, code), facts=facts), by))
    return {"counts": _counts(conn), "by": by, "totals": totals}


def format_stats(result: dict[str, Any]) -> str:
    """The plain-text form of `stats`: counts, then one aligned line per group and currency."""
    counts = result["counts"]
    lines = [", ".join(f"{n} {name}" for name, n in counts.items())]
    if not result["totals"]:
        lines.append("No amounts recorded.")
        return "\n".join(lines)
    lines.append(f"Totals by {result['by']}:")
    width = max(len(str(row["group"])) for row in result["totals"])
    for row in result["totals"]:
        lines.append(f"  {str(row['group']).ljust(width)}  {row['currency']} {row['total']:>20}")
    return "\n".join(lines)


def _safe_text(value: str) -> str:
    """A text cell a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_rows(data: Breakdown) -> list[tuple[str, str, str, str, int]]:
    """One row per segment of every bar, amounts as exact decimal strings."""
    return [
        (_safe_text(bar.label), _safe_text(s.label), s.amount.currency,
         to_decimal_string(s.amount), s.count)
        for bar in data.bars for s in bar.segments
    ]  # fmt: skip


def write_csv(data: Breakdown, path: Path) -> Path:
    """Write the chart's numbers to `path` atomically (a temporary file renamed into place)."""
    path = Path(path)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(handle, "w", newline="", encoding="utf-8") as stream:
            writer = csv.writer(stream)
            writer.writerow(CSV_HEADER)
            writer.writerows(csv_rows(data))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path
