"""Adding many newly inserted records to the full-text index at once.

`Repository.reindex` deletes a record's index entry before inserting the new one, which is
right for an edit. For records that were just inserted under new ids there is nothing to
delete, and in FTS5 each delete flushes the entries pending in memory: inside the one
transaction of a million-record restore, that made indexing eight times slower. Here the text
comes from the repository's own `search_text` (so a bulk-loaded record is found exactly like
one saved from a form) and is inserted in batches, without the deletes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import islice

from lodestone.core.records.kinds import record_kind
from lodestone.core.storage.repository import Repository

BATCH = 1000


def index_new_records(repo: Repository, kind: str, ids: Iterable[int],
                      tick: Callable[[int], None] | None = None) -> int:  # fmt: skip
    """Index records of `kind` that have no index entry yet; return how many were indexed.
    `tick(n)` is called after each batch (progress, and a chance to cancel)."""
    sql = f"INSERT INTO {record_kind(kind).search_table} (rowid, text) VALUES (?, ?)"
    pending = iter(ids)
    done = 0
    while batch := list(islice(pending, BATCH)):
        repo.conn.executemany(sql, [(i, repo.search_text(kind, i)) for i in batch])
        done += len(batch)
        if tick is not None:
            tick(len(batch))
    return done
