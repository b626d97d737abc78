"""What the File-menu dialogs that read or write a whole tracker share: the folder their file
choosers start in, the backup taken before an import writes, and the announcement after it.

Kept apart from the dialogs themselves so that none of them imports another for these.
"""

from __future__ import annotations

from collections.abc import Iterable

from lodestone.core.storage import Change
from lodestone.ui.context import AppContext

FOLDER_KEY = "snapshots/folder"  # the folder the snapshot, CSV and compare dialogs last used


def announce_import(ctx: AppContext, changes: Iterable[Change], *,
                    forget_history: bool = True) -> None:  # fmt: skip
    """After an import through another connection: the changes it committed are passed on
    to every list, form and chart. A snapshot import forgets the undo history, as its steps
    may name ids the import has since given to other records; a CSV import only adds records,
    and becomes a step of that history itself."""
    if forget_history:
        ctx.undo_stack.clear()
    for change in changes:
        ctx.notifier.deliver(change)


def backup_before_import(ctx: AppContext) -> None:
    """The verified backup taken before an import writes (none without a session: a tracker
    opened by tests or `render` has no backups folder of its own)."""
    if ctx.session is not None:
        ctx.session.backup_now("before-import")
