"""What the timeline asks the database for, and when: the lanes and extent once per filter and
grouping, then one window at a time, only when what is drawn no longer covers the view.

A window is asked with half a width to spare on each side, so small pans need no query; its
density buckets are aligned to fixed days, so a zoom needs a new answer only when the bucket
width changes. The queries run on the timeline's channel (newest request of each kind wins,
a superseded count is stopped inside SQLite) with a read-only connection kept for them all:
counting a million events per lane and month takes SQLite a few hundred milliseconds, and
its page cache stays warm from one pan to the next.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

from lodestone.core.lists import ListQuery
from lodestone.core.timeline import (
    LaneKey,
    WindowData,
    bucket_days_for,
    data_extent,
    has_unplaced,
    lanes,
    window_view,
)
from lodestone.ui.jobs.channel import Channel

DEBOUNCE_MS = 30  # a burst of wheel or drag steps costs one query
SLOW_MS = 250  # a window taking longer than this says so
# Enough page cache for the indexes a whole-range density reads (64 MiB).
CACHE_KIB = 64 * 1024


def timeline_channel(path: Path) -> Channel:
    """The channel the timeline's queries run on; `shutdown()` it when the view goes."""
    return Channel(path, what="A timeline query", keep_reader=True, cache_kib=CACHE_KIB)


@dataclass(frozen=True)
class Ask:
    """A window asked of the loader: the lanes shown, the days and the bucket width."""

    keys: tuple[LaneKey, ...]
    first: dt.date
    last: dt.date
    bucket_days: int

    def covers(self, other: Ask, exact_buckets: bool) -> bool:
        """Whether this window's answer serves `other` (density only at the same width)."""
        return (self.keys == other.keys and self.first <= other.first
                and other.last <= self.last
                and (not exact_buckets or self.bucket_days == other.bucket_days))


class TimelineFeed(QObject):
    """Asks for axes and windows; emits what arrives that still matches what is shown."""

    axesLoaded = Signal(object, object)  # lanes, extent
    noneLaneFound = Signal()  # some item sits in no lane: add "(no company)" or the like
    windowLoaded = Signal(object)  # WindowData
    slow = Signal()  # a window is taking a while
    failed = Signal(str)

    def __init__(self, path: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.loader = timeline_channel(path)
        self.loader.loaded.connect(self._loaded)
        self.loader.failed.connect(self._failed)
        self.debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._slow = QTimer(self, singleShot=True, interval=SLOW_MS)
        self._slow.timeout.connect(self._still_waiting)
        self.group_by = "company"
        self.query: ListQuery | None = None
        self.axes_stale = True
        self._asked: Ask | None = None  # the window last asked for
        self._shown: tuple[Ask, WindowData] | None = None  # the window drawn

    def request_axes(self, group_by: str, query: ListQuery | None) -> None:
        self.group_by, self.query = group_by, query
        self.axes_stale = True
        self._asked = self._shown = None
        for stale in ("window", "none"):  # a slow count for the old lanes must not delay
            self.loader.cancel(stale)
        self.loader.submit("axes", lambda conn: (
            lanes(conn, group_by, query, find_none=False), data_extent(conn, query)))

    def request_none_lane(self) -> None:
        """Whether a lane for items in none is needed: asked after the first window, since
        on a million events it can take longest, and the lane is added last anyway."""
        group_by, query = self.group_by, self.query
        self.loader.submit("none", lambda conn: (
            (group_by, query), has_unplaced(conn, group_by, query)))

    def request_window(self, keys: tuple[LaneKey, ...], first: dt.date, last: dt.date,
                       buckets: int, threshold: int) -> None:
        """Ask for the window around first..last, unless what is drawn, or what was last
        asked for and is still coming, covers it."""
        if self.axes_stale:
            return
        want = Ask(keys, first, last, bucket_days_for(first, last, buckets))
        if self._shown is not None and self._shown[0].covers(
                want, exact_buckets=self._shown[1].density is not None):
            return
        if self._asked is not None and self._asked.covers(want, exact_buckets=True):
            return
        margin = dt.timedelta(days=max((last - first).days // 2, 1))
        start, end = first - margin, last + margin
        self._asked = ask = replace(want, first=start, last=end)
        group_by, query = self.group_by, self.query
        self._slow.start()
        self.loader.submit("window", lambda conn: (ask, window_view(
            conn, start, end, group_by, query, keys, threshold, buckets * 2)))

    def _loaded(self, tag: str, result: Any) -> None:
        if tag == "axes":
            self.axes_stale = False
            self.axesLoaded.emit(*result)
        elif tag == "none":
            asked, found = result
            if found and asked == (self.group_by, self.query) and not self.axes_stale:
                self.noneLaneFound.emit()
        else:
            ask, data = result
            if not self.axes_stale and ask == self._asked:  # else overtaken by newer
                self._shown = (ask, data)
                self.windowLoaded.emit(data)

    def _failed(self, tag: str, message: str) -> None:
        if tag == "window":
            self._asked = None  # ask again on the next move
        self.failed.emit(message)

    def _still_waiting(self) -> None:
        if self._asked is not None and (self._shown is None or self._shown[0] != self._asked):
            self.slow.emit()

    def flush(self, refresh: Any, timeout: float = 60.0) -> None:
        """Run what is pending now and deliver its answers (rendering, tests); `refresh`
        is what the debounce timer would have called."""
        for _ in range(50):
            if self.debounce.isActive():
                self.debounce.stop()
                refresh()
            self.loader.wait(timeout)
            submitted = self.loader.submitted
            QApplication.processEvents()
            # done when delivering the answers asked for nothing more (a job submitted
            # meanwhile may have finished already, its answer not yet delivered)
            if (not self.debounce.isActive() and self.loader.idle()
                    and self.loader.submitted == submitted):
                return

    def shutdown(self) -> None:
        self.loader.shutdown()
