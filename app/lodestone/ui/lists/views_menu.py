"""The Views menu of a filter bar: open, save, rename and delete saved views, and see their
history. Saving, renaming and deleting are steps of the tracker's undo history; a name that
cannot be used is asked again with the reason, a change the tracker refuses is said in the
filter bar's message line."""

from __future__ import annotations

import logging
from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog, QMenu, QWidget

from lodestone.core import lists
from lodestone.core.history import (
    REFUSALS,
    Operation,
    delete_view_operation,
    refusal_sentence,
    rename_view_operation,
    save_view_operation,
    view_history,
)
from lodestone.core.lists import ListQuery
from lodestone.ui.context import AppContext

log = logging.getLogger(__name__)


def menu_text(text: str) -> str:
    """Text shown as typed in a menu ("R&D" would otherwise underline the D)."""
    return text.replace("&", "&&")


class ViewsMenu(QObject):
    """Fills `menu` each time it opens; `current()` is the filter to save, `open_view(name)`
    shows a saved one, `show_problem(sentence)` says why something was not done."""

    def __init__(self, ctx: AppContext, kind: str, menu: QMenu, current: Callable[[], ListQuery],
                 open_view: Callable[[str], bool],
                 show_problem: Callable[[str], None]) -> None:  # fmt: skip
        super().__init__(menu)
        self._ctx, self._kind, self._menu = ctx, kind, menu
        self._current, self._open_view, self._show_problem = current, open_view, show_problem
        menu.aboutToShow.connect(self.fill)

    def _parent(self) -> QWidget | None:
        parent = self._menu.parentWidget()
        return parent.window() if parent is not None else None

    def fill(self) -> None:
        menu = self._menu
        menu.clear()
        writable = not self._ctx.readonly
        save = menu.addAction("Save Current View…")
        save.setObjectName("filter.view.save")
        save.setEnabled(writable)
        save.triggered.connect(lambda _checked=False: self.ask_name())
        names = lists.list_views(self._ctx.repo.conn, self._kind)
        if names:
            menu.addSeparator()
            for name in names:
                menu.addAction(menu_text(name)).triggered.connect(
                    lambda _checked=False, n=name: self._open_view(n)
                )
            self._submenu("Rename View", "filter.view.rename", names, self.ask_name)
            self._submenu("Delete View", "filter.view.delete", names, self.delete)
        menu.addSeparator()
        history = menu.addAction("History of Views…")
        history.setObjectName("filter.view.history")
        history.triggered.connect(lambda _checked=False: self.show_history())

    def _submenu(self, title: str, name: str, names: list[str],
                 slot: Callable[[str], object]) -> None:  # fmt: skip
        sub = self._menu.addMenu(title)
        sub.setObjectName(name)
        sub.setEnabled(not self._ctx.readonly)
        for view in names:
            sub.addAction(menu_text(view)).triggered.connect(
                lambda _checked=False, n=view: slot(n)
            )

    def ask_name(self, old: str | None = None) -> None:
        """Ask a name for the current filter (or, given `old`, a new name for that view)
        until it is one that can be used; the change is one step of the undo history."""
        title = "Save View" if old is None else "Rename View"
        question = "Name of this view:" if old is None else f"New name of “{old}”:"
        prompt, name = question, old or ""
        while True:
            name, ok = QInputDialog.getText(self._parent(), title, prompt, text=name)
            if not ok:
                return
            try:
                if old is None:
                    operation: Operation = save_view_operation(self._kind, name, self._current())
                else:
                    operation = rename_view_operation(self._ctx.repo, self._kind, old, name)
                self._ctx.run(operation)
            except lists.ViewError as exc:  # a name that cannot be used, or is taken
                prompt = f"{exc}.\n{question}"
                continue
            except REFUSALS as exc:
                self._refused(f"The view was not {'saved' if old is None else 'renamed'}", exc)
                return
            self._show_problem("")
            return

    def delete(self, name: str) -> None:
        try:
            self._ctx.run(delete_view_operation(self._kind, name))
        except REFUSALS as exc:
            self._refused("The view was not deleted", exc)
            return
        self._show_problem("")

    def _refused(self, what: str, error: BaseException) -> None:
        log.info("%s", what, exc_info=error)
        self._show_problem(refusal_sentence(what, error))

    def show_history(self) -> None:
        from lodestone.ui.dialogs.history import KEPT_ACTIONS, ChangeLogDialog

        dialog = ChangeLogDialog(self._ctx.repo, "History of the saved views",
                                 view_history(self._ctx.repo, self._kind), parent=self._parent(),
                                 actions=KEPT_ACTIONS)  # fmt: skip
        dialog.exec()
