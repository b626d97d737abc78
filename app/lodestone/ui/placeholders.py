"""The chart views (funding, timeline), built on first show so pyqtgraph loads only then."""

from __future__ import annotations

from typing import Protocol

from PySide6.QtWidgets import QWidget

from lodestone.ui.context import AppContext
from lodestone.ui.lists.page import ListPage


class ViewHost(Protocol):
    """What a chart view needs of the window that shows it: the tracker, the way to open a
    record or show some deals, and the list page whose filters it follows."""

    @property
    def ctx(self) -> AppContext: ...

    def open_record(self, kind: str, record_id: int) -> None: ...

    def filter_deals(self, deal_ids: list[int]) -> None: ...

    def page(self, key: str) -> QWidget: ...


def build_optional_view(window: ViewHost, key: str) -> QWidget:
    if key == "funding":
        from lodestone.ui.funding.view import FundingView

        funding = FundingView(window.ctx)
        funding.setObjectName("page.funding")
        funding.openRecord.connect(window.open_record)
        funding.filterDeals.connect(window.filter_deals)
        deals = window.page("deals")  # the chart follows the Deals list's filters
        assert isinstance(deals, ListPage)
        funding.set_filters(deals.filter_bar.query())
        deals.filter_bar.queryChanged.connect(funding.set_filters)
        return funding
    if key == "timeline":
        from lodestone.ui.timeline.view import TimelineView

        timeline = TimelineView(window.ctx)
        timeline.setObjectName("page.timeline")
        timeline.openRecord.connect(window.open_record)
        events = window.page("events")  # the timeline follows the Events list's filters
        assert isinstance(events, ListPage)
        timeline.set_query(events.filter_bar.query())
        events.filter_bar.queryChanged.connect(timeline.set_query)
        return timeline
    raise KeyError(f"no view named {key!r}")
