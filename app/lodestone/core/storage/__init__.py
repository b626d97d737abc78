"""A tracker file: opening, the writer lock, schema and migrations, the transaction layer (the
repository), row mapping, stored names and search index upkeep, `check`, and the file helpers
(companions, setting aside, cloud-synced folders) the layers above share.

Built on `records` only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lodestone.core.lazy_exports import load_export

# Each public name and the submodule that defines it, imported on first use (PEP 562):
# importing the package loads none of them.
_EXPORTS = {
    "Index": "bulk_indexes",
    "drop_indexes": "bulk_indexes",
    "recreate_indexes": "bulk_indexes",
    "worth_deferring": "bulk_indexes",
    "Change": "changes",
    "CheckReport": "check",
    "check_tracker": "check",
    "count_records": "check",
    "ensure_no_records": "check",
    "DamagedTrackerError": "db",
    "NewerSchemaError": "db",
    "NotATrackerError": "db",
    "SaveFailed": "db",
    "TrackerError": "db",
    "WriteProtectedError": "db",
    "connect_readonly": "db",
    "ensure_writable": "db",
    "inspect_existing": "db",
    "migrate": "db",
    "open_tracker": "db",
    "schema_version": "db",
    "unreadable": "db",
    "PRIVATE_FILE": "files",
    "companion": "files",
    "create_private": "files",
    "file_identity": "files",
    "file_set": "files",
    "fsync_dir": "files",
    "fsync_file": "files",
    "make_private": "files",
    "parse_time_stamp": "files",
    "private_dir": "files",
    "set_aside": "files",
    "set_aside_companions": "files",
    "time_stamp": "files",
    "utcnow": "files",
    "wal_has_frames": "files",
    "read_identity": "identity",
    "stamp_identity": "identity",
    "LockedError": "lock",
    "WriterLock": "lock",
    "acquire": "lock",
    "ChangeEntry": "repository",
    "RecordNotFound": "repository",
    "Repository": "repository",
    "first_refused": "row_checks",
    "SCHEMA_VERSION": "schema",
    "names_filled_at_end": "stored_names",
    "cloud_sync_warning": "synced_folders",
    "InvalidRecord": "writes",
    "Writes": "writes",
}

if TYPE_CHECKING:  # the same names, for type checkers and the import graph
    from lodestone.core.storage.bulk_indexes import Index as Index
    from lodestone.core.storage.bulk_indexes import drop_indexes as drop_indexes
    from lodestone.core.storage.bulk_indexes import recreate_indexes as recreate_indexes
    from lodestone.core.storage.bulk_indexes import worth_deferring as worth_deferring
    from lodestone.core.storage.changes import Change as Change
    from lodestone.core.storage.check import CheckReport as CheckReport
    from lodestone.core.storage.check import check_tracker as check_tracker
    from lodestone.core.storage.check import count_records as count_records
    from lodestone.core.storage.check import ensure_no_records as ensure_no_records
    from lodestone.core.storage.db import DamagedTrackerError as DamagedTrackerError
    from lodestone.core.storage.db import NewerSchemaError as NewerSchemaError
    from lodestone.core.storage.db import NotATrackerError as NotATrackerError
    from lodestone.core.storage.db import SaveFailed as SaveFailed
    from lodestone.core.storage.db import TrackerError as TrackerError
    from lodestone.core.storage.db import WriteProtectedError as WriteProtectedError
    from lodestone.core.storage.db import connect_readonly as connect_readonly
    from lodestone.core.storage.db import ensure_writable as ensure_writable
    from lodestone.core.storage.db import inspect_existing as inspect_existing
    from lodestone.core.storage.db import migrate as migrate
    from lodestone.core.storage.db import open_tracker as open_tracker
    from lodestone.core.storage.db import schema_version as schema_version
    from lodestone.core.storage.db import unreadable as unreadable
    from lodestone.core.storage.files import PRIVATE_FILE as PRIVATE_FILE
    from lodestone.core.storage.files import companion as companion
    from lodestone.core.storage.files import create_private as create_private
    from lodestone.core.storage.files import file_identity as file_identity
    from lodestone.core.storage.files import file_set as file_set
    from lodestone.core.storage.files import fsync_dir as fsync_dir
    from lodestone.core.storage.files import fsync_file as fsync_file
    from lodestone.core.storage.files import make_private as make_private
    from lodestone.core.storage.files import parse_time_stamp as parse_time_stamp
    from lodestone.core.storage.files import private_dir as private_dir
    from lodestone.core.storage.files import set_aside as set_aside
    from lodestone.core.storage.files import set_aside_companions as set_aside_companions
    from lodestone.core.storage.files import time_stamp as time_stamp
    from lodestone.core.storage.files import utcnow as utcnow
    from lodestone.core.storage.files import wal_has_frames as wal_has_frames
    from lodestone.core.storage.identity import read_identity as read_identity
    from lodestone.core.storage.identity import stamp_identity as stamp_identity
    from lodestone.core.storage.lock import LockedError as LockedError
    from lodestone.core.storage.lock import WriterLock as WriterLock
    from lodestone.core.storage.lock import acquire as acquire
    from lodestone.core.storage.repository import ChangeEntry as ChangeEntry
    from lodestone.core.storage.repository import RecordNotFound as RecordNotFound
    from lodestone.core.storage.repository import Repository as Repository
    from lodestone.core.storage.row_checks import first_refused as first_refused
    from lodestone.core.storage.schema import SCHEMA_VERSION as SCHEMA_VERSION
    from lodestone.core.storage.stored_names import names_filled_at_end as names_filled_at_end
    from lodestone.core.storage.synced_folders import cloud_sync_warning as cloud_sync_warning
    from lodestone.core.storage.writes import InvalidRecord as InvalidRecord
    from lodestone.core.storage.writes import Writes as Writes
else:  # hidden from type checkers, which then report a name not exported

    def __getattr__(name: str) -> object:
        return load_export(__name__, _EXPORTS, name)
