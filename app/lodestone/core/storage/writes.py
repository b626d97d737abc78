"""The one way a tracker is written: transactions, and what every write keeps true.

Every writer — a form's save, delete and restore, CSV import, snapshot restore, the synthetic
generator, the example tracker — writes inside `Writes.transaction()` and tells this layer
what it stored; this layer then keeps, from one place for all of them:

- validation: a record is checked by the forms' own rules (`records.validation`) before it is
  stored, one record or a batch of table rows (`check_record`, `check_rows`);
- the change log, in one shape (`change_log`);
- the full-text index, with the text of `search_text`;
- the change notices (`changes.Change`), delivered to subscribers after the commit.

The stored names deals and events sort by are kept by the schema's triggers, which a bulk
writer may lift while it fills an empty tracker (`stored_names.names_filled_at_end`).
Bulk writers use the batch entry points (a JSON list of ids, a range of ids): one statement
per batch, never a statement per record.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from lodestone.core.records.fieldcheck import FieldError
from lodestone.core.records.kinds import validate
from lodestone.core.records.model import Record
from lodestone.core.storage import change_log, search_text
from lodestone.core.storage.changes import Action, Change, PendingChanges, Subscriber
from lodestone.core.storage.db import rollback, save_failure, write_errors

__all__ = ["InvalidRecord", "Writes"]


class InvalidRecord(ValueError):
    """A record failed validation; `errors` holds the per-field messages."""

    def __init__(self, errors: list[Any]) -> None:
        super().__init__("; ".join(e.message for e in errors))
        self.errors = errors


def check_record(record: Record) -> None:
    """Refuse a record the forms would refuse (InvalidRecord, naming each field)."""
    errors: list[FieldError] = validate(record)
    if errors:
        raise InvalidRecord(errors)


class Writes:
    """The transactions of one connection, with the change log, search index and notices
    every write keeps."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._subscribers: list[Subscriber] = []
        self._pending = PendingChanges()
        self._depth = 0
        self.committed: list[Change] = []  # the notices of the last commit

    # -- notices ------------------------------------------------------------------------------

    def subscribe(self, subscriber: Subscriber) -> None:
        """`subscriber(change)` is called after each commit, once per kind and action."""
        self._subscribers.append(subscriber)

    def unsubscribe(self, subscriber: Subscriber) -> None:
        self._subscribers.remove(subscriber)

    def changed(self, kind: str, action: Action, ids: Iterable[int]) -> None:
        """Note that records changed; subscribers hear of it once the transaction commits."""
        self._pending.add(kind, action, ids)

    # -- transactions -------------------------------------------------------------------------

    @property
    def depth(self) -> int:
        return self._depth

    @contextmanager
    def transaction(self) -> Iterator[Writes]:
        """One transaction; nested calls become savepoints of the outer one."""
        name = f"lodestone_{self._depth}"
        with write_errors():
            self.conn.execute("BEGIN IMMEDIATE" if self._depth == 0 else f"SAVEPOINT {name}")
        self._depth += 1
        try:
            yield self
        except BaseException as exc:
            self._depth -= 1
            if self._depth == 0:
                rollback(self.conn)
                self._pending.clear()
            elif self.conn.in_transaction:
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
            failure = save_failure(exc)
            if failure is not None:
                raise failure from exc
            raise
        self._depth -= 1
        if self._depth:
            self.conn.execute(f"RELEASE {name}")
            return
        self.commit()

    def commit(self) -> None:
        """Commit the open transaction, then deliver its notices (for a writer that began
        the transaction itself: an import that may end without storing anything)."""
        try:
            with write_errors():
                self.conn.execute("COMMIT")
        except BaseException:
            rollback(self.conn)
            self._pending.clear()
            raise
        self.deliver()

    def deliver(self) -> None:
        """Tell subscribers what the commit just made changed."""
        self.committed = self._pending.take()
        for change in self.committed:
            for subscriber in list(self._subscribers):
                subscriber(change)

    def forget(self) -> None:
        """Drop the pending notices (the caller rolled its own transaction back)."""
        self._pending.clear()

    # -- one record ---------------------------------------------------------------------------

    def picture(self, kind: str, record_id: int) -> change_log.Row | None:
        """The stored record as the change log pictures it."""
        return change_log.read_picture(self.conn, kind, record_id)

    def log(self, kind: str, record_id: int, action: str, before: Any = None,
            after: Any = None) -> None:  # fmt: skip
        """One change-log entry: an update's changed fields, a delete or a restore."""
        change_log.log_entry(self.conn, kind, record_id, action, before, after)

    def text(self, kind: str, record_id: int) -> str:
        row = self.conn.execute(search_text.one_text_sql(kind), (record_id,)).fetchone()
        return "" if row is None or row[0] is None else str(row[0])

    # -- batches ------------------------------------------------------------------------------

    def created(self, kind: str, ids: Iterable[int], origin: str | None = None, *,
                rows: Iterable[tuple[int, str | None]] | None = None) -> None:  # fmt: skip
        """Records just stored under new ids: each logged as created, indexed for search and
        announced. `origin` says where they all came from, or `rows` gives
        (id, origin) pairs instead of `ids`."""
        pairs = list(rows) if rows is not None else [(i, origin) for i in ids]
        if not pairs:
            return
        change_log.log_created(self.conn, kind, pairs)
        self.index(kind, [i for i, _ in pairs], new=True)
        self.changed(kind, "created", (i for i, _ in pairs))

    def created_between(self, kind: str, first: int, last: int, origin: str | None = None,
                        *, announce: bool = True) -> None:  # fmt: skip
        """Records first..last, all just stored under new ids: logged, indexed, announced."""
        if last < first:
            return
        change_log.log_created_between(self.conn, kind, first, last, origin)
        self.conn.execute(search_text.index_range_sql(kind), (first, last))
        if announce:
            self.changed(kind, "created", range(first, last + 1))

    def index(self, kind: str, ids: Iterable[int], *, new: bool = False) -> None:
        """(Re-)index records for search; `new`: they have no entry yet."""
        ids_json = json.dumps([int(i) for i in ids])
        if not new:
            self.conn.execute(search_text.unindex_ids_sql(kind), (ids_json,))
        self.conn.execute(search_text.index_ids_sql(kind), (ids_json,))
