"""The change log read back and the inverse of each edit: what undo and Record History use.

Built on `storage` and `records`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lodestone.core.lazy_exports import load_export

# Each public name and the submodule that defines it, imported on first use (PEP 562):
# importing the package loads none of them.
_EXPORTS = {
    "describe_update": "describe",
    "Operation": "operations",
    "delete_operation": "operations",
    "restore_operation": "operations",
    "save_operation": "operations",
}

if TYPE_CHECKING:  # the same names, for type checkers and the import graph
    from lodestone.core.history.describe import describe_update as describe_update
    from lodestone.core.history.operations import Operation as Operation
    from lodestone.core.history.operations import delete_operation as delete_operation
    from lodestone.core.history.operations import restore_operation as restore_operation
    from lodestone.core.history.operations import save_operation as save_operation
else:  # hidden from type checkers, which then report a name not exported

    def __getattr__(name: str) -> object:
        return load_export(__name__, _EXPORTS, name)
