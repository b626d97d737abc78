"""The window's face of the core undo history: QUndoStack's names, actions whose text and
state follow the history, and a refusal reported as a sentence instead of raised."""

from __future__ import annotations

import logging
import sqlite3

from lodestone.core.history import save_operation
from lodestone.core.records import Company
from lodestone.ui.history_stack import prefixed
from PySide6.QtWidgets import QWidget


def test_actions_follow_the_history(ctx, qtbot):
    owner = QWidget()
    qtbot.addWidget(owner)
    stack = ctx.undo_stack
    undo, redo = stack.createUndoAction(owner, "&Undo"), stack.createRedoAction(owner, "&Redo")
    assert (undo.text(), undo.isEnabled(), redo.text(), redo.isEnabled()) == (
        "&Undo", False, "&Redo", False)
    with qtbot.waitSignals([stack.indexChanged, stack.canUndoChanged, stack.undoTextChanged]):
        ctx.run(save_operation(ctx.repo, Company("Vulcan Elements")))
    assert (undo.text(), undo.isEnabled()) == ("&Undo Add Company", True)
    undo.trigger()
    assert (undo.text(), undo.isEnabled(), redo.text(), redo.isEnabled()) == (
        "&Undo", False, "&Redo Add Company", True)
    assert stack.index() == 0 and stack.count() == 1 and stack.canRedo()
    redo.trigger()
    assert ctx.repo.find_company("Vulcan Elements") is not None
    stack.setClean()
    assert stack.isClean()
    stack.clear()
    assert (undo.text(), redo.text(), stack.count()) == ("&Undo", "&Redo", 0)


def test_a_refusal_is_a_signal_and_a_log_line_not_an_exception(ctx, qtbot, caplog):
    ctx.run(save_operation(ctx.repo, Company("Vulcan Elements")))
    ctx.repo.conn.execute("PRAGMA busy_timeout = 10")
    other = sqlite3.connect(ctx.path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with caplog.at_level(logging.INFO), qtbot.waitSignal(ctx.undo_stack.refused) as said:
            assert not ctx.undo_stack.undo()
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert said.args[0].startswith("Cannot undo Add Company: another program is writing")
    assert caplog.records[-1].exc_info is not None  # the traceback goes to the log
    assert ctx.undo_stack.undoText() == "Add Company" and ctx.undo_stack.undo()


def test_prefixed_text_as_qundostack_writes_it():
    assert prefixed("&Undo", "Add Deal") == "&Undo Add Deal"
    assert prefixed("&Undo", "") == "&Undo"
