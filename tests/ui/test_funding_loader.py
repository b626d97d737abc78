"""The funding chart's background computation: the newest request wins, errors are shown."""

from __future__ import annotations

import threading

from lodestone.core.funding import FundingQuery
from lodestone.core.records import Deal, Money
from lodestone.core.storage import Repository
from lodestone.ui.funding.loader import BreakdownLoader

YEAR, QUARTER = FundingQuery(by="year"), FundingQuery(by="quarter")


def test_only_the_newest_request_is_answered(qtbot, ctx) -> None:
    release = threading.Event()
    computed: list[FundingQuery] = []

    def compute(conn, query, facts):
        if query == YEAR:
            release.wait(10)  # still running when the next request comes
        computed.append(query)
        return query.by

    loader = BreakdownLoader(ctx.path, compute)
    answers: list[object] = []
    loader.loaded.connect(answers.append)
    loader.request(YEAR)
    loader.request(QUARTER)
    assert loader.busy()
    release.set()
    qtbot.waitUntil(lambda: answers != [])
    qtbot.wait(50)
    assert answers == ["quarter"] and computed == [YEAR, QUARTER]
    assert not loader.busy()


def test_a_cancelled_request_is_not_answered(qtbot, ctx) -> None:
    loader = BreakdownLoader(ctx.path, lambda conn, query, facts: query.by)
    answers: list[object] = []
    loader.loaded.connect(answers.append)
    loader.request(YEAR)
    loader.cancel()
    qtbot.waitUntil(lambda: not loader.busy())
    qtbot.wait(20)
    assert answers == []


def test_a_failure_is_reported_not_lost(qtbot, ctx) -> None:
    def compute(conn, query, facts):
        raise ValueError("cannot group by colour")

    loader = BreakdownLoader(ctx.path, compute)
    with qtbot.waitSignal(loader.failed) as failed:
        loader.request(YEAR)
    assert failed.args == ["cannot group by colour"]


def test_a_missing_tracker_is_reported(qtbot, tmp_path) -> None:
    loader = BreakdownLoader(tmp_path / "gone.db", lambda conn, query, facts: None)
    with qtbot.waitSignal(loader.failed) as failed:
        loader.request(YEAR)
    assert "gone.db" in failed.args[0]


def _recording(loader_facts: list):
    def compute(conn, query, facts):
        loader_facts.append(facts)
        return list(facts.deal_id)

    return compute


def _answer(qtbot, loader: BreakdownLoader) -> object:
    with qtbot.waitSignal(loader.loaded) as loaded:
        loader.request(YEAR)
    qtbot.waitUntil(lambda: not loader.busy())
    return loaded.args[0]


def test_the_facts_are_read_once_for_every_regroup(qtbot, ctx) -> None:
    ctx.repo.save(Deal("Vulcan", amount=Money(1, "USD")))
    seen: list = []
    loader = BreakdownLoader(ctx.path, _recording(seen))
    first, second = _answer(qtbot, loader), _answer(qtbot, loader)
    assert first == second and len(first) == 1
    assert seen[0] is seen[1]


def test_the_facts_are_read_again_after_records_changed(qtbot, ctx) -> None:
    seen: list = []
    loader = BreakdownLoader(ctx.path, _recording(seen))
    assert _answer(qtbot, loader) == []
    saved = ctx.repo.save(Deal("Vulcan", amount=Money(1, "USD")))
    loader.forget_facts()
    assert _answer(qtbot, loader) == [saved.id]
    assert seen[0] is not seen[1]


def test_a_change_by_another_program_is_noticed_without_a_notice(qtbot, ctx) -> None:
    """No change notice comes from another program: the file's own state says it changed."""
    seen: list = []
    loader = BreakdownLoader(ctx.path, _recording(seen))
    assert _answer(qtbot, loader) == []
    other = Repository.open(ctx.path)
    try:
        saved = other.save(Deal("Vulcan", amount=Money(1, "USD")))
    finally:
        other.close()
    assert _answer(qtbot, loader) == [saved.id]
