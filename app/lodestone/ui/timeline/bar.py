"""The timeline's toolbar: how lanes are grouped, range presets, and export."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Protocol

from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QWidget,
)

from lodestone.core.timeline import GROUPINGS

EXPORT_FILTERS = {"png": "PNG image (*.png)", "svg": "SVG drawing (*.svg)"}


class TimelineControls(Protocol):
    """What the toolbar drives: the lanes' grouping, the range presets and the export."""

    def set_group_by(self, group_by: str) -> None: ...

    def fit_all(self) -> None: ...

    def show_years(self, years: int) -> None: ...

    def show_everything(self) -> None: ...

    def export(self, path: Path | str) -> Path: ...


class TimelineBar(QWidget):
    """Group-by choice, "Fit all", 1-year / 5-year / all presets and PNG / SVG export."""

    def __init__(self, view: TimelineControls, export_folder: Path,
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.view = view
        self.export_folder = export_folder
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        label = QLabel("Lanes by")
        self.group_by = QComboBox()
        self.group_by.setObjectName("timeline.groupBy")
        self.group_by.setAccessibleName("Lanes by")
        label.setBuddy(self.group_by)
        for key, title in GROUPINGS.items():
            self.group_by.addItem(title, key)
        self.group_by.currentIndexChanged.connect(
            lambda _: view.set_group_by(self.group_by.currentData()))
        layout.addWidget(label)
        layout.addWidget(self.group_by)
        layout.addSpacing(12)
        self.buttons = {
            "fitAll": self._button("Fit all", "fitAll", view.fit_all, "Show everything (Home)"),
            "year": self._button("1 year", "year", lambda: view.show_years(1)),
            "fiveYears": self._button("5 years", "fiveYears", lambda: view.show_years(5)),
            "all": self._button("All", "all", view.show_everything, "The whole span of the data"),
        }
        for button in self.buttons.values():
            layout.addWidget(button)
        layout.addStretch(1)
        for suffix in EXPORT_FILTERS:
            button = self._button(f"Export {suffix.upper()}…", f"export{suffix.upper()}",
                                  partial(self.export, suffix))
            layout.addWidget(button)

    def _button(self, text: str, name: str, slot: Callable[[], object],
                tip: str = "") -> QPushButton:  # fmt: skip
        button = QPushButton(text)
        button.setObjectName(f"timeline.{name}")
        button.setAccessibleName(text.rstrip("…"))
        button.setToolTip(tip)
        button.clicked.connect(lambda _=False: slot())
        return button

    def show_grouping(self, group_by: str) -> None:
        index = self.group_by.findData(group_by)
        if index != self.group_by.currentIndex():
            self.group_by.blockSignals(True)
            self.group_by.setCurrentIndex(index)
            self.group_by.blockSignals(False)

    def export(self, suffix: str) -> Path | None:
        """Ask where to save the visible timeline, then save it; None when cancelled."""
        start = str(self.export_folder / f"timeline.{suffix}")
        name, _ = QFileDialog.getSaveFileName(self, "Export Timeline", start,
                                              EXPORT_FILTERS[suffix])
        if not name:
            return None
        path = Path(name).with_suffix(f".{suffix}")
        try:
            return self.view.export(path)
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self, "Export Timeline", f"The timeline was not exported: {exc}")
            return None
