"""The Qt table model of a record list: a thin, paged window onto `lodestone.core.lists.queries`.

A list may hold a million events, so the model keeps only the row count and a few pages of
formatted rows (least recently used out first), reads a page when a view paints a row it lacks,
and sorts and filters by changing the SQL query. After a commit it re-reads the pages a view is
likely showing and says exactly what happened (cells changed, one row in, one row out) so the
selection and scroll survive; anything it cannot explain that precisely becomes a reset.
"""

from __future__ import annotations

import sqlite3
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import replace
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

from lodestone.core.lists import queries
from lodestone.core.lists.queries import LIST_LAYOUTS, ListQuery, ListRow
from lodestone.core.records.kinds import RECORD_KINDS
from lodestone.ui.context import AppContext

PAGE_SIZE = 200
MAX_PAGES = 20  # at most 4,000 rows in memory, whatever the size of the list
# Pages re-read after a change: the most recently painted ones, which hold the visible rows.
# Older pages are forgotten rather than re-read, so a commit costs a few small queries.
REFRESH_PAGES = 4
# Lists whose cells show names of another kind: a deal's parties, an event's companies.
SHOWS_NAMES_OF = {kind.name: ("company",) for kind in RECORD_KINDS if kind.named_companies}

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
        return queries.fetch_rows(conn, query, offset, limit, matches)
    flipped = replace(query, descending=not query.descending)
    rows = queries.fetch_rows(conn, flipped, total - offset - limit, limit, matches)
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


def _old_row(row: int, delta: int, at: int) -> int:
    """Where a row (numbered after the change) was before one row was inserted (delta 1)
    or removed (delta -1) at `at`; the same row when none came or went."""
    if delta > 0:
        return row - (row > at)
    return row + (row >= at) if delta < 0 else row


def _explain(
    delta: int, ids: Sequence[int], old: Rows, new: Rows, locate: Callable[[int], int | None]
) -> tuple[int, list[int]] | None:
    """Explain a commit from the rows cached before (`old`) and re-read after (`new`): the row
    one record came to or left (-1: none) and the rows whose cells changed. None when the rows
    contradict that (a record moved, several came or went): the list is then reset."""
    if delta and (abs(delta) != 1 or len(ids) != 1):
        return None
    at: int | None = -1
    if delta < 0:
        at = next((row for row, found in old.items() if found.id == ids[0]), None)
    elif delta > 0:
        if any(found.id == ids[0] for found in old.values()):
            return None
        at = next((row for row, found in new.items() if found.id == ids[0]), None)
        at = locate(ids[0]) if at is None else at
    if at is None:
        return None
    changed = []
    for row, found in new.items():
        if delta > 0 and row == at:
            if found.id != ids[0]:
                return None
            continue
        before = old.get(_old_row(row, delta, at))
        if before is not None and before.id != found.id:
            return None
        if before is not None and before.cells != found.cells:
            changed.append(row)
    return at, changed


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
        self._matches = queries.search_matches(self._conn, query)
        self._count = queries.count_rows(self._conn, query, self._matches)
        # While set, a row insertion/removal is being announced: rows are numbered as before.
        self._before: tuple[Callable[[int], int | ListRow | None], int] | None = None
        ctx.notifier.changed.connect(self._on_changed)

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
        return queries.row_position(self._conn, self._query, record_id, self._matches)

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
            if isinstance(mapped, ListRow):
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
            self._matches = queries.search_matches(self._conn, self._query)
            count = queries.count_rows(self._conn, self._query, self._matches)
        self._count = count
        self.endResetModel()
        if self._count != old:
            self.countChanged.emit(self._count)

    # -- keeping up with commits -------------------------------------------------------------

    def _on_changed(self, kind: str, ids: Sequence[int]) -> None:
        if kind == self._kind or kind in SHOWS_NAMES_OF.get(self._kind, ()):
            self.refresh(ids if kind == self._kind else ())

    def refresh(self, ids: Sequence[int] = ()) -> None:
        """Catch up after records `ids` of this list's kind changed (empty: something the
        cells show changed), with the most precise signals the cached rows can justify."""
        old = self._cached_rows(self._pages)
        matches = queries.search_matches(self._conn, self._query)
        count = queries.count_rows(self._conn, self._query, matches)
        fresh: Pages = OrderedDict()
        for page_no in list(self._pages)[-REFRESH_PAGES:]:
            rows = fetch_window(self._conn, self._query, page_no * PAGE_SIZE, PAGE_SIZE, count,
                                matches)  # fmt: skip
            if rows:
                fresh[page_no] = rows
        delta = count - self._count
        self._matches = matches
        locate = partial(queries.row_position, self._conn, self._query, matches=matches)
        plan = _explain(delta, ids, old, self._cached_rows(fresh), locate)
        if plan is None:
            self._reset(count)
            return
        at, changed = plan
        old_count, self._pages, self._count = self._count, fresh, count
        if delta:
            self._announce(delta, at, old_count, old.get(at))
        last = len(self._columns) - 1
        for first, final in _runs(changed):
            self.dataChanged.emit(self.index(first, 0), self.index(final, last), [])

    def _announce(self, delta: int, at: int, old_count: int, removed: ListRow | None) -> None:
        """Signal one row in or out. Until begin* returns, views (and Qt's model tester)
        may still ask for rows in the old numbering, so data() maps them to the new rows."""
        if delta > 0:
            self._before = (lambda row: row + (row >= at), old_count)
            self.beginInsertRows(_NO_PARENT, at, at)
        else:
            self._before = (lambda row: removed if row == at else row - (row > at), old_count)
            self.beginRemoveRows(_NO_PARENT, at, at)
        self._before = None
        (self.endInsertRows if delta > 0 else self.endRemoveRows)()
        self.countChanged.emit(self._count)

    @staticmethod
    def _cached_rows(pages: Pages) -> Rows:
        return {p * PAGE_SIZE + i: row for p, rows in pages.items() for i, row in enumerate(rows)}
