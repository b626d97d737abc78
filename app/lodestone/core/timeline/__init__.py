"""The timeline's data: days, lanes and axes, its SQL and the window of items to draw.

Built on `lists` and `records`; independent of csvio, snapshots and funding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lodestone.core.lazy_exports import load_export

# Each public name and the submodule that defines it, imported on first use (PEP 562):
# importing the package loads none of them.
_EXPORTS = {
    "Lane": "axes",
    "data_extent": "axes",
    "has_unplaced": "axes",
    "lanes": "axes",
    "none_lane": "axes",
    "TimelineItem": "data",
    "WindowData": "data",
    "locate": "data",
    "window_view": "data",
    "Density": "days",
    "bucket_days_for": "days",
    "day_x": "days",
    "x_day": "days",
    "GROUPINGS": "sql",
    "LaneKey": "sql",
    "check_grouping": "sql",
    "record_queries": "sql",
}

if TYPE_CHECKING:  # the same names, for type checkers and the import graph
    from lodestone.core.timeline.axes import Lane as Lane
    from lodestone.core.timeline.axes import data_extent as data_extent
    from lodestone.core.timeline.axes import has_unplaced as has_unplaced
    from lodestone.core.timeline.axes import lanes as lanes
    from lodestone.core.timeline.axes import none_lane as none_lane
    from lodestone.core.timeline.data import TimelineItem as TimelineItem
    from lodestone.core.timeline.data import WindowData as WindowData
    from lodestone.core.timeline.data import locate as locate
    from lodestone.core.timeline.data import window_view as window_view
    from lodestone.core.timeline.days import Density as Density
    from lodestone.core.timeline.days import bucket_days_for as bucket_days_for
    from lodestone.core.timeline.days import day_x as day_x
    from lodestone.core.timeline.days import x_day as x_day
    from lodestone.core.timeline.sql import GROUPINGS as GROUPINGS
    from lodestone.core.timeline.sql import LaneKey as LaneKey
    from lodestone.core.timeline.sql import check_grouping as check_grouping
    from lodestone.core.timeline.sql import record_queries as record_queries
else:  # hidden from type checkers, which then report a name not exported

    def __getattr__(name: str) -> object:
        return load_export(__name__, _EXPORTS, name)
