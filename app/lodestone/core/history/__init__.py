"""The one undo history, the operations it applies (records, citations, exchange rates, saved
views, imports) with their inverses, and the change log read back for Record History.

Built on `funding` (exchange rates), `lists` (saved views), `storage` and `records`: it sits
above them, just under `samples`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lodestone.core.lazy_exports import load_export

# Each public name and the submodule that defines it, imported on first use (PEP 562):
# importing the package loads none of them.
_EXPORTS = {
    "AddCitation": "attachments",
    "EditCitation": "attachments",
    "RemoveCitation": "attachments",
    "describe_source": "attachments",
    "describe_update": "describe",
    "import_step": "imports",
    "log_mark": "imports",
    "Composite": "operations",
    "Operation": "operations",
    "delete_operation": "operations",
    "restore_operation": "operations",
    "save_operation": "operations",
    "AddRate": "reference_data",
    "EditRate": "reference_data",
    "delete_view_operation": "reference_data",
    "rate_history": "reference_data",
    "remove_rates_operation": "reference_data",
    "rename_view_operation": "reference_data",
    "save_view_operation": "reference_data",
    "view_history": "reference_data",
    "REFUSALS": "undo",
    "ChangeRefused": "undo",
    "UndoHistory": "undo",
    "refusal_sentence": "undo",
}

if TYPE_CHECKING:  # the same names, for type checkers and the import graph
    from lodestone.core.history.attachments import AddCitation as AddCitation
    from lodestone.core.history.attachments import EditCitation as EditCitation
    from lodestone.core.history.attachments import RemoveCitation as RemoveCitation
    from lodestone.core.history.attachments import describe_source as describe_source
    from lodestone.core.history.describe import describe_update as describe_update
    from lodestone.core.history.imports import import_step as import_step
    from lodestone.core.history.imports import log_mark as log_mark
    from lodestone.core.history.operations import Composite as Composite
    from lodestone.core.history.operations import Operation as Operation
    from lodestone.core.history.operations import delete_operation as delete_operation
    from lodestone.core.history.operations import restore_operation as restore_operation
    from lodestone.core.history.operations import save_operation as save_operation
    from lodestone.core.history.reference_data import AddRate as AddRate
    from lodestone.core.history.reference_data import EditRate as EditRate
    from lodestone.core.history.reference_data import delete_view_operation as delete_view_operation
    from lodestone.core.history.reference_data import rate_history as rate_history
    from lodestone.core.history.reference_data import (
        remove_rates_operation as remove_rates_operation,
    )
    from lodestone.core.history.reference_data import rename_view_operation as rename_view_operation
    from lodestone.core.history.reference_data import save_view_operation as save_view_operation
    from lodestone.core.history.reference_data import view_history as view_history
    from lodestone.core.history.undo import REFUSALS as REFUSALS
    from lodestone.core.history.undo import ChangeRefused as ChangeRefused
    from lodestone.core.history.undo import UndoHistory as UndoHistory
    from lodestone.core.history.undo import refusal_sentence as refusal_sentence
else:  # hidden from type checkers, which then report a name not exported

    def __getattr__(name: str) -> object:
        return load_export(__name__, _EXPORTS, name)
