"""The guard that keeps PySide6's emit() from using up the references to True."""

from __future__ import annotations

import sys

from lodestone.ui.forms import pyside_guard
from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    fired = Signal(bool)


def test_ten_thousand_emits_leave_true_alive(qapp):
    emitter = Emitter()
    received = []
    emitter.fired.connect(received.append)
    for _ in range(10_000):  # more than a whole session's keystrokes used to be allowed
        emitter.fired.emit(True)
    assert len(received) == 10_000 and all(received)
    received.clear()
    if sys.version_info < (3, 12) and pyside_guard.emit_steals_true():
        assert sys.getrefcount(True) > pyside_guard.RESERVE // 2


def test_the_reserve_is_given_once(qapp):
    assert pyside_guard.protect_true() is False  # already given on import, or not needed
