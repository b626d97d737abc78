"""`lodestone render`: the main window showing one view, drawn to a PNG without a screen.

Used to look at what we build, for the README's screenshots, and in tests.
"""

from __future__ import annotations

import os
from pathlib import Path

from lodestone.ui.render_args import RENDERABLE, parse_select, parse_size  # noqa: F401


def render_view(
    db: Path,
    view: str,
    out: Path,
    *,
    size: tuple[int, int] = (1280, 800),
    select: tuple[str, int] | None = None,
    home: Path | None = None,
) -> Path:
    """Open the tracker read-only, show `view` (and the selected record) and save a PNG."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from lodestone.core.paths import AppPaths
    from lodestone.ui.app import make_application, open_context
    from lodestone.ui.main_window import MainWindow

    app = make_application()
    _quiet_offscreen_notices()
    paths = AppPaths(home) if home else AppPaths.default()
    ctx = open_context(db, paths, readonly=True)
    # Drawn as the analyst sees it when editing; the connection itself stays read-only, so
    # nothing can be written even by mistake.
    ctx.readonly = False
    try:
        window = MainWindow(ctx)
        window.resize(*size)
        window.show_view(view)
        if select is not None:
            window.open_record(*select)
        window.show()
        for _ in range(5):
            QApplication.processEvents()
        page = window.stack.currentWidget()
        if page is not None and hasattr(page, "prepare_render"):
            page.prepare_render()
            QApplication.processEvents()
        image = window.grab()
        out.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(out), "PNG"):
            raise OSError(f"cannot write {out}")
        window.hide()  # not close(): a render must not overwrite the user's window settings
        window.deleteLater()
        app.processEvents()
    finally:
        ctx.close()
    return out


def _quiet_offscreen_notices() -> None:
    """The offscreen platform says it cannot size windows to hints; a render does not care."""
    from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

    previous = None

    def handler(mode: QtMsgType, context: QMessageLogContext, message: str) -> None:
        if "propagateSizeHints" in message:
            return
        if previous is not None:
            previous(mode, context, message)
        else:
            import sys

            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handler)
