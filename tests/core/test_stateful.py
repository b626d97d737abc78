"""Random sequences of create/edit/delete/restore/undo/redo over a real tracker file.

Every mutation goes through the core operations and an undo stack that behaves like the
core UndoHistory (a new operation clears the redo side): the storage the GUI drives.
After every step the invariants the analyst relies on are checked against the file itself:
foreign keys hold, the change log names every change, tranches reconcile per currency, the
full-text index has one current row per record, and undo/redo land on the exact states seen.
"""

from __future__ import annotations

import copy
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from lodestone.core.history import Operation, delete_operation, restore_operation, save_operation
from lodestone.core.records import (
    RECORD_KINDS,
    Company,
    Deal,
    Event,
    Money,
    Party,
    Tranche,
    parse_fuzzy_date,
)
from lodestone.core.records.reconciliation import reconcile_deal
from lodestone.core.storage import InvalidRecord, Repository
from names_data import assert_all_current

TABLES = {kind.name: kind.table for kind in RECORD_KINDS}

Snapshot = dict[tuple[str, int], tuple[Any, bool]]

# Few names, so company names clash (a restore refused) and edits sometimes change nothing.
NAMES = st.sampled_from(["Lynas", "MP Materials", "Iluka", "Neo", "Solvay"])
TITLES = st.sampled_from(["Magnet plant", "Offtake", "Refinery loan", "Mine expansion"])
CURRENCIES = st.sampled_from(["USD", "EUR"])
MINORS = st.integers(min_value=0, max_value=10**12)
PICK = st.integers(min_value=0, max_value=10**6)


def snapshot_all(repo: Repository) -> Snapshot:
    """Every record of the file, read back with `repo.get`, and whether it is in the Trash."""
    result: Snapshot = {}
    for kind, table in TABLES.items():
        for (record_id,) in repo.conn.execute(f"SELECT id FROM {table} ORDER BY id").fetchall():
            result[kind, record_id] = (repo.get(kind, record_id), repo.is_deleted(kind, record_id))
    return result


def same_state(actual: Snapshot, expected: Snapshot) -> bool:
    """`actual` is `expected`, except for records created since and now in the Trash: undoing
    an Add moves the record to the Trash (so redo brings back the same id), never erases it."""
    extra = set(actual) - set(expected)
    return all(actual[key][1] for key in extra) and all(
        actual.get(key) == value for key, value in expected.items()
    )


def expected_log(before: Snapshot, after: Snapshot) -> list[tuple[str, int, str]]:
    """The change-log entries a step must write, worked out from the states alone."""
    entries = []
    for key, (record, deleted) in after.items():
        if key not in before:
            entries.append((*key, "create"))
            if deleted:
                entries.append((*key, "delete"))
            continue
        old, was_deleted = before[key]
        if was_deleted != deleted:
            entries.append((*key, "delete" if deleted else "restore"))
        if old != record:
            entries.append((*key, "update"))
    return sorted(entries)


class TrackerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="lodestone-stateful-"))
        self.repo = Repository.open(self.folder / "tracker.db")
        # (inverse, state before, state after) of each done / undone operation
        self.undo_stack: list[tuple[Operation, Snapshot, Snapshot]] = []
        self.redo_stack: list[tuple[Operation, Snapshot, Snapshot]] = []

    def teardown(self) -> None:
        self.repo.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    # -- helpers ----------------------------------------------------------------------------

    def ids(self, kind: str, *, deleted: bool | None = None) -> list[int]:
        sql = f"SELECT id FROM {TABLES[kind]}"
        if deleted is not None:
            sql += " WHERE deleted_at IS " + ("NOT NULL" if deleted else "NULL")
        return [r[0] for r in self.repo.conn.execute(sql + " ORDER BY id")]

    def log_entries(self) -> list[tuple[int, str, int, str]]:
        rows = self.repo.conn.execute(
            "SELECT id, record_kind, record_id, action FROM change_log ORDER BY id"
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]

    def run(self, make_op) -> None:
        """Apply a new operation as ctx.run does: refused ones change nothing and push nothing."""
        before, log = snapshot_all(self.repo), self.log_entries()
        try:
            op = make_op()
            inverse = op.apply(self.repo)
        except InvalidRecord:
            assert snapshot_all(self.repo) == before
            assert self.log_entries() == log
            return
        after = snapshot_all(self.repo)
        self.check_logged(log, before, after)
        self.undo_stack.append((inverse, before, after))
        self.redo_stack.clear()

    def check_logged(self, log: list, before: Snapshot, after: Snapshot) -> None:
        new = self.log_entries()
        assert new[: len(log)] == log, "the change log was rewritten"
        written = sorted((kind, rid, action) for _, kind, rid, action in new[len(log):])
        assert written == expected_log(before, after)

    def save(self, record) -> None:
        self.run(lambda: save_operation(self.repo, record))

    def pick(self, kind: str, pick: int, *, deleted: bool | None = None) -> int:
        ids = self.ids(kind, deleted=deleted)
        return ids[pick % len(ids)]

    def tranches(self, draw, count: int) -> list[Tranche]:
        companies = self.ids("company")
        result = []
        for _ in range(count):
            funder = draw(st.sampled_from([None, *companies]))
            amount = draw(st.none() | st.builds(Money, MINORS, CURRENCIES))
            result.append(Tranche(draw(st.sampled_from(["loan", "grant", "equity"])), amount,
                                  funder))
        return result

    # -- rules ------------------------------------------------------------------------------

    @rule(name=NAMES, notes=st.sampled_from(["", "magnets"]))
    def create_company(self, name: str, notes: str) -> None:
        self.save(Company(name, notes=notes))

    @precondition(lambda self: self.ids("company"))
    @rule(data=st.data(), title=TITLES, headline=st.none() | st.builds(Money, MINORS, CURRENCIES),
          count=st.integers(0, 3))
    def create_deal(self, data, title: str, headline: Money | None, count: int) -> None:
        companies = self.ids("company")
        party_ids = data.draw(st.lists(st.sampled_from(companies), max_size=2, unique=True))
        deal = Deal(title, announced=parse_fuzzy_date("2025-11"), amount=headline,
                    parties=[Party(c, "recipient") for c in party_ids],
                    tranches=self.tranches(data.draw, count))
        self.save(deal)

    @precondition(lambda self: self.ids("deal", deleted=False))
    @rule(pick=PICK, index=PICK, minor=st.none() | MINORS, currency=CURRENCIES)
    def edit_tranche_amount(self, pick: int, index: int, minor: int | None, currency: str) -> None:
        deal = self.repo.get("deal", self.pick("deal", pick, deleted=False))
        if not deal.tranches:
            return
        deal.tranches[index % len(deal.tranches)].amount = (
            None if minor is None else Money(minor, currency)
        )
        self.save(deal)

    @precondition(lambda self: self.ids("deal", deleted=False))
    @rule(pick=PICK, headline=st.none() | st.builds(Money, MINORS, CURRENCIES))
    def edit_headline(self, pick: int, headline: Money | None) -> None:
        deal = self.repo.get("deal", self.pick("deal", pick, deleted=False))
        deal.amount = headline
        self.save(deal)

    @precondition(lambda self: self.ids("deal", deleted=False))
    @rule(data=st.data(), pick=PICK)
    def add_tranche(self, data, pick: int) -> None:
        deal = self.repo.get("deal", self.pick("deal", pick, deleted=False))
        deal.tranches.insert(data.draw(st.integers(0, len(deal.tranches))),
                             *self.tranches(data.draw, 1))
        self.save(deal)

    @precondition(lambda self: self.ids("deal", deleted=False))
    @rule(pick=PICK, index=PICK)
    def remove_tranche(self, pick: int, index: int) -> None:
        deal = self.repo.get("deal", self.pick("deal", pick, deleted=False))
        if not deal.tranches:
            return
        deal.tranches.pop(index % len(deal.tranches))
        self.save(deal)

    @rule(data=st.data(), title=TITLES)
    def create_event(self, data, title: str) -> None:
        companies = self.ids("company")
        chosen = data.draw(st.lists(st.sampled_from(companies), max_size=3, unique=True)
                           if companies else st.just([]))
        deal_id = data.draw(st.sampled_from([None, *self.ids("deal")]))
        self.save(Event(title, parse_fuzzy_date("2025-10"), company_ids=chosen, deal_id=deal_id))

    @precondition(lambda self: self.ids("company", deleted=False))
    @rule(pick=PICK, name=NAMES)
    def rename_company(self, pick: int, name: str) -> None:
        company = self.repo.get("company", self.pick("company", pick, deleted=False))
        company.name = name
        self.save(company)

    @rule(kind=st.sampled_from(["company", "deal", "event"]), pick=PICK)
    def delete_record(self, kind: str, pick: int) -> None:
        if self.ids(kind, deleted=False):
            record_id = self.pick(kind, pick, deleted=False)
            self.run(lambda: delete_operation(self.repo, kind, record_id))

    @rule(kind=st.sampled_from(["company", "deal", "event"]), pick=PICK)
    def restore_record(self, kind: str, pick: int) -> None:
        if self.ids(kind, deleted=True):
            record_id = self.pick(kind, pick, deleted=True)
            self.run(lambda: restore_operation(self.repo, kind, record_id))

    @precondition(lambda self: self.undo_stack)
    @rule()
    def undo(self) -> None:
        inverse, before, after = self.undo_stack.pop()
        prior, log = snapshot_all(self.repo), self.log_entries()
        redo = inverse.apply(self.repo)
        now = snapshot_all(self.repo)
        assert same_state(now, before), "undo did not restore the previous state"
        self.check_logged(log, prior, now)
        self.redo_stack.append((redo, before, after))

    @precondition(lambda self: self.redo_stack)
    @rule()
    def redo(self) -> None:
        redo, before, after = self.redo_stack.pop()
        prior, log = snapshot_all(self.repo), self.log_entries()
        inverse = redo.apply(self.repo)
        now = snapshot_all(self.repo)
        assert same_state(now, after), "redo did not reach the state it undid"
        self.check_logged(log, prior, now)
        self.undo_stack.append((inverse, before, after))

    # -- invariants -------------------------------------------------------------------------

    @invariant()
    def foreign_keys_hold(self) -> None:
        assert self.repo.conn.execute("PRAGMA foreign_key_check").fetchall() == []

    @invariant()
    def tranches_reconcile_per_currency(self) -> None:
        for deal_id in self.ids("deal"):
            deal = self.repo.get("deal", deal_id)
            lines = reconcile_deal(deal)
            currencies = [line.currency for line in lines]
            assert len(currencies) == len(set(currencies)), "a currency reported twice"
            expected = {t.amount.currency for t in deal.tranches if t.amount is not None}
            if deal.amount is not None:
                expected.add(deal.amount.currency)
            assert set(currencies) == expected
            for line in lines:
                own = [t.amount for t in deal.tranches
                       if t.amount is not None and t.amount.currency == line.currency]
                assert line.allocated == Money(sum(m.minor for m in own), line.currency)
                assert {line.allocated.currency, line.unallocated.currency} == {line.currency}
                if deal.amount is not None and deal.amount.currency == line.currency:
                    assert line.allocated + line.unallocated == deal.amount
                else:
                    assert line.headline is None and line.unallocated.minor == 0

    @invariant()
    def full_text_index_is_current(self) -> None:
        for kind, table in TABLES.items():
            indexed = dict(
                self.repo.conn.execute(f"SELECT rowid, text FROM {table}_fts").fetchall()
            )
            assert sorted(indexed) == self.ids(kind)
            for record_id, text in indexed.items():
                assert text == self.repo.search_text(kind, record_id)

    @invariant()
    def stored_names_follow_the_links(self) -> None:
        assert_all_current(self.repo)

    @invariant()
    def undo_stack_matches_the_file(self) -> None:
        if self.undo_stack:
            assert same_state(snapshot_all(self.repo), self.undo_stack[-1][2])


TrackerMachine.TestCase.settings = settings(
    max_examples=30, stateful_step_count=25, deadline=None
)
TestTracker = TrackerMachine.TestCase


def test_snapshot_sees_a_changed_tranche(tmp_path: Path):
    """The state comparison the machine relies on notices a one-cent tranche change."""
    repo = Repository.open(tmp_path / "t.db")
    company = repo.save(Company("Lynas"))
    deal = repo.save(Deal("Plant", tranches=[Tranche("loan", Money(100, "USD"), company.id)]))
    before = snapshot_all(repo)
    edited = copy.deepcopy(deal)
    edited.tranches[0].amount = Money(101, "USD")
    repo.save(edited)
    after = snapshot_all(repo)
    assert before != after
    assert expected_log(before, after) == [("deal", deal.id, "update")]
    repo.close()
    conn = sqlite3.connect(tmp_path / "t.db")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()


def test_undoing_an_edit_made_in_the_trash_puts_the_record_back(tmp_path: Path):
    repo = Repository.open(tmp_path / "t.db")
    deal = repo.save(Deal("Plant", amount=Money(100, "USD")))
    repo.delete("deal", deal.id)
    before = snapshot_all(repo)
    edited = copy.deepcopy(deal)
    edited.amount = Money(200, "USD")
    undo = save_operation(repo, edited).apply(repo)
    assert not repo.is_deleted("deal", deal.id)
    undo.apply(repo)
    try:
        assert snapshot_all(repo) == before
    finally:
        repo.close()


def test_undoing_a_tranche_removal_never_takes_another_deal_s_tranche(tmp_path: Path):
    """Found by the machine above: remove a deal's tranche, add a deal with one (it used to get
    the freed id), move that deal to the Trash, undo the removal: the tranche came back by
    taking the other deal's."""
    repo = Repository.open(tmp_path / "t.db")
    try:
        first = repo.save(Deal("Magnet plant", tranches=[Tranche("loan")]))
        kept = copy.deepcopy(first)
        repo.save(Deal("Magnet plant", id=first.id))  # the tranche removed
        other = repo.save(Deal("Offtake", tranches=[Tranche("grant")]))
        assert other.tranches[0].id != kept.tranches[0].id
        repo.delete("deal", other.id)
        repo.save(kept)  # Undo: the deal as it was, its tranche with its id
        assert [t.instrument for t in repo.get("deal", first.id).tranches] == ["loan"]
        assert [t.instrument for t in repo.get("deal", other.id).tranches] == ["grant"]
    finally:
        repo.close()
