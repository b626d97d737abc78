"""Files that are not usable trackers, shared by the check tests of the core and of the CLI.

Each maker writes its file at the given path; BAD_FILES maps a name to the maker, the error
check_tracker must raise, and words its one-line message must contain.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import random
import shutil
import sqlite3
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

from lodestone.core.records import Company
from lodestone.core.storage import (
    SCHEMA_VERSION,
    DamagedTrackerError,
    NewerSchemaError,
    NotATrackerError,
    Repository,
    TrackerError,
    open_tracker,
)


def noise(size: int, seed: int = 0) -> bytes:
    return random.Random(seed).randbytes(size)


def good_tracker(path: Path, companies: int = 3) -> Path:
    """A closed tracker holding a few companies."""
    repo = Repository.open(path)
    with repo.transaction():
        for i in range(companies):
            repo.save(Company(f"Company {i:04d}", notes="magnets " * 20))
    repo.close()
    return path


def newer_schema(path: Path) -> None:
    conn = open_tracker(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()


def plain_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (body TEXT)")
    conn.commit()
    conn.close()


def empty_sqlite(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.execute("VACUUM")  # writes the header page without any table
    conn.close()


def truncated_tracker(path: Path) -> None:
    """A real tracker cut to 40% of its length, as by a copy that stopped half-way."""
    good_tracker(path, companies=300)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 2 // 5])


BAD_FILES: dict[str, tuple[Callable[[Path], object], type[TrackerError], str]] = {
    "empty file": (lambda p: p.write_bytes(b""), NotATrackerError, "empty"),
    "text file": (lambda p: p.write_text("company,deal\n" * 50), NotATrackerError,
                  "not an SQLite"),
    "truncated header": (lambda p: p.write_bytes(b"SQLite format 3\x00" + b"\x00" * 30),
                         DamagedTrackerError, "truncated"),
    "truncated tracker": (truncated_tracker, DamagedTrackerError, "damaged"),
    "random bytes": (lambda p: p.write_bytes(b"SQLite format 3\x00" + noise(8000)),
                     DamagedTrackerError, "damaged"),
    "plain SQLite": (plain_sqlite, NotATrackerError, "not a Lodestone tracker"),
    "empty SQLite": (empty_sqlite, NotATrackerError, "empty SQLite database"),
    "newer schema": (newer_schema, NewerSchemaError, "newer version"),
}


# -- snapshots that are damaged, tampered with or hostile ------------------------------------
# Each maker turns a good snapshot folder (exported by the test) into a bad one at `dest`: a
# folder, or a zip when the damage is the zip's own. BAD_SNAPSHOTS maps a name to the maker
# and words the one-line refusal must contain.


def rehash(folder: Path) -> None:
    """Write the manifest's checksums anew, as a tamperer who knows the format would."""
    manifest_path = folder / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    for name, entry in manifest["files"].items():
        data = (folder / name).read_bytes()
        entry["sha256"] = hashlib.sha256(data).hexdigest()
        with contextlib.suppress(csv.Error):  # a file too broken to count keeps its count
            text = io.StringIO(data.decode(errors="replace"), newline="")
            entry["rows"] = len(list(csv.reader(text))) - 1
    manifest_path.write_text(json.dumps(manifest))


def zip_folder(folder: Path, dest: Path) -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(folder.iterdir()):
            out.write(path, path.name)
    return dest


def _copy(good: Path, dest: Path) -> Path:
    shutil.copytree(good, dest)
    return dest


def _edit_manifest(good: Path, dest: Path, edit: Callable[[dict], object]) -> Path:
    """A copy whose manifest is edited (json.dumps writes an infinity as `Infinity`, which is
    written here as the `1e400` a hand-made manifest would hold)."""
    _copy(good, dest)
    manifest = json.loads((dest / "manifest.json").read_text())
    edit(manifest)
    (dest / "manifest.json").write_text(json.dumps(manifest).replace("Infinity", "1e400"))
    return dest


def _edit_companies(good: Path, dest: Path, edit: Callable[[list[str]], object]) -> Path:
    """A copy whose companies.csv lines are edited, the manifest re-hashed to match."""
    _copy(good, dest)
    path = dest / "companies.csv"
    lines = path.read_bytes().decode().split("\n")
    edit(lines)
    path.write_bytes("\n".join(lines).encode())
    rehash(dest)
    return dest


def _damage_member(good: Path, dest: Path, damage: Callable[[bytearray, int, int], object]) -> Path:
    """The snapshot as a zip whose companies.csv entry is damaged in place: `damage(data,
    start, length)` changes the stored bytes of that entry (its checksums kept)."""
    zip_folder(good, dest)
    with zipfile.ZipFile(dest) as archive:
        info = archive.getinfo("companies.csv")
    data = bytearray(dest.read_bytes())
    start = info.header_offset + 30 + len(info.filename) + len(info.extra)
    damage(data, start, info.compress_size)
    dest.write_bytes(bytes(data))
    return dest


def corrupt_deflate(good: Path, dest: Path) -> Path:
    def scramble(data: bytearray, start: int, length: int) -> None:
        for i in range(start + 10, start + min(length, 40)):
            data[i] ^= 0xFF

    return _damage_member(good, dest.with_suffix(".zip"), scramble)


def bad_crc(good: Path, dest: Path) -> Path:
    """A zip whose companies.csv does not match the CRC-32 its headers record."""
    zipped = zip_folder(good, dest.with_suffix(".zip"))
    with zipfile.ZipFile(zipped) as archive:
        crc = struct.pack("<I", archive.getinfo("companies.csv").CRC)
    data = zipped.read_bytes()
    zipped.write_bytes(data.replace(crc, bytes([crc[0] ^ 1]) + crc[1:]))
    return zipped


def unknown_zip_version(good: Path, dest: Path) -> Path:
    """A zip whose directory says its files need zip version 6.4 to be read."""
    zipped = zip_folder(good, dest.with_suffix(".zip"))
    data = bytearray(zipped.read_bytes())
    at = data.index(b"PK\x01\x02")  # the first entry of the central directory
    data[at + 4:at + 8] = b"\x40\x00\x40\x00"  # made by and needed: 6.4
    zipped.write_bytes(bytes(data))
    return zipped


def deep_manifest(good: Path, dest: Path) -> Path:
    _copy(good, dest)
    (dest / "manifest.json").write_text("[" * 100_000 + "]" * 100_000)
    return dest


def _set_first_id(lines: list[str], value: str) -> None:
    lines[1] = value + lines[1][lines[1].index(","):]


def _infinite_rows(manifest: dict) -> None:
    manifest["files"]["companies.csv"]["rows"] = float("inf")


def zip_bomb(good: Path, dest: Path, size: int = 64 << 20) -> Path:
    """A zip whose companies.csv unpacks to `size` bytes of zeros (a few hundred KB packed),
    its checksum in the manifest correct: only its size gives it away."""
    _copy(good, dest)
    zeros = b"0" * (1 << 20)
    sha = hashlib.sha256()
    for _ in range(size // len(zeros)):
        sha.update(zeros)
    manifest = json.loads((dest / "manifest.json").read_text())
    manifest["files"]["companies.csv"]["sha256"] = sha.hexdigest()
    (dest / "manifest.json").write_text(json.dumps(manifest))
    zipped = dest.with_suffix(".zip")
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_DEFLATED) as out:
        for path in sorted(dest.iterdir()):
            if path.name != "companies.csv":
                out.write(path, path.name)
        with out.open("companies.csv", "w", force_zip64=True) as member:
            for _ in range(size // len(zeros)):
                member.write(zeros)
    return zipped


def _long_row(lines: list[str]) -> None:
    """One row longer than any a snapshot holds, in a file small enough to pass its size
    check (a single row may take 4 bytes a character)."""
    del lines[2:]
    lines[1] = "1," + "x" * (3 << 20)


def _not_utf8(good: Path, dest: Path) -> Path:
    """A byte that is not UTF-8 in line 3 of companies.csv, the manifest re-hashed."""
    _copy(good, dest)
    path = dest / "companies.csv"
    data = path.read_bytes()
    at = data.index(b"\n", data.index(b"\n") + 1) + 5
    path.write_bytes(data[:at] + b"\xff" + data[at + 1:])
    rehash(dest)
    return dest


BAD_SNAPSHOTS: dict[str, tuple[Callable[[Path, Path], Path], str]] = {
    "corrupt deflate data": (corrupt_deflate, "damaged zip"),
    "bad CRC": (bad_crc, "damaged zip"),
    "zip version 6.4": (unknown_zip_version, "damaged zip"),
    "manifest nested 100,000 deep": (deep_manifest, "manifest.json is damaged"),
    "rows 1e400": (lambda g, d: _edit_manifest(g, d, _infinite_rows), "not a whole number"),
    "schema_version 1e400": (
        lambda g, d: _edit_manifest(g, d, lambda m: m.update(schema_version=float("inf"))),
        "not a whole number"),
    "format version as text": (
        lambda g, d: _edit_manifest(g, d, lambda m: m.update(format_version="1")),
        "not a whole number"),
    "id 99999999999999999999999": (
        lambda g, d: _edit_companies(g, d, lambda ls: _set_first_id(ls, "9" * 23)),
        "companies.csv line 2, column id"),
    "a repeated company id": (
        lambda g, d: _edit_companies(g, d, lambda ls: ls.insert(3, "1" + ls[3][ls[3].index(","):])),
        "companies.csv line 4 repeats the id 1 of an earlier row"),
    "a zip bomb": (zip_bomb, "more than the 13 rows its manifest counts can hold"),
    "a row of 3 million characters": (lambda g, d: _edit_companies(g, d, _long_row),
                                      "companies.csv line 2 is longer than any row"),
    "a byte that is not UTF-8": (_not_utf8, "companies.csv line 3 is not UTF-8 text"),
}  # fmt: skip
