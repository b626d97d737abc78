"""The filter bar above a record list: search, facets, a date range and saved views.

It edits one ListQuery and announces it (`queryChanged`); the list model runs it in SQL.
Typing is debounced so a fast typist sends one query, not one per key. Facet counts are
aggregates over the whole list (seconds over a million events), so they are counted only when
a facet menu is opened, and again only after the query or the data changed. A date that
cannot be read is named in an inline message and the typed text stays for correcting.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TypeVar

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from lodestone.core import lists
from lodestone.core.lists import LIST_LAYOUTS, ListQuery, count_rows, facet_counts
from lodestone.core.records import DateError, parse_fuzzy_date, record_kind
from lodestone.ui.context import AppContext
from lodestone.ui.jobs.channel import Channel
from lodestone.ui.jobs.runner import Job
from lodestone.ui.lists.model import SHOWS_NAMES_OF, RecordListModel
from lodestone.ui.lists.views_menu import ViewsMenu, menu_text

SEARCH_DELAY_MS = 150
INLINE_COUNT_LIMIT = 50_000  # lists longer than this count facet values off the GUI thread
DATE_HINT = "A day, month, quarter or year: 2025-11-09, Aug 2025, 2025-Q3 or 2025"
PROBLEM_COLOR = "#c0392b"
INVALID_STYLE = f"border: 1px solid {PROBLEM_COLOR};"
W = TypeVar("W", bound=QWidget)


def is_filtered(query: ListQuery) -> bool:
    """Whether the query hides any record of its list (its order does not count)."""
    dates = query.date_from or query.date_to
    return bool(query.search.strip() or query.filters or dates or query.ids is not None)


def _named(widget: W, name: str, accessible: str) -> W:
    """A widget with its stable objectName (for tests and scripts) and its accessible name."""
    widget.setObjectName(name)
    widget.setAccessibleName(accessible)
    return widget


def _quietly_set(edit: QLineEdit | None, text: str) -> None:
    """Show text in a field without it counting as typing (no debounce, no new query)."""
    if edit is not None and edit.text() != text:
        with QSignalBlocker(edit):
            edit.setText(text)


class FilterBar(QWidget):
    """Search box, facet menus, date range, Views menu and Clear for one kind of record."""

    queryChanged = Signal(object)  # ListQuery

    def __init__(self, ctx: AppContext, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx, self._kind = ctx, kind
        self._query = ListQuery(kind)
        self._model: RecordListModel | None = None
        self._counts: dict[str, list[tuple[str, int]]] = {}  # facet counts of this query
        self._counting: dict[str, Job] = {}  # facet counts on their way
        self._counter = Channel(ctx.path, what="Counting facet values", parent=self)
        self._counter.loaded.connect(self._counted)
        self._counter.failed.connect(self._not_counted)
        self._total: int | None = None  # records in the unfiltered list
        self.setObjectName(f"{kind}.filter_bar")
        spec = LIST_LAYOUTS[kind]

        noun = record_kind(kind).plural
        self.search = _named(QLineEdit(), "filter.search", f"Search {noun}")
        self.search.setPlaceholderText(f"Search {noun}… (Ctrl+F)")
        self.search.setClearButtonEnabled(True)
        self._debounce = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._debounce.timeout.connect(self.flush_search)
        self.search.textChanged.connect(self._debounce.start)
        self.search.returnPressed.connect(self.flush_search)
        # Two rows, so the bar fits beside the form: search, dates and views; then the facets.
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.search, 1)
        facets = QHBoxLayout()
        facets.setContentsMargins(0, 0, 0, 0)
        facets.setSpacing(2)

        self.facet_buttons: dict[str, QToolButton] = {}
        for facet in spec.facets:
            button = self._menu_button(f"filter.facet.{facet.key}", facet.title)
            button.menu().aboutToShow.connect(partial(self._fill_facet_menu, facet.key))
            self.facet_buttons[facet.key] = button
            facets.addWidget(button)

        self.date_from: QLineEdit | None = None
        self.date_to: QLineEdit | None = None
        if spec.date_range:
            self.date_from = self._date_edit("from", "From")
            self.date_to = self._date_edit("to", "To")
            row.addWidget(self.date_from)
            row.addWidget(QLabel("–"))
            row.addWidget(self.date_to)

        self.views_button = self._menu_button("filter.views", "Views")
        self.views_menu = ViewsMenu(ctx, kind, self.views_button.menu(), self.query,
                                    self.open_view, self._show_problem)  # fmt: skip
        row.addWidget(self.views_button)
        self.clear_button = _named(QToolButton(), "filter.clear", "Clear filters")
        self.clear_button.setText("Clear filters")
        self.clear_button.clicked.connect(self.clear)
        row.addWidget(self.clear_button)

        self.summary = QLabel()
        self.summary.setObjectName("filter.summary")
        self.summary.setVisible(False)
        facets.addStretch(1)
        facets.addWidget(self.summary)
        self.message = QLabel(wordWrap=True)
        self.message.setObjectName("filter.message")
        self.message.setVisible(False)
        self.message.setStyleSheet(f"color: {PROBLEM_COLOR};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(3)
        layout.addLayout(row)
        layout.addLayout(facets)
        layout.addWidget(self.message)
        ctx.notifier.changed.connect(self._records_changed)
        self._query_shown()

    def _menu_button(self, name: str, title: str) -> QToolButton:
        button = _named(QToolButton(), name, title)
        button.setText(title)
        button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(button)
        menu.setObjectName(f"{name}.menu")
        button.setMenu(menu)
        return button

    def _date_edit(self, which: str, label: str) -> QLineEdit:
        edit = _named(QLineEdit(), f"filter.date_{which}", f"{label} date")
        edit.setPlaceholderText(label)
        edit.setToolTip(DATE_HINT)
        edit.setMaximumWidth(130)
        edit.editingFinished.connect(self._apply_dates)
        return edit

    # -- the query ---------------------------------------------------------------------------

    def query(self) -> ListQuery:
        return self._query

    def set_query(self, query: ListQuery) -> None:
        """Show a query (the list's new order, say) without announcing it. A field whose part
        of the query did not change keeps what is typed in it, even text not yet readable."""
        if query.kind != self._kind:
            raise ValueError(f"a {query.kind} query cannot be shown in the {self._kind} filters")
        old, self._query = self._query, query
        if query.search != old.search and not self._debounce.isActive():
            _quietly_set(self.search, query.search)
        if (query.date_from, query.date_to) != (old.date_from, old.date_to):
            for edit, day in ((self.date_from, query.date_from), (self.date_to, query.date_to)):
                _quietly_set(edit, day or "")
            self._show_problem("")
        self._query_shown()
        self._show_summary()

    def _show_fields(self, query: ListQuery) -> None:
        """Put a whole query in the fields, replacing what is typed (Clear, a saved view)."""
        self._debounce.stop()
        fields = ((self.search, query.search), (self.date_from, query.date_from),
                  (self.date_to, query.date_to))  # fmt: skip
        for edit, text in fields:
            _quietly_set(edit, text or "")
        self._show_problem("")

    def bind(self, model: RecordListModel) -> None:
        """Drive `model` and follow it (its sort order, its row count for the summary)."""
        self._model = model
        self.set_query(model.query)
        self.queryChanged.connect(model.set_query)
        model.queryChanged.connect(self.set_query)
        model.countChanged.connect(self._show_summary)
        self._show_summary()

    def _apply(self, query: ListQuery) -> None:
        if query != self._query:
            self._query = query
            self._query_shown()
            self.queryChanged.emit(query)
            self._show_summary()

    def _query_shown(self) -> None:
        self._forget_counts()
        selected = dict(self._query.filters)
        for key, button in self.facet_buttons.items():
            title = LIST_LAYOUTS[self._kind].facet(key).title
            count = len(selected.get(key, ()))
            button.setText(f"{title} ({count})" if count else title)
        self.clear_button.setEnabled(is_filtered(self._query))

    def flush_search(self) -> None:
        """Search now for what is typed (Return, or the pause after typing)."""
        self._debounce.stop()
        self._apply(replace(self._query, search=self.search.text()))

    def hideEvent(self, event: QHideEvent) -> None:
        """Leaving the page applies what was typed now, rather than later behind its back
        (perhaps after the tracker it searches was closed)."""
        if self._debounce.isActive():
            self.flush_search()
        super().hideEvent(event)

    def focus_search(self) -> None:
        self.search.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search.selectAll()

    def clear(self) -> None:
        """Drop search, facets, dates and id narrowing; keep the order and Trash state."""
        q = self._query
        cleared = ListQuery(self._kind, sort=q.sort, descending=q.descending, deleted=q.deleted)
        self._show_fields(cleared)
        self._apply(cleared)

    # -- facets ------------------------------------------------------------------------------

    def facet_values(self, key: str) -> list[tuple[str, int]]:
        """Each value of a facet with its count under the other filters (counted once per
        query and data state)."""
        if key not in self._counts:
            self._counts[key] = facet_counts(self._ctx.repo.conn, self._query, key)
        return self._counts[key]

    def _fill_facet_menu(self, key: str) -> None:
        """Fill a facet's menu; over a big list the counting runs off the GUI thread (seconds
        at a million events) and the menu says "Counting…" until the numbers arrive."""
        menu = self.facet_buttons[key].menu()
        menu.clear()
        rows = self._model.rowCount() if self._model is not None else 0
        if key not in self._counts and rows <= INLINE_COUNT_LIMIT:
            self.facet_values(key)
        if key not in self._counts:
            menu.addAction("Counting…").setEnabled(False)
            self._count_in_background(key)
            return
        counted = self._counts[key]
        selected = dict(self._query.filters).get(key, ())
        known = {value for value, _ in counted}
        for value, count in counted + [(v, 0) for v in selected if v not in known]:
            action = menu.addAction(f"{menu_text(value)} ({count:,})")
            action.setCheckable(True)
            action.setChecked(value in selected)
            action.toggled.connect(partial(self._toggle_value, key, value))
        if menu.isEmpty():
            menu.addAction("No values").setEnabled(False)

    def _count_in_background(self, key: str) -> None:
        if key in self._counting:
            return
        query = self._query
        self._counting[key] = self._counter.submit(
            key, lambda conn: facet_counts(conn, query, key))

    def _counted(self, key: str, counts: list[tuple[str, int]]) -> None:
        """The counts of the query shown (the channel drops those of a query left behind)."""
        self._counting.pop(key, None)
        self._counts[key] = counts
        menu = self.facet_buttons[key].menu()
        if menu.isVisible():
            self._fill_facet_menu(key)

    def _not_counted(self, key: str, _message: str) -> None:
        self._counting.pop(key, None)  # the menu keeps "Counting…"; the log has the reason

    def _forget_counts(self) -> None:
        """The query or the records changed: counts shown or on their way are stale."""
        self._counts.clear()
        self._counting.clear()
        self._counter.cancel_all()

    def _toggle_value(self, key: str, value: str, checked: bool) -> None:
        values = [v for v in dict(self._query.filters).get(key, ()) if v != value]
        self._apply(self._query.with_filter(key, tuple(values + [value] if checked else values)))

    # -- dates -------------------------------------------------------------------------------

    def _apply_dates(self) -> None:
        assert self.date_from is not None and self.date_to is not None
        bounds: list[str | None] = []
        problems = []
        for edit, label, use_end in ((self.date_from, "From", False), (self.date_to, "To", True)):
            text = edit.text().strip()
            try:
                day = parse_fuzzy_date(text) if text else None
            except DateError as exc:
                problems.append(f"{label}: {exc}")
                day = None
            edit.setStyleSheet(INVALID_STYLE if text and day is None else "")
            bounds.append(None if day is None else (day.end if use_end else day.start).isoformat())
        if not problems and bounds[0] and bounds[1] and bounds[0] > bounds[1]:
            problems.append("The date range ends before it starts.")
        self._show_problem(" ".join(problems))
        if not problems:
            self._apply(replace(self._query, date_from=bounds[0], date_to=bounds[1]))

    def _show_problem(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))
        if not text:
            for edit in (self.date_from, self.date_to):
                if edit is not None:
                    edit.setStyleSheet("")

    # -- saved views -------------------------------------------------------------------------

    def open_view(self, name: str) -> bool:
        """Show and announce a saved view; a damaged or missing one is named in the message."""
        try:
            query = lists.load_view(self._ctx.repo.conn, self._kind, name)
        except (lists.ViewError, lists.ViewNotFound) as exc:
            self._show_problem(str(exc))
            return False
        self._show_fields(query)
        self._apply(query)
        return True

    # -- summary -----------------------------------------------------------------------------

    def _records_changed(self, kind: str, _ids: list) -> None:
        if kind == self._kind or kind in SHOWS_NAMES_OF.get(self._kind, ()):
            self._forget_counts()
        if kind == self._kind:
            self._total = None
            self._show_summary()

    def _show_summary(self, *_: object) -> None:
        """"12 of 1,000,000 events"; the total is counted only while filters hide records."""
        if self._model is None:
            return
        shown = self._model.rowCount()
        noun = record_kind(self._kind).plural
        if not is_filtered(self._query):
            self._total = shown
            self.summary.setText(f"{shown:,} {noun}")
        else:
            if self._total is None:
                everything = ListQuery(self._kind, deleted=self._query.deleted)
                self._total = count_rows(self._ctx.repo.conn, everything)
            self.summary.setText(f"{shown:,} of {self._total:,} {noun}")
        self.summary.show()
