"""Where the batches of a CSV import are parsed: worker processes for a big file, a thread of
the importing process for a small one.

Parsing and checking every cell is Python work, about as much as SQLite's storing; a thread
beside the storing one holds the interpreter lock they share, so a big file is parsed in
worker processes instead (`Pipeline.processes` of them) while the importing thread stores the
batches before, in file order. The workers are started with "spawn", never "fork": the window
runs imports from a Qt thread, and a forked copy of a process with Qt's threads is unsafe. A
worker is given what its parser needs once, when it starts (the mapping, the options and a
copy of the company matcher), then raw rows, and sends back plain lists (`csv_layout.Laid`).
Starting a process takes a few hundred milliseconds, so a small file, and a file of
companies (parsed as one batch: a company's parent may be defined by any later row), is
parsed on a thread as before. Either way `BatchParser.parse` does the parsing.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import closing, contextmanager
from dataclasses import dataclass
from itertools import islice
from typing import TypeVar

from lodestone.core.csvio.batch import BatchParser, Parsed, Rows, settle
from lodestone.core.csvio.company_match import CompanyMatcher
from lodestone.core.csvio.mapping import ColumnMapping
from lodestone.core.csvio.source import CsvImportError, CsvSource

# Each item: a batch parsed and laid out, the ids its companies moved to, and how far into
# the file reading had got (for progress).
Item = tuple[Parsed, dict[int, int], int]
T = TypeVar("T")
PROCESSES_VARIABLE = "LODESTONE_CSV_PROCESSES"


@dataclass(frozen=True)
class Pipeline:
    """How an import parses: rows per batch, worker processes (0: a thread only) and the
    smallest file, in bytes, worth starting them for."""

    batch_rows: int = 5000
    processes: int = 2
    min_bytes: int = 1 << 20

    @classmethod
    def default(cls) -> Pipeline:
        """Two worker processes on a machine with cores to spare beside the storing and the
        numbering threads (four or more); none on fewer, where the cores are busy already and
        the processes' extra work (sending rows, replaying company names) made an import of
        100,000 rows slower, not faster. `LODESTONE_CSV_PROCESSES` overrides the count."""
        chosen = os.environ.get(PROCESSES_VARIABLE, "").strip()
        if chosen.isdigit():
            return cls(processes=int(chosen))
        return cls(processes=2 if (os.cpu_count() or 1) >= 4 else 0)

    def in_processes(self, kind: str, size: int) -> bool:
        return self.processes > 0 and kind != "companies" and size >= self.min_bytes


@contextmanager
def parsed_batches(source: CsvSource, local: BatchParser, pipeline: Pipeline,
                   writing: Callable[[], bool], number: Callable[[Parsed, dict[int, int], int], T],
                   ) -> Iterator[Iterator[T]]:  # fmt: skip
    """The rows of `source` parsed and numbered (`number(parsed, moved ids, bytes read)`)
    batch by batch, in file order, one batch ahead of the caller, which stores each as it
    comes: the numbering and the reading run on a thread of their own, so they go on while
    SQLite stores with the interpreter lock released. `local` parses over the import's own
    matcher (a small file, or again a batch a worker could not lay out as it would have);
    `writing()` says whether rows are still to be laid out for storing. The thread and the
    worker processes have stopped when the block is left."""
    if pipeline.in_processes(local.parser.mapping.kind, source.size):
        produced = _from_processes(source, local, pipeline, writing)
    else:
        produced = _on_thread(source, local, pipeline, writing)
    numbered = (number(parsed, moved, read) for parsed, moved, read in produced)
    with closing(produced), ThreadPoolExecutor(1, thread_name_prefix="lodestone-csv") as pool:

        def items() -> Iterator[T]:
            future = pool.submit(next, numbered, None)
            while (item := future.result()) is not None:
                future = pool.submit(next, numbered, None)
                yield item

        yield items()


def _on_thread(source: CsvSource, local: BatchParser, pipeline: Pipeline,
               writing: Callable[[], bool]) -> Generator[Item]:  # fmt: skip
    rows = source.rows()
    size = None if local.parser.mapping.kind == "companies" else pipeline.batch_rows
    while chunk := list(islice(rows, size)):
        yield local.parse(chunk, writing()), {}, source.bytes_read


def _from_processes(source: CsvSource, local: BatchParser, pipeline: Pipeline,
                    writing: Callable[[], bool]) -> Generator[Item]:  # fmt: skip
    parser = local.parser
    pool = ProcessPoolExecutor(
        pipeline.processes, mp_context=multiprocessing.get_context("spawn"),
        initializer=_start_worker,
        initargs=(parser.mapping, parser.matcher, parser.currency, parser.date_format))  # fmt: skip
    rows = source.rows()
    pending: deque[tuple[Rows, int, Future[Parsed]]] = deque()

    def submit() -> bool:
        chunk = list(islice(rows, pipeline.batch_rows))
        if chunk:
            try:
                future = pool.submit(_parse, chunk, writing())
            except BrokenProcessPool as exc:  # a worker died since the last batch came back
                raise _failed(chunk, exc) from exc
            pending.append((chunk, source.bytes_read, future))
        return bool(chunk)

    try:
        more = True
        while more and len(pending) <= pipeline.processes:  # one batch waiting for each
            more = submit()
        while pending:
            chunk, read, future = pending.popleft()
            parsed = _received(future, chunk)
            more = more and submit()
            moved = settle(parser.matcher, parsed.calls)
            if moved is None:
                parsed, moved = local.parse(chunk, writing()), {}
            yield parsed, moved, read
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _received(future: Future[Parsed], chunk: Rows) -> Parsed:
    """A worker's batch, with the cells of its refused rows put back (they are not sent back
    and forth); CsvImportError if the worker failed."""
    try:
        parsed = future.result()
    except Exception as exc:  # a worker that died, or a fault in the parser
        raise _failed(chunk, exc) from exc
    if parsed.laid.results:
        cells = dict(chunk)
        for result in parsed.laid.results:
            result.cells = cells[result.row]
    return parsed


def _failed(chunk: Rows, exc: Exception) -> CsvImportError:
    return CsvImportError(f"the rows from row {chunk[0][0]:,} on could not be checked: a worker "
                          f"process failed ({type(exc).__name__}: {exc})")  # fmt: skip


# -- in a worker process -----------------------------------------------------------------------

# The parser of this worker process, set once when it starts: the one state a worker keeps
# between batches (its caches and the companies it has met), as the process pool's
# initializer can only leave it in the module.
_WORKER: list[BatchParser] = []


def _start_worker(mapping: ColumnMapping, matcher: CompanyMatcher, currency: str | None,
                  date_format: str | None) -> None:  # fmt: skip
    gc.disable()  # as in the importing process (`collector_paused`): the process ends with it
    _WORKER[:] = [BatchParser.for_worker(mapping, matcher, currency, date_format)]


def _parse(rows: Rows, writing: bool) -> Parsed:
    parsed = _WORKER[0].parse(rows, writing)
    for result in parsed.laid.results:
        result.cells, result.record = [], None  # the importing process has the cells
    return parsed
