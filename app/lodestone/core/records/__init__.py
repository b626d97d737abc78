"""What a record is: the dataclasses of each kind, validation and field checks, money and
currencies, countries, fuzzy dates, vocabularies and the reconciliation of a deal's tranches.

The lowest layer of the core: it imports no other core package.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lodestone.core.lazy_exports import load_export

# Each public name and the submodule that defines it, imported on first use (PEP 562):
# importing the package loads none of them.
_EXPORTS = {
    "COUNTRIES": "countries",
    "country_code": "countries",
    "country_name": "countries",
    "is_country": "countries",
    "CURRENCY_DIGITS": "currencies",
    "is_currency": "currencies",
    "FieldChecks": "fieldcheck",
    "FieldError": "fieldcheck",
    "FieldWarning": "fieldcheck",
    "clean_text": "fieldcheck",
    "field_label": "fieldcheck",
    "parse_field": "fieldcheck",
    "DateError": "fuzzydate",
    "FuzzyDate": "fuzzydate",
    "Precision": "fuzzydate",
    "format_range": "fuzzydate",
    "parse_fuzzy_date": "fuzzydate",
    "KIND_NAMES": "kinds",
    "kind_of_table": "kinds",
    "record_kind": "kinds",
    "snapshot": "kinds",
    "to_row": "kinds",
    "validate": "kinds",
    "ChildTable": "kinds.description",
    "RecordKind": "kinds.description",
    "ListLayout": "kinds.listing",
    "CITATIONS": "kinds.registry",
    "COMPANY": "kinds.registry",
    "DEAL": "kinds.registry",
    "EVENT": "kinds.registry",
    "EVENT_COMPANIES": "kinds.registry",
    "PARTIES": "kinds.registry",
    "RECORD_KINDS": "kinds.registry",
    "SOURCE": "kinds.registry",
    "TAGS": "kinds.registry",
    "TRANCHES": "kinds.registry",
    "Citation": "model",
    "Company": "model",
    "Deal": "model",
    "Event": "model",
    "Party": "model",
    "Record": "model",
    "Source": "model",
    "Tranche": "model",
    "Money": "money",
    "MoneyError": "money",
    "format_money": "money",
    "from_decimal_string": "money",
    "money_sum": "money",
    "parse_money": "money",
    "to_decimal_string": "money",
    "Reconciliation": "reconciliation",
    "reconcile": "reconciliation",
    "company_from": "rowmap",
    "company_row": "rowmap",
    "date_columns": "rowmap",
    "deal_from": "rowmap",
    "deal_row": "rowmap",
    "diff": "rowmap",
    "event_from": "rowmap",
    "event_row": "rowmap",
    "source_from": "rowmap",
    "source_row": "rowmap",
    "tranche_row": "rowmap",
    "TRIGGERS": "spreadsheet",
    "escape_any_cell": "spreadsheet",
    "escape_cell": "spreadsheet",
    "unescape_cell": "spreadsheet",
    "NAME_LIMIT": "validation",
    "TEXT_LIMIT": "validation",
    "deal_warnings": "validation",
    "validate_deal": "validation",
    "validate_source": "validation",
    "COMMODITIES": "vocabulary",
    "COMPANY_TYPES": "vocabulary",
    "DEAL_STATUSES": "vocabulary",
    "EVENT_TYPES": "vocabulary",
    "FUNDER_TYPES": "vocabulary",
    "INSTRUMENTS": "vocabulary",
    "PARTY_ROLES": "vocabulary",
    "STAGES": "vocabulary",
    "TRANCHE_STATUSES": "vocabulary",
    "sql_codes": "vocabulary",
    "sql_in": "vocabulary",
}

if TYPE_CHECKING:  # the same names, for type checkers and the import graph
    from lodestone.core.records.countries import COUNTRIES as COUNTRIES
    from lodestone.core.records.countries import country_code as country_code
    from lodestone.core.records.countries import country_name as country_name
    from lodestone.core.records.countries import is_country as is_country
    from lodestone.core.records.currencies import CURRENCY_DIGITS as CURRENCY_DIGITS
    from lodestone.core.records.currencies import is_currency as is_currency
    from lodestone.core.records.fieldcheck import FieldChecks as FieldChecks
    from lodestone.core.records.fieldcheck import FieldError as FieldError
    from lodestone.core.records.fieldcheck import FieldWarning as FieldWarning
    from lodestone.core.records.fieldcheck import clean_text as clean_text
    from lodestone.core.records.fieldcheck import field_label as field_label
    from lodestone.core.records.fieldcheck import parse_field as parse_field
    from lodestone.core.records.fuzzydate import DateError as DateError
    from lodestone.core.records.fuzzydate import FuzzyDate as FuzzyDate
    from lodestone.core.records.fuzzydate import Precision as Precision
    from lodestone.core.records.fuzzydate import format_range as format_range
    from lodestone.core.records.fuzzydate import parse_fuzzy_date as parse_fuzzy_date
    from lodestone.core.records.kinds import KIND_NAMES as KIND_NAMES
    from lodestone.core.records.kinds import kind_of_table as kind_of_table
    from lodestone.core.records.kinds import record_kind as record_kind
    from lodestone.core.records.kinds import snapshot as snapshot
    from lodestone.core.records.kinds import to_row as to_row
    from lodestone.core.records.kinds import validate as validate
    from lodestone.core.records.kinds.description import ChildTable as ChildTable
    from lodestone.core.records.kinds.description import RecordKind as RecordKind
    from lodestone.core.records.kinds.listing import ListLayout as ListLayout
    from lodestone.core.records.kinds.registry import CITATIONS as CITATIONS
    from lodestone.core.records.kinds.registry import COMPANY as COMPANY
    from lodestone.core.records.kinds.registry import DEAL as DEAL
    from lodestone.core.records.kinds.registry import EVENT as EVENT
    from lodestone.core.records.kinds.registry import EVENT_COMPANIES as EVENT_COMPANIES
    from lodestone.core.records.kinds.registry import PARTIES as PARTIES
    from lodestone.core.records.kinds.registry import RECORD_KINDS as RECORD_KINDS
    from lodestone.core.records.kinds.registry import SOURCE as SOURCE
    from lodestone.core.records.kinds.registry import TAGS as TAGS
    from lodestone.core.records.kinds.registry import TRANCHES as TRANCHES
    from lodestone.core.records.model import Citation as Citation
    from lodestone.core.records.model import Company as Company
    from lodestone.core.records.model import Deal as Deal
    from lodestone.core.records.model import Event as Event
    from lodestone.core.records.model import Party as Party
    from lodestone.core.records.model import Record as Record
    from lodestone.core.records.model import Source as Source
    from lodestone.core.records.model import Tranche as Tranche
    from lodestone.core.records.money import Money as Money
    from lodestone.core.records.money import MoneyError as MoneyError
    from lodestone.core.records.money import format_money as format_money
    from lodestone.core.records.money import from_decimal_string as from_decimal_string
    from lodestone.core.records.money import money_sum as money_sum
    from lodestone.core.records.money import parse_money as parse_money
    from lodestone.core.records.money import to_decimal_string as to_decimal_string
    from lodestone.core.records.reconciliation import Reconciliation as Reconciliation
    from lodestone.core.records.reconciliation import reconcile as reconcile
    from lodestone.core.records.rowmap import company_from as company_from
    from lodestone.core.records.rowmap import company_row as company_row
    from lodestone.core.records.rowmap import date_columns as date_columns
    from lodestone.core.records.rowmap import deal_from as deal_from
    from lodestone.core.records.rowmap import deal_row as deal_row
    from lodestone.core.records.rowmap import diff as diff
    from lodestone.core.records.rowmap import event_from as event_from
    from lodestone.core.records.rowmap import event_row as event_row
    from lodestone.core.records.rowmap import source_from as source_from
    from lodestone.core.records.rowmap import source_row as source_row
    from lodestone.core.records.rowmap import tranche_row as tranche_row
    from lodestone.core.records.spreadsheet import TRIGGERS as TRIGGERS
    from lodestone.core.records.spreadsheet import escape_any_cell as escape_any_cell
    from lodestone.core.records.spreadsheet import escape_cell as escape_cell
    from lodestone.core.records.spreadsheet import unescape_cell as unescape_cell
    from lodestone.core.records.validation import NAME_LIMIT as NAME_LIMIT
    from lodestone.core.records.validation import TEXT_LIMIT as TEXT_LIMIT
    from lodestone.core.records.validation import deal_warnings as deal_warnings
    from lodestone.core.records.validation import validate_deal as validate_deal
    from lodestone.core.records.validation import validate_source as validate_source
    from lodestone.core.records.vocabulary import COMMODITIES as COMMODITIES
    from lodestone.core.records.vocabulary import COMPANY_TYPES as COMPANY_TYPES
    from lodestone.core.records.vocabulary import DEAL_STATUSES as DEAL_STATUSES
    from lodestone.core.records.vocabulary import EVENT_TYPES as EVENT_TYPES
    from lodestone.core.records.vocabulary import FUNDER_TYPES as FUNDER_TYPES
    from lodestone.core.records.vocabulary import INSTRUMENTS as INSTRUMENTS
    from lodestone.core.records.vocabulary import PARTY_ROLES as PARTY_ROLES
    from lodestone.core.records.vocabulary import STAGES as STAGES
    from lodestone.core.records.vocabulary import TRANCHE_STATUSES as TRANCHE_STATUSES
    from lodestone.core.records.vocabulary import sql_codes as sql_codes
    from lodestone.core.records.vocabulary import sql_in as sql_in
else:  # hidden from type checkers, which then report a name not exported

    def __getattr__(name: str) -> object:
        return load_export(__name__, _EXPORTS, name)
