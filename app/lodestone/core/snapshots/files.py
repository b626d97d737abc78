"""Where a snapshot's files live: a folder or a zip, written atomically, read with checking.

An interrupted export must never leave something that looks like a whole snapshot, so the
files are written into a temporary folder (or a temporary zip) beside the destination and
renamed into place only once the manifest is written. Reading goes through the manifest: every
file it lists must be there with the SHA-256 it records, so a truncated, edited or partial
snapshot is refused before a single row of it is imported.
"""

from __future__ import annotations

import contextlib
import csv
import fcntl
import hashlib
import io
import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any

from lodestone.core.missing import missing_file
from lodestone.core.progress import Ticker
from lodestone.core.snapshots.format import (
    FILES,
    MANIFEST,
    OPTIONAL_TABLES,
    FileSpec,
    Manifest,
    SnapshotError,
)
from lodestone.core.storage.files import PRIVATE_FILE

_CHUNK = 1 << 20
# The most one row of a file may take: far beyond any record's text (a notes field holds at
# most 20,000 characters). It bounds what a file may weigh for the rows its manifest counts, so
# a zip bomb is refused before it is unpacked, and what reading one row may hold in memory.
MAX_ROW_CHARS = 1 << 20
MAX_ROW_BYTES = 4 * MAX_ROW_CHARS  # UTF-8 takes up to 4 bytes a character
# What a broken zip member raises while it is read: a bad CRC (BadZipFile), corrupt deflate
# data (zlib.error), data that ends early (EOFError), a method or encryption zipfile cannot
# read (NotImplementedError, RuntimeError).
_ZIP_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError,
                    OSError)


def is_zip_destination(dest: Path) -> bool:
    return dest.suffix.lower() == ".zip"


def check_new_destination(dest: Path) -> None:
    """Refuse a destination that exists or whose folder does not (SnapshotError)."""
    if dest.exists() or dest.is_symlink():
        raise SnapshotError(f"{dest} already exists; choose a new folder or .zip name")
    if not dest.parent.is_dir():
        raise SnapshotError(f"cannot write {dest}: the folder {dest.parent} does not exist")


class HashingSink:
    """A binary stream that also computes the SHA-256 of everything written through it."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._sha = hashlib.sha256()

    def write(self, data: bytes) -> None:
        self._sha.update(data)
        self._raw.write(data)

    def hexdigest(self) -> str:
        return self._sha.hexdigest()

    def close(self) -> None:
        self._raw.close()


PARTIAL_SUFFIX = ".partial"
_TEMP_NAME_LENGTH = 8  # the random part of tempfile's names


def _partial_prefix(dest: Path) -> str:
    return f".{dest.name}."


def _is_partial_of(path: Path, dest: Path) -> bool:
    """Whether `path` is named like a partial snapshot of `dest`: `.NAME.XXXXXXXX.partial`."""
    name, prefix = path.name, _partial_prefix(dest)
    if not (name.startswith(prefix) and name.endswith(PARTIAL_SUFFIX)):
        return False
    middle = name[len(prefix):-len(PARTIAL_SUFFIX)]
    return len(middle) == _TEMP_NAME_LENGTH and middle.replace("_", "").isalnum()


def remove_stale_partials(dest: Path) -> list[Path]:
    """Remove what exports to `dest` left when they were killed: partials of our own naming
    that no export holds (a live one keeps its partial locked). Returns what was removed."""
    removed = []
    try:
        candidates = [p for p in dest.parent.iterdir() if _is_partial_of(p, dest)]
    except OSError:
        return []
    for path in candidates:
        if path.is_symlink():
            continue
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # an export is writing it
            os.close(fd)
            continue
        try:
            _remove(path)
            removed.append(path)
        finally:
            os.close(fd)
    return removed


def _private(path: str, flags: int) -> int:
    """open()'s opener for a new file readable by its owner only, whatever the umask."""
    return os.open(path, flags, PRIVATE_FILE)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


class SnapshotWriter:
    """Writes a snapshot under a temporary name; `commit()` renames it to `dest`.

    Used as a context manager: leaving it without `commit()` (an error, a cancel, a full
    disk) removes everything written so far. The partial is locked while it is written, so
    the next export to the same name removes one left by an export that was killed, and
    never one still being written.
    """

    def __init__(self, dest: Path) -> None:
        check_new_destination(dest)
        remove_stale_partials(dest)
        self.dest = dest
        self._zip: zipfile.ZipFile | None = None
        prefix = _partial_prefix(dest)
        if is_zip_destination(dest):
            self._held, name = tempfile.mkstemp(prefix=prefix, suffix=PARTIAL_SUFFIX,
                                                dir=dest.parent)  # fmt: skip
            self._temp = Path(name)
        else:
            self._temp = Path(tempfile.mkdtemp(prefix=prefix, suffix=PARTIAL_SUFFIX,
                                               dir=dest.parent))  # fmt: skip
            self._held = os.open(self._temp, os.O_RDONLY | os.O_CLOEXEC)
        fcntl.flock(self._held, fcntl.LOCK_EX)
        if is_zip_destination(dest):
            self._zip = zipfile.ZipFile(self._temp, "w", zipfile.ZIP_DEFLATED)
        self._committed = False

    def __enter__(self) -> SnapshotWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:  # fmt: skip
        if not self._committed:
            self.abort()

    def open(self, name: str) -> HashingSink:
        """A new file of the snapshot; close it before opening the next."""
        if self._zip is not None:
            return HashingSink(self._zip.open(name, "w", force_zip64=True))
        return HashingSink(open(self._temp / name, "wb", buffering=_CHUNK,  # noqa: SIM115
                                opener=_private))

    def commit(self, manifest: Manifest) -> None:
        """Write the manifest and move the finished snapshot into place."""
        sink = self.open(MANIFEST)
        sink.write(manifest.to_json().encode())
        sink.close()
        if self._zip is not None:
            self._zip.close()
            self._zip = None
        if self.dest.exists():
            raise SnapshotError(f"{self.dest} appeared while the snapshot was being written")
        os.rename(self._temp, self.dest)
        self._committed = True
        self._release()

    def abort(self) -> None:
        """Remove the partial, whatever state a failure left it in (a zip whose closing
        fails on a full disk included)."""
        try:
            if self._zip is not None:
                zipped, self._zip = self._zip, None
                with contextlib.suppress(OSError, ValueError, zipfile.BadZipFile):
                    zipped.close()
        finally:
            _remove(self._temp)
            self._release()

    def _release(self) -> None:
        if self._held >= 0:
            os.close(self._held)
            self._held = -1


class _ZipMember(io.RawIOBase):
    """A zip member read as a raw stream, its read errors turned into one SnapshotError."""

    def __init__(self, raw: IO[bytes], damaged: SnapshotError) -> None:
        self._raw = raw
        self._damaged = damaged

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        try:
            data = self._raw.read(len(buffer))
        except _ZIP_READ_ERRORS:
            raise self._damaged from None
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _BoundedLines:
    """The lines of a text file for `csv.reader`, refusing a row (one line, or several when a
    quoted cell holds line breaks) longer than MAX_ROW_CHARS before it is read whole."""

    def __init__(self, handle: IO[str], name: str) -> None:
        self._handle = handle
        self._name = name
        self._row_chars = 0
        self._line = 0

    def __iter__(self) -> _BoundedLines:
        return self

    def __next__(self) -> str:
        line = self._handle.readline(MAX_ROW_CHARS + 1 - self._row_chars)
        if not line:
            raise StopIteration
        self._line += 1
        self._row_chars += len(line)
        if self._row_chars > MAX_ROW_CHARS:
            raise SnapshotError(f"{self._name} line {self._line} is longer than any row of a "
                                f"snapshot ({MAX_ROW_CHARS:,} characters)")  # fmt: skip
        return line

    def row_read(self) -> None:
        self._row_chars = 0


class SnapshotReader:
    """A snapshot folder or zip, opened through its manifest (SnapshotError if it is none)."""

    def __init__(self, source: Path) -> None:
        self.source = source
        self._zip: zipfile.ZipFile | None = None
        if not source.exists():
            raise SnapshotError(missing_file(source))
        if source.is_file():
            if not zipfile.is_zipfile(source):
                raise SnapshotError(f"{source} is not a snapshot (neither a folder nor a .zip)")
            try:
                self._zip = zipfile.ZipFile(source)
            except _ZIP_READ_ERRORS as exc:  # a zip version or method it cannot read, too
                raise SnapshotError(f"{source} is a damaged zip file ({exc})") from None
        self.manifest = self._read_manifest()

    def __enter__(self) -> SnapshotReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def _refuse(self, reason: str) -> SnapshotError:
        return SnapshotError(f"{self.source} cannot be imported: {reason}")

    def _size(self, name: str) -> int:
        """The bytes of one file, as its zip entry declares them or as it lies on disk."""
        if self._zip is not None:
            return self._zip.getinfo(name).file_size
        return (self.source / name).stat().st_size

    def _check_sizes(self, manifest: Manifest) -> None:
        """Refuse a file larger than the rows its manifest counts can be: before anything is
        unpacked, so a zip bomb costs nothing but this look at its directory."""
        for name, entry in manifest.files.items():
            size, most = self._size(name), (entry.rows + 1) * MAX_ROW_BYTES
            if size > most:
                raise self._refuse(f"{name} is {size:,} bytes, more than the {entry.rows:,} "
                                   "rows its manifest counts can hold")  # fmt: skip

    def _exists(self, name: str) -> bool:
        if self._zip is not None:
            return name in self._zip.NameToInfo
        return (self.source / name).is_file()

    def open_binary(self, name: str) -> IO[bytes]:
        if self._zip is not None:
            damaged = SnapshotError(f"{self.source} is a damaged zip file: {name} inside it "
                                    "cannot be read")  # fmt: skip
            try:
                member = self._zip.open(name)
            except _ZIP_READ_ERRORS:
                raise damaged from None
            return io.BufferedReader(_ZipMember(member, damaged), _CHUNK)
        return open(self.source / name, "rb", buffering=_CHUNK)  # noqa: SIM115

    def rows(self, spec: FileSpec) -> Iterator[tuple[int, list[str]]]:
        """(line number, cells) of each row of one file, its header checked first; a file
        that cannot be read as the format says raises SnapshotError naming file and line.
        No row may be longer than MAX_ROW_CHARS, so reading holds at most one such row."""
        with self.open_text(spec.name) as handle:
            lines = _BoundedLines(handle, spec.name)
            reader = csv.reader(lines, strict=True)
            try:
                header = next(reader, None)
                if header != spec.header:
                    raise SnapshotError(f"{spec.name} has the columns {header}, expected "
                                        f"{spec.header}")  # fmt: skip
                for cells in reader:
                    lines.row_read()
                    yield reader.line_num, cells
            except csv.Error as exc:
                raise SnapshotError(f"{spec.name} line {reader.line_num} cannot be read: "
                                    f"{exc}") from None  # fmt: skip
            except UnicodeDecodeError:  # decoded a block at a time: find the line again
                raise SnapshotError(f"{spec.name} line {self._first_line_not_utf8(spec.name)} "
                                    "is not UTF-8 text") from None  # fmt: skip

    def _first_line_not_utf8(self, name: str) -> int:
        number = 1
        with self.open_binary(name) as handle:
            for number, line in enumerate(iter(lambda: handle.readline(MAX_ROW_BYTES), b""), 1):
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError:
                    return number
        return number

    def open_text(self, name: str) -> IO[str]:
        """A file as text for `csv.reader`: UTF-8 with or without a BOM, any line ends."""
        return io.TextIOWrapper(self.open_binary(name), encoding="utf-8-sig", newline="")

    def _read_manifest(self) -> Manifest:
        if not self._exists(MANIFEST):
            raise self._refuse("it has no manifest.json, so it is not a complete snapshot")
        with self.open_binary(MANIFEST) as handle:
            try:
                manifest = Manifest.from_json(handle.read(1 << 20).decode("utf-8"))
            except UnicodeDecodeError:
                raise self._refuse("its manifest.json is not UTF-8 text") from None
            except SnapshotError as exc:
                raise self._refuse(str(exc)) from None
        known = {s.name for s in FILES} | {f"{t}.csv" for t in OPTIONAL_TABLES}
        unknown = sorted(set(manifest.files) - known)
        if unknown:
            raise self._refuse(f"its manifest lists files Lodestone does not know: "
                               f"{', '.join(unknown)[:200]}")  # fmt: skip
        missing = [s.name for s in FILES if s.name not in manifest.files]
        if missing:
            raise self._refuse(f"its manifest lists no {', '.join(missing)}")
        absent = [name for name in manifest.files if not self._exists(name)]
        if absent:
            raise self._refuse(f"{', '.join(absent)} listed in the manifest is missing")
        self._check_sizes(manifest)
        return manifest

    def verify(self, ticker: Ticker | None = None) -> None:
        """Check every file against the manifest's SHA-256, before anything is imported."""
        for name, entry in self.manifest.files.items():
            sha = hashlib.sha256()
            with self.open_binary(name) as handle:
                while chunk := handle.read(_CHUNK):
                    sha.update(chunk)
                    if ticker is not None:
                        ticker.check()
            if sha.hexdigest() != entry.sha256:
                raise self._refuse(f"{name} does not match its manifest checksum; the file was "
                                   "changed or damaged after export")  # fmt: skip
            if ticker is not None:
                ticker.advance(entry.rows)
