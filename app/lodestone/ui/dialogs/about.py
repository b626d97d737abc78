"""Help → About and Help → Keyboard Shortcuts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMainWindow, QTreeWidgetItem

from lodestone.ui.actions import EXTRA_SHORTCUTS, shortcut_rows
from lodestone.ui.dialogs.tree import TreeDialog


def about_text(path: Path, version: str) -> str:
    return (
        f"<h3>Lodestone {version}</h3>"
        "<p>A desktop tracker for the rare-earth and critical-minerals supply chain: "
        "companies, the deals that fund them, and the events around them.</p>"
        f"<p>Open file:<br><code>{path}</code></p>"
        "<p>Released under the MIT licence.</p>"
    )


class ShortcutsDialog(TreeDialog):
    """Every shortcut of the menus (read from the actions themselves) and of lists and forms."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window, "shortcuts", "Keyboard Shortcuts", ["Where", "What", "Keys"],
                         (560, 520))  # fmt: skip
        self.tree.setRootIsDecorated(False)
        for row in [*shortcut_rows(window), *EXTRA_SHORTCUTS]:
            self.tree.addTopLevelItem(QTreeWidgetItem(list(row)))
        self.fit_columns()
