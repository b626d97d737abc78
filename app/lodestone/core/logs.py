"""Where Lodestone writes down what went wrong: a rotating file in the user's log folder.

Started from the desktop menu, the program has no terminal: a traceback printed on stderr is
lost. `configure_logging` (called once by the window's start and once by the command line)
sends the standard `logging` records, and every uncaught exception, to
`AppPaths.log_file`, rotated at LOG_BYTES with LOG_BACKUPS older files kept.

It must cost a start nothing: `logging.handlers` pulls in pickle, socket and queue (15 ms), so
the file handler is made, and its folder created, only when the first record arrives, which
in a good session is never.
"""

from __future__ import annotations

import logging
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from lodestone.core.paths import AppPaths

LOG_BYTES = 1_000_000
LOG_BACKUPS = 4
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(threadName)s] %(message)s"
log = logging.getLogger("lodestone")


class RotatingLogFile(logging.Handler):
    """A `logging.handlers.RotatingFileHandler` on `path`, made on the first record."""

    def __init__(self, path: Path, level: int = logging.INFO) -> None:
        super().__init__(level)
        self.path = Path(path)
        self.setFormatter(logging.Formatter(LOG_FORMAT))
        self._file: logging.Handler | None = None

    def emit(self, record: logging.LogRecord) -> None:
        try:
            if self._file is None:  # `handle` holds this handler's lock: made once
                from logging.handlers import RotatingFileHandler

                self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                self._file = RotatingFileHandler(self.path, maxBytes=LOG_BYTES,
                                                 backupCount=LOG_BACKUPS, encoding="utf-8")
                self._file.setFormatter(self.formatter)
                # Its failures are this handler's: dropped, never printed (see handleError).
                self._file.handleError = self.handleError  # type: ignore[method-assign]
            self._file.emit(record)
        except Exception:  # noqa: BLE001 - logging must never take the program down
            self.handleError(record)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        """A log that cannot be written (a full disk, a folder gone) is dropped: the analyst's
        one line on stderr must not be followed by logging's own traceback."""

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        super().close()


ExceptHook = Any  # sys.excepthook's and threading.excepthook's shapes differ


class _LoggingHook:
    """An exception hook that logs the exception, then calls the hook it replaced."""

    def __init__(self, previous: ExceptHook, threads: bool) -> None:
        self.previous = previous
        self._threads = threads

    def __call__(self, *args: Any) -> None:
        if self._threads:  # threading.excepthook(args)
            kind, value, traceback = args[0].exc_type, args[0].exc_value, args[0].exc_traceback
        else:
            kind, value, traceback = args
        if not issubclass(kind, KeyboardInterrupt):
            _log_uncaught(kind, value, traceback)
        self.previous(*args)


def _log_uncaught(kind: type[BaseException], value: BaseException,
                  traceback: TracebackType | None) -> None:  # fmt: skip
    log.critical("Uncaught %s", kind.__name__, exc_info=(kind, value, traceback))


def configure_logging(paths: AppPaths, level: int = logging.INFO) -> RotatingLogFile:
    """Send log records of `level` and above, and uncaught exceptions (a Qt slot's included:
    PySide hands them to sys.excepthook), to the log file; stderr keeps what it showed.
    Calling it again replaces the file it writes to."""
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, RotatingLogFile)]:
        root.removeHandler(old)
        old.close()
    handler = RotatingLogFile(paths.log_file, level)
    root.addHandler(handler)
    if root.getEffectiveLevel() > level:
        root.setLevel(level)
    if not isinstance(sys.excepthook, _LoggingHook):
        sys.excepthook = _LoggingHook(sys.excepthook, threads=False)
    if not isinstance(threading.excepthook, _LoggingHook):
        threading.excepthook = _LoggingHook(threading.excepthook, threads=True)
    return handler
