"""Matching the company names of an imported file to the tracker's companies.

The same company is written "Vulcan Elements Inc.", "VULCAN ELEMENTS, INC" and "Vulcan
Elements Incorporated" in three files. Names that differ only in case, spacing, punctuation and
the spelling of a legal suffix (Ltd/Limited, Inc/Incorporated, Corp/Corporation, Co/Company)
are the same company and are matched. Names that differ in whether they carry a suffix at all
("Vulcan Elements" and "Vulcan Elements Inc") are only *likely* the same: a new company is
created and the pair is listed, for the analyst to merge or keep (the import dialog offers the
choice; `choices` carries it in).
"""

from __future__ import annotations

import re
import sqlite3
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from lodestone.core.records.fieldcheck import clean_text

_SUFFIXES = {
    "limited": "ltd", "ltd": "ltd", "incorporated": "inc", "inc": "inc",
    "corporation": "corp", "corp": "corp", "company": "co", "co": "co", "llc": "llc",
    "plc": "plc", "pty": "pty", "proprietary": "pty", "gmbh": "gmbh", "ag": "ag", "sa": "sa",
    "nv": "nv", "bv": "bv", "lp": "lp", "llp": "llp", "sarl": "sarl", "spa": "spa", "ab": "ab",
    "asa": "asa", "oyj": "oyj", "kk": "kk", "bhd": "bhd", "sdn": "sdn", "tbk": "tbk",
}  # fmt: skip
_PUNCTUATION = re.compile(r"[^\w\s&]+")


def _words(name: str) -> list[str]:
    text = unicodedata.normalize("NFKC", name).casefold()
    return _PUNCTUATION.sub(" ", text.replace("'", "")).split()


def same_name_key(name: str) -> str:
    """Equal for names that are certainly the same company: case, spacing, punctuation and
    the spelling of trailing legal suffixes ignored ("Acme Corp." == "ACME Corporation")."""
    return _same_key(_words(name))


def likely_key(name: str) -> str:
    """Equal for names that are probably the same company: legal suffixes dropped entirely
    ("Acme" and "Acme Inc"), and "&" read as "and"."""
    return _likely_key(_words(name))


def _same_key(words: list[str]) -> str:
    end = len(words)
    while end > 1 and words[end - 1] in _SUFFIXES:
        end -= 1
    return " ".join(words[:end] + [_SUFFIXES[w] for w in words[end:]])


def _likely_key(words: list[str]) -> str:
    words = ["and" if w == "&" else w for w in words]
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    return " ".join(words)


def _keys(name: str) -> tuple[str, str]:
    """(same_name_key, likely_key) of a name, its words split once."""
    words = _words(name)
    return _same_key(words), _likely_key(words)


@dataclass
class NewCompany:
    """A company the import will create, with the first row that named it."""

    id: int
    name: str
    row: int
    role: str


@dataclass
class CompanyMatcher:
    """Resolves names to company ids: existing ones, or new ones numbered from `next_id`.

    `choices` maps a name (as written in the file) to the id of an existing company the
    analyst chose for it, overriding the automatic matching.
    """

    existing: dict[str, tuple[int, str]] = field(default_factory=dict)  # same key -> (id, name)
    likely: dict[str, list[tuple[int, str]]] = field(default_factory=dict)
    next_id: int = 1
    choices: Mapping[str, int] = field(default_factory=dict)
    new: dict[int, NewCompany] = field(default_factory=dict)
    matched: dict[str, str] = field(default_factory=dict)  # file name -> tracker name
    duplicates: list[tuple[str, str]] = field(default_factory=list)  # (new name, similar name)
    _seen: dict[str, int] = field(default_factory=dict)  # name as written -> id (a cache)
    _names: dict[int, str] = field(default_factory=dict)  # id -> the name it was first known by

    @classmethod
    def from_tracker(cls, conn: sqlite3.Connection,
                     choices: Mapping[str, int] | None = None) -> CompanyMatcher:  # fmt: skip
        """A matcher over the tracker's live companies (deleted ones are in the Trash)."""
        matcher = cls(choices=dict(choices or {}))
        cursor = conn.cursor()
        cursor.row_factory = None
        for company_id, name in cursor.execute(
            "SELECT id, name FROM companies WHERE deleted_at IS NULL ORDER BY id"
        ):
            matcher._remember(company_id, name)
        for company_id in set(matcher.choices.values()) - set(matcher._names):
            row = conn.execute("SELECT name FROM companies WHERE id = ?", (company_id,))
            found = row.fetchone()
            if found is not None:  # a chosen company in the Trash: its name for titles
                matcher._names[company_id] = found[0]
        top = conn.execute("SELECT coalesce(max(id), 0) FROM companies").fetchone()[0]
        matcher.next_id = int(top) + 1
        return matcher

    def _remember(self, company_id: int, name: str,
                  keys: tuple[str, str] | None = None) -> None:  # fmt: skip
        same, likely = keys or _keys(name)
        self._names.setdefault(company_id, name)
        self.existing.setdefault(same, (company_id, name))
        self.likely.setdefault(likely, []).append((company_id, name))

    def name_of(self, company_id: int) -> str:
        """The name of a company the matcher resolved a name to (KeyError for any other)."""
        if company_id in self.new:
            return self.new[company_id].name
        return self._names[company_id]

    def resolve(self, name: str, row: int, role: str) -> int:
        """The id of the company called `name`, creating (provisionally) one not yet known."""
        known = self._seen.get(name)
        if known is not None:
            return known
        company_id = self._resolve(clean_text(name, multiline=False), row, role)
        self._seen[name] = company_id
        return company_id

    def _resolve(self, name: str, row: int, role: str) -> int:
        if name in self.choices:
            return self.choices[name]
        keys = _keys(name)
        found = self.existing.get(keys[0])
        if found is not None:
            if found[1] != name and found[0] not in self.new:
                self.matched.setdefault(name, found[1])
            return found[0]
        company_id = self.next_id
        self.next_id += 1
        similar = self.likely.get(keys[1], [])
        if similar:
            self.duplicates.append((name, similar[0][1]))
        self.new[company_id] = NewCompany(company_id, name, row, role)
        self._remember(company_id, name, keys)
        return company_id
