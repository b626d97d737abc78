"""The log: where it is (never the real home in a test), what lands in it (a failing job's
traceback, an uncaught exception, the command line's failures), and that setting it up costs a
start nothing."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from lodestone.core.jobs import JobContext, run_job
from lodestone.core.logs import LOG_BACKUPS, LOG_BYTES, RotatingLogFile, configure_logging
from lodestone.core.paths import AppPaths


def test_the_tests_never_log_into_the_real_home():
    real_home = Path.home()
    paths = AppPaths.default()
    for folder in (paths.data_dir, paths.log_dir):
        assert real_home not in folder.parents  # the autouse fixture redirected both
    assert paths.log_dir != paths.data_dir / "logs"  # a folder of its own


@pytest.mark.parametrize(("environ", "expected"), [
    ({"LODESTONE_HOME": "/data/lode"}, "/data/lode/logs"),
    ({"LODESTONE_HOME": "/data/lode", "LODESTONE_LOG_DIR": "/var/log/lode"}, "/var/log/lode"),
    ({"LODESTONE_LOG_DIR": "/var/log/lode"}, "/var/log/lode"),
    ({"XDG_STATE_HOME": "/state"}, "/state/Lodestone/log"),
])  # fmt: skip
def test_the_log_folder_is_resolved_with_the_others(monkeypatch, environ, expected):
    for name in ("LODESTONE_HOME", "LODESTONE_LOG_DIR"):
        monkeypatch.delenv(name, raising=False)
    if sys.platform.startswith("linux"):
        monkeypatch.setenv("XDG_STATE_HOME", "/state")
    elif "XDG_STATE_HOME" in environ:
        pytest.skip("the platform's log folder follows XDG_STATE_HOME on Linux only")
    assert AppPaths.default(environ).log_dir == Path(expected)
    assert AppPaths.default(environ).log_file == Path(expected) / "lodestone.log"


def test_a_failing_jobs_traceback_lands_in_the_log_file(tmp_path: Path):
    paths = AppPaths(tmp_path / "home", tmp_path / "logs")
    handler = configure_logging(paths)

    def work(_job: JobContext) -> None:
        raise OSError("No space left on device")

    outcome = run_job(work, JobContext(None, what="The backup"))
    handler.flush()
    text = paths.log_file.read_text(encoding="utf-8")
    assert outcome.message == "No space left on device"  # the analyst's one sentence
    assert "ERROR lodestone.core.jobs" in text and "The backup failed" in text
    assert "Traceback (most recent call last)" in text and "OSError: No space" in text


def test_nothing_is_created_until_something_is_logged(tmp_path: Path):
    paths = AppPaths(tmp_path / "home", tmp_path / "logs")
    configure_logging(paths)
    assert not paths.log_dir.exists()
    logging.getLogger("lodestone.test").info("the first record")
    assert paths.log_file.read_text(encoding="utf-8").endswith("the first record\n")


def test_the_log_rotates(tmp_path: Path):
    handler = RotatingLogFile(tmp_path / "logs" / "lodestone.log")
    record = logging.LogRecord("lodestone", logging.ERROR, __file__, 1, "x" * 1000, None, None)
    for _ in range(LOG_BYTES // 1000 * 2):
        handler.handle(record)
    handler.close()
    names = sorted(p.name for p in (tmp_path / "logs").iterdir())
    assert names[:2] == ["lodestone.log", "lodestone.log.1"]
    assert len(names) <= LOG_BACKUPS + 1


def test_configuring_again_replaces_the_file(tmp_path: Path):
    first = configure_logging(AppPaths(tmp_path / "a"))
    second = configure_logging(AppPaths(tmp_path / "b"))
    files = [h for h in logging.getLogger().handlers if isinstance(h, RotatingLogFile)]
    assert files == [second] and first not in files


def test_an_uncaught_exception_is_logged_and_still_shown(tmp_path: Path, monkeypatch):
    shown: list[type[BaseException]] = []
    monkeypatch.setattr(sys, "excepthook", lambda kind, value, tb: shown.append(kind))
    paths = AppPaths(tmp_path / "home")
    configure_logging(paths)
    try:
        raise LookupError("a slot went wrong")
    except LookupError:
        sys.excepthook(*sys.exc_info())
    assert shown == [LookupError]  # the hook it replaced still runs (stderr, or pytest-qt)
    text = paths.log_file.read_text(encoding="utf-8")
    assert "CRITICAL lodestone [MainThread] Uncaught LookupError" in text
    assert "LookupError: a slot went wrong" in text


def test_an_uncaught_exception_in_a_thread_is_logged(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(threading, "excepthook", lambda args: None)
    paths = AppPaths(tmp_path / "home")
    configure_logging(paths)

    def fail() -> None:
        raise ZeroDivisionError("per tranche")

    thread = threading.Thread(target=fail)
    thread.start()
    thread.join()
    assert "ZeroDivisionError: per tranche" in paths.log_file.read_text(encoding="utf-8")


def test_configuring_imports_no_file_handler_module(tmp_path: Path):
    """`logging.handlers` (pickle, socket, queue) loads only when a record is written."""
    code = ("import json, sys\nfrom pathlib import Path\n"
            "from lodestone.core.logs import configure_logging\n"
            "from lodestone.core.paths import AppPaths\n"
            f"configure_logging(AppPaths(Path({str(tmp_path)!r})))\n"
            "print(json.dumps('logging.handlers' in sys.modules))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, check=True)  # fmt: skip
    assert json.loads(done.stdout) is False


def test_a_command_line_failure_is_logged_and_stderr_keeps_its_one_line(tmp_path, capsys):
    from lodestone import cli

    missing = tmp_path / "gone.db"
    assert cli.main(["check", "--db", str(missing)]) == 1
    assert capsys.readouterr().err == f"lodestone: error: {missing} does not exist\n"
    text = AppPaths.default().log_file.read_text(encoding="utf-8")
    assert "ERROR lodestone.cli" in text and "lodestone check failed" in text
    assert "Traceback" in text and "TrackerError" in text


def test_a_log_that_cannot_be_written_prints_nothing(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]):
    """On a full disk the command's one line is all the analyst sees: the log's own failure
    is dropped, not printed by logging as a traceback."""
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the log folder should be")
    handler = RotatingLogFile(blocked / "lodestone.log")
    handler.handle(logging.LogRecord("lodestone", logging.ERROR, __file__, 1, "boom", None, None))
    handler.close()
    assert capsys.readouterr().err == ""
