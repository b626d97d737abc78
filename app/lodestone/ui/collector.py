"""The garbage collector, kept from stalling the window.

A full collection walks every container object alive. With every view of a big tracker open
that is about 100,000 objects (Qt wrappers, the modules of Qt, numpy and pyqtgraph, the views),
about 47 ms each time: whenever enough new objects have piled up, in the middle of a keystroke
or a scroll. What start-up and each view's first build create lives as long as the window, so
it is moved out of the collector's sight (`gc.freeze`) and a collection walks only what was
made since. When the window goes, it is handed back, and what became garbage among it is
collected then.
"""

from __future__ import annotations

import gc

from lodestone.ui.main_window import MainWindow


def spare_long_lived(window: MainWindow) -> None:
    """Collect only what is younger than the window's first paint and its views' builds
    (and turn the collector on at the first paint, if start-up turned it off)."""
    window.firstPainted.connect(_settled)
    window.viewBuilt.connect(_built)
    window.destroyed.connect(_handed_back)


def _settled() -> None:
    gc.freeze()
    gc.enable()


def _built(_view: str) -> None:
    gc.freeze()


def _handed_back(*_: object) -> None:
    gc.unfreeze()
