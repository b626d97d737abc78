"""Text made safe to open in a spreadsheet: the one rule every CSV file Lodestone writes
follows (snapshots, comparisons, rejected rows), and its inverse for reading snapshots back."""

from __future__ import annotations

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9][0-9,]*(?:\.[0-9]+)?")


def escape_cell(text: str) -> str:
    """A leading `'` for text a spreadsheet would run as a formula: one starting with a trigger
    character, after any apostrophes (so that `unescape_cell` can tell ours from the user's)."""
    rest = text.lstrip("'")
    return "'" + text if rest[:1] in TRIGGERS and rest else text


def unescape_cell(text: str) -> str:
    """The inverse of `escape_cell` for every text it can return."""
    if text[:1] == "'":
        rest = text.lstrip("'")
        if rest and rest[0] in TRIGGERS:
            return text[1:]
    return text


def escape_any_cell(text: str) -> str:
    """`escape_cell` for a cell of unknown kind (a row of someone else's file): a plain number
    such as `-10.50` is left as it is, as a number column of an export is."""
    return text if _PLAIN_NUMBER.fullmatch(text) else escape_cell(text)
