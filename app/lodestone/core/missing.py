"""The one sentence for a path that leads to no file: missing, or a symbolic link that loops or
points nowhere (which `Path.exists()` also calls missing), said the same by every command."""

from __future__ import annotations

import errno
import os
from pathlib import Path


def missing_file(path: Path) -> str:
    """Why `path` (for which `exists()` is false) cannot be read: '<path> does not exist', or
    what is wrong with the symbolic link it is."""
    if not path.is_symlink():
        return f"{path} does not exist"
    try:
        path.resolve(strict=True)
    except RuntimeError:  # Python 3.11 reports a loop so
        return f"{path} is a symbolic link that leads back to itself (a loop)"
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"{path} is a symbolic link that leads back to itself (a loop)"
    return f"{path} is a symbolic link to {os.readlink(path)}, which does not exist"
