"""Snapshots: the format, its files and cells, export, restore and merge, and comparing two.

Built on `storage` and `records`; independent of csvio, funding and timeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lodestone.core.lazy_exports import load_export

# Each public name and the submodule that defines it, imported on first use (PEP 562):
# importing the package loads none of them.
_EXPORTS = {
    "compare_snapshots": "compare",
    "ADDED": "compare_report",
    "CHANGED": "compare_report",
    "MARKS": "compare_report",
    "REMOVED": "compare_report",
    "Comparison": "compare_report",
    "export_snapshot": "export",
    "SnapshotReader": "files",
    "check_new_destination": "files",
    "Manifest": "format",
    "SnapshotError": "format",
    "ImportReport": "report",
    "import_snapshot": "restore",
}

if TYPE_CHECKING:  # the same names, for type checkers and the import graph
    from lodestone.core.snapshots.compare import compare_snapshots as compare_snapshots
    from lodestone.core.snapshots.compare_report import ADDED as ADDED
    from lodestone.core.snapshots.compare_report import CHANGED as CHANGED
    from lodestone.core.snapshots.compare_report import MARKS as MARKS
    from lodestone.core.snapshots.compare_report import REMOVED as REMOVED
    from lodestone.core.snapshots.compare_report import Comparison as Comparison
    from lodestone.core.snapshots.export import export_snapshot as export_snapshot
    from lodestone.core.snapshots.files import SnapshotReader as SnapshotReader
    from lodestone.core.snapshots.files import check_new_destination as check_new_destination
    from lodestone.core.snapshots.format import Manifest as Manifest
    from lodestone.core.snapshots.format import SnapshotError as SnapshotError
    from lodestone.core.snapshots.report import ImportReport as ImportReport
    from lodestone.core.snapshots.restore import import_snapshot as import_snapshot
else:  # hidden from type checkers, which then report a name not exported

    def __getattr__(name: str) -> object:
        return load_export(__name__, _EXPORTS, name)
