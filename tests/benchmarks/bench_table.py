"""The one table every benchmark reports into, printed at the end of `make bench` and written
as markdown to `.bench-cache/last-results.md` for the README's Performance section.

A figure is judged against the issue's target at every size, and set beside the same figure at
the smallest size run, so how it grows from a thousand events to a million is in view. No
benchmark asserts anything about time: shared machines are noisy, so the table informs and the
tests only check that each step did what it should.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Target:
    """A limit on a figure: an absolute one (`limit`, in the figure's unit), or at most
    `ratio` times the floor measured in the same run (`strict`: below it, "faster than")."""

    limit: float | None = None
    ratio: float | None = None
    strict: bool = False

    def text(self, unit: str) -> str:
        if self.limit is not None:
            return f"≤ {self.limit:g} {unit}"
        if self.ratio is not None:
            return "< floor" if self.strict and self.ratio == 1 else f"≤ {self.ratio:g}× floor"
        return ""

    def met(self, value: float, floor: float | None) -> bool | None:
        if self.limit is not None:
            return value <= self.limit
        if self.ratio is not None and floor:
            ratio = value / floor
            return ratio < self.ratio if self.strict else ratio <= self.ratio
        return None


NO_TARGET = Target()


def slowest_of(medians: dict[str, float], target: Target, shown: int = 3) -> tuple[float, str]:
    """(the slowest of several steps' medians, a note naming it and the worst over target):
    one figure for "sort by any column", with what to look at in the note."""
    ranked = sorted(medians.items(), key=lambda item: -item[1])
    over = [(label, ms) for label, ms in ranked if target.met(ms, None) is False]
    note = f"slowest: {ranked[0][0]} (of {len(ranked)})"
    if over:
        listed = ", ".join(f"{label} {ms:,.0f}" for label, ms in over[:shown])
        note += f"; {len(over)} over target: {listed}" + (" …" if len(over) > shown else "")
    return ranked[0][1], note


@dataclass(frozen=True)
class Figure:
    what: str
    size: int | None  # events in the tracker; None when the figure does not depend on it
    value: float
    unit: str = "ms"
    floor: float | None = None
    target: Target = NO_TARGET
    runs: int = 1
    note: str = ""

    @property
    def ratio(self) -> float | None:
        return self.value / self.floor if self.floor else None

    @property
    def verdict(self) -> str:
        met = self.target.met(self.value, self.floor)
        return "" if met is None else ("meets" if met else "MISSES")


def _number(value: float | None, unit: str = "") -> str:
    if value is None:
        return ""
    text = f"{value:,.0f}" if value >= 100 else f"{value:.1f}"
    return f"{text} {unit}".strip()


def _size(size: int | None) -> str:
    if size is None:
        return "any"
    for scale, suffix in ((1_000_000, "M"), (1_000, "k")):
        if size >= scale and size % scale == 0:
            return f"{size // scale}{suffix}"
    return f"{size:,}"


HEADERS = ("what", "events", "median", "floor", "ratio", "target", "verdict", "vs smallest",
           "runs", "note")


@dataclass
class BenchTable:
    figures: list[Figure] = field(default_factory=list)
    started: dt.datetime = field(default_factory=lambda: dt.datetime.now().astimezone())
    load_at_start: tuple[float, float, float] = field(default_factory=os.getloadavg)

    def add(self, what: str, size: int | None, value: float, *, unit: str = "ms",
            floor: float | None = None, target: Target = NO_TARGET, runs: int = 1,
            note: str = "") -> Figure:  # fmt: skip
        figure = Figure(what, size, value, unit, floor, target, runs, note)
        self.figures.append(figure)
        return figure

    def ordered(self) -> list[Figure]:
        """Grouped by what was measured, in the order first reported; sizes ascending."""
        first = {f.what: i for i, f in reversed(list(enumerate(self.figures)))}
        return sorted(self.figures, key=lambda f: (first[f.what], f.size or 0))

    def _growth(self, figure: Figure) -> str:
        same = [f for f in self.figures if f.what == figure.what and f.size is not None]
        if figure.size is None or len(same) < 2:
            return ""
        smallest = min(same, key=lambda f: f.size or 0)
        if smallest is figure or smallest.value <= 0:
            return ""
        return f"×{figure.value / smallest.value:,.1f}"

    def rows(self) -> list[tuple[str, ...]]:
        return [
            (f.what, _size(f.size), _number(f.value, f.unit), _number(f.floor, f.unit),
             "" if f.ratio is None else f"{f.ratio:.2f}×", f.target.text(f.unit), f.verdict,
             self._growth(f), str(f.runs), f.note)
            for f in self.ordered()
        ]  # fmt: skip

    def misses(self) -> list[Figure]:
        return [f for f in self.ordered() if f.verdict == "MISSES"]

    def text(self) -> str:
        rows = [HEADERS, *self.rows()]
        widths = [max(len(row[i]) for row in rows) for i in range(len(HEADERS))]
        right = {1, 2, 3, 4, 7, 8}
        lines = []
        for n, row in enumerate(rows):
            cells = [cell.rjust(w) if i in right else cell.ljust(w)
                     for i, (cell, w) in enumerate(zip(row, widths, strict=True))]  # fmt: skip
            lines.append("  ".join(cells).rstrip())
            if n == 0:
                lines.append("  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def markdown(self) -> str:
        def line(cells: tuple[str, ...]) -> str:
            return "| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |"

        out = [line(HEADERS), "|" + "|".join("---" for _ in HEADERS) + "|"]
        out += [line(row) for row in self.rows()]
        return "\n".join(out)

    def report(self, seconds: float) -> tuple[str, str]:
        """(terminal text, markdown) of the whole run: machine, table, misses."""
        machine = machine_lines(self.load_at_start)
        sizes = sorted({f.size for f in self.figures if f.size is not None})
        intro = (f"Lodestone benchmarks, {self.started:%Y-%m-%d %H:%M %Z}; trackers of "
                 f"{', '.join(f'{s:,}' for s in sizes) or 'no'} events (deals = events/10, "
                 f"companies = events/100); medians of 5 runs (3 when a run takes over 0.5 s, "
                 f"the faster of 2 over 2 s); suite {seconds:.0f} s.")
        misses = self.misses()
        summary = (f"{len(misses)} figure(s) miss their target: "
                   + "; ".join(f"{f.what} at {_size(f.size)}" for f in misses)
                   if misses else "Every figure with a target meets it.")  # fmt: skip
        text = "\n".join([intro, *machine, "", self.text(), "", summary])
        markdown = "\n".join([
            intro, "", *(f"- {m}" for m in machine), "", self.markdown(), "", summary,
            "", "Produced by `make bench` (set `LODESTONE_BENCH_SIZES=1000,100000` for a "
            "quicker run).",
        ])  # fmt: skip
        return text, markdown


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _ram_gib() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    return "unknown"


def _sqlite_cli() -> str:
    cli = shutil.which("sqlite3")
    if cli is None:
        return "not installed"
    found = subprocess.run([cli, "--version"], capture_output=True, text=True, check=False)
    return found.stdout.split(" ")[0] if found.returncode == 0 else "unusable"


def machine_lines(load_at_start: tuple[float, float, float]) -> list[str]:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    load = os.getloadavg()
    return [
        f"CPU: {_cpu_model()}, {os.cpu_count()} logical cores; RAM {_ram_gib()}; "
        f"{platform.system()} {platform.release()}",
        f"Python {platform.python_version()}, Qt {qVersion()} (PySide6 {pyside_version}), "
        f"SQLite {sqlite3.sqlite_version} (sqlite3 CLI {_sqlite_cli()})",
        f"load average at start {load_at_start[0]:.2f} / {load_at_start[1]:.2f} / "
        f"{load_at_start[2]:.2f}, at end {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} "
        "(1/5/15 min)",
    ]
