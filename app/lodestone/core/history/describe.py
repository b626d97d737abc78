"""A record's change log in words: which field changed, from what, to what.

The log stores the changed columns (amount_minor, tranches as lists, company ids); the
analyst asks "when did I change this amount, and from what?", so each change is described
with the app's own formats: money as "$620M", companies by name, tranches one field at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lodestone.core.history.operations import field_title
from lodestone.core.records.money import Money, format_money
from lodestone.core.storage.repository import ChangeEntry

Names = Callable[[list[int]], dict[int, str]]
Line = tuple[str, str, str]  # field, before, after

NONE = "—"


def _money(minor: Any, currency: Any) -> str:
    if minor is None or not currency:
        return NONE
    return format_money(Money(int(minor), str(currency)))


def _plain(value: Any) -> str:
    if value is None or value == "" or value == []:
        return NONE
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _tranche_text(tranche: dict[str, Any] | None, names: dict[int, str]) -> str:
    if tranche is None:
        return NONE
    funder = names.get(tranche.get("funder_id") or -1, "")
    amount = _money(tranche.get("amount_minor"), tranche.get("currency"))
    parts = [tranche.get("instrument", ""), amount if amount != NONE else "", funder]
    return " ".join(p for p in parts if p) or NONE


def _tranche_lines(before: list[dict[str, Any]], after: list[dict[str, Any]],
                   names: dict[int, str]) -> list[Line]:  # fmt: skip
    """Tranches matched by id (a removed one and an added one are not "edited")."""
    old_by_id = {t["id"]: (i, t) for i, t in enumerate(before) if t.get("id") is not None}
    lines: list[Line] = []
    for i, new in enumerate(after):
        label = f"Tranche {i + 1}"
        match = old_by_id.pop(new.get("id"), None) if new.get("id") is not None else None
        if match is None:
            lines.append((label, NONE, _tranche_text(new, names)))
            continue
        old = match[1]
        if (old.get("amount_minor"), old.get("currency")) != (
            new.get("amount_minor"), new.get("currency")
        ):
            lines.append((f"{label} amount", _money(old.get("amount_minor"), old.get("currency")),
                          _money(new.get("amount_minor"), new.get("currency"))))  # fmt: skip
        for key in ("funder_id", "instrument", "status", "notes"):
            if old.get(key) != new.get(key):
                show: Callable[[Any], str] = (
                    (lambda v: names.get(v, NONE)) if key == "funder_id" else _plain)
                lines.append((f"{label} {field_title(key).lower()}", show(old.get(key)),
                              show(new.get(key))))  # fmt: skip
    for i, old in sorted(old_by_id.values(), key=lambda pair: pair[0]):
        lines.append((f"Tranche {i + 1} (removed)", _tranche_text(old, names), NONE))
    return lines


def _ids_in(entry: ChangeEntry) -> list[int]:
    ids: set[int] = set()
    for side in (entry.before or {}, entry.after or {}):
        if isinstance(side.get("parent_id"), int):
            ids.add(side["parent_id"])
        ids.update(i for i in side.get("company_ids") or [] if isinstance(i, int))
        ids.update(p[0] for p in side.get("parties") or [])
        ids.update(t["funder_id"] for t in side.get("tranches") or [] if t.get("funder_id"))
    return sorted(ids)


def describe_update(entry: ChangeEntry, names: Names, currency: str | None) -> list[Line]:
    """The field-level lines of one update; `currency` is the record's, for an amount whose
    currency did not change (the log keeps only what changed)."""
    before, after = entry.before or {}, entry.after or {}
    known = names(_ids_in(entry))
    lines: list[Line] = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        if key == "currency" and "amount_minor" in (set(before) | set(after)):
            continue
        if key == "amount_minor":
            old_cur = before.get("currency", after.get("currency", currency))
            new_cur = after.get("currency", before.get("currency", currency))
            lines.append(("Amount", _money(old, old_cur), _money(new, new_cur)))
        elif key == "tranches":
            lines += _tranche_lines(old or [], new or [], known)
        elif key == "parties":
            def show(parties: Any) -> str:
                return ", ".join(f"{known.get(c, c)} ({r})" for c, r in parties or []) or NONE

            lines.append(("Parties", show(old), show(new)))
        elif key in ("company_ids",):
            def show_ids(ids: Any) -> str:
                return ", ".join(known.get(i, str(i)) for i in ids or []) or NONE

            lines.append((field_title(key), show_ids(old), show_ids(new)))
        elif key == "parent_id":
            old_name, new_name = (NONE if i is None else known.get(i, NONE) for i in (old, new))
            lines.append((field_title(key), old_name, new_name))
        else:
            lines.append((field_title(key), _plain(old), _plain(new)))
    return lines
