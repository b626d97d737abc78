"""The Qt table model of a record list: a thin, paged window onto `lodestone.core.lists.queries`.

A list may hold a million events, so the model keeps only the row count and a few pages of
formatted rows (least recently used out first), reads a page when a view paints a row it lacks,
and sorts and filters by changing the SQL query. Each committed `Change` says which records were
created, updated, deleted or restored; the model finds where those records sit (SQL counts the
rows sorting before each) and announces exactly those rows inserted, removed or changed, so the
selection and scroll survive. A record it cannot place (edited while outside the cached
pages, so where it was is unknown) or a change too large to announce row by row (an import)
becomes a reset.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import partial
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)

from lodestone.core import lists
from lodestone.core.lists import LIST_LAYOUTS, ListQuery, ListRow
from lodestone.core.records import RECORD_KINDS
from lodestone.core.storage import Change
from lodestone.ui.context import AppContext

PAGE_SIZE = 200
MAX_PAGES = 20  # at most 4,000 rows in memory, whatever the size of the list
# Pages re-read after a change: the most recently painted ones, which hold the visible rows.
# Older pages are forgotten rather than re-read, so a commit costs a few small queries.
REFRESH_PAGES = 4
# Lists whose cells show names of another kind: a deal's parties, an event's companies.
SHOWS_NAMES_OF = {kind.name: ("company",) for kind in RECORD_KINDS if kind.named_companies}
# A change of more records than this is announced as a reset, not row by row (an import).
MAX_EXACT = 500
# What each action does to the live list (query.deleted False) and to the Trash (True).
ENTERS = {False: ("created", "restored"), True: ("deleted",)}
LEAVES = {False: ("deleted",), True: ("restored",)}

Index = QModelIndex | QPersistentModelIndex
Rows = dict[int, ListRow]  # by row number
Pages = OrderedDict[int, list[ListRow]]
_NO_PARENT = QModelIndex()
_ROW_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.UserRole)


def fetch_window(
    conn: sqlite3.Connection, query: ListQuery, offset: int, limit: int, total: int,
    matches: int | None = None,
) -> list[ListRow]:
    """Rows offset..offset+limit of a list of `total` rows, read from the nearer end.

    SQLite walks past every skipped row of an OFFSET, so the last page of a million rows
    would cost a full scan; it is the first page of the reversed order. Every ORDER BY ends
    with the record id, so the reversed order is exactly the list read backwards.
    """
    limit = min(limit, total - offset)
    if limit <= 0:
        return []
    if offset * 2 <= total:
        return lists.fetch_rows(conn, query, offset, limit, matches)
    flipped = replace(query, descending=not query.descending)
    rows = lists.fetch_rows(conn, flipped, total - offset - limit, limit, matches)
    rows.reverse()
    return rows


def _runs(rows: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted row numbers as (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in sorted(rows):
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


def _shift(row: int, absent: Sequence[int]) -> int:
    """A row numbered without the rows `absent` (ascending), numbered with them present."""
    for position in absent:
        if position > row:
            break
        row += 1
    return row


@dataclass
class RowPlan:
    """What one change does to a list: the rows removed (numbered as before, ascending), the
    rows inserted (numbered as after, ascending) and the rows whose cells changed (as after)."""

    removed: list[int]
    inserted: list[int]
    changed: list[int]

    def final_row(self, old: int) -> int | None:
        """Where a row of before the change is after it (None: it was removed)."""
        at = bisect_left(self.removed, old)
        if at < len(self.removed) and self.removed[at] == old:
            return None
        return _shift(old - at, self.inserted)


class RecordListModel(QAbstractTableModel):
    """The rows of one kind of record under a ListQuery; UserRole gives a row's record id."""

    queryChanged = Signal(object)  # ListQuery: sort, search or filters changed
    countChanged = Signal(int)

    def __init__(self, ctx: AppContext, kind: str, parent: QObject | None = None, *,
                 query: ListQuery | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        if kind not in LIST_LAYOUTS:
            raise ValueError(f"no list of kind {kind!r}")
        query = query or ListQuery(kind)
        if query.kind != kind:
            raise ValueError(f"a {query.kind} query cannot drive a {kind} list")
        self._conn = ctx.repo.conn
        self._kind = kind
        self._columns = LIST_LAYOUTS[kind].columns
        self._query = query
        self._pages: Pages = OrderedDict()
        # the search's full-text matches, counted once per query and commit (the count, the
        # pages and a row's position all need it: each count of "e" reads 388,000 entries)
        self._matches = lists.search_matches(self._conn, query)
        self._count = lists.count_rows(self._conn, query, self._matches)
        # While set, a row insertion/removal is being announced: rows are numbered as before.
        self._before: tuple[Callable[[int], int | ListRow | None], int] | None = None
        self._fresh: Pages = OrderedDict()  # the pages re-read after a change, until announced
        ctx.notifier.change.connect(self._on_change)

    @classmethod
    def trash(cls, ctx: AppContext, kind: str, parent: QObject | None = None) -> RecordListModel:
        """The deleted records of a kind, for the Trash page."""
        return cls(ctx, kind, parent, query=ListQuery(kind, deleted=True))

    # -- the query ---------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return self._kind

    @property
    def query(self) -> ListQuery:
        return self._query

    def set_query(self, query: ListQuery) -> None:
        if query.kind != self._kind:
            raise ValueError(f"a {query.kind} query cannot drive a {self._kind} list")
        if query != self._query:
            # a new order holds the same rows: no need to count a million of them again
            reordered = replace(query, sort=self._query.sort, descending=self._query.descending)
            count = self._count if reordered == self._query else None
            self._query = query
            self._reset(count)
            self.queryChanged.emit(query)

    def set_search(self, text: str) -> None:
        self.set_query(replace(self._query, search=text))

    def set_filters(self, filters: Mapping[str, Iterable[str]]) -> None:
        """Replace the facet filters: {facet key: accepted values}; empty values drop a facet."""
        spec = LIST_LAYOUTS[self._kind]
        pairs = tuple((spec.facet(k).key, tuple(v)) for k, v in filters.items())
        self.set_query(replace(self._query, filters=tuple(p for p in pairs if p[1])))

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order in SQL by a column (-1: the kind's default order); rows are re-read."""
        if column >= len(self._columns):
            return
        key = self._columns[column].key if column >= 0 else ""
        descending = column >= 0 and order == Qt.SortOrder.DescendingOrder
        self.set_query(replace(self._query, sort=key, descending=descending))

    # -- rows by record ----------------------------------------------------------------------

    def id_at(self, row: int) -> int | None:
        found = self._row(row)
        return None if found is None else found.id

    def row_of(self, record_id: int) -> int | None:
        """The row showing a record (None if the list does not hold it)."""
        for page_no, rows in self._pages.items():
            for i, found in enumerate(rows):
                if found.id == record_id:
                    return page_no * PAGE_SIZE + i
        return lists.row_position(self._conn, self._query, record_id, self._matches)

    # -- QAbstractTableModel -----------------------------------------------------------------

    def rowCount(self, parent: Index = _NO_PARENT) -> int:
        if parent.isValid():
            return 0
        return self._before[1] if self._before else self._count

    def columnCount(self, parent: Index = _NO_PARENT) -> int:
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(index.column())
        found = self._row(index.row()) if role in _ROW_ROLES else None
        if found is None:
            return None
        if role == Qt.ItemDataRole.UserRole:
            return found.id
        text = found.cells[index.column()]
        return (text or None) if role == Qt.ItemDataRole.ToolTipRole else text

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self._columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._columns[section].title
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return self._alignment(section)
        return None

    def _alignment(self, column: int) -> Qt.AlignmentFlag:
        numeric = 0 <= column < len(self._columns) and self._columns[column].numeric
        horizontal = Qt.AlignmentFlag.AlignRight if numeric else Qt.AlignmentFlag.AlignLeft
        return horizontal | Qt.AlignmentFlag.AlignVCenter

    # -- pages -------------------------------------------------------------------------------

    def _row(self, row: int) -> ListRow | None:
        if self._before is not None:  # the view still numbers rows as before the change
            mapped = self._before[0](row)
            if mapped is None or isinstance(mapped, ListRow):
                return mapped
            row = mapped
        if not 0 <= row < self._count:
            return None
        page_no, offset = divmod(row, PAGE_SIZE)
        rows = self._page(page_no)
        return rows[offset] if offset < len(rows) else None

    def _page(self, page_no: int) -> list[ListRow]:
        rows = self._pages.get(page_no)
        if rows is not None:
            self._pages.move_to_end(page_no)
            return rows
        rows = fetch_window(self._conn, self._query, page_no * PAGE_SIZE, PAGE_SIZE, self._count,
                            self._matches)  # fmt: skip
        self._pages[page_no] = rows
        while len(self._pages) > MAX_PAGES:
            self._pages.popitem(last=False)
        return rows

    def _reset(self, count: int | None = None) -> None:
        """Start over: forget every page; `count` is the new row count when already known."""
        old = self._count
        self.beginResetModel()
        self._pages.clear()
        if count is None:  # else the same search in another order: the same matches
            self._matches = lists.search_matches(self._conn, self._query)
            count = lists.count_rows(self._conn, self._query, self._matches)
        self._count = count
        self.endResetModel()
        if self._count != old:
            self.countChanged.emit(self._count)

    # -- keeping up with commits -------------------------------------------------------------

    def _on_change(self, change: Change) -> None:
        if change.kind == self._kind:
            self.apply(change)
        elif change.kind in SHOWS_NAMES_OF.get(self._kind, ()):
            self.apply(Change(self._kind, (), "updated"))  # the names shown may have changed

    def apply(self, change: Change) -> None:
        """Catch up after a committed change of this list's kind: insert, remove and refresh
        exactly the rows of its records (a reset when they cannot be placed)."""
        matches = lists.search_matches(self._conn, self._query)
        count = lists.count_rows(self._conn, self._query, matches)
        plan = None
        if len(change.ids) <= MAX_EXACT:
            plan = self._plan(change, matches, count)
        if plan is None:
            self._reset(count)
            return
        self._matches = matches
        self._announce(plan, count)

    def _plan(self, change: Change, matches: int, count: int) -> RowPlan | None:
        old = self._cached_rows(self._pages)
        old_row_of = {found.id: row for row, found in old.items()}
        position = partial(lists.row_position, self._conn, self._query, matches=matches)
        deleted = self._query.deleted
        removed: set[int] = set()
        inserted: set[int] = set()
        if change.action in LEAVES[deleted]:
            elsewhere = replace(self._query, deleted=not deleted)  # where the records are now
            ranks = sorted((rank, record_id) for record_id in change.ids
                           if (rank := position(record_id, probe=elsewhere)) is not None)
            for shift, (rank, record_id) in enumerate(ranks):
                if old_row_of.get(record_id, rank + shift) != rank + shift:
                    return None
                removed.add(rank + shift)
        elif change.action in ENTERS[deleted]:
            inserted = {row for record_id in change.ids
                        if (row := position(record_id)) is not None}
        else:  # updated: a cached record moves, leaves or stays; another cannot be placed
            for record_id in change.ids:
                now = position(record_id)
                was = old_row_of.get(record_id)
                if was is None and now is not None:
                    return None
                if was is not None:
                    removed.add(was)
                    if now is not None:
                        inserted.add(now)
            if removed == inserted:
                removed, inserted = set(), set()  # each stayed where it was
        if self._count - len(removed) + len(inserted) != count:
            return None  # records moved that the change does not name: start over
        plan = RowPlan(sorted(removed), sorted(inserted), [])
        return self._refreshed(plan, old, count, matches)

    def _refreshed(self, plan: RowPlan, old: Rows, count: int, matches: int) -> RowPlan | None:
        """Re-read the pages a view is likely showing, numbered as after the change; note the
        rows whose cells changed. None if a kept row is not where the plan puts it."""
        fresh: Pages = OrderedDict()
        for page_no in list(self._pages)[-REFRESH_PAGES:]:
            rows = fetch_window(self._conn, self._query, page_no * PAGE_SIZE, PAGE_SIZE, count,
                                matches)  # fmt: skip
            if rows:
                fresh[page_no] = rows
        new = self._cached_rows(fresh)
        moved_to = {plan.final_row(row): found for row, found in old.items()}
        for row, found in new.items():
            before = moved_to.get(row)
            if before is None or row in plan.inserted:
                continue
            if before.id != found.id:
                return None
            if before.cells != found.cells:
                plan.changed.append(row)
        self._fresh = fresh
        return plan

    def _announce(self, plan: RowPlan, count: int) -> None:
        """Signal the rows out (last first), then the rows in (first first), then the cells
        changed. Until each begin* returns, views (and Qt's model tester) may still ask for
        rows numbered as before that step, so data() maps each to its row after the change."""
        old = self._cached_rows(self._pages)
        old_count = self._count
        self._pages, self._count = self._fresh, count
        removed = set(plan.removed)

        def before_insertions(done: list[int]) -> Callable[[int], int | ListRow | None]:
            def row_of(row: int) -> int | ListRow | None:
                was = _shift(row, done)
                final = plan.final_row(was)
                return old.get(was) if final is None else final

            return row_of

        shown = old_count
        runs = _runs(removed)
        for first, last in reversed(runs):
            done = sorted(r for r in removed if r > last)
            self._before = (before_insertions(done), shown)
            self.beginRemoveRows(_NO_PARENT, first, last)
            shown -= last - first + 1
            self._before = (before_insertions(sorted(r for r in removed if r >= first)), shown)
            self.endRemoveRows()
        for first, last in _runs(plan.inserted):
            pending = [r for r in plan.inserted if r >= first]
            self._before = (partial(_shift, absent=pending), shown)
            self.beginInsertRows(_NO_PARENT, first, last)
            shown += last - first + 1
            self._before = (partial(_shift, absent=[r for r in pending if r > last]), shown)
            self.endInsertRows()
        self._before = None
        last_column = len(self._columns) - 1
        for first, final in _runs(plan.changed):
            self.dataChanged.emit(self.index(first, 0), self.index(final, last_column), [])
        if count != old_count:
            self.countChanged.emit(count)

    @staticmethod
    def _cached_rows(pages: Pages) -> Rows:
        return {p * PAGE_SIZE + i: row for p, rows in pages.items() for i, row in enumerate(rows)}
