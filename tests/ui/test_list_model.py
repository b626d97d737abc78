"""The paged record list model: Qt's model contract through real commits, SQL sorting and
filtering, exact change signals, and a bounded number of rows fetched whatever the list size."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from lodestone.core.lists import LIST_LAYOUTS, ListQuery, queries
from lodestone.core.records import Company, Deal, Event, Party, parse_fuzzy_date, parse_money
from lodestone.core.storage import Change, Repository
from lodestone.ui.lists.model import MAX_EXACT, MAX_PAGES, PAGE_SIZE, RecordListModel
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTableView

ROLE = Qt.ItemDataRole
EVENT_TYPES = ("policy", "shipment", "trade restriction")


def add_events(repo, count: int, *, start: dt.date = dt.date(2020, 1, 1), company_ids=()):
    """`count` events a day apart, kinds cycling, in one transaction; returns their ids."""
    with repo.transaction():
        return [
            repo.save(
                Event(
                    f"{EVENT_TYPES[i % 3].title()} news {i:05d}",
                    parse_fuzzy_date((start + dt.timedelta(days=i)).isoformat()),
                    event_type=EVENT_TYPES[i % 3],
                    country=("US", "CN", "PK")[i % 3],
                    company_ids=list(company_ids) if i % 2 else [],
                )
            ).id
            for i in range(count)
        ]


class Signals:
    """What a model announced, in order: ("insert", first, last), ("change", first, last)..."""

    def __init__(self, model: RecordListModel) -> None:
        self.seen: list[tuple] = []
        model.rowsInserted.connect(lambda _p, a, b: self.seen.append(("insert", a, b)))
        model.rowsRemoved.connect(lambda _p, a, b: self.seen.append(("remove", a, b)))
        model.dataChanged.connect(
            lambda tl, br, _r: self.seen.append(("change", tl.row(), br.row()))
        )
        model.modelReset.connect(lambda: self.seen.append(("reset",)))

    def take(self) -> list[tuple]:
        seen, self.seen = self.seen, []
        return seen


def column(model: RecordListModel, key: str, role=ROLE.DisplayRole) -> list:
    c = [col.key for col in LIST_LAYOUTS[model.kind].columns].index(key)
    return [model.data(model.index(r, c), role) for r in range(model.rowCount())]


def ids(model: RecordListModel) -> list[int]:
    return [model.id_at(r) for r in range(model.rowCount())]


@pytest.fixture
def companies(ctx) -> dict[str, int]:
    names = ("MP Materials", "Vulcan Elements", "Energy Fuels")
    return {n: ctx.repo.save(Company(n, country="US")).id for n in names}


@pytest.fixture
def deals(ctx, companies) -> list[int]:
    specs = [
        ("Vulcan magnet plant", "2025-11", "$1.4 billion", "Vulcan Elements"),
        ("MP Materials stake", "2025-07", "€400M", "MP Materials"),
        ("Energy Fuels partnership", "2025-08", None, "Energy Fuels"),
        ("Pakistan shipment financing", "2025-09", "$500 million", "Vulcan Elements"),
    ]
    return [
        ctx.repo.save(
            Deal(
                title,
                announced=parse_fuzzy_date(when),
                amount=parse_money(amount) if amount else None,
                parties=[Party(companies[party])],
            )
        ).id
        for title, when, amount, party in specs
    ]


def test_headers_roles_and_alignment_follow_the_kinds_columns(ctx, deals):
    model = RecordListModel(ctx, "deal")
    titles = [model.headerData(i, Qt.Orientation.Horizontal) for i in range(model.columnCount())]
    assert titles == [c.title for c in LIST_LAYOUTS["deal"].columns]
    assert model.rowCount() == len(deals)
    assert sorted(ids(model)) == sorted(deals)
    amount = [c.key for c in LIST_LAYOUTS["deal"].columns].index("amount")
    for c, spec in enumerate(LIST_LAYOUTS["deal"].columns):
        align = model.data(model.index(0, c), ROLE.TextAlignmentRole)
        right = bool(align & Qt.AlignmentFlag.AlignRight)
        assert right == spec.numeric == (c == amount)
    assert set(column(model, "amount")) == {"$1.4B", "€400M", "", "$500M"}
    tips = column(model, "title", ROLE.ToolTipRole)
    assert tips == column(model, "title")
    assert model.data(model.index(0, 0), ROLE.DecorationRole) is None
    assert model.data(QModelIndex()) is None
    assert model.rowCount(model.index(0, 0)) == 0 and model.columnCount(model.index(0, 0)) == 0
    assert model.headerData(99, Qt.Orientation.Horizontal) is None


def test_bad_kinds_queries_and_columns_are_refused(ctx):
    with pytest.raises(ValueError, match="no list of kind"):
        RecordListModel(ctx, "tranche")
    with pytest.raises(ValueError, match="cannot drive"):
        RecordListModel(ctx, "deal", query=ListQuery("event"))
    model = RecordListModel(ctx, "event")
    with pytest.raises(ValueError, match="cannot drive"):
        model.set_query(ListQuery("deal"))
    with pytest.raises(KeyError):
        model.set_filters({"no such facet": ["x"]})
    before = model.query
    model.sort(len(LIST_LAYOUTS["event"].columns), Qt.SortOrder.AscendingOrder)
    assert model.query == before


def test_contract_holds_while_records_are_added_edited_and_deleted(ctx, qtmodeltester, companies):
    repo = ctx.repo
    first = add_events(repo, 30, company_ids=[companies["MP Materials"]])
    model = RecordListModel(ctx, "event")
    qtmodeltester.check(model)
    signals = Signals(model)

    # a new event dated between two others is inserted at its place in date order
    new = repo.save(Event("Export ban lifted", parse_fuzzy_date("2020-01-05"), event_type="policy"))
    assert signals.take() == [("insert", 5, 5)]
    assert model.id_at(5) == new.id and model.rowCount() == 31

    # an edit that keeps the order changes that row only
    edited = repo.get("event", first[10])
    edited.title = "Renamed shipment"
    repo.save(edited)
    row = model.row_of(first[10])
    assert signals.take() == [("change", row, row)]
    assert column(model, "title")[row] == "Renamed shipment"

    # a soft delete removes the row where it was; undoing it (restore) puts it back
    repo.delete("event", first[3])
    assert signals.take() == [("remove", 3, 3)]
    assert first[3] not in ids(model)
    repo.restore("event", first[3])
    assert signals.take() == [("insert", 3, 3)]

    # a renamed company changes the companies column of the events that name it
    mp = repo.get("company", companies["MP Materials"])
    mp.name = "MP Materials Corp"
    repo.save(mp)
    shown = column(model, "companies")
    named = [r for r, text in enumerate(shown) if text]
    assert set(signals.take()) == {("change", r, r) for r in named}
    assert {shown[r] for r in named} == {"MP Materials Corp"}

    # an edit that moves a record elsewhere in the order: out of its row, into its new one
    moved = repo.get("event", first[0])
    moved.date = parse_fuzzy_date("2021-06")
    repo.save(moved)
    assert signals.take() == [("remove", 0, 0), ("insert", 30, 30)]
    # several records at once: exactly their rows
    with repo.transaction():
        repo.delete("event", first[1])
        repo.delete("event", first[2])
    assert signals.take() == [("remove", 0, 1)]
    expected = sorted(
        (e for e in (repo.get("event", i) for i in [*first, new.id]) if e.id not in first[1:3]),
        key=lambda e: (e.date.start, e.id),
    )
    assert ids(model) == [e.id for e in expected]


def test_insert_outside_the_cached_pages_uses_the_records_position(ctx, qtmodeltester):
    size = 5 * PAGE_SIZE
    add_events(ctx.repo, size, start=dt.date(2001, 1, 1))
    model = RecordListModel(ctx, "event")
    qtmodeltester.check(model)
    for page in range(1, 5):  # pages 1..4 are the recent ones: page 0 is not re-read
        model.data(model.index(page * PAGE_SIZE, 0))
    signals = Signals(model)
    earliest = ctx.repo.save(Event("Earliest", parse_fuzzy_date("1999"), event_type="policy"))
    latest = ctx.repo.save(Event("Latest", parse_fuzzy_date("2099-12-31"), event_type="policy"))
    assert signals.take() == [("insert", 0, 0), ("insert", size + 1, size + 1)]
    assert model.id_at(0) == earliest.id and model.row_of(latest.id) == model.rowCount() - 1


def test_unrelated_changes_send_no_signal(ctx, companies, deals):
    model = RecordListModel(ctx, "source")
    deal_model = RecordListModel(ctx, "deal")
    deal_model.data(deal_model.index(0, 0))
    signals, deal_signals = Signals(model), Signals(deal_model)
    company = ctx.repo.get("company", companies["Energy Fuels"])
    company.notes = "uranium and rare earths"  # not shown in any deal column
    ctx.repo.save(company)
    assert signals.take() == [] and deal_signals.take() == []


@pytest.mark.parametrize("order", [Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder])
@pytest.mark.parametrize("key", [c.key for c in LIST_LAYOUTS["deal"].columns])
def test_sorting_by_every_column_happens_in_sql(ctx, deals, qtmodeltester, key, order):
    model = RecordListModel(ctx, "deal")
    qtmodeltester.check(model)
    position = [c.key for c in LIST_LAYOUTS["deal"].columns].index(key)
    with_reset = Signals(model)
    model.sort(position, order)
    descending = order == Qt.SortOrder.DescendingOrder
    assert model.query.sort == key and model.query.descending == descending
    assert with_reset.take() == [("reset",)]
    expected = queries.fetch_rows(ctx.repo.conn, model.query, 0, 100)
    assert ids(model) == [r.id for r in expected]
    if key == "title":  # independently of the SQL: case-insensitive title order
        titles = column(model, "title")
        assert titles == sorted(titles, key=str.casefold, reverse=descending)
    if key == "announced":
        days = [ctx.repo.get("deal", i).announced.start for i in ids(model)]
        assert days == sorted(days, reverse=descending)
    model.sort(-1, order)
    assert model.query.sort == "" and not model.query.descending


def test_search_filters_and_dates_narrow_the_rows(ctx, companies, qtmodeltester):
    add_events(ctx.repo, 12, start=dt.date(2025, 1, 1), company_ids=[companies["Vulcan Elements"]])
    model = RecordListModel(ctx, "event")
    qtmodeltester.check(model)
    model.set_search("shipment")
    assert column(model, "title") and all("Shipment" in t for t in column(model, "title"))
    model.set_search("vulcan")
    assert all(c == "Vulcan Elements" for c in column(model, "companies"))
    assert model.rowCount() == 6
    model.set_search("")
    model.set_filters({"kind": ["policy", "shipment"], "country": ["US"]})
    assert set(column(model, "kind")) == {"policy"} and set(column(model, "country")) == {"US"}
    model.set_filters({"kind": []})
    assert model.query.filters == () and model.rowCount() == 12
    model.set_query(replace(model.query, date_from="2025-01-03", date_to="2025-01-05"))
    assert column(model, "date") == ["Jan 3, 2025", "Jan 4, 2025", "Jan 5, 2025"]
    model.set_search("!!!")  # punctuation only: nothing can match
    assert model.rowCount() == 0 and model.id_at(0) is None


def test_trash_lists_deleted_records_and_follows_restore(ctx, deals, qtmodeltester):
    trash = RecordListModel.trash(ctx, "deal")
    qtmodeltester.check(trash)
    assert trash.rowCount() == 0 and trash.query.deleted
    signals = Signals(trash)
    ctx.repo.delete("deal", deals[1])
    ctx.repo.delete("deal", deals[2])
    assert ids(trash) and set(ids(trash)) == {deals[1], deals[2]}
    assert [s[0] for s in signals.take()] == ["insert", "insert"]
    ctx.repo.restore("deal", deals[1])
    assert ids(trash) == [deals[2]] and signals.take()[0][0] == "remove"


def test_rows_fetched_stay_bounded_by_the_pages_touched(ctx, qtbot, monkeypatch):
    total = 5_000
    add_events(ctx.repo, total)
    calls: list[tuple[ListQuery, int, int]] = []
    real_fetch = queries.fetch_rows

    def counting_fetch(conn, query, offset, limit, matches=None):
        calls.append((query, offset, limit))
        return real_fetch(conn, query, offset, limit, matches)

    monkeypatch.setattr(queries, "fetch_rows", counting_fetch)
    model = RecordListModel(ctx, "event")
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(800, 600)
    view.show()
    qtbot.waitExposed(view)
    qtbot.waitUntil(lambda: len(calls) > 0)
    qtbot.wait(10)
    assert len(calls) == 1  # first paint reads the first page, nothing else
    view.scrollToBottom()
    qtbot.wait(10)
    last = model.rowCount() - 1
    assert model.id_at(last) == real_fetch(ctx.repo.conn, model.query, last, 1)[0].id
    query, offset, _ = calls[-1]
    assert query.descending and offset == 0  # the last page is read from the other end
    rows_read = sum(limit for _, _, limit in calls)
    assert rows_read <= 3 * PAGE_SIZE

    calls.clear()
    bar = view.verticalScrollBar()
    touched = set()
    for value in range(0, bar.maximum() + 1, bar.pageStep()):
        bar.setValue(value)
        qtbot.wait(1)
        top, bottom = view.rowAt(0), view.rowAt(view.viewport().height() - 1)
        touched |= {top // PAGE_SIZE, (bottom if bottom >= 0 else last) // PAGE_SIZE}
        assert len(model._pages) <= MAX_PAGES
    assert all(limit <= PAGE_SIZE for _, _, limit in calls)
    assert len(calls) <= len(touched) and len(touched) == total // PAGE_SIZE
    assert len(model._pages) == MAX_PAGES < total // PAGE_SIZE


def test_a_search_counts_its_matches_once_per_keystroke_and_commit(ctx, monkeypatch):
    """Counting "e" among a million events reads 388,000 index entries: the count, the pages
    and the order's walk share one count per search, and a commit counts again."""
    add_events(ctx.repo, 300)
    counted: list[str] = []
    real_count = queries.search_matches

    def counting(conn, query):
        counted.append(query.search)
        return real_count(conn, query)

    monkeypatch.setattr(queries, "search_matches", counting)
    monkeypatch.setattr(queries, "BROAD_MATCHES", 10)  # so the page walks the order
    model = RecordListModel(ctx, "event")
    counted.clear()
    model.set_search("n")
    assert model.rowCount() == 300 and model.id_at(250) is not None
    assert model.row_of(model.id_at(250)) == 250
    assert counted == ["n"]
    model.sort(1, Qt.SortOrder.DescendingOrder)  # the same matches in another order
    assert model.id_at(0) is not None and counted == ["n"]
    ctx.repo.save(Event("New licence", parse_fuzzy_date("2026")))
    assert model.rowCount() == 301 and counted == ["n", "n"]


def test_each_change_announces_exactly_its_rows(ctx, qtmodeltester):
    """Created, updated (in place and moved), deleted and restored records, one or several at
    once, each announced by exactly their rows, in the live list and in the Trash; Qt's model
    tester checks the contract through every step."""
    repo = ctx.repo
    first = add_events(repo, 12)
    live, trash = RecordListModel(ctx, "event"), RecordListModel.trash(ctx, "event")
    qtmodeltester.check(live)
    qtmodeltester.check(trash)
    seen, seen_trash = Signals(live), Signals(trash)

    def both() -> tuple[list, list]:
        qtmodeltester.check(live)
        qtmodeltester.check(trash)
        return seen.take(), seen_trash.take()

    with repo.transaction():  # two created at once, apart: two single-row insertions
        early = repo.save(Event("Early", parse_fuzzy_date("2020-01-02"), event_type="policy"))
        late = repo.save(Event("Late", parse_fuzzy_date("2020-01-09"), event_type="policy"))
    assert both() == ([("insert", 2, 2), ("insert", 10, 10)], [])
    assert live.id_at(2) == early.id and live.id_at(10) == late.id

    edited = repo.get("event", first[5])
    edited.description = "a cell the list does not show"
    edited.title = "Retitled"
    repo.save(edited)
    assert both() == ([("change", 6, 6)], [])

    moved = repo.get("event", first[0])
    moved.date = parse_fuzzy_date("2020-01-07")
    repo.save(moved)
    assert both() == ([("remove", 0, 0), ("insert", 6, 6)], [])
    assert live.id_at(6) == first[0]

    gone = (first[1], first[3], first[4], first[9])
    with repo.transaction():  # four deleted: the last row first, then a run of two, then one
        for record_id in gone:
            repo.delete("event", record_id)
    assert both() == ([("remove", 11, 11), ("remove", 3, 4), ("remove", 0, 0)],
                      [("insert", 0, 3)])
    assert not set(gone) & set(ids(live)) and ids(trash) == list(gone)

    repo.restore("event", first[3])
    assert both() == ([("insert", 2, 2)], [("remove", 1, 1)])
    assert live.id_at(2) == first[3] and live.rowCount() == 11 and trash.rowCount() == 3


def test_a_change_committed_elsewhere_is_delivered_through_the_notifier(ctx, qtmodeltester):
    """An import writes through a connection of its own; the changes its report carries,
    passed to the notifier, place its records as exactly as a form's save."""
    add_events(ctx.repo, 5)
    model = RecordListModel(ctx, "event")
    qtmodeltester.check(model)
    seen = Signals(model)
    changes: list[Change] = []
    ctx.notifier.change.connect(changes.append)
    other = Repository.open(ctx.path)
    try:
        other.subscribe(changes.append)
        added = other.save(Event("Imported", parse_fuzzy_date("2020-01-03"), event_type="shipment"))
    finally:
        other.close()
    assert seen.take() == [] and model.rowCount() == 5  # this connection heard nothing
    (change,) = changes
    ctx.notifier.deliver(change)
    assert changes[-1] == Change("event", (added.id,), "created")
    assert seen.take() == [("insert", 3, 3)] and model.id_at(3) == added.id
    qtmodeltester.check(model)


def test_a_large_change_is_a_reset(ctx, qtmodeltester):
    add_events(ctx.repo, 3)
    model = RecordListModel(ctx, "event")
    qtmodeltester.check(model)
    seen = Signals(model)
    add_events(ctx.repo, MAX_EXACT + 1, start=dt.date(2021, 1, 1))
    assert seen.take() == [("reset",)] and model.rowCount() == MAX_EXACT + 4
