"""Taking, verifying, listing and rotating a tracker's backups.

Built on `storage`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lodestone.core.lazy_exports import load_export

# Each public name and the submodule that defines it, imported on first use (PEP 562):
# importing the package loads none of them.
_EXPORTS = {
    "BackupFailed": "backup",
    "OtherTrackerBackup": "backup",
    "backup_to": "backup",
    "maybe_backup": "backup",
    "of_another_tracker": "backup",
    "restore_backup": "backup",
    "take_backup": "backup",
    "verify_backup": "backup",
    "BackupInfo": "index",
    "backup_folder": "index",
    "first_problem": "index",
    "human_size": "index",
    "list_backups": "index",
}

if TYPE_CHECKING:  # the same names, for type checkers and the import graph
    from lodestone.core.backups.backup import BackupFailed as BackupFailed
    from lodestone.core.backups.backup import OtherTrackerBackup as OtherTrackerBackup
    from lodestone.core.backups.backup import backup_to as backup_to
    from lodestone.core.backups.backup import maybe_backup as maybe_backup
    from lodestone.core.backups.backup import of_another_tracker as of_another_tracker
    from lodestone.core.backups.backup import restore_backup as restore_backup
    from lodestone.core.backups.backup import take_backup as take_backup
    from lodestone.core.backups.backup import verify_backup as verify_backup
    from lodestone.core.backups.index import BackupInfo as BackupInfo
    from lodestone.core.backups.index import backup_folder as backup_folder
    from lodestone.core.backups.index import first_problem as first_problem
    from lodestone.core.backups.index import human_size as human_size
    from lodestone.core.backups.index import list_backups as list_backups
else:  # hidden from type checkers, which then report a name not exported

    def __getattr__(name: str) -> object:
        return load_export(__name__, _EXPORTS, name)
