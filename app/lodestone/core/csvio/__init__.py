"""Importing a foreign CSV or spreadsheet export: the file, the column mapping, row parsing and
values, the worker processes, the store, the report and company matching.

Built on `storage` and `records`; independent of snapshots, funding and timeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lodestone.core.lazy_exports import load_export

# Each public name and the submodule that defines it, imported on first use (PEP 562):
# importing the package loads none of them.
_EXPORTS = {
    "ImportOptionError": "importer",
    "check_options": "importer",
    "import_csv": "importer",
    "preview": "importer",
    "FIELDS": "mapping",
    "KINDS": "mapping",
    "REQUIRED": "mapping",
    "ColumnMapping": "mapping",
    "MappingError": "mapping",
    "parse_map_option": "mapping",
    "resolve_mapping": "mapping",
    "LISTED": "report",
    "CsvImportReport": "report",
    "RowResult": "rows",
    "CsvImportError": "source",
    "CsvSource": "source",
    "check_date_format": "values",
}

if TYPE_CHECKING:  # the same names, for type checkers and the import graph
    from lodestone.core.csvio.importer import ImportOptionError as ImportOptionError
    from lodestone.core.csvio.importer import check_options as check_options
    from lodestone.core.csvio.importer import import_csv as import_csv
    from lodestone.core.csvio.importer import preview as preview
    from lodestone.core.csvio.mapping import FIELDS as FIELDS
    from lodestone.core.csvio.mapping import KINDS as KINDS
    from lodestone.core.csvio.mapping import REQUIRED as REQUIRED
    from lodestone.core.csvio.mapping import ColumnMapping as ColumnMapping
    from lodestone.core.csvio.mapping import MappingError as MappingError
    from lodestone.core.csvio.mapping import parse_map_option as parse_map_option
    from lodestone.core.csvio.mapping import resolve_mapping as resolve_mapping
    from lodestone.core.csvio.report import LISTED as LISTED
    from lodestone.core.csvio.report import CsvImportReport as CsvImportReport
    from lodestone.core.csvio.rows import RowResult as RowResult
    from lodestone.core.csvio.source import CsvImportError as CsvImportError
    from lodestone.core.csvio.source import CsvSource as CsvSource
    from lodestone.core.csvio.values import check_date_format as check_date_format
else:  # hidden from type checkers, which then report a name not exported

    def __getattr__(name: str) -> object:
        return load_export(__name__, _EXPORTS, name)
