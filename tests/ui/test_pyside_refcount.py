"""PySide6 6.12.0 on CPython 3.11 drops a reference to `True` on every Python emit(); after a
few thousand keystrokes the interpreter aborts. pyproject.toml keeps us off that release; this
test fails if an installed PySide6 has the bug again."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Probe(QObject):
    ping = Signal()
    text = Signal(str)


def test_emit_keeps_references_to_true(qapp):
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(200):
        probe.ping.emit()
        probe.text.emit("typed")
    assert before - sys.getrefcount(True) < 50
