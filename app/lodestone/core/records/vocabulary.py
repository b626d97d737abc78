"""The closed vocabularies of the data model: one place that the schema, validation, forms
and CSV import all read, so a new instrument or event type is added once."""

from __future__ import annotations

COMPANY_TYPES = ("company", "government agency", "investor", "other")
DEAL_STATUSES = ("announced", "agreed", "closed", "cancelled")
INSTRUMENTS = (
    "loan",
    "loan guarantee",
    "grant",
    "equity",
    "convertible",
    "offtake",
    "price floor",
    "tax credit",
    "other",
)
TRANCHE_STATUSES = ("announced", "conditional", "closed", "disbursed")
EVENT_TYPES = (
    "policy",
    "trade restriction",
    "shipment",
    "partnership",
    "financing",
    "production",
    "stake",
    "other",
)
PARTY_ROLES = ("recipient", "partner", "acquirer", "investor", "offtaker", "seller", "other")
STAGES = (
    "mining",
    "separation/refining",
    "metals/alloys",
    "magnets",
    "recycling",
    "components",
    "other",
)
COMMODITIES = (
    "rare earths",
    "NdPr",
    "Dy",
    "Tb",
    "Sm",
    "lithium",
    "graphite",
    "cobalt",
    "nickel",
    "gallium",
    "germanium",
    "antimony",
    "tungsten",
    "uranium",
    "vanadium",
)
# A funder's company type decides the "funder type" of a tranche in the funding breakdown.
FUNDER_TYPES = {"government agency": "government", "company": "private", "investor": "private"}


def funder_type(company_type: str | None) -> str:
    """Government, private or other: how the funding chart groups a tranche's funder."""
    return FUNDER_TYPES.get(company_type or "", "other")


def sql_text(value: str) -> str:
    """`'a'`: one of our values as an SQL string literal (never user input)."""
    return "'" + value.replace("'", "''") + "'"


def sql_in(values: tuple[str, ...]) -> str:
    """`('a', 'b')` for a CHECK constraint; the values are ours, never user input."""
    return "(" + ", ".join(sql_text(v) for v in values) + ")"


def sql_codes(column: str, codes: dict[str, int], other: int) -> str:
    """`CASE column WHEN 'a' THEN 0 ... ELSE other END`: our values as small integers."""
    cases = " ".join(f"WHEN {sql_text(value)} THEN {code}" for value, code in codes.items())
    return f"CASE {column} {cases} ELSE {other} END"
