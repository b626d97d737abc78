"""Where Lodestone keeps its files, resolved in one place.

Everything that touches the user's disk asks an `AppPaths` for the location, so tests (and
anyone with `LODESTONE_HOME` set) can redirect all of it to a temporary folder. The log folder
follows the data folder when that is redirected, and `LODESTONE_LOG_DIR` moves it alone.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

APP_NAME = "Lodestone"
HOME_VARIABLE = "LODESTONE_HOME"
LOG_VARIABLE = "LODESTONE_LOG_DIR"
LOG_FILE_NAME = "lodestone.log"


@dataclass(frozen=True)
class AppPaths:
    """The folders and files of one Lodestone installation.

    Logs go to `log_folder`, or else a `logs` folder in the data folder: paths made for a
    test folder (`AppPaths(tmp_path)`) keep their logs there too. Two paths of the same data
    folder are the same installation, wherever each writes its log.
    """

    data_dir: Path
    log_folder: Path | None = field(default=None, compare=False)

    @classmethod
    def default(cls, environ: Mapping[str, str] | None = None) -> AppPaths:
        """The platform's user data and log folders, or `$LODESTONE_HOME` (and its `logs`)
        when set; `$LODESTONE_LOG_DIR` moves the log folder on its own."""
        env = os.environ if environ is None else environ
        log_override = env.get(LOG_VARIABLE)
        log_dir = Path(log_override).expanduser() if log_override else None
        override = env.get(HOME_VARIABLE)
        if override:
            return cls(Path(override).expanduser(), log_dir)
        from platformdirs import user_data_dir, user_log_dir

        if log_dir is None:
            log_dir = Path(user_log_dir(APP_NAME, appauthor=False))
        return cls(Path(user_data_dir(APP_NAME, appauthor=False)), log_dir)

    @property
    def tracker(self) -> Path:
        """The analyst's own tracker."""
        return self.data_dir / "tracker.lodestone.db"

    @property
    def example_tracker(self) -> Path:
        """The bundled example, copied into its own file so it never touches the analyst's."""
        return self.data_dir / "example.lodestone.db"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"

    @property
    def log_dir(self) -> Path:
        return self.log_folder or self.data_dir / "logs"

    @property
    def log_file(self) -> Path:
        """Where background failures and their tracebacks are written (rotated)."""
        return self.log_dir / LOG_FILE_NAME

    @property
    def settings_file(self) -> Path:
        return self.data_dir / "settings.ini"

    def ensure(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True, mode=0o700)


def resources_dir() -> Path:
    """The shipped resources: the bundle's (PyInstaller unpacks them under `sys._MEIPASS`), next
    to the package when installed, the repository's otherwise."""
    here = Path(__file__).resolve().parent.parent
    unpacked = getattr(sys, "_MEIPASS", None)  # set by PyInstaller's boot loader, never otherwise
    bundle = [Path(unpacked) / "resources"] if unpacked else []
    for candidate in (*bundle, here / "resources", here.parent.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("Lodestone's resources folder is missing from this installation")
