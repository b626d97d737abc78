"""Where Lodestone keeps its files, resolved in one place.

Everything that touches the user's disk asks an `AppPaths` for the location, so tests (and
anyone with `LODESTONE_HOME` set) can redirect all of it to a temporary folder.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

APP_NAME = "Lodestone"
HOME_VARIABLE = "LODESTONE_HOME"


@dataclass(frozen=True)
class AppPaths:
    """The folders and files of one Lodestone installation."""

    data_dir: Path

    @classmethod
    def default(cls, environ: dict[str, str] | None = None) -> AppPaths:
        """The platform's user data folder, or `$LODESTONE_HOME` when set."""
        env = os.environ if environ is None else environ
        override = env.get(HOME_VARIABLE)
        if override:
            return cls(Path(override).expanduser())
        from platformdirs import user_data_dir

        return cls(Path(user_data_dir(APP_NAME, appauthor=False)))

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
