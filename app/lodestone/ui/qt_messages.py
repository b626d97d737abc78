"""Qt's own messages (a layout it cannot satisfy, a missing plugin, a font it replaced) go to
the log as well as to where Qt printed them: started from the desktop menu, nobody sees
stderr."""

from __future__ import annotations

import logging
import sys

from PySide6.QtCore import QMessageLogContext, QtMsgType, qInstallMessageHandler

log = logging.getLogger("lodestone.qt")
LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
          QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
          QtMsgType.QtFatalMsg: logging.CRITICAL}  # fmt: skip


def log_qt_messages() -> None:
    """Install a Qt message handler that logs each message, then hands it on to the handler
    it replaced (or prints it on stderr, as Qt's own does)."""
    previous = None

    def handle(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        where = f" ({context.category})" if context.category not in (None, "default") else ""
        log.log(LEVELS.get(kind, logging.WARNING), "%s%s", message, where)
        if previous is not None:
            previous(kind, context, message)
        else:
            print(message, file=sys.stderr)

    previous = qInstallMessageHandler(handle)
