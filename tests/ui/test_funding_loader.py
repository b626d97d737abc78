"""The funding chart's background computation: the newest request wins, errors are shown."""

from __future__ import annotations

import threading

from lodestone.core.funding import FundingQuery
from lodestone.ui.funding_loader import BreakdownLoader

YEAR, QUARTER = FundingQuery(by="year"), FundingQuery(by="quarter")


def test_only_the_newest_request_is_answered(qtbot, ctx) -> None:
    release = threading.Event()
    computed: list[FundingQuery] = []

    def compute(conn, query, connect):
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
    loader = BreakdownLoader(ctx.path, lambda conn, query, connect: query.by)
    answers: list[object] = []
    loader.loaded.connect(answers.append)
    loader.request(YEAR)
    loader.cancel()
    qtbot.waitUntil(lambda: not loader.busy())
    qtbot.wait(20)
    assert answers == []


def test_a_failure_is_reported_not_lost(qtbot, ctx) -> None:
    def compute(conn, query, connect):
        raise ValueError("cannot group by colour")

    loader = BreakdownLoader(ctx.path, compute)
    with qtbot.waitSignal(loader.failed) as failed:
        loader.request(YEAR)
    assert failed.args == ["cannot group by colour"]


def test_a_missing_tracker_is_reported(qtbot, tmp_path) -> None:
    loader = BreakdownLoader(tmp_path / "gone.db", lambda conn, query, connect: None)
    with qtbot.waitSignal(loader.failed) as failed:
        loader.request(YEAR)
    assert "gone.db" in failed.args[0]


def test_both_connections_read_the_tracker(qtbot, ctx) -> None:
    def compute(conn, query, connect):
        other = connect()
        try:
            return [c.execute("PRAGMA database_list").fetchone()[2] for c in (conn, other)]
        finally:
            other.close()

    loader = BreakdownLoader(ctx.path, compute)
    with qtbot.waitSignal(loader.loaded) as loaded:
        loader.request(YEAR)
    assert loaded.args == [[str(ctx.path.resolve())] * 2]
