"""Undoable changes to what the analyst keeps beside the records: exchange rates and saved
views. Each change is written to the change log under its own kind (`exchange_rate`,
`saved_view`) and id, so the rates dialog can show when a rate was changed and from what.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lodestone.core.funding.exchange_rates import (
    RATE_KIND,
    ExchangeRate,
    add_rate,
    delete_rate,
    get_rate,
    update_rate,
)
from lodestone.core.history.operations import Composite, Operation
from lodestone.core.lists.queries import ListQuery
from lodestone.core.lists.saved_views import (
    StoredView,
    ViewNotFound,
    clean_name,
    delete_view,
    find_view,
    put_view,
    save_view,
)
from lodestone.core.records.rowmap import diff
from lodestone.core.storage.repository import ChangeEntry, RecordNotFound, Repository

VIEW_KIND = "saved_view"  # the record kind of a saved view's change-log entries


def _rate_values(rate: ExchangeRate) -> dict[str, Any]:
    return {"currency": rate.currency, "base": rate.base, "date": rate.date, "rate": rate.text}


def _log_change(repo: Repository, kind: str, record_id: int,
                before: dict[str, Any] | None, after: dict[str, Any] | None) -> None:  # fmt: skip
    """One entry: "create" (no before), "delete" (no after, the values kept as `before`, as a
    record's removal is logged) or "update" with only what changed."""
    if before is None or after is None:
        action = "create" if before is None else "delete"
        repo.log_change(kind, record_id, action, before, after)
        return
    old, new = diff(before, after)
    if old or new:
        repo.log_change(kind, record_id, "update", old, new)


# -- exchange rates ------------------------------------------------------------------------


@dataclass
class AddRate(Operation):
    """Record a rate (`rate.id` set: under that id, an undone removal coming back)."""

    rate: ExchangeRate
    text: str = "Add Exchange Rate"

    def apply(self, repo: Repository) -> Operation:
        r = self.rate
        with repo.transaction():
            added = add_rate(repo, r.currency, r.base, r.date, r.text, rate_id=r.id)
            assert added.id is not None
            _log_change(repo, RATE_KIND, added.id, None, _rate_values(added))
        return RemoveRate(added.id, text=self.text)


@dataclass
class RemoveRate(Operation):
    rate_id: int
    text: str = "Remove Exchange Rate"

    def apply(self, repo: Repository) -> Operation:
        with repo.transaction():
            rate = get_rate(repo.conn, self.rate_id)
            delete_rate(repo, self.rate_id)
            _log_change(repo, RATE_KIND, self.rate_id, _rate_values(rate), None)
        return AddRate(rate, text=self.text)


@dataclass
class EditRate(Operation):
    """Change a rate's value and the day it applies from."""

    rate_id: int
    date: str
    rate: str
    text: str = "Edit Exchange Rate"

    def apply(self, repo: Repository) -> Operation:
        with repo.transaction():
            before = get_rate(repo.conn, self.rate_id)
            after = update_rate(repo, self.rate_id, self.date, self.rate)
            _log_change(repo, RATE_KIND, self.rate_id, _rate_values(before), _rate_values(after))
        return EditRate(self.rate_id, before.date, before.text, text=self.text)


def remove_rates_operation(rate_ids: list[int]) -> Operation:
    """Remove one rate, or several as one step."""
    parts = [RemoveRate(rate_id) for rate_id in rate_ids]
    if len(parts) == 1:
        return parts[0]
    return Composite(parts, text=f"Remove {len(parts)} Exchange Rates")


Values = dict[str, Any]
Named = list[tuple[str, ChangeEntry]]  # change-log entries, each with what it is about


def _kept_history(repo: Repository, kind: str, now: Callable[[int], Values | None],
                  about: Callable[[Values], str | None]) -> Named:  # fmt: skip
    """The logged changes of every thing of `kind` (removed ones included), oldest first, each
    named by `about(values)` — None leaves that thing out — where `values` are its values now
    (`now(id)`, None once removed), else the newest ones its log holds."""
    rows = repo.conn.execute(
        "SELECT DISTINCT record_id FROM change_log WHERE record_kind = ? ORDER BY record_id",
        (kind,),
    )
    found: Named = []
    for (kept_id,) in rows.fetchall():
        entries = repo.history(kind, kept_id)
        logged = [side for e in reversed(entries) for side in (e.after, e.before) if side]
        values: dict[str, Any] = {}
        for side in [now(kept_id) or {}, *logged]:
            values = side | values  # the newest value of each key wins
        name = about(values)
        if name is not None:
            found += [(name, entry) for entry in entries]
    return sorted(found, key=lambda pair: pair[1].id)


def rate_history(repo: Repository, base: str | None = None) -> Named:
    """Every logged change of the rates (into one reporting currency), named "EUR rate"."""

    def now(rate_id: int) -> Values | None:
        try:
            return _rate_values(get_rate(repo.conn, rate_id))
        except RecordNotFound:
            return None

    def about(values: Values) -> str | None:
        if "currency" not in values or (base is not None and values.get("base") != base):
            return None
        return f"{values['currency']} rate"

    return _kept_history(repo, RATE_KIND, now, about)


# -- saved views ---------------------------------------------------------------------------


def _view_values(view: StoredView) -> dict[str, Any]:
    return {"list": view.kind, "name": view.name, "query": json.loads(view.query_json)}


def _replace(repo: Repository, kind: str, remove: str | None,
             put: StoredView | None) -> StoredView | None:  # fmt: skip
    """Remove the view named `remove` (if any) and store `put` (if any), logging both;
    return the removed view."""
    removed = None if remove is None else find_view(repo.conn, kind, remove)
    if remove is not None and removed is None:
        raise ViewNotFound(f"There is no saved view named '{remove}'")
    if removed is not None:
        delete_view(repo.conn, kind, removed.name)
    if put is not None:
        put_view(repo.conn, put)
    if removed is not None and put is not None and removed.id == put.id:
        _log_change(repo, VIEW_KIND, put.id, _view_values(removed), _view_values(put))
    else:
        if removed is not None:
            _log_change(repo, VIEW_KIND, removed.id, _view_values(removed), None)
        if put is not None:
            _log_change(repo, VIEW_KIND, put.id, None, _view_values(put))
    return removed


@dataclass
class ReplaceView(Operation):
    """Remove one saved view and/or put one back as it was: deleting, renaming and the
    inverse of every view change are this one operation."""

    kind: str
    remove: str | None
    put: StoredView | None
    text: str = ""

    def apply(self, repo: Repository) -> Operation:
        with repo.transaction():
            removed = _replace(repo, self.kind, self.remove, self.put)
        return ReplaceView(self.kind, None if self.put is None else self.put.name, removed,
                           text=self.text)  # fmt: skip


@dataclass
class SaveView(Operation):
    """Store the current filter under a name (replacing a view of that name)."""

    kind: str
    name: str
    query: ListQuery
    text: str = ""

    def apply(self, repo: Repository) -> Operation:
        with repo.transaction():
            before = find_view(repo.conn, self.kind, self.name)
            name = save_view(repo.conn, self.kind, self.name, self.query)
            after = find_view(repo.conn, self.kind, name)
            assert after is not None
            _log_change(repo, VIEW_KIND, after.id, None if before is None else _view_values(
                before), _view_values(after))  # fmt: skip
        return ReplaceView(self.kind, name, before, text=self.text)


def save_view_operation(kind: str, name: str, query: ListQuery) -> SaveView:
    """ViewError for a name that cannot be used, before anything is written."""
    name = clean_name(name)
    return SaveView(kind, name, query, text=f"Save View “{name}”")


def delete_view_operation(kind: str, name: str) -> ReplaceView:
    return ReplaceView(kind, name.strip(), None, text=f"Delete View “{name.strip()}”")


def rename_view_operation(repo: Repository, kind: str, old: str, new: str) -> ReplaceView:
    """ViewNotFound / ViewError (a bad or taken name) before anything is written."""
    view = find_view(repo.conn, kind, old)
    if view is None:
        raise ViewNotFound(f"There is no saved view named '{old.strip()}'")
    renamed = StoredView(view.id, kind, clean_name(new), view.query_json)
    return ReplaceView(kind, view.name, renamed, text=f"Rename View “{view.name}”")


def view_history(repo: Repository, kind: str) -> Named:
    """Every logged change of the saved views of one list, named "View “China”"."""

    def now(view_id: int) -> Values | None:
        row = repo.conn.execute(
            "SELECT id, kind, name, query_json FROM saved_views WHERE id = ?", (view_id,)
        ).fetchone()
        return None if row is None else _view_values(StoredView(*row))

    def about(values: Values) -> str | None:
        return f"View “{values['name']}”" if values.get("list") == kind else None

    return _kept_history(repo, VIEW_KIND, now, about)
