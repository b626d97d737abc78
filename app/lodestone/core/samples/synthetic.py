"""Plausible synthetic records, for exercising Lodestone at a scale no analyst types by hand.

A million events is what makes a slow query or an unbounded model visible, so the data has the
shape of the real thing: a few types of company in a few dozen countries, deals whose tranches
sometimes fall short of the headline (as in the news), dates known only to a month or a
quarter, events that name companies and sometimes a deal. Everything is drawn from one
`random.Random(seed)`, so the same seed gives the same rows.

Rows come out as plain tuples in the column order of `COLUMNS`, ready for `executemany`:
building dataclasses per record would cost more than the insert itself.
"""

from __future__ import annotations

import json
import random
from bisect import bisect
from collections.abc import Iterator
from itertools import accumulate
from typing import Any

from lodestone.core.records.countries import country_name
from lodestone.core.records.currencies import CURRENCY_DIGITS
from lodestone.core.records.vocabulary import (
    COMMODITIES,
    COMPANY_TYPES,
    DEAL_STATUSES,
    EVENT_TYPES,
    INSTRUMENTS,
    PARTY_ROLES,
    STAGES,
    TRANCHE_STATUSES,
)
from lodestone.core.samples.datepool import DatePool
from lodestone.core.samples.words import (
    AGENCIES,
    COMPANY_CORES,
    COMPANY_SUFFIXES,
    COUNTRY_WEIGHTS,
    CURRENCY_WEIGHTS,
    DEAL_PROJECTS,
    EVENT_TITLES,
    EXCHANGES,
    FIRST_WORDS,
    INVESTOR_CORES,
    OTHER_CORES,
    PRODUCTS,
    SECOND_WORDS,
)

Row = tuple[Any, ...]
Batch = dict[str, list[Row]]

COLUMNS: dict[str, tuple[str, ...]] = {
    "companies": ("id", "name", "kind", "ticker", "exchange", "country", "parent_id", "stages",
                  "commodities", "website", "notes", "created_at", "updated_at"),
    "deals": ("id", "title", "status", "announced", "announced_precision", "announced_start",
              "announced_end", "closed", "closed_precision", "closed_start", "closed_end",
              "amount_minor", "currency", "capacity_value", "capacity_unit", "capacity_product",
              "stage", "commodities", "country", "description", "created_at", "updated_at"),
    "deal_parties": ("deal_id", "company_id", "role", "position"),
    "tranches": ("deal_id", "funder_id", "instrument", "amount_minor", "currency", "status",
                 "notes", "position"),
    "events": ("id", "title", "kind", "date", "date_precision", "end_date", "end_precision",
               "start_day", "end_day", "deal_id", "country", "description", "created_at",
               "updated_at"),
    "event_companies": ("event_id", "company_id", "position"),
}  # fmt: skip

_COMPANY_TYPE_WEIGHTS = {"company": 80, "investor": 11, "government agency": 5, "other": 4}
_EVENT_WEIGHTS = (8, 6, 12, 18, 16, 14, 6, 20)  # in the order of EVENT_TYPES
_PERIOD_TYPES = ("policy", "trade restriction")
_PAIR_TYPES = ("partnership", "stake")  # titles that name two companies
# How a deal's tranches stand against its headline: the gap is the interesting case.
_SHAPES = ("balanced", "unallocated", "over-allocated", "no headline")
_SHAPE_WEIGHTS = (55, 27, 5, 13)
_TRANCHE_COUNT_WEIGHTS = (12, 28, 25, 20, 15)  # 0 to 4 tranches


class SyntheticTracker:
    """Generates companies, then deals, then events (in that order: later ones refer to the
    earlier), keeping only what later rows need: names, funders, and each deal's parties."""

    def __init__(self, seed: int, *, timestamp: str) -> None:
        self.rng = random.Random(seed)
        self.timestamp = timestamp
        self.dates = DatePool(2000, 2026)
        self.names: list[str] = [""]  # index = company id
        self.company_types: list[str] = [""]
        self.countries: list[str] = [""]
        self.by_type: dict[str, list[int]] = {t: [] for t in COMPANY_TYPES}
        self.deal_parties: list[tuple[int, ...]] = [()]  # index = deal id
        self._taken: set[str] = set()

    # -- companies ---------------------------------------------------------------------------

    def _unique(self, make: Any) -> str:
        """A name nobody has yet (names are unique, case-insensitively); numbered when the
        word lists run out, so any count can be generated."""
        for _ in range(8):
            name = make()
            if name.casefold() not in self._taken:
                break
        else:
            name = f"{make()} {len(self.names)}"
        self._taken.add(name.casefold())
        return str(name)

    def _company_name(self, company_type: str, country: str) -> str:
        rng = self.rng
        stem = f"{rng.choice(FIRST_WORDS)} {rng.choice(SECOND_WORDS)}"
        if company_type == "government agency":
            return f"{country_name(country)} {rng.choice(AGENCIES)}"
        if company_type == "investor":
            return f"{stem} {rng.choice(INVESTOR_CORES)}"
        if company_type == "other":
            return f"{stem} {rng.choice(OTHER_CORES)}"
        return f"{stem} {rng.choice(COMPANY_CORES)} {rng.choice(COMPANY_SUFFIXES)}"

    def companies(self, first_id: int, count: int) -> Batch:
        rng, rows = self.rng, []
        types, weights = list(_COMPANY_TYPE_WEIGHTS), list(_COMPANY_TYPE_WEIGHTS.values())
        countries, country_weights = list(COUNTRY_WEIGHTS), list(COUNTRY_WEIGHTS.values())
        for company_id in range(first_id, first_id + count):
            company_type = rng.choices(types, weights)[0]
            country = rng.choices(countries, country_weights)[0]
            name = self._unique(lambda t=company_type, c=country: self._company_name(t, c))
            ticker = exchange = ""
            if company_type == "company" and rng.random() < 0.35:
                ticker = "".join(w[0] for w in name.split()[:3]).upper() + rng.choice("ELMRX")
                exchange = rng.choice(EXCHANGES.get(country, ("OTC",)))
            parent = None
            companies = self.by_type["company"]
            if company_type == "company" and len(companies) > 10 and rng.random() < 0.08:
                parent = rng.choice(companies)
            stages = sorted(rng.sample(STAGES[:-1], rng.randint(0, 2)), key=STAGES.index)
            commodities = rng.sample(COMMODITIES, rng.randint(0, 3))
            slug = "".join(ch for ch in name.lower() if ch.isalnum())[:24]
            notes = f"Active in {country_name(country)}." if rng.random() < 0.2 else ""
            rows.append((company_id, name, company_type, ticker, exchange, country, parent,
                         json.dumps(stages), json.dumps(commodities), f"https://{slug}.example",
                         notes, self.timestamp, self.timestamp))
            self.names.append(name)
            self.company_types.append(company_type)
            self.countries.append(country)
            self.by_type[company_type].append(company_id)
        return {"companies": rows}

    # -- deals -------------------------------------------------------------------------------

    def _pick(self, pool: list[int]) -> int:
        """A company from `pool`, or from every company when that type has none yet."""
        return self.rng.choice(pool) if pool else self.rng.randint(1, len(self.names) - 1)

    def _money(self, millions: float, currency: str) -> int:
        """Minor units of a round-ish amount (tenths of a million) in `currency`."""
        unit: int = 10 ** (5 + CURRENCY_DIGITS[currency])  # typeshed: int ** int is Any
        return round(millions * 10) * unit

    def deals(self, first_id: int, count: int) -> Batch:
        rng, dates = self.rng, self.dates
        currencies, currency_weights = list(CURRENCY_WEIGHTS), list(CURRENCY_WEIGHTS.values())
        funders = self.by_type["government agency"] + self.by_type["investor"]
        deals: list[Row] = []
        parties: list[Row] = []
        tranches: list[Row] = []
        for deal_id in range(first_id, first_id + count):
            recipient = self._pick(self.by_type["company"])
            members = [recipient]
            for _ in range(rng.choices((0, 1, 2), (55, 30, 15))[0]):
                other = rng.randint(1, len(self.names) - 1)
                if other not in members:
                    members.append(other)
            for position, company_id in enumerate(members):
                role = "recipient" if position == 0 else rng.choice(PARTY_ROLES[1:])
                parties.append((deal_id, company_id, role, position))
            self.deal_parties.append(tuple(members))

            currency = rng.choices(currencies, currency_weights)[0]
            shape = rng.choices(_SHAPES, _SHAPE_WEIGHTS)[0]
            headline = round(10 ** rng.uniform(0.7, 3.4), 1)  # $5M .. $2.5B, log-uniform
            tranche_count = rng.choices(range(5), _TRANCHE_COUNT_WEIGHTS)[0]
            parts = [rng.random() + 0.2 for _ in range(tranche_count)]
            share = {"balanced": 1.0, "unallocated": rng.uniform(0.4, 0.95),
                     "over-allocated": rng.uniform(1.05, 1.3), "no headline": 1.0}[shape]
            minors = [self._money(headline * share * p / sum(parts), currency) for p in parts]
            headline_minor = None if shape == "no headline" else self._money(headline, currency)
            if shape == "balanced" and minors and headline_minor is not None:
                minors[-1] += headline_minor - sum(minors)  # exact, as the news rounds
            for position, minor in enumerate(minors):
                undisclosed = rng.random() < 0.04
                tranches.append((deal_id, self._pick(funders) if funders else None,
                                 rng.choice(INSTRUMENTS), None if undisclosed else minor,
                                 None if undisclosed else currency,
                                 rng.choice(TRANCHE_STATUSES), "", position))

            stage = rng.choice(STAGES[:-1])
            commodity = rng.choice(COMMODITIES)
            status = rng.choices(DEAL_STATUSES, (40, 25, 28, 7))[0]
            announced = dates.pick(rng)
            closed = dates.after(rng, announced) if status == "closed" else dates.NONE
            capacity = ("", "", "")
            if rng.random() < 0.3:
                capacity = (str(rng.choice((500, 1000, 2000, 5000, 10000))), "t/yr",
                            PRODUCTS[stage])
            country = self.countries[recipient]
            title = rng.choice(DEAL_PROJECTS).format(
                name=self.names[recipient], product=PRODUCTS[stage], stage=stage,
                commodity=commodity)
            description = (f"A {stage} project for {commodity} in {country_name(country)}."
                           if rng.random() < 0.6 else "")
            deals.append((deal_id, title, status, *announced, *closed, headline_minor,
                          None if headline_minor is None else currency, *capacity, stage,
                          json.dumps([commodity]), country, description, self.timestamp,
                          self.timestamp))
        return {"deals": deals, "deal_parties": parties, "tranches": tranches}

    # -- events ------------------------------------------------------------------------------

    def events(self, first_id: int, count: int) -> Batch:
        rng, dates, names, countries = self.rng, self.dates, self.names, self.countries
        last_company, last_deal = len(names) - 1, len(self.deal_parties) - 1
        random_, randint, choice = rng.random, rng.randint, rng.choice
        cumulative, total = list(accumulate(_EVENT_WEIGHTS)), sum(_EVENT_WEIGHTS)
        events: list[Row] = []
        links: list[Row] = []
        for event_id in range(first_id, first_id + count):
            # One draw per event (never per batch), so the batch size cannot change the rows.
            event_type = EVENT_TYPES[bisect(cumulative, random_() * total)]
            deal_id = None
            if last_deal and random_() < 0.2:
                deal_id = randint(1, last_deal)
                members = list(self.deal_parties[deal_id][:3])
            else:
                members = [randint(1, last_company)]
            if len(members) == 1 and last_company > 1 and (event_type in _PAIR_TYPES
                                                          or random_() < 0.25):
                other = randint(1, last_company - 1)
                members.append(other + (other >= members[0]))  # never the first again
            for position, company_id in enumerate(members):
                links.append((event_id, company_id, position))
            country = countries[members[0]]
            commodity = choice(COMMODITIES)
            title = choice(EVENT_TITLES[event_type]).format(
                name=names[members[0]], other=names[members[-1]], commodity=commodity,
                country=country_name(country), pct=randint(2, 49))
            start = dates.pick(rng)
            period = event_type in _PERIOD_TYPES and random_() < 0.3
            end = dates.after(rng, start) if period else None
            description = f"{title}, as reported." if random_() < 0.3 else ""
            events.append((event_id, title, event_type, start[0], start[1],
                           None if end is None else end[0], None if end is None else end[1],
                           start[2], start[3] if end is None else end[3], deal_id, country,
                           description, self.timestamp, self.timestamp))
        return {"events": events, "event_companies": links}


def batches(make: Any, total: int, size: int) -> Iterator[tuple[int, int, Batch]]:
    """(first id, count, rows) for ids 1..total in batches of at most `size`."""
    for first in range(1, total + 1, size):
        count = min(size, total + 1 - first)
        yield first, count, make(first, count)
