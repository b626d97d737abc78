"""Undoable changes to what hangs on a record: the sources it cites and its tags.

A citation is written to the cited record's change log (an "update" whose `citation` is the
source as the analyst reads it), so the record's history answers "when did I cite this, and
when did I stop?". Tags are part of the record and go through its save, which logs them.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from dataclasses import dataclass, replace

from lodestone.core.history.operations import Composite, Operation, field_title
from lodestone.core.records.model import Citation, Source
from lodestone.core.storage.repository import RecordNotFound, Repository


def describe_source(source: Source) -> str:
    """How a source is listed: "Benzinga — Vulcan Elements lands $1.4B (Nov 9, 2025)"."""
    head = " — ".join(p for p in (source.publisher, source.title) if p) or source.url
    return head + (f" ({source.published.display()})" if source.published else "")


def describe_citation(repo: Repository, citation: Citation) -> str:
    """A citation in one line: the source, the field it backs and the quote."""
    try:
        source = repo.get("source", citation.source_id)
        assert isinstance(source, Source)  # a source's row is read as a Source
        text = describe_source(source)
    except RecordNotFound:
        text = f"Missing source #{citation.source_id}"
    if citation.field:
        text += f", about {field_title(citation.field).lower()}"
    if citation.quote:
        text += f": “{citation.quote}”"
    return text


def _log(repo: Repository, before: Citation | None, after: Citation | None) -> None:
    cited = after or before
    assert cited is not None
    old = None if before is None else {"citation": describe_citation(repo, before)}
    new = None if after is None else {"citation": describe_citation(repo, after)}
    repo.log_change(cited.record_kind, cited.record_id, "update", old, new)


def _id_is_free(repo: Repository, citation_id: int) -> bool:
    try:
        repo.citation(citation_id)
    except RecordNotFound:
        return True
    return False


@dataclass
class AddCitation(Operation):
    """Cite a source on a record (a citation with an id comes back under that id if free)."""

    citation: Citation
    text: str = "Add Citation"

    def apply(self, repo: Repository) -> Operation:
        citation = copy.copy(self.citation)
        if citation.id is not None and not _id_is_free(repo, citation.id):
            citation.id = None
        with repo.transaction():
            saved = repo.add_citation(citation)
            _log(repo, None, saved)
        assert saved.id is not None
        self.citation.id = saved.id
        return RemoveCitation(saved.id, text=self.text)


@dataclass
class RemoveCitation(Operation):
    """Stop citing a source on a record; the inverse cites it again, as it was."""

    citation_id: int
    text: str = "Remove Citation"

    def apply(self, repo: Repository) -> Operation:
        with repo.transaction():
            citation = repo.citation(self.citation_id)
            repo.remove_citation(self.citation_id)
            _log(repo, citation, None)
        return AddCitation(citation, text=self.text)


@dataclass
class EditCitation(Operation):
    """Change the field a citation backs and its quote; the inverse puts the old ones back."""

    citation_id: int
    field: str
    quote: str
    text: str = "Edit Citation"

    def apply(self, repo: Repository) -> Operation:
        with repo.transaction():
            before = repo.citation(self.citation_id)
            after = replace(before, field=self.field, quote=self.quote)
            repo.update_citation(after)
            _log(repo, before, after)
        return EditCitation(self.citation_id, before.field, before.quote, text=self.text)


@dataclass
class SetTags(Operation):
    """Give a record exactly these tags, through its save (validated, logged, indexed)."""

    kind: str
    record_id: int
    tags: list[str]
    text: str = "Edit Tags"

    def apply(self, repo: Repository) -> Operation:
        record = repo.get(self.kind, self.record_id)
        before = list(record.tags)
        record.tags = list(self.tags)
        repo.save(record)
        return SetTags(self.kind, self.record_id, before, text=self.text)


def tag_operation(repo: Repository, records: Sequence[tuple[str, int]],
                  add: Sequence[str] = (), remove: Sequence[str] = ()) -> Composite:  # fmt: skip
    """Add and remove tags on many records as one step ("Tag 3 Records")."""
    dropped = {t.casefold() for t in remove}
    parts: list[Operation] = []
    for kind, record_id in records:
        tags = [t for t in repo.tags(kind, record_id) if t.casefold() not in dropped]
        known = {t.casefold() for t in tags}
        tags += [t for t in add if t.casefold() not in known]
        parts.append(SetTags(kind, record_id, tags))
    noun = "Record" if len(records) == 1 else f"{len(records)} Records"
    verb = "Tag" if add else "Untag"
    return Composite(parts, text=f"{verb} {noun}")
