"""The collector walks only what is younger than the window and its views."""

from __future__ import annotations

import gc

import pytest
from lodestone.ui.collector import spare_long_lived
from lodestone.ui.main_window import MainWindow
from PySide6.QtCore import QCoreApplication, QEvent, QThreadPool


@pytest.fixture(autouse=True)
def _thawed():
    gc.unfreeze()
    yield
    gc.unfreeze()


def settled(qtbot) -> None:
    """Every background job finished and its answer delivered."""
    QThreadPool.globalInstance().waitForDone()
    qtbot.wait(50)
    QCoreApplication.processEvents()


def test_what_the_window_and_its_views_make_is_left_out_until_it_goes(qtbot, ctx) -> None:
    window = MainWindow(ctx)
    spare_long_lived(window)
    with qtbot.waitSignal(window.firstPainted):
        window.show()
    painted = gc.get_freeze_count()
    assert painted > 0 and gc.isenabled()
    window.show_view("events")
    settled(qtbot)  # the view's background counts done: no set-aside job is freed meanwhile
    built = gc.get_freeze_count()
    assert built > painted
    window.show_view("events")  # shown again, built before: nothing more to set aside
    assert gc.get_freeze_count() == built
    window.hide()
    window.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert gc.get_freeze_count() == 0  # handed back: its garbage can be collected


def test_a_window_without_it_freezes_nothing(qtbot, ctx) -> None:
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.firstPainted):
        window.show()
    window.show_view("events")
    assert gc.get_freeze_count() == 0
