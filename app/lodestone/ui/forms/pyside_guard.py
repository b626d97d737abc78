"""A guard against a reference-counting bug of PySide6 6.12 on CPython 3.11.

`SignalInstance.emit()` returns `True` without taking a new reference to it, so every signal
emitted from Python code takes one reference away from `True`. Forms emit on every keystroke;
after a few thousand of them CPython frees `True` and aborts ("bool_dealloc: deallocating True
or False"), taking whatever was typed with it. On CPython 3.12 and later `True` is immortal and
nothing needs doing; on 3.11 the guard checks that the bug is really there, then gives `True`
a reserve of references no session can use up. `True` is never freed anyway, so the reserve
changes nothing else, and the check keeps a fixed PySide6 from being touched at all.
"""

from __future__ import annotations

import ctypes
import sys

from PySide6.QtCore import QObject, Signal

RESERVE = 1 << 40
_PROBES = 16


class _Probe(QObject):
    ping = Signal()


def emit_steals_true() -> bool:
    """True when emitting a signal from Python loses a reference to `True`."""
    probe = _Probe()
    before = sys.getrefcount(True)
    for _ in range(_PROBES):
        probe.ping.emit()
    return before - sys.getrefcount(True) >= _PROBES


def protect_true() -> bool:
    """Give `True` its reserve if this PySide6 needs it; returns whether it did (once)."""
    if sys.version_info >= (3, 12) or sys.getrefcount(True) > RESERVE // 2:
        return False
    if not emit_steals_true():
        return False
    # ob_refcnt is the first field of every object in a release build of CPython 3.11.
    ctypes.c_ssize_t.from_address(id(True)).value += RESERVE
    return True


protect_true()
