"""The descriptions of the four record kinds and their child tables, in the order the program
shows and writes them (the lists' sidebar, counts, snapshot files, comparison reports).

Adding a field to a record kind means: its dataclass field (`records.model`), its columns
(`records.rowmap` and a migration), its rule (`records.validation`) and, when the list or the
search should show it, one entry here.
"""

from __future__ import annotations

from lodestone.core.records import rowmap
from lodestone.core.records.kinds.description import ChildTable, RecordKind
from lodestone.core.records.kinds.listing import (
    MONEY_CELL,
    Column,
    Facet,
    company_facet,
    date_cell,
    json_facet,
    json_list_cell,
    money_cell,
    tag_facet,
)
from lodestone.core.records.model import Citation, Company, Deal, Event, Party, Source, Tranche
from lodestone.core.records.validation import (
    validate_company,
    validate_deal,
    validate_event,
    validate_source,
)

PARTIES = ChildTable(
    "parties", "deal_parties", "deal_parties.csv", owner="deal_id", record_type=Party,
    company_column="company_id", names_column="party_names",
)  # fmt: skip
TRANCHES = ChildTable(
    "tranches", "tranches", "tranches.csv", owner="deal_id", record_type=Tranche,
    company_column="funder_id",
)  # fmt: skip
EVENT_COMPANIES = ChildTable(
    "company_ids", "event_companies", "event_companies.csv", owner="event_id",
    order_by="position", company_column="company_id", names_column="company_names",
)  # fmt: skip
CITATIONS = ChildTable("citations", "citations", "citations.csv", record_type=Citation,
                       order_by="id")  # fmt: skip
TAGS = ChildTable("tags", "tags", "tags.csv", order_by="tag")

COMPANY = RecordKind(
    name="company",
    title="Company",
    plural="companies",
    table="companies",
    record_type=Company,
    label_columns=("name",),
    list_columns=(
        Column("name", "Name", "t.name", "t.name COLLATE NOCASE"),
        Column("kind", "Kind", "t.kind"),
        Column(
            "ticker",
            "Ticker",
            "CASE WHEN t.ticker = '' THEN '' WHEN t.exchange = '' "
            "THEN t.ticker ELSE t.exchange || ':' || t.ticker END",
        ),
        Column("country", "Country", "t.country"),
        Column("stages", "Stages", "t.stages", format=json_list_cell),
        Column("commodities", "Commodities", "t.commodities", format=json_list_cell),
    ),
    facets=(
        Facet("kind", "Kind", "t.kind"),
        Facet("country", "Country", "t.country"),
        json_facet("stage", "Stage", "stages"),
        json_facet("commodity", "Commodity", "commodities"),
        tag_facet("company"),
    ),
    default_sort="name",
    search_columns=("name", "ticker", "exchange", "website", "notes"),
    validator=validate_company,
    to_row=rowmap.company_row,
    from_row=rowmap.company_from,
    snapshot_file="companies.csv",
)

DEAL = RecordKind(
    name="deal",
    title="Deal",
    plural="deals",
    table="deals",
    record_type=Deal,
    label_columns=("title",),
    list_columns=(
        Column("title", "Title", "t.title", "t.title COLLATE NOCASE"),
        Column("parties", "Parties", "t.party_names", "t.party_names COLLATE NOCASE"),
        Column("announced", "Announced", "t.announced", "t.announced_start", format=date_cell),
        Column("amount", "Amount", MONEY_CELL, "t.currency, t.amount_minor", money_cell, True),
        Column("status", "Status", "t.status"),
        Column("country", "Country", "t.country"),
    ),
    facets=(
        Facet("status", "Status", "t.status"),
        Facet("country", "Country", "t.country"),
        Facet("stage", "Stage", "t.stage"),
        Facet("currency", "Currency", "t.currency"),
        Facet("instrument", "Instrument", "f.instrument", "tranches f", "f.deal_id"),
        json_facet("commodity", "Commodity", "commodities"),
        company_facet("deal_parties", "deal_id"),
        tag_facet("deal"),
    ),
    default_sort="announced",
    search_columns=("title", "description", "country", "capacity_product"),
    validator=validate_deal,
    to_row=rowmap.deal_row,
    from_row=rowmap.deal_from,
    snapshot_file="deals.csv",
    children=(PARTIES, TRANCHES),
    span_columns=("announced_start", "announced_end"),
)

EVENT = RecordKind(
    name="event",
    title="Event",
    plural="events",
    table="events",
    record_type=Event,
    label_columns=("title",),
    list_columns=(
        Column("date", "Date", "t.date", "t.start_day", format=date_cell),
        Column("title", "Title", "t.title", "t.title COLLATE NOCASE"),
        Column("kind", "Kind", "t.kind"),
        Column("companies", "Companies", "t.company_names", "t.company_names COLLATE NOCASE"),
        Column("country", "Country", "t.country"),
    ),
    facets=(
        Facet("kind", "Kind", "t.kind"),
        Facet("country", "Country", "t.country"),
        company_facet("event_companies", "event_id"),
        tag_facet("event"),
    ),
    default_sort="date",
    search_columns=("title", "description", "country"),
    validator=validate_event,
    to_row=rowmap.event_row,
    from_row=rowmap.event_from,
    snapshot_file="events.csv",
    children=(EVENT_COMPANIES,),
    span_columns=("start_day", "end_day"),
)

SOURCE = RecordKind(
    name="source",
    title="Source",
    plural="sources",
    table="sources",
    record_type=Source,
    label_columns=("title", "url", "publisher"),
    list_columns=(
        Column("publisher", "Publisher", "t.publisher", "t.publisher COLLATE NOCASE"),
        Column("title", "Title", "t.title", "t.title COLLATE NOCASE"),
        Column("published", "Published", "t.published", format=date_cell),
        Column("url", "URL", "t.url"),
    ),
    facets=(Facet("publisher", "Publisher", "t.publisher"), tag_facet("source")),
    default_sort="publisher",
    search_columns=("title", "publisher", "url", "notes"),
    validator=validate_source,
    to_row=rowmap.source_row,
    from_row=rowmap.source_from,
    snapshot_file="sources.csv",
)

RECORD_KINDS: tuple[RecordKind, ...] = (COMPANY, DEAL, EVENT, SOURCE)
RECORD_CHILDREN: tuple[ChildTable, ...] = (CITATIONS, TAGS)  # rows of a record of any kind
