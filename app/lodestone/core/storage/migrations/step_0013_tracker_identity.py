"""Migration 0013: each tracker knows its own identity.

Backups were kept in a folder named after the tracker's file name, so two trackers with the
same name (`a/tracker.db`, `b/tracker.db`) shared one folder: rotating one deleted the other's
backups, and one was offered the other's backups to restore. A random id stored in the file
keys its backups instead, and tells a backup of this tracker from a backup of another. A file
made before this step gets its id the first time it is opened for writing.

The step may meet a table an earlier run made (a restore carries the id of the tracker it
replaces into an older backup), so it creates and fills only what is missing.
"""

SQL = """
CREATE TABLE IF NOT EXISTS tracker_identity (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    id TEXT NOT NULL CHECK (length(id) = 32)
);
INSERT OR IGNORE INTO tracker_identity (singleton, id) VALUES (1, lower(hex(randomblob(16))));
"""
