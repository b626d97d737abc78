"""The main window: a sidebar of views, the menus, and the status bar of one open tracker."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QWidget,
)

from lodestone import __version__
from lodestone.core.history import REFUSALS, delete_operation, refusal_sentence
from lodestone.core.records import COMPANY, DEAL, EVENT, RECORD_KINDS, record_kind
from lodestone.ui.actions import ActionSpec, make_action
from lodestone.ui.context import AppContext
from lodestone.ui.first_paint import after_first_paint
from lodestone.ui.lists.page import ListPage
from lodestone.ui.lists.status_counts import StatusCounts

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent

SK = QKeySequence.StandardKey
# (key, sidebar title, shortcut); record kinds' lists first, in the kinds' order, then the
# other views; Ctrl+1, Ctrl+2, ... show them in this order.
VIEWS = tuple(
    (key, title, f"Ctrl+{number}")
    for number, (key, title) in enumerate(
        [*((kind.plural, kind.plural.capitalize()) for kind in RECORD_KINDS),
         ("timeline", "Timeline"), ("funding", "Funding"), ("trash", "Trash")], start=1)
)  # fmt: skip
KIND_OF_VIEW = {kind.plural: kind.name for kind in RECORD_KINDS}
VIEW_OF_KIND = {kind: view for view, kind in KIND_OF_VIEW.items()}
# The kinds the Edit menu offers to add, with the mnemonic-marked title and the shortcut.
NEW_RECORD_ACTIONS = {COMPANY: ("New &Company", "Ctrl+Alt+C"), DEAL: ("New &Deal", "Ctrl+Alt+D"),
                      EVENT: ("New &Event", "Ctrl+Alt+E")}  # fmt: skip
MAX_RECENT = 10
REFUSAL_MS = 15000  # long enough to read why an undo or a delete was not done
log = logging.getLogger(__name__)


def display_path(path: Path) -> str:
    """A path as people write it: the home folder as ~."""
    home = Path.home()
    return f"~/{path.relative_to(home)}" if path.is_relative_to(home) else str(path)


class MainWindow(QMainWindow):
    """One window per open tracker. Asks the app (via signals) to open another file.

    Only what the first view draws is built before the window is first painted; the counts
    in the status bar follow just after, and `firstPainted` tells the app it may start the
    backup on open.
    """

    openRequested = Signal(str)  # a tracker path
    newRequested = Signal(str)
    exampleRequested = Signal()
    restoreRequested = Signal(object)  # the Path of a backup to restore
    restoreOtherRequested = Signal(object)  # the Path of another tracker's backup, confirmed
    firstPainted = Signal()
    viewBuilt = Signal(str)  # noqa: N815 - a view's page was built, the first time it is shown

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setObjectName("main_window")
        self.setWindowTitle(self._title())
        self.pages: dict[str, QWidget] = {}
        self.auto_backup: QObject | None = None  # the backup every few minutes, once shown
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setAccessibleName("Views")
        for _key, title, _shortcut in VIEWS:
            self.sidebar.addItem(title)
        self.sidebar.setFixedWidth(118)
        self.sidebar.setFrameShape(QFrame.Shape.NoFrame)
        self.sidebar.setSpacing(3)
        self.stack = QStackedWidget()
        self.stack.setObjectName("views")
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.path_label = QLabel(display_path(ctx.path) + ("  (read-only)" if ctx.readonly else ""))
        self.path_label.setObjectName("status.path")
        self.counts_label = StatusCounts(ctx)
        self.statusBar().addWidget(self.path_label, 1)
        self.statusBar().addPermanentWidget(self.counts_label)
        self._build_menus()
        self.sidebar.currentRowChanged.connect(lambda row: self.show_view(VIEWS[row][0]))
        self._restore_settings()
        after_first_paint(self, self._first_painted)

    def _first_painted(self) -> None:
        """The window is on screen: count the records and let the app start its backup."""
        if self.ctx.closed:
            return  # replaced by another tracker's window before its first paint
        if not self.isVisible():  # hidden again at once: when it is next painted
            after_first_paint(self, self._first_painted)
            return
        self.firstPainted.emit()
        self.counts_label.count_all()

    def _title(self) -> str:
        suffix = " [read-only]" if self.ctx.readonly else ""
        return f"{self.ctx.path.name} — Lodestone{suffix}"

    # -- menus ------------------------------------------------------------------------------

    def _build_menus(self) -> None:
        bar = self.menuBar()
        add = self._add_actions
        file_menu = bar.addMenu("&File")
        file_menu.setObjectName("menu.file")
        add(
            file_menu,
            [
                (ActionSpec("new_tracker", "&New Tracker…", "Ctrl+Shift+N"), self.new_tracker),
                (ActionSpec("open", "&Open…", SK.Open), self.open_tracker),
            ],
        )
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.setObjectName("menu.recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        add(
            file_menu,
            [
                (ActionSpec("open_example", "Open &Example Tracker"), self.exampleRequested.emit),
            ],
        )
        file_menu.addSeparator()
        snapshots = [  # (action, whether it writes to the tracker)
            (ActionSpec("export_snapshot", "E&xport Snapshot…", "Ctrl+E"), False),
            (ActionSpec("import_snapshot", "&Import Snapshot…"), True),
            (ActionSpec("import_csv", "Import &CSV…"), True),
            (ActionSpec("compare_snapshots", "Co&mpare Snapshots…"), False),
        ]
        for spec, writes in snapshots:
            action = make_action(self, file_menu, spec, self._snapshot_slot(spec.name))
            action.setEnabled(not (writes and self.ctx.readonly))
        self.file_menu = file_menu
        file_menu.addSeparator()
        add(file_menu, [(ActionSpec("backups", "&Backups…"), self.show_backups)])
        file_menu.addSeparator()
        self.quit_action = make_action(
            self, file_menu, ActionSpec("quit", "&Quit", "Ctrl+Q"), self.close
        )
        edit = bar.addMenu("&Edit")
        edit.setObjectName("menu.edit")
        self.undo_action = self.ctx.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setObjectName("action.undo")
        self.undo_action.setShortcut(QKeySequence(SK.Undo))
        self.redo_action = self.ctx.undo_stack.createRedoAction(self, "&Redo")
        self.redo_action.setObjectName("action.redo")
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence(SK.Redo)])
        self.ctx.undo_stack.refused.connect(self.show_refusal)
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addSeparator()
        writable = [
            (ActionSpec("new_record", "&New Record", SK.New), lambda: self.new_record(None)),
            *(
                (ActionSpec(f"new_{kind.name}", text, keys),
                 lambda name=kind.name: self.new_record(name))  # fmt: skip
                for kind, (text, keys) in NEW_RECORD_ACTIONS.items()
            ),
            (
                ActionSpec("delete", "&Delete", SK.Delete, "Move the selected record to the Trash"),
                self.delete_selected,
            ),
        ]
        for action in add(edit, writable):
            action.setEnabled(not self.ctx.readonly)
        edit.addSeparator()
        add(
            edit,
            [
                (ActionSpec("find", "&Find…", SK.Find), self.focus_search),
                (ActionSpec("history", "Record &History…", "Ctrl+H"), self.show_history),
            ],
        )
        view = bar.addMenu("&View")
        view.setObjectName("menu.view")
        add(
            view,
            [
                (ActionSpec(f"view_{key}", title, shortcut), self._view_slot(key))
                for key, title, shortcut in VIEWS
            ],
        )
        self.view_menu = view
        help_menu = bar.addMenu("&Help")
        help_menu.setObjectName("menu.help")
        add(
            help_menu,
            [
                (ActionSpec("shortcuts", "&Keyboard Shortcuts", "Ctrl+/"), self.show_shortcuts),
                (ActionSpec("about", "&About Lodestone"), self.show_about),
            ],
        )

    def _add_actions(self, menu: QMenu,
                     specs: Sequence[tuple[ActionSpec, Callable[[], object]]]) -> list[QAction]:
        return [make_action(self, menu, spec, slot) for spec, slot in specs]

    def _view_slot(self, key: str) -> Callable[[], None]:
        return lambda: self.show_view(key)

    # -- views ------------------------------------------------------------------------------

    def page(self, key: str) -> QWidget:
        """The page of a view, built the first time it is shown (start-up stays light)."""
        if key not in self.pages:
            self.pages[key] = self._build_page(key)
            self.stack.addWidget(self.pages[key])
            self.viewBuilt.emit(key)
        return self.pages[key]

    def _build_page(self, key: str) -> QWidget:
        if key in KIND_OF_VIEW:
            page = ListPage(self.ctx, KIND_OF_VIEW[key])
            page.openRecord.connect(self.open_record)
            page.recordSelected.connect(self._record_selected)
            page.restore_state()
            return page
        if key == "trash":
            from lodestone.ui.lists.trash_page import TrashPage

            return TrashPage(self.ctx)
        from lodestone.ui.placeholders import build_optional_view

        return build_optional_view(self, key)

    def current_view(self) -> str:
        """The view on screen (the sidebar may already show the one being asked for)."""
        shown = self.stack.currentWidget()
        for key, page in self.pages.items():
            if page is shown:
                return key
        return VIEWS[max(self.sidebar.currentRow(), 0)][0]

    def current_list(self) -> ListPage | None:
        page = self.stack.currentWidget()
        return page if isinstance(page, ListPage) else None

    def show_view(self, key: str) -> None:
        leaving = self.current_list()
        target = self.page(key)
        if leaving is not None and leaving is not target and not self._may_leave(leaving):
            key, target = self.current_view(), leaving  # stay, and show so in the sidebar
        self.stack.setCurrentWidget(target)
        row = [v[0] for v in VIEWS].index(key)
        if self.sidebar.currentRow() != row:
            self.sidebar.blockSignals(True)
            self.sidebar.setCurrentRow(row)
            self.sidebar.blockSignals(False)

    def _may_leave(self, page: ListPage) -> bool:
        return page.may_leave(self)

    def open_record(self, kind: str, record_id: int) -> None:
        self.show_view(VIEW_OF_KIND[kind])
        page = self.page(VIEW_OF_KIND[kind])
        assert isinstance(page, ListPage)
        page.select_id(record_id)

    def _record_selected(self, kind: str, record_id: int) -> None:
        """A record chosen in a list is highlighted on the timeline, if it has been opened."""
        timeline = self.pages.get("timeline")
        if timeline is not None and record_kind(kind).span_columns is not None:
            from lodestone.ui.timeline.view import TimelineView  # loaded with the page

            assert isinstance(timeline, TimelineView)
            timeline.highlight(kind, record_id)

    def filter_deals(self, deal_ids: list[int]) -> None:
        """Show only these deals in the Deals list (from a click on the funding chart)."""
        self.show_view("deals")
        page = self.page("deals")
        assert isinstance(page, ListPage)
        page.show_only(deal_ids)

    # -- edit actions -----------------------------------------------------------------------

    def new_record(self, kind: str | None) -> None:
        if kind is None:
            page = self.current_list()
            kind = page.kind if page is not None else "deal"
        self.show_view(VIEW_OF_KIND[kind])
        shown = self.page(VIEW_OF_KIND[kind])
        assert isinstance(shown, ListPage)
        shown.new_record()

    def delete_selected(self) -> None:
        page = self.current_list()
        record_id = page.selected_id() if page is not None else None
        if page is None or record_id is None:
            self.statusBar().showMessage("Select a record to delete first.", 4000)
            return
        try:
            operation = delete_operation(self.ctx.repo, page.kind, record_id)
            self.ctx.run(operation)
        except REFUSALS as exc:
            log.info("delete refused", exc_info=exc)
            self.show_refusal(refusal_sentence("Not moved to the Trash", exc))
            return
        page.forget(record_id)
        self.statusBar().showMessage("Moved to the Trash (Ctrl+Z brings it back).", 6000)

    def show_refusal(self, sentence: str) -> None:
        """A change the tracker refused (an undo, a delete): why, in the status bar."""
        self.statusBar().showMessage(sentence, REFUSAL_MS)

    def focus_search(self) -> None:
        page = self.current_list()
        if page is None:
            self.show_view("deals")
            page = self.current_list()
        assert page is not None
        page.focus_search()

    def show_history(self) -> None:
        page = self.current_list()
        record_id = page.selected_id() if page is not None else None
        if page is None or record_id is None:
            self.statusBar().showMessage("Select a record to see its history.", 4000)
            return
        from lodestone.ui.dialogs.history import HistoryDialog

        HistoryDialog(self.ctx.repo, page.kind, record_id, self).exec()

    # -- files ------------------------------------------------------------------------------

    def new_tracker(self) -> None:
        from PySide6.QtWidgets import QFileDialog  # dialogs load when first used

        path, _ = QFileDialog.getSaveFileName(
            self,
            "New Tracker",
            str(self.ctx.paths.data_dir),
            "Lodestone trackers (*.db);;All files (*)",
        )
        if path:
            self.newRequested.emit(path)

    def open_tracker(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        path, _ = QFileDialog.getOpenFileName(
            self,
            "Open Tracker",
            str(self.ctx.path.parent),
            "Lodestone trackers (*.db);;All files (*)",
        )
        if path:
            self.openRequested.emit(path)

    def recent_files(self) -> list[str]:
        value = self.ctx.settings.value("recent_files", [])
        files = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        return [f for f in files if f]

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        files = [f for f in self.recent_files() if Path(f).exists()]
        for i, path in enumerate(files):
            action = self.recent_menu.addAction(f"&{i + 1} {path}")
            action.setObjectName(f"action.recent_{i}")
            action.triggered.connect(lambda _c=False, p=path: self.openRequested.emit(p))
        if not files:
            self.recent_menu.addAction("No recent trackers").setEnabled(False)

    def remember_file(self) -> None:
        path = str(self.ctx.path)
        files = [path] + [f for f in self.recent_files() if f != path]
        self.ctx.settings.setValue("recent_files", files[:MAX_RECENT])
        self.ctx.settings.setValue("last_file", path)

    def _snapshot_slot(self, name: str) -> Callable[[], None]:
        def show() -> None:
            from lodestone.ui.dialogs.file_menu import show_file_dialog

            show_file_dialog(self, self.ctx, name)

        return show

    def show_backups(self) -> None:
        from lodestone.ui.dialogs.storage import BackupsDialog

        dialog = BackupsDialog(self.ctx, self)
        dialog.restoreRequested.connect(self.restoreRequested)
        dialog.restoreOtherRequested.connect(self.restoreOtherRequested)
        dialog.exec()

    # -- help -------------------------------------------------------------------------------

    def show_shortcuts(self) -> None:
        from lodestone.ui.dialogs.about import ShortcutsDialog

        ShortcutsDialog(self).exec()

    def show_about(self) -> None:
        from PySide6.QtWidgets import QMessageBox

        from lodestone.ui.dialogs.about import about_text

        QMessageBox.about(self, "About Lodestone", about_text(self.ctx.path, __version__))

    # -- settings and closing ---------------------------------------------------------------

    def _restore_settings(self) -> None:
        settings = self.ctx.settings
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        else:
            self.resize(1280, 800)
        view = settings.value("window/view", "deals")
        self.show_view(view if view in [v[0] for v in VIEWS] else "deals")

    def save_settings(self) -> None:
        settings = self.ctx.settings
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/view", self.current_view())
        for page in self.pages.values():
            if isinstance(page, ListPage):
                page.save_state()
        self.remember_file()
        settings.sync()

    def may_close(self) -> bool:
        """Whether unsaved typing has been saved or knowingly discarded."""
        page = self.current_list()
        return page is None or self._may_leave(page)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt's name)
        if not self.may_close():
            event.ignore()
            return
        self.save_settings()
        event.accept()
