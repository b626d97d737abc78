"""Fuzzing the importers with mutated real files: snapshots (bytes, cells, manifest values, zip
structure) and CSV files (bytes, cells).

After every mutation, `lodestone import` / `import-csv` into a tracker with records must either
succeed with a tracker that `check` calls sound, or exit 1 with one line on stderr and leave the
tracker byte for byte as it was; never a traceback (anything but SystemExit or a return escapes
`main` and fails the test).

A short run is part of `make test`; set LODESTONE_FUZZ_EXAMPLES for a longer one, e.g.
`LODESTONE_FUZZ_EXAMPLES=2000 pytest tests/core/test_fuzz_files.py`.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from bad_files import rehash, zip_folder
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lodestone.cli import main
from lodestone.core.samples.example import load_example
from lodestone.core.snapshots import export_snapshot
from lodestone.core.storage import Repository, check_tracker

EXAMPLES = int(os.environ.get("LODESTONE_FUZZ_EXAMPLES", "15"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
FILE_NAMES = ["manifest.json", "companies.csv", "deals.csv", "deal_parties.csv", "tranches.csv",
              "events.csv", "event_companies.csv", "sources.csv", "citations.csv", "tags.csv"]
NASTY_CELLS = ["", "0", "-1", "1", "2", "9" * 30, "9223372036854775807", "-9223372036854775809",
               "1e400", "NaN", "=1+1", "'=x", "\x00", "a\x00b", "\r", "\n", '"', "é", "\ud7ff",
               "2025-13", "2025-Q5", "USD", "XXX", "1.005", "mining; magnets", "[1]", "[",
               "deleted", "company", "x" * 5000]  # fmt: skip
DEALS_CSV = ("Company Name,Lender,Type,raisedAmt,Date,Notes\n"
             "Vulcan Elements,BMW i Ventures,Loan,$5M,2025-08,first\n"
             "MP Materials,Office of Strategic Capital,Grant,\"$1,400,000\",2025-Q3,second\n"
             "Noveon,,Equity,EUR 2.5m,Aug 2025,third\n")  # fmt: skip


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A tracker with the example's records and its snapshot, never changed by the tests."""
    folder = tmp_path_factory.mktemp("fuzz")
    tracker = folder / "tracker.db"
    repo = Repository.open(tracker)
    try:
        load_example(repo)
    finally:
        repo.close()
    export_snapshot(tracker, folder / "snapshot")
    home = folder / "home"
    home.mkdir()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("LODESTONE_HOME", str(home))
        yield tracker, folder / "snapshot"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run(*argv: object) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exc:  # a usage error: argparse's own exit
            code = int(exc.code or 0)
    return code, err.getvalue()


def assert_whole_outcome(code: int, err: str, target: Path, before: str) -> None:
    """Exit 0 and a sound tracker, or exit 1, one line on stderr and the tracker untouched."""
    assert "Traceback" not in err
    if code == 0:
        report = check_tracker(target)
        assert report.ok, report.problems
        return
    assert code == 1, err
    lines = [line for line in err.splitlines() if not line.startswith("Backed up ")]
    assert len(lines) == 1 and lines[0].startswith("lodestone: error: "), err
    assert digest(target) == before


# -- mutations ---------------------------------------------------------------------------------


@st.composite
def byte_edits(draw: st.DrawFn) -> list[tuple[str, int, bytes]]:
    """Up to four (position, replacement) edits: a byte changed, bytes inserted or cut."""
    return draw(st.lists(st.tuples(
        st.sampled_from(["set", "insert", "cut"]), st.integers(0, 1 << 16),
        st.binary(min_size=1, max_size=8)), min_size=1, max_size=4))  # fmt: skip


def apply_bytes(data: bytes, edits: list[tuple[str, int, bytes]]) -> bytes:
    buffer = bytearray(data)
    for how, position, chunk in edits:
        at = position % (len(buffer) + 1)
        if how == "set":
            buffer[at:at + len(chunk)] = chunk
        elif how == "insert":
            buffer[at:at] = chunk
        else:
            del buffer[at:at + len(chunk)]
    return bytes(buffer)


def edit_cell(data: bytes, row: int, column: int, value: str) -> bytes:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    target = rows[row % len(rows)]
    if target:
        target[column % len(target)] = value
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8", "surrogatepass")


def edit_manifest(folder: Path, path: list[str], value: object) -> None:
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    node = manifest
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    manifest_path.write_text(json.dumps(manifest))


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                max_size=3),
    max_leaves=6)  # fmt: skip
MANIFEST_KEYS = st.sampled_from(
    [["format"], ["format_version"], ["schema_version"], ["app_version"], ["created_at"],
     ["excel"], ["files"]]
    + [["files", name, key] for name in FILE_NAMES[1:] for key in ("rows", "sha256")]
    + [["files", name] for name in FILE_NAMES[1:]])  # fmt: skip

SNAPSHOT_MUTATIONS = st.one_of(
    st.tuples(st.just("bytes"), st.sampled_from(FILE_NAMES), byte_edits(), st.booleans()),
    st.tuples(st.just("cell"), st.sampled_from(FILE_NAMES[1:]), st.integers(0, 40),
              st.integers(0, 20), st.sampled_from(NASTY_CELLS) | st.text(max_size=30)),
    st.tuples(st.just("manifest"), MANIFEST_KEYS, JSON_VALUES),
    st.tuples(st.just("zip"), byte_edits()),
)  # fmt: skip


def mutate_snapshot(good: Path, work: Path, mutation: tuple) -> Path:  # type: ignore[type-arg]
    snap = work / "snap"
    shutil.copytree(good, snap)
    kind = mutation[0]
    if kind == "bytes":
        _, name, edits, rehashed = mutation
        path = snap / name
        path.write_bytes(apply_bytes(path.read_bytes(), edits))
        if rehashed and name != "manifest.json":
            rehash(snap)  # the damage reaches the parser, past the checksum
    elif kind == "cell":
        _, name, row, column, value = mutation
        path = snap / name
        path.write_bytes(edit_cell(path.read_bytes(), row, column, value))
        rehash(snap)
    elif kind == "manifest":
        _, key, value = mutation
        with contextlib.suppress(KeyError, TypeError):
            edit_manifest(snap, key, value)
    else:
        _, edits = mutation
        zipped = zip_folder(snap, work / "snap.zip")
        zipped.write_bytes(apply_bytes(zipped.read_bytes(), edits))
        return zipped
    return snap


@pytest.fixture
def fresh() -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


@FUZZ
@given(mutation=SNAPSHOT_MUTATIONS)
def test_a_mutated_snapshot_is_imported_whole_or_refused_in_one_line(
    originals: tuple[Path, Path], mutation: tuple  # type: ignore[type-arg]
) -> None:
    tracker, good = originals
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        target = work / "target.db"
        shutil.copyfile(tracker, target)
        source = mutate_snapshot(good, work, mutation)
        before = digest(target)
        code, err = run("import", "--db", target, source)
        assert_whole_outcome(code, err, target, before)


CSV_MUTATIONS = st.one_of(
    st.tuples(st.just("bytes"), byte_edits()),
    st.tuples(st.just("cell"), st.integers(0, 4), st.integers(0, 6),
              st.sampled_from(NASTY_CELLS) | st.text(max_size=30)),
)  # fmt: skip


@FUZZ
@given(mutation=CSV_MUTATIONS, skip_invalid=st.booleans())
def test_a_mutated_csv_file_is_imported_whole_or_refused_in_one_line(
    originals: tuple[Path, Path], mutation: tuple, skip_invalid: bool  # type: ignore[type-arg]
) -> None:
    tracker, _ = originals
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        target = work / "target.db"
        shutil.copyfile(tracker, target)
        path = work / "deals.csv"
        data = DEALS_CSV.encode()
        if mutation[0] == "bytes":
            data = apply_bytes(data, mutation[1])
        else:
            data = edit_cell(data, *mutation[1:])
        path.write_bytes(data)
        before = digest(target)
        options = ["--skip-invalid"] if skip_invalid else []
        code, err = run("import-csv", "--db", target, "--kind", "deals", "--currency", "USD",
                        path, *options)  # fmt: skip
        assert_whole_outcome(code, err, target, before)
