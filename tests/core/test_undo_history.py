"""The undo history in core: steps, texts, the clean mark, listeners, and refusals that leave
the data and the history exactly where they were."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from lodestone.core.history import (
    ChangeRefused,
    Composite,
    UndoHistory,
    delete_operation,
    restore_operation,
    save_operation,
)
from lodestone.core.history.undo import refusal_reason
from lodestone.core.records import Company
from lodestone.core.storage import InvalidRecord, Repository, SaveFailed


@pytest.fixture
def history(repo: Repository) -> UndoHistory:
    return UndoHistory(repo)


def names(repo: Repository) -> list[str]:
    rows = repo.conn.execute("SELECT name FROM companies WHERE deleted_at IS NULL ORDER BY id")
    return [r[0] for r in rows]


def add(history: UndoHistory, name: str) -> int:
    operation = save_operation(history.repo, Company(name))
    history.run(operation)
    assert operation.record.id is not None
    return operation.record.id


def test_run_undo_redo_move_one_step_each(history: UndoHistory, repo: Repository):
    add(history, "Vulcan Elements")
    add(history, "Energy Fuels")
    assert history.texts() == (["Add Company", "Add Company"], [])
    history.undo()
    assert names(repo) == ["Vulcan Elements"]
    assert (history.undo_text(), history.redo_text()) == ("Add Company", "Add Company")
    history.redo()
    assert names(repo) == ["Vulcan Elements", "Energy Fuels"]
    assert history.index == 2 and not history.can_redo()


def test_a_new_step_drops_the_redo_steps(history: UndoHistory):
    add(history, "Vulcan Elements")
    history.undo()
    assert history.can_redo()
    add(history, "MP Materials")
    assert history.count() == 1 and not history.can_redo()


def test_clean_mark_and_listeners(history: UndoHistory):
    heard: list[int] = []
    history.subscribe(lambda: heard.append(history.index))
    assert history.is_clean()
    add(history, "Vulcan Elements")
    assert not history.is_clean()
    history.set_clean()
    history.undo()
    assert not history.is_clean() and history.clean_index == 1
    history.redo()
    assert history.is_clean()
    history.undo()
    add(history, "MP Materials")  # the clean state was a redo step, now gone
    assert history.clean_index is None and not history.is_clean()
    history.clear()
    assert heard == [1, 1, 0, 1, 0, 1, 0] and history.count() == 0 and history.is_clean()


def test_limit_keeps_the_newest_steps(repo: Repository):
    history = UndoHistory(repo, limit=2)
    for name in ("A Corp", "B Corp", "C Corp"):
        add(history, name)
    assert history.count() == 2
    history.undo()
    history.undo()
    assert names(repo) == ["A Corp"] and not history.can_undo()


def test_a_composite_is_one_step_undone_in_one_transaction(history: UndoHistory,
                                                           repo: Repository):  # fmt: skip
    seen: list[str] = []
    repo.subscribe(lambda change: seen.append(change.kind))
    parts = [save_operation(repo, Company(name)) for name in ("A Corp", "B Corp")]
    history.run(Composite(parts, text="Add Two Companies"))
    assert names(repo) == ["A Corp", "B Corp"] and seen == ["company"]  # one notice
    history.undo()
    assert names(repo) == [] and history.redo_text() == "Add Two Companies"
    history.redo()
    assert names(repo) == ["A Corp", "B Corp"]


def test_a_composite_that_fails_half_way_leaves_nothing(history: UndoHistory, repo: Repository):
    add(history, "Vulcan Elements")
    parts = [save_operation(repo, Company(name)) for name in ("A Corp", "vulcan elements")]
    with pytest.raises(InvalidRecord):
        history.run(Composite(parts, text="Add Two"))
    assert names(repo) == ["Vulcan Elements"] and history.count() == 1


def busy(path: Path) -> sqlite3.Connection:
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another program is writing
    return other


def state(history: UndoHistory, repo: Repository) -> tuple:
    log = repo.conn.execute("SELECT count(*) FROM change_log").fetchone()[0]
    return history.texts(), history.index, names(repo), log


def test_a_refused_undo_leaves_data_and_history(history: UndoHistory, repo: Repository,
                                                 tmp_path: Path):  # fmt: skip
    add(history, "Vulcan Elements")
    repo.conn.execute("PRAGMA busy_timeout = 20")
    before = state(history, repo)
    heard: list[int] = []
    history.subscribe(lambda: heard.append(1))
    other = busy(tmp_path / "tracker.db")
    with pytest.raises(ChangeRefused) as refused:
        history.undo()
    assert str(refused.value) == ("Cannot undo Add Company: another program is writing to the "
                                  "tracker; try again in a moment.")  # fmt: skip
    assert isinstance(refused.value.cause, SaveFailed) and "\n" not in str(refused.value)
    assert state(history, repo) == before and heard == []
    other.execute("ROLLBACK")
    history.undo()  # once the file is free, the same step is undone
    assert names(repo) == [] and history.redo_text() == "Add Company"
    other = busy(tmp_path / "tracker.db")
    with pytest.raises(ChangeRefused, match="^Cannot redo Add Company: another program"):
        history.redo()
    assert names(repo) == [] and history.can_redo() and not history.can_undo()
    other.close()


def test_a_tracker_that_cannot_be_written_refuses_undo(history: UndoHistory,
                                                       repo: Repository):  # fmt: skip
    add(history, "Vulcan Elements")
    before = state(history, repo)
    repo.conn.execute("PRAGMA query_only = ON")  # as a file that became read-only
    with pytest.raises(ChangeRefused, match="^Cannot undo Add Company: the tracker file cannot "
                                            "be written"):  # fmt: skip
        history.undo()
    assert state(history, repo) == before
    repo.conn.execute("PRAGMA query_only = OFF")
    history.undo()
    assert names(repo) == []


def test_a_refused_restore_says_why(history: UndoHistory, repo: Repository):
    vulcan = add(history, "Vulcan Elements")
    history.run(delete_operation(repo, "company", vulcan))
    add(history, "Vulcan Elements")  # the name is taken again meanwhile
    with pytest.raises(InvalidRecord):
        history.run(restore_operation(repo, "company", vulcan))
    history.undo()  # the second Vulcan goes
    history.run(restore_operation(repo, "company", vulcan))
    assert names(repo) == ["Vulcan Elements"]


def test_refusal_reasons_are_one_lowercase_clause():
    busy_error = SaveFailed("Not saved: another program is writing to the tracker; try again "
                            "in a moment.", "busy")  # fmt: skip
    assert refusal_reason(busy_error) == ("another program is writing to the tracker; try again "
                                          "in a moment")  # fmt: skip
    assert refusal_reason(sqlite3.IntegrityError("UNIQUE constraint failed:\n x")) == (
        "the tracker refused the change (UNIQUE constraint failed: x)")
    taken = InvalidRecord([type("E", (), {"message": "Another company is already named 'MP'"})])
    assert refusal_reason(taken) == "another company is already named 'MP'"


def test_joined_steps_are_undone_and_redone_as_one(history: UndoHistory, repo: Repository):
    add(history, "Vulcan Elements")
    history.set_clean()
    add(history, "Energy Fuels")
    add(history, "MP Materials")
    history.join(1, "nothing to join")
    history.join(2, "Add Two Companies")
    assert history.texts() == (["Add Company", "Add Two Companies"], [])
    assert history.clean_index == 1
    history.undo()
    assert names(repo) == ["Vulcan Elements"] and history.is_clean()
    history.redo()
    assert names(repo) == ["Vulcan Elements", "Energy Fuels", "MP Materials"]
    history.join(2, "Add Three")  # the clean state falls inside: no longer reachable
    assert history.clean_index is None and history.count() == 1
