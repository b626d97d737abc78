"""A dialog that shows rows in a tree with a Close button: shortcuts, a record's history."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTreeWidget, QVBoxLayout, QWidget


class TreeDialog(QDialog):
    def __init__(self, parent: QWidget | None, name: str, title: str, headers: list[str],
                 size: tuple[int, int]) -> None:  # fmt: skip
        super().__init__(parent)
        self.setObjectName(f"{name}.dialog")
        self.setWindowTitle(title)
        self.tree = QTreeWidget()
        self.tree.setObjectName(f"{name}.tree")
        self.tree.setHeaderLabels(headers)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tree)
        layout.addWidget(buttons)
        self.resize(*size)

    def fit_columns(self) -> None:
        self.tree.expandAll()
        for column in range(self.tree.columnCount()):
            self.tree.resizeColumnToContents(column)
