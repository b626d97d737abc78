"""Reading a foreign CSV file as it comes: encoding, delimiter, header, blank and ragged rows.

Files downloaded from government sites and saved from spreadsheets are messy: a UTF-8 byte
order mark, Windows-1252 bytes, CRLF or LF or both, no final newline, semicolons instead of
commas, blank padding rows, quoted cells with line breaks and tens of thousands of
characters. This module turns such a file into numbered rows of cells, and refuses (with the
row number) only what cannot be read at all.

Rows are numbered as a spreadsheet shows them: the header is row 1 when it is the first row,
and a quoted cell with a line break does not start a new row.

Encoding: UTF-8 (with or without a BOM) is expected. A file that is not valid UTF-8 is read as
Windows-1252, the encoding Excel on Windows writes, with a warning in the report; a byte that
Windows-1252 leaves undefined is read as Latin-1. Nothing is guessed beyond that.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from lodestone.core.csv_fields import allow_long_fields
from lodestone.core.missing import missing_file
from lodestone.core.storage.db import TrackerError

_CHUNK = 1 << 20
_DELIMITERS = (",", ";", "\t", "|")


class CsvImportError(TrackerError):
    """The file cannot be imported at all; the message is one sentence for the user (a
    TrackerError, so the command line and background jobs report it like a refused file)."""


def _detect_encoding(path: Path) -> tuple[str, str | None]:
    """("utf-8-sig", None), or a fallback encoding and the warning that says so."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                where = offset + exc.start
                fallback = "cp1252"
                with path.open("rb") as again:
                    try:
                        again.read().decode(fallback)
                    except UnicodeDecodeError:
                        fallback = "latin-1"
                name = "Windows-1252" if fallback == "cp1252" else "Latin-1"
                return fallback, (f"{path.name} is not UTF-8 (byte {chunk[exc.start]:#04x} at "
                                  f"offset {where:,}); it was read as {name}: check accented "
                                  "letters and symbols")  # fmt: skip
            offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return "cp1252", (f"{path.name} ends in the middle of a UTF-8 character; it was read "
                          "as Windows-1252")
    return "utf-8-sig", None


def _detect_delimiter(first_line: str) -> str:
    """The delimiter the header row uses most, outside quotes; a comma when there is none."""
    counts = dict.fromkeys(_DELIMITERS, 0)
    quoted = False
    for ch in first_line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def is_blank(cells: list[str]) -> bool:
    return all(not cell.strip() for cell in cells)


@dataclass
class CsvSource:
    """A CSV file opened for import: its encoding, delimiter and header row."""

    path: Path
    encoding: str
    delimiter: str
    headers: tuple[str, ...]
    header_row: int
    warnings: list[str] = field(default_factory=list)
    bytes_read: int = 0  # how far reading has got, for progress

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    @classmethod
    def open(cls, path: Path | str) -> CsvSource:
        """Inspect `path`; CsvImportError if it is missing, empty or has no header row."""
        path = Path(path)
        if not path.exists():
            raise CsvImportError(missing_file(path))
        if path.is_dir():
            raise CsvImportError(f"{path} is a folder, not a CSV file")
        if path.stat().st_size == 0:
            raise CsvImportError(f"{path} is empty")
        allow_long_fields()
        encoding, warning = _detect_encoding(path)
        with path.open(encoding=encoding, newline="") as handle:
            first = handle.readline()
            while first and not first.strip():
                first = handle.readline()
        source = cls(path, encoding, _detect_delimiter(first), (), 0, [warning] if warning else [])
        for number, cells in source._records():
            if not is_blank(cells):
                source.headers = tuple(" ".join(c.replace("\ufeff", "").split()) for c in cells)
                source.header_row = number
                break
        if not source.headers:
            raise CsvImportError(f"{path} has no header row (it holds only blank lines)")
        return source

    def _records(self) -> Iterator[tuple[int, list[str]]]:
        with (self.path.open("rb") as raw,
              io.TextIOWrapper(raw, self.encoding, newline="") as handle):  # fmt: skip
            # strict: an unbalanced quote is an error, not the rest of the file in one cell
            reader = csv.reader(handle, delimiter=self.delimiter, strict=True)
            number = 0
            try:
                for number, cells in enumerate(reader, 1):  # noqa: B007 - used after the loop
                    self.bytes_read = raw.tell()  # to a read-ahead chunk or so
                    yield number, cells
            except csv.Error as exc:
                raise CsvImportError(f"{self.path.name} cannot be read after row {number:,} "
                                     f"(line {reader.line_num:,}): {exc}; a quote may be "
                                     "missing or extra") from None  # fmt: skip

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        """(row number, cells) of every data row; blank (padding) rows are skipped."""
        for number, cells in self._records():
            if number > self.header_row and not is_blank(cells):
                yield number, cells

    def sample(self, limit: int) -> list[tuple[int, list[str]]]:
        rows = []
        for row in self.rows():
            rows.append(row)
            if len(rows) >= limit:
                break
        return rows

