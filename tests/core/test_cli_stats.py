"""`lodestone stats`: the chart's figures on the command line, and every refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lodestone.cli import main
from lodestone.core.funding import breakdown
from lodestone.core.funding.totals import group_totals, stats_query
from lodestone.core.records import Deal
from lodestone.core.storage import Repository


@pytest.fixture
def tracker(repo: Repository, magnet_deal: Deal, tmp_path: Path) -> Path:
    return tmp_path / "tracker.db"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    status = main(["stats", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_stats_by_instrument(capsys, tracker: Path) -> None:
    status, out, err = run(capsys, "--db", str(tracker), "--by", "instrument")
    assert (status, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "4 companies, 1 deals, 3 tranches, 0 events"
    assert lines[1] == "Totals by instrument:"
    assert [line.split() for line in lines[2:]] == [
        ["Loan", "USD", "620000000.00"], ["Equity", "USD", "550000000.00"],
        ["Other", "USD", "50000000.00"], ["Unallocated", "USD", "180000000.00"],
    ]  # fmt: skip


@pytest.mark.parametrize("by", ["year", "company", "funder-type", "funder", "deal"])
def test_json_is_the_charts_data(capsys, repo: Repository, tracker: Path, by: str) -> None:
    status, out, _ = run(capsys, "--db", str(tracker), "--by", by, "--currency", "usd", "--json")
    printed = json.loads(out)
    assert status == 0 and printed["by"] == by
    chart = group_totals(breakdown(repo.conn, stats_query(by, "USD")), by)
    assert printed["totals"] == json.loads(json.dumps(chart))
    assert printed["counts"]["deals"] == 1


def test_the_default_tracker_is_your_own(capsys, monkeypatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LODESTONE_HOME", str(tmp_path / "home"))
    status, out, err = run(capsys)
    assert status == 1 and out == ""
    assert err.startswith("lodestone: error:") and err.count("\n") == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["--by", "month"],
        ["--by"],
        ["--currency", "XYZ"],
        ["--currency", "dollars"],
        ["--frobnicate"],
        ["extra"],
    ],
)
def test_bad_arguments_are_usage_errors(capsys, tracker: Path, argv: list[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["stats", "--db", str(tracker), *argv])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: lodestone") and "error:" in err


@pytest.mark.parametrize("content", [None, b"", b"just some text, not a tracker\n", "folder"])
def test_unreadable_files_fail_in_one_line(capsys, tmp_path: Path, content) -> None:
    path = tmp_path / "file.db"
    if content == "folder":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    status, out, err = run(capsys, "--db", str(path))
    assert (status, out) == (1, "")
    assert err.startswith("lodestone: error: ") and err.count("\n") == 1
    assert not (tmp_path / "file.db-wal").exists()
