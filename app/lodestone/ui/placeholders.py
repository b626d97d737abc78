"""The chart views (funding, timeline), built on first show so pyqtgraph loads only then."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QWidget

from lodestone.ui.lists.page import ListPage

if TYPE_CHECKING:
    from lodestone.ui.main_window import MainWindow


def build_optional_view(window: MainWindow, key: str) -> QWidget:
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
