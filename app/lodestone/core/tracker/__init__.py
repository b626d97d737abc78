"""The open tracker the window and the command line talk to: opening it with recovery and a
backup before a migration, and the session that holds it.

Built on `backups`, `storage` and everything below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lodestone.core.lazy_exports import load_export

# Each public name and the submodule that defines it, imported on first use (PEP 562):
# importing the package loads none of them.
_EXPORTS = {
    "ForeignWalError": "recovery",
    "can_recover": "recovery",
    "latest_good_backup": "recovery",
    "recover": "recovery",
    "Session": "session",
    "open_for_writing": "session",
    "open_readonly": "session",
    "restore_closed": "session",
}

if TYPE_CHECKING:  # the same names, for type checkers and the import graph
    from lodestone.core.tracker.recovery import ForeignWalError as ForeignWalError
    from lodestone.core.tracker.recovery import can_recover as can_recover
    from lodestone.core.tracker.recovery import latest_good_backup as latest_good_backup
    from lodestone.core.tracker.recovery import recover as recover
    from lodestone.core.tracker.session import Session as Session
    from lodestone.core.tracker.session import open_for_writing as open_for_writing
    from lodestone.core.tracker.session import open_readonly as open_readonly
    from lodestone.core.tracker.session import restore_closed as restore_closed
else:  # hidden from type checkers, which then report a name not exported

    def __getattr__(name: str) -> object:
        return load_export(__name__, _EXPORTS, name)
