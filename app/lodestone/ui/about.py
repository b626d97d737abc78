"""Help → About and Help → Keyboard Shortcuts."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QMainWindow,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
)

from lodestone.ui.actions import EXTRA_SHORTCUTS, shortcut_rows


def about_text(path: Path, version: str) -> str:
    return (
        f"<h3>Lodestone {version}</h3>"
        "<p>A desktop tracker for the rare-earth and critical-minerals supply chain: "
        "companies, the deals that fund them, and the events around them.</p>"
        f"<p>Open file:<br><code>{path}</code></p>"
        "<p>Released under the MIT licence.</p>"
    )


class ShortcutsDialog(QDialog):
    """Every shortcut of the menus (read from the actions themselves) and of lists and forms."""

    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setObjectName("shortcuts.dialog")
        self.setWindowTitle("Keyboard Shortcuts")
        self.tree = QTreeWidget()
        self.tree.setObjectName("shortcuts.tree")
        self.tree.setHeaderLabels(["Where", "What", "Keys"])
        self.tree.setRootIsDecorated(False)
        for row in [*shortcut_rows(window), *EXTRA_SHORTCUTS]:
            self.tree.addTopLevelItem(QTreeWidgetItem(list(row)))
        for column in range(3):
            self.tree.resizeColumnToContents(column)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.resize(560, 520)
