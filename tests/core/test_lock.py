"""One writer per tracker: proven with real processes (second instance, ten at once, kill -9)."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from lodestone.core.paths import AppPaths
from lodestone.core.records import Company
from lodestone.core.storage import LockedError, TrackerError, acquire
from lodestone.core.storage.lock import LockHolder, lock_path, read_holder
from lodestone.core.tracker import open_for_writing, open_readonly

CHILD = Path(__file__).with_name("storage_child.py")


def start(*args: object) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, str(CHILD), *map(str, args)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def expect(proc: subprocess.Popen, word: str) -> str:
    line = proc.stdout.readline().strip()
    assert line.startswith(word), (line, proc.stderr.read() if proc.poll() is not None else "")
    return line


def finish(proc: subprocess.Popen) -> None:
    """Let the child end (closing its stdin releases it) and close every pipe."""
    if not proc.stdin.closed:
        proc.stdin.close()
    proc.wait(timeout=30)
    for pipe in (proc.stdout, proc.stderr):
        pipe.read()
        pipe.close()


def test_lock_records_who_holds_it_privately(tmp_path: Path):
    db = tmp_path / "t.db"
    with acquire(db) as lock:
        record = json.loads(lock_path(db).read_text())
        assert record["pid"] == os.getpid()
        assert record["host"] == socket.gethostname()
        assert record["since"] == lock.holder.since
        assert lock_path(db).stat().st_mode & 0o777 == 0o600
        assert read_holder(db) == lock.holder
    assert read_holder(db) is None
    assert lock_path(db).exists()  # never deleted: see lock.py


def test_second_lock_refused_naming_the_holder(tmp_path: Path):
    db = tmp_path / "t.db"
    first = acquire(db)
    with pytest.raises(LockedError) as refused:
        acquire(db)
    holder = refused.value.holder
    assert holder == first.holder
    message = str(refused.value)
    assert f"on {socket.gethostname()} (process {os.getpid()}) since " in message
    assert re.search(r"since \d{4}-\d\d-\d\d \d\d:\d\d\.$", message)
    first.release()
    acquire(db).release()  # free again once released


def test_unreadable_holder_record_still_refuses(tmp_path: Path):
    db = tmp_path / "t.db"
    with acquire(db):
        lock_path(db).write_text("{not json")
        with pytest.raises(LockedError, match="another Lodestone") as refused:
            acquire(db)
        assert refused.value.holder is None


@pytest.mark.parametrize(
    "record",
    [{}, {"host": "h"}, {"host": "h", "pid": "x", "since": "s"}, [], "text"],
    ids=["empty", "partial", "bad-pid", "list", "string"],
)
def test_holder_from_bad_records(record):
    assert LockHolder.from_record(record if isinstance(record, dict) else {}) is None


def test_holder_time_shown_locally_or_as_written():
    assert LockHolder("h", 1, "u", "not a time").since_local() == "not a time"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d",
                        LockHolder("h", 1, "u", "2025-11-09T10:00:00+00:00").since_local())


def test_lock_in_a_missing_folder_is_a_clear_error(tmp_path: Path):
    with pytest.raises(TrackerError, match="lock file cannot be created"):
        acquire(tmp_path / "missing" / "t.db")


def test_released_lock_cannot_record(tmp_path: Path):
    lock = acquire(tmp_path / "t.db")
    lock.release()
    lock.release()  # twice is harmless
    with pytest.raises(RuntimeError):
        lock.record(x=1)


def test_session_holds_the_lock_and_read_only_still_opens(tmp_path: Path):
    db, paths = tmp_path / "t.db", AppPaths(tmp_path / "home")
    with open_for_writing(db, paths) as writer:
        writer.repo.save(Company("Vulcan Elements"))
        with pytest.raises(LockedError):
            open_for_writing(db, paths)
        with open_readonly(db, paths) as reader:
            assert reader.readonly
            assert reader.repo.counts()["company"] == 1
    with open_for_writing(db, paths) as again:  # closed: free to take
        assert not again.readonly


def test_read_only_of_a_missing_file_is_refused(tmp_path: Path):
    with pytest.raises(TrackerError, match="does not exist"):
        open_readonly(tmp_path / "nope.db", AppPaths(tmp_path / "home"))


@pytest.mark.slow
def test_second_instance_told_who_holds_it_then_takes_over_after_kill_9(tmp_path: Path):
    db, paths = tmp_path / "t.db", AppPaths(tmp_path / "home")
    open_for_writing(db, paths).close()
    holder = start("hold", db)
    try:
        expect(holder, "READY")
        with pytest.raises(LockedError) as refused:
            open_for_writing(db, paths)
        assert refused.value.holder.pid == holder.pid
        assert f"(process {holder.pid})" in str(refused.value)
        assert read_holder(db).pid == holder.pid
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=30)
    finally:
        holder.kill()
        finish(holder)
    with open_for_writing(db, paths) as session:  # no clean-up needed after kill -9
        assert read_holder(db).pid == os.getpid()
        session.repo.save(Company("Written after the takeover"))


@pytest.mark.slow
def test_ten_processes_at_once_exactly_one_writer(tmp_path: Path):
    db = tmp_path / "t.db"
    racers = [start("race", db) for _ in range(10)]
    try:
        for proc in racers:
            expect(proc, "READY")
        for proc in racers:  # release them together
            proc.stdin.write("go\n")
            proc.stdin.flush()
        outcomes = [proc.stdout.readline().split() for proc in racers]
    finally:
        for proc in racers:
            proc.stdin.close()
        for proc in racers:
            finish(proc)
    winners = [proc.pid for proc, outcome in zip(racers, outcomes, strict=True)
               if outcome == ["GOT"]]
    assert len(winners) == 1, outcomes
    refused = [outcome for outcome in outcomes if outcome[0] == "REFUSED"]
    assert len(refused) == 9
    # every refused process was told the winner's process id
    assert {outcome[1] for outcome in refused} == {str(winners[0])}
