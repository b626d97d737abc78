"""The installed `lodestone` command, run as a user runs it: exit codes, one-line errors, no
tracebacks, and files that are only read staying byte-for-byte the same.

The window itself is not opened here; its wiring (which file, example on first use) is tested
in-process with a stand-in for the GUI module, so no Qt is needed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
import types
from pathlib import Path

import pytest
from bad_files import BAD_FILES, good_tracker
from lodestone import __version__, cli
from lodestone.core.paths import AppPaths
from lodestone.core.storage import SCHEMA_VERSION

LODESTONE = shutil.which("lodestone", path=str(Path(sys.executable).parent))
SMALL = ["--companies", "40", "--deals", "80", "--events", "600"]


def run(*args: str | Path, home: Path) -> subprocess.CompletedProcess[str]:
    assert LODESTONE, "the lodestone command is not installed next to this Python"
    env = {**os.environ, "LODESTONE_HOME": str(home)}
    return subprocess.run([LODESTONE, *map(str, args)], env=env, capture_output=True,
                          text=True, timeout=120, check=False)


def assert_one_line_error(result: subprocess.CompletedProcess[str], code: int = 1) -> str:
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("lodestone: error: ")
    return lines[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def home(tmp_path: Path) -> Path:
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


# -- version and help ------------------------------------------------------------------------

def test_version(home: Path):
    result = run("--version", home=home)
    assert result.returncode == 0
    assert result.stdout == f"lodestone {__version__}\n"


def test_help_describes_the_tool_and_its_commands(home: Path):
    result = run("--help", home=home)
    assert result.returncode == 0 and result.stderr == ""
    for words in ("supply chain", "check", "generate", "example", "examples:", "LODESTONE_HOME"):
        assert words in result.stdout


@pytest.mark.parametrize("command", ["check", "generate", "example"])
def test_each_command_has_help_with_examples(home: Path, command: str):
    result = run(command, "--help", home=home)
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: lodestone {command} ")
    assert "example" in result.stdout.split("options:")[1]
    assert f"lodestone {command} --db" in result.stdout


# -- bad arguments ---------------------------------------------------------------------------

@pytest.mark.parametrize("args", [[], ["--db", "a.db"], ["--db=a.db"], ["--example"],
                                  ["--db", "a.db", "--example"]])  # fmt: skip
def test_a_start_of_the_window_reads_the_same_without_the_commands(args: list[str]):
    assert cli.starts_the_window(args)
    whole, window = cli.build_parser(), cli.build_parser(with_commands=False)
    if args[1:2] == ["a.db"] and "--example" in args:  # refused alike, by both
        for parser in (whole, window):
            with pytest.raises(SystemExit):
                parser.parse_args(args)
        return
    assert vars(window.parse_args(args)) == vars(whole.parse_args(args))


@pytest.mark.parametrize("args", [["check"], ["--help"], ["-h"], ["--db"], ["--bogus"],
                                  ["--db", "a.db", "check"], ["--version"], ["stats", "--db",
                                  "a.db"], ["--example", "x"]])  # fmt: skip
def test_anything_else_gets_the_whole_parser(args: list[str]):
    assert not cli.starts_the_window(args)


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["frobnicate"], "invalid choice"),
        (["--db"], "expected one argument"),
        (["--db", "a.db", "--example"], "not allowed with"),
        (["--db", "a.db", "check"], "after it"),
        (["--example", "check"], "after it"),
        (["--bogus"], "unrecognized arguments"),
        (["check", "--db"], "expected one argument"),
        (["check", "--what"], "unrecognized arguments"),
        (["generate"], "required: --db"),
        (["generate", "--db", "g.db", "--companies"], "expected one argument"),
        (["generate", "--db", "g.db", "--companies", "-3"], "out of range"),
        (["generate", "--db", "g.db", "--deals", "-1"], "out of range"),
        (["generate", "--db", "g.db", "--events", "99999999999"], "out of range"),
        (["generate", "--db", "g.db", "--events", "1.5"], "not a whole number"),
        (["generate", "--db", "g.db", "--deals", "many"], "not a whole number"),
        (["generate", "--db", "g.db", "--seed", "x"], "invalid int value"),
        (["generate", "--db", "g.db", "--companies", "0", "--deals", "1"], "at least one company"),
        (["example"], "required: --db"),
        (["example", "--db"], "expected one argument"),
    ],
)
def test_bad_arguments_are_usage_errors(home: Path, args: list[str], words: str):
    result = run(*args, home=home)
    assert result.returncode == 2
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert result.stderr.startswith("usage: lodestone")
    assert words in result.stderr
    assert list(home.iterdir()) == []  # nothing was created


# -- check -----------------------------------------------------------------------------------

def test_check_a_sound_tracker(home: Path, tmp_path: Path):
    path = good_tracker(tmp_path / "t.db")
    before = digest(path)
    result = run("check", "--db", path, home=home)
    assert result.returncode == 0, result.stderr
    assert f"schema {SCHEMA_VERSION}" in result.stdout
    assert "companies" in result.stdout and "Sound" in result.stdout
    assert result.stderr == ""
    assert digest(path) == before


def test_check_defaults_to_the_own_tracker(home: Path):
    good_tracker(AppPaths(home).tracker)
    result = run("check", home=home)
    assert result.returncode == 0
    assert str(AppPaths(home).tracker) in result.stdout


def test_check_without_an_own_tracker_creates_nothing(home: Path):
    line = assert_one_line_error(run("check", home=home))
    assert "does not exist" in line
    assert list(home.iterdir()) == []


def test_check_a_missing_file(home: Path, tmp_path: Path):
    line = assert_one_line_error(run("check", "--db", tmp_path / "nope.db", home=home))
    assert "does not exist" in line
    assert not (tmp_path / "nope.db").exists()


def test_check_a_folder(home: Path, tmp_path: Path):
    folder = tmp_path / "folder.db"
    folder.mkdir()
    line = assert_one_line_error(run("check", "--db", folder, home=home))
    assert "folder" in line
    assert list(folder.iterdir()) == []


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_check_a_file_that_is_not_a_tracker(home: Path, tmp_path: Path, name: str):
    make, _, words = BAD_FILES[name]
    path = tmp_path / "bad.db"
    make(path)
    before = digest(path)
    line = assert_one_line_error(run("check", "--db", path, home=home))
    assert words in line
    assert digest(path) == before


def test_check_a_damaged_tracker_lists_problems_and_fails(home: Path, tmp_path: Path):
    path = good_tracker(tmp_path / "t.db")
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO event_companies (event_id, company_id) VALUES (404, 1)")
    conn.commit()
    conn.close()
    before = digest(path)
    result = run("check", "--db", path, home=home)
    line = assert_one_line_error(result)
    assert "damaged: 1 problem found" in line
    assert "event_companies row" in result.stdout and "missing events record" in result.stdout
    assert digest(path) == before


def test_a_reader_that_stops_early_gets_no_traceback(home: Path, tmp_path: Path):
    path = tmp_path / "many.db"
    assert run("generate", "--db", path, "--companies", "50", "--deals", "3000", "--events", "0",
               home=home).returncode == 0
    env = {**os.environ, "LODESTONE_HOME": str(home)}
    with subprocess.Popen([str(LODESTONE), "check", "--verbose", "--db", str(path)], env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.readline().startswith(str(path).encode())
        process.stdout.close()  # like `| head -1`
        errors = process.stderr.read().decode()
        code = process.wait(timeout=60)
    assert code == 1
    assert errors == ""


# -- generate --------------------------------------------------------------------------------

def rows(path: Path) -> dict[str, list[tuple]]:
    conn = sqlite3.connect(path)
    try:
        return {
            "companies": conn.execute("SELECT id, name, kind, country FROM companies").fetchall(),
            "deals": conn.execute("SELECT id, title, amount_minor, currency FROM deals").fetchall(),
            "tranches": conn.execute("SELECT * FROM tranches").fetchall(),
            "events": conn.execute("SELECT id, title, date, deal_id FROM events").fetchall(),
            "links": conn.execute("SELECT * FROM event_companies").fetchall(),
        }
    finally:
        conn.close()


@pytest.fixture
def generated(home: Path, tmp_path: Path) -> Path:
    path = tmp_path / "gen.db"
    result = run("generate", "--db", path, *SMALL, "--seed", "5", home=home)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return path


def test_generate_makes_the_counts_asked_for(generated: Path):
    found = rows(generated)
    assert (len(found["companies"]), len(found["deals"]), len(found["events"])) == (40, 80, 600)


def test_generate_prints_progress_and_a_summary(home: Path, tmp_path: Path):
    result = run("generate", "--db", tmp_path / "g.db", *SMALL, home=home)
    assert "events: 600 / 600" in result.stderr
    assert "Generated" in result.stdout and "600" in result.stdout


def test_generate_is_reproducible_with_the_same_seed(home: Path, tmp_path: Path,
                                                     generated: Path):
    again = tmp_path / "again.db"
    assert run("generate", "--db", again, *SMALL, "--seed", "5", home=home).returncode == 0
    assert rows(again) == rows(generated)


def test_generate_differs_with_another_seed(home: Path, tmp_path: Path, generated: Path):
    other = tmp_path / "other.db"
    assert run("generate", "--db", other, *SMALL, "--seed", "6", home=home).returncode == 0
    assert rows(other)["events"] != rows(generated)["events"]


def test_generated_titles_are_found_by_full_text_search(generated: Path):
    conn = sqlite3.connect(generated)
    try:
        deal_id, title = conn.execute("SELECT id, title FROM deals WHERE id = 42").fetchone()
        found = conn.execute("SELECT rowid FROM deals_fts WHERE deals_fts MATCH ?",
                             ('"' + title + '"',)).fetchall()
    finally:
        conn.close()
    assert (deal_id,) in found


def test_generated_tracker_passes_check(home: Path, generated: Path):
    result = run("check", "--db", generated, home=home)
    assert result.returncode == 0, result.stdout + result.stderr


def test_generate_refuses_a_tracker_with_records(home: Path, generated: Path):
    before = digest(generated)
    line = assert_one_line_error(run("generate", "--db", generated, *SMALL, home=home))
    assert "already holds" in line
    assert digest(generated) == before


def test_generate_refuses_a_file_that_is_not_a_tracker(home: Path, tmp_path: Path):
    path = tmp_path / "notes.db"
    path.write_text("hello\n" * 40)
    assert "not an SQLite" in assert_one_line_error(run("generate", "--db", path, home=home))
    assert path.read_text() == "hello\n" * 40


def test_generate_into_a_missing_folder(home: Path, tmp_path: Path):
    line = assert_one_line_error(run("generate", "--db", tmp_path / "no" / "g.db", home=home))
    assert str(tmp_path / "no") in line


# -- example ---------------------------------------------------------------------------------

def test_example_writes_a_sound_tracker_once(home: Path, tmp_path: Path):
    path = tmp_path / "example.db"
    result = run("example", "--db", path, home=home)
    assert result.returncode == 0, result.stderr
    assert "Wrote the example tracker" in result.stdout
    check = run("check", "--db", path, home=home)
    assert check.returncode == 0 and "$180M unallocated" in check.stdout
    before = digest(path)
    assert "already holds" in assert_one_line_error(run("example", "--db", path, home=home))
    assert digest(path) == before


# -- the window's wiring, in-process with a stand-in GUI ---------------------------------------

@pytest.fixture
def window(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Path, AppPaths, bool]]:
    """Replace lodestone.ui.app by a module whose run_gui records its arguments."""
    calls: list[tuple[Path, AppPaths, bool]] = []
    reopen: list[bool] = []
    fake = types.ModuleType("lodestone.ui.app")

    def run_gui(db_path: Path, paths: AppPaths, example: bool, *, reopen_last: bool) -> int:
        calls.append((db_path, paths, example))
        reopen.append(reopen_last)
        return 0

    fake.reopen = reopen  # type: ignore[attr-defined]

    fake.run_gui = run_gui  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "lodestone.ui.app", fake)
    return calls


def test_no_command_opens_the_own_tracker(window, _private_home: Path):
    assert cli.main([]) == 0
    assert window == [(AppPaths(_private_home).tracker, AppPaths(_private_home), False)]
    assert sys.modules["lodestone.ui.app"].reopen == [True]  # or the one last used


def test_db_opens_that_file(window, tmp_path: Path):
    assert cli.main(["--db", str(tmp_path / "mine.db")]) == 0
    assert window[0][0] == tmp_path / "mine.db" and window[0][2] is False
    assert sys.modules["lodestone.ui.app"].reopen == [False]


def test_example_is_written_on_first_use_only(window, _private_home: Path):
    paths = AppPaths(_private_home)
    assert cli.main(["--example"]) == 0
    assert window[-1] == (paths.example_tracker, paths, True)
    written = digest(paths.example_tracker)
    assert cli.main(["--example"]) == 0
    assert digest(paths.example_tracker) == written
    assert len(window) == 2


def test_an_example_that_cannot_be_written_is_one_line_and_no_window(
    window, monkeypatch: pytest.MonkeyPatch, capsys
):
    fake = types.ModuleType("lodestone.core.samples.example")

    class ExampleError(ValueError):
        pass

    def write_example(path: Path) -> dict[str, int]:
        raise ExampleError("the bundled example data is missing")

    fake.ExampleError = ExampleError  # type: ignore[attr-defined]
    fake.write_example = write_example  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "lodestone.core.samples.example", fake)
    assert cli.main(["--example"]) == 1
    assert capsys.readouterr().err == "lodestone: error: the bundled example data is missing\n"
    assert window == []


def test_interrupting_generate_exits_130(monkeypatch, tmp_path: Path, capsys):
    import lodestone.core.samples.generate as generate

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(generate, "generate_tracker", interrupted)
    assert cli.main(["generate", "--db", str(tmp_path / "g.db")]) == 130
    assert capsys.readouterr().err == "lodestone: interrupted\n"
