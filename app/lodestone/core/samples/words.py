"""The word lists synthetic records are built from, apart from the code that draws them.

Names are invented ("Northern Ridge Magnetics Ltd"), never real companies, so generated data
can't be mistaken for research; countries and currencies are real codes, weighted roughly as
the critical-minerals news weights them.
"""

from __future__ import annotations

FIRST_WORDS = (
    "Northern", "Southern", "Pacific", "Atlantic", "Great", "Blue", "Red", "Silver", "Iron",
    "Granite", "Summit", "Frontier", "Pioneer", "Horizon", "Meridian", "Polar", "Desert",
    "Coastal", "Highland", "Eastern", "Western", "Central", "United", "Allied", "Sovereign",
    "Crown", "Liberty", "Heritage", "Apex", "Vanguard", "Aurora", "Boreal", "Cardinal", "Delta",
    "Emerald", "Falcon", "Golden", "Harbor", "Lodestar", "Keystone",
)  # fmt: skip
SECOND_WORDS = (
    "Ridge", "Creek", "Valley", "Peak", "Basin", "Lake", "River", "Mesa", "Canyon", "Bay",
    "Point", "Range", "Plains", "Hill", "Fjord", "Shield", "Crater", "Harbour", "Forge", "Gate",
    "Star", "Rock", "Stone", "Field", "Spring", "Falls", "Island", "Coast", "Crest", "Pass",
)  # fmt: skip
COMPANY_CORES = (
    "Rare Earths", "Magnetics", "Minerals", "Metals", "Materials", "Resources", "Mining",
    "Separation", "Recycling", "Lithium", "Graphite", "Alloys", "Technologies", "Elements",
)  # fmt: skip
COMPANY_SUFFIXES = ("Ltd", "Corp.", "Inc.", "plc", "AG", "Pty Ltd", "LLC", "S.A.")
INVESTOR_CORES = ("Capital", "Ventures", "Partners", "Fund", "Investments", "Asset Management")
OTHER_CORES = ("Institute", "Consortium", "Association", "Research Centre", "Alliance")
AGENCIES = (
    "Department of Energy", "Office of Strategic Capital", "Export Credit Agency",
    "Development Bank", "Ministry of Industry", "Critical Minerals Office", "Infrastructure Bank",
    "Geological Survey", "Strategic Reserve Agency", "Investment Corporation",
)  # fmt: skip

COUNTRY_WEIGHTS = {
    "US": 25, "CN": 12, "AU": 12, "CA": 8, "JP": 5, "KR": 3, "DE": 3, "FR": 2, "GB": 3, "BR": 3,
    "VN": 2, "MY": 2, "PK": 1, "IN": 3, "ZA": 2, "MG": 1, "MM": 1, "GL": 1, "SE": 2, "EE": 1,
    "NO": 1, "KZ": 2, "SA": 2, "TZ": 1,
}  # fmt: skip
EXCHANGES = {
    "US": ("NASDAQ", "NYSE"), "AU": ("ASX",), "CA": ("TSX", "TSXV"), "GB": ("LSE", "AIM"),
    "JP": ("TSE",), "CN": ("SSE", "HKEX"), "KR": ("KRX",), "DE": ("XETRA",), "FR": ("EPA",),
}  # fmt: skip
CURRENCY_WEIGHTS = {"USD": 78, "EUR": 7, "AUD": 6, "CAD": 5, "GBP": 2, "JPY": 2}

PRODUCTS = {
    "mining": "concentrate", "separation/refining": "NdPr oxide", "metals/alloys": "NdFeB alloy",
    "magnets": "magnets", "recycling": "recycled oxide", "components": "motors",
}  # fmt: skip
DEAL_PROJECTS = (
    "{name} {product} plant financing", "{name} {stage} expansion",
    "{name} {commodity} offtake agreement", "{name} {commodity} project loan",
    "{name} {product} facility funding", "{name} {commodity} price floor",
    "{name} strategic equity investment",
)  # fmt: skip
EVENT_TITLES = {
    "policy": ("{country} announces {commodity} strategy",
               "{country} adds {commodity} to its critical minerals list"),
    "trade restriction": ("{country} restricts {commodity} exports",
                          "{country} lifts {commodity} export controls"),
    "shipment": ("{name} ships {commodity} to customers", "{name} delivers first {commodity}"),
    "partnership": ("{name} partners with {other}", "{name} and {other} sign {commodity} MoU"),
    "financing": ("{name} secures {commodity} project funding", "{name} closes financing round"),
    "production": ("{name} starts {commodity} production", "{name} commissions new line"),
    "stake": ("{other} takes {pct}% stake in {name}",),
    "other": ("{name} {commodity} update", "{name} publishes resource estimate"),
}
