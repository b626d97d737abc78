"""The trackers the benchmarks run against, and how a figure is timed.

Each size is a tracker of N events with N/10 deals and N/100 companies, generated once by
`lodestone.core.samples.generate` and cached under `.bench-cache/` at the repository root
(git-ignored):
a million events take about a minute to make. The cache file's name holds the schema version
and a hash of the generator's source, so a tracker made by an older generator or for an older
schema is never measured: it is deleted and made again. A cached tracker is left in rollback
journal mode with no -wal and is only ever opened read-only (immutable) or copied, so no
benchmark can migrate or write it in place.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import statistics
import time

try:
    import fcntl
except ImportError:  # Windows: one benchmark run at a time
    fcntl = None  # type: ignore[assignment]
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import lodestone.core.samples.generate as generate_module
from lodestone.core.paths import AppPaths
from lodestone.core.samples import GenerateSpec, generate_tracker
from lodestone.core.storage import SCHEMA_VERSION

REPO_ROOT = Path(__file__).resolve().parents[2]
CACHE = REPO_ROOT / ".bench-cache"
SIZES_VARIABLE = "LODESTONE_BENCH_SIZES"
DEFAULT_SIZES = (1_000, 100_000, 1_000_000)
TARGET_SIZE = 1_000_000  # the targets hold at a million events
SEED = 8
# The modules whose source decides which rows a generated tracker holds.
GENERATOR_MODULES = ("generate", "synthetic", "words", "datepool")
PREFIX = "lodestone-bench-"


def bench_sizes(environ: dict[str, str] | None = None) -> tuple[int, ...]:
    """The sizes (events) to run, from `LODESTONE_BENCH_SIZES` ("1000,100000"), ascending.

    Raises ValueError naming the variable for anything but positive whole numbers.
    """
    text = (os.environ if environ is None else environ).get(SIZES_VARIABLE, "").strip()
    if not text:
        return DEFAULT_SIZES
    sizes = []
    for part in text.split(","):
        cleaned = part.strip().replace("_", "")
        if not cleaned.isdigit() or int(cleaned) < 100:
            raise ValueError(f"{SIZES_VARIABLE} must list event counts of at least 100 "
                             f"separated by commas, such as 1000,100000; not {part.strip()!r}")
        sizes.append(int(cleaned))
    return tuple(sorted(set(sizes)))


def spec_for(events: int) -> GenerateSpec:
    """N events, N/10 deals, N/100 companies (at least one of each)."""
    return GenerateSpec(companies=max(1, events // 100), deals=max(1, events // 10),
                        events=events, seed=SEED)


def generator_hash() -> str:
    """A short hash of the generator's source: a changed generator makes new trackers."""
    digest = hashlib.sha256()
    folder = Path(generate_module.__file__).parent
    for name in GENERATOR_MODULES:
        digest.update((folder / f"{name}.py").read_bytes())
    return digest.hexdigest()[:10]


def cache_name(events: int) -> str:
    spec = spec_for(events)
    return (f"{PREFIX}{spec.events}e-{spec.deals}d-{spec.companies}c-seed{spec.seed}"
            f"-schema{SCHEMA_VERSION}-gen{generator_hash()}.db")


def _remove_stale(events: int, keep: Path) -> None:
    """Delete trackers of this size made for another schema or by another generator."""
    spec = spec_for(events)
    for old in CACHE.glob(f"{PREFIX}{spec.events}e-*"):
        if old.name.startswith(keep.name):  # this tracker's lock and leftovers
            continue
        old.unlink(missing_ok=True)


@contextmanager
def _generating(path: Path) -> Iterator[None]:
    """Hold an exclusive lock while `path` is made, so two benchmark runs at once wait for
    one tracker rather than make (and delete) each other's half-written file."""
    with open(path.with_name(path.name + ".making"), "a+b") as handle:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def cached_tracker(events: int, progress: Callable[[str], None] = print) -> Path:
    """The tracker of `events` events, generated first if it is not cached yet."""
    CACHE.mkdir(exist_ok=True)
    path = CACHE / cache_name(events)
    if path.exists():
        return path
    with _generating(path):
        if not path.exists():  # another run may have made it while this one waited
            _generate(events, path, progress)
    path.with_name(path.name + ".making").unlink(missing_ok=True)
    return path


def _generate(events: int, path: Path, progress: Callable[[str], None]) -> None:
    _remove_stale(events, path)
    partial = path.with_name(path.name + ".partial")
    for leftover in CACHE.glob(partial.name + "*"):
        leftover.unlink()
    spec = spec_for(events)
    progress(f"generating the {events:,}-event benchmark tracker ({spec.deals:,} deals, "
             f"{spec.companies:,} companies); cached for later runs")
    summary = generate_tracker(partial, AppPaths(CACHE / "home"), spec)
    conn = sqlite3.connect(partial, isolation_level=None)
    try:  # a file complete on its own: nothing beside it for a read-only open to need
        conn.execute("PRAGMA journal_mode = DELETE")
    finally:
        conn.close()
    for leftover in CACHE.glob(partial.name + "?*"):  # the writer lock's file
        leftover.unlink()
    partial.rename(path)
    progress(f"generated {path.name} in {summary.seconds:.1f} s")


def writable_copy(tracker: Path, folder: Path, name: str = "copy.db") -> Path:
    """A copy for a benchmark that writes (an import); the cache itself is never written."""
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / name
    for old in folder.glob(name + "*"):
        old.unlink()
    shutil.copyfile(tracker, target)
    return target


def child_env(home: Path | None = None) -> dict[str, str]:
    """The environment of a timed child process: its bytecode cached (under `.bench-cache`),
    as an installed app has it, even where the shell sets PYTHONDONTWRITEBYTECODE (which
    would add compiling every module to every start); `home` is its LODESTONE_HOME."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(CACHE / "pycache")
    if home is not None:
        env["LODESTONE_HOME"] = str(home)
    return env


def runs_for(values_ms: list[float], wanted: int) -> int:
    """How many runs a figure gets, judged by its fastest run so far: all `wanted` for quick
    steps, 3 over half a second, 2 over two seconds (never 1, so that one cold run, a disk
    read or a first import, cannot stand alone), so a run of the suite stays sane."""
    fastest = min(values_ms) / 1000 if values_ms else 0.0
    if fastest > 2.0:
        return min(wanted, 2)
    if fastest > 0.5:
        return min(wanted, 3)
    return wanted


def middle(values: list[float]) -> float:
    """The median; of an even count the lower middle value (of two runs, the warmer one)."""
    return statistics.median_low(values)


def sample_median(sample: Callable[[], float], runs: int = 5,
                  prepare: Callable[[], object] | None = None) -> tuple[float, int]:
    """(median, runs) of what `sample()` measures, in milliseconds; `prepare` runs before
    each sample. Slow samples get fewer runs (`runs_for`)."""
    values: list[float] = []
    while not values or len(values) < runs_for(values, runs):
        if prepare is not None:
            prepare()
        values.append(sample())
    return middle(values), len(values)


def elapsed_ms(step: Callable[[], object]) -> float:
    started = time.perf_counter()
    step()
    return (time.perf_counter() - started) * 1000


def median_ms(step: Callable[[], object], runs: int = 5,
              prepare: Callable[[], object] | None = None) -> tuple[float, int]:
    """(median milliseconds, runs) of `step`; `prepare` runs untimed before each run."""
    return sample_median(lambda: elapsed_ms(step), runs, prepare)
