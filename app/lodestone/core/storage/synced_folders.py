"""Cloud-synced folders (Dropbox, OneDrive, Google Drive, iCloud Drive, Syncthing): a tracker
inside one is at risk, since a sync service copies a database while it is written.

Both `lodestone check` and the window's start warn about it, so it lives here, below both.
"""

from __future__ import annotations

from pathlib import Path

_CLOUD_NAMES = (
    ("Dropbox", ("Dropbox",), ("Dropbox (",)),
    ("OneDrive", ("OneDrive",), ("OneDrive - ", "OneDrive-")),
    ("Google Drive", ("Google Drive", "GoogleDrive", "My Drive"), ("GoogleDrive-",)),
    ("iCloud Drive", ("iCloud Drive", "iCloudDrive", "com~apple~CloudDocs"), ()),
)


def _cloud_service(folder: Path) -> str | None:
    name = folder.name
    for service, names, prefixes in _CLOUD_NAMES:
        if name in names or name.startswith(prefixes):
            return service
    if folder.name == "Mobile Documents" and folder.parent.name == "Library":
        return "iCloud Drive"
    if folder.parent.name == "CloudStorage" and folder.parent.parent.name == "Library":
        return "cloud storage"
    try:
        if (folder / ".stfolder").exists():
            return "Syncthing"
    except OSError:
        return None
    return None


def cloud_sync_warning(path: Path) -> str | None:
    """A warning when `path` is inside a cloud-synced folder, else None.

    Sync services copy a database while it changes and can bring back an old or torn copy;
    a tracker belongs outside them (its backups can be synced safely).
    """
    resolved = Path(path).expanduser().resolve()
    for folder in resolved.parents:
        service = _cloud_service(folder)
        if service is not None:
            return (
                f"{resolved} is inside a {service} folder ({folder}). Sync services can copy "
                "a database while it is being written and corrupt it or bring back an old "
                "copy: keep the tracker outside synced folders."
            )
    return None
