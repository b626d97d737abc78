"""The plain dataclasses that core operations take and return.

They carry parsed values (Money, FuzzyDate), never raw form text: forms parse, validation
reports per-field errors, and only valid records reach the repository.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lodestone.core.records.fuzzydate import FuzzyDate
from lodestone.core.records.money import Money


@dataclass
class Company:
    name: str
    company_type: str = "company"  # stored in the column `kind`
    ticker: str = ""
    exchange: str = ""
    country: str = ""
    parent_id: int | None = None
    stages: list[str] = field(default_factory=list)
    commodities: list[str] = field(default_factory=list)
    website: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    id: int | None = None

    KIND = "company"

    @property
    def label(self) -> str:
        return self.name


@dataclass
class Party:
    company_id: int
    role: str = "recipient"


@dataclass
class Tranche:
    instrument: str = "other"
    amount: Money | None = None
    funder_id: int | None = None
    status: str = "announced"
    notes: str = ""
    id: int | None = None


@dataclass
class Deal:
    title: str
    status: str = "announced"
    announced: FuzzyDate | None = None
    closed: FuzzyDate | None = None
    amount: Money | None = None
    parties: list[Party] = field(default_factory=list)
    tranches: list[Tranche] = field(default_factory=list)
    capacity_value: str = ""
    capacity_unit: str = ""
    capacity_product: str = ""
    stage: str = ""
    commodities: list[str] = field(default_factory=list)
    country: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    id: int | None = None

    KIND = "deal"

    @property
    def label(self) -> str:
        return self.title


@dataclass
class Event:
    title: str
    date: FuzzyDate
    event_type: str = "other"  # stored in the column `kind`
    end_date: FuzzyDate | None = None
    company_ids: list[int] = field(default_factory=list)
    deal_id: int | None = None
    country: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    id: int | None = None

    KIND = "event"

    @property
    def label(self) -> str:
        return self.title


@dataclass
class Source:
    url: str = ""
    publisher: str = ""
    title: str = ""
    published: FuzzyDate | None = None
    accessed: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    id: int | None = None

    KIND = "source"

    @property
    def label(self) -> str:
        return self.title or self.url or self.publisher


@dataclass
class Citation:
    source_id: int
    record_kind: str
    record_id: int
    field: str = ""
    quote: str = ""
    id: int | None = None


Record = Company | Deal | Event | Source
