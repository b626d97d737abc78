"""Every shortcut of the menus is listed in the README's keyboard table."""

from __future__ import annotations

from pathlib import Path

from lodestone.ui.actions import shortcut_rows
from lodestone.ui.main_window import MainWindow

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def test_readme_lists_every_menu_shortcut(ctx, qtbot):
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    table = README[README.index("### Keyboard shortcuts") : README.index("## The command line")]
    for _menu, action, keys in shortcut_rows(window):
        if action.startswith("Undo") or action.startswith("Redo"):
            action = "Undo / Redo"
        assert keys in table, f"{action}: {keys}"
