"""A second connection for a breakdown, in a thread of its own.

A breakdown reads half the deals on it while the caller's connection reads the other half
(`funding_parts`), so over 100,000 deals the chart waits for one half, not both. SQLite lets
each connection run in its own thread, and Python's sqlite3 releases the GIL while a statement
runs, so on two cores both halves are read at once.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class Beside:
    """Runs work on a connection of its own (from `connect`, prepared by `prepare`) in one
    thread, beside the caller's; without `connect` each piece runs at once on `conn`.
    `submit` returns the function that waits for the result (and raises its error)."""

    def __init__(self, conn: sqlite3.Connection,
                 connect: Callable[[], sqlite3.Connection] | None,
                 prepare: Callable[[sqlite3.Connection], Any]) -> None:  # fmt: skip
        self._conn = conn
        self._connect = connect
        self._prepare = prepare
        self._pool = None if connect is None else ThreadPoolExecutor(1, "funding")
        self._helper: sqlite3.Connection | None = None  # opened and used in the thread only

    def submit(self, work: Callable[[sqlite3.Connection], T]) -> Callable[[], T]:
        if self._pool is None:
            value = work(self._conn)
            return lambda: value
        return self._pool.submit(self._run, work).result

    def _run(self, work: Callable[[sqlite3.Connection], T]) -> T:
        if self._helper is None:
            assert self._connect is not None
            self._helper = self._connect()
            self._prepare(self._helper)
        return work(self._helper)

    def close(self) -> None:
        """Close the second connection once its work is done (without waiting for it)."""
        if self._pool is not None:
            self._pool.submit(self._close)
            self._pool.shutdown(wait=False)

    def _close(self) -> None:
        if self._helper is not None:
            self._helper.close()
            self._helper = None
