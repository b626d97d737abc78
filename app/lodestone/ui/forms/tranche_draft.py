"""One tranche row as the analyst typed it, and what can be read from it.

The table keeps the typed text of every cell, so an amount that cannot be read ("12 apples")
stays on screen with its reason instead of vanishing or turning into a guess. A draft is
read when a cell is edited: the funder name looked up, the amount parsed in the row's
currency (else the headline's). Plain Python, so the reading rules are one place, apart from
the Qt model that shows them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from lodestone.core.records import (
    FieldError,
    Money,
    MoneyError,
    Tranche,
    clean_text,
    format_money,
    is_currency,
    parse_money,
)

COLUMNS = ("funder", "instrument", "amount", "currency", "status", "notes")
TITLES = ("Funder", "Instrument", "Amount", "Currency", "Status", "Notes")
# The Tranche attribute each column becomes, as validation names it ("tranches[0].funder_id").
ATTRIBUTES = ("funder_id", "instrument", "amount", "currency", "status", "notes")
FUNDER, INSTRUMENT, AMOUNT, CURRENCY, STATUS, NOTES = range(len(COLUMNS))


class CompanyLookup(Protocol):
    """Turns funder names into ids and back: `pickers.RecordLookup` over companies, so a
    funder cell finds companies exactly as every company picker does."""

    def resolve(
        self, text: str, field: str, label: str
    ) -> tuple[int | None, FieldError | None]: ...

    def label(self, record_id: int) -> str: ...


def amount_text(amount: Money | None) -> str:
    """How a stored amount is shown for editing: short ("$620M") when that reads back exactly,
    else the exact form ("$620,000,000.01"), so opening and saving never changes a number."""
    if amount is None:
        return ""
    short = format_money(amount, short=True)
    try:
        if parse_money(short) == amount:
            return short
    except MoneyError:
        pass
    return format_money(amount)


@dataclass
class TrancheDraft:
    """One row as typed, with what could be read from it. `problems` are the reasons (without
    the field label) that a cell cannot be read; `checks` and `warnings` are validation's
    messages, shown until the cell is edited or validation runs again."""

    funder: str = ""
    instrument: str = Tranche.instrument
    amount: str = ""
    currency: str = ""
    status: str = Tranche.status
    notes: str = ""
    id: int | None = None
    funder_id: int | None = None
    money: Money | None = None
    problems: dict[int, str] = field(default_factory=dict)
    checks: dict[int, str] = field(default_factory=dict)
    warnings: dict[int, str] = field(default_factory=dict)

    @classmethod
    def of(cls, tranche: Tranche, companies: CompanyLookup) -> TrancheDraft:
        """The row that shows a stored tranche."""
        amount = tranche.amount
        return cls(
            funder="" if tranche.funder_id is None else companies.label(tranche.funder_id),
            instrument=tranche.instrument, amount=amount_text(amount),
            currency=amount.currency if amount else "", status=tranche.status,
            notes=tranche.notes, id=tranche.id, funder_id=tranche.funder_id, money=amount,
        )  # fmt: skip

    def record(self) -> Tranche:
        """The tranche as far as it can be read (an unreadable amount is None)."""
        return Tranche(
            instrument=self.instrument, amount=self.money, funder_id=self.funder_id,
            status=self.status, notes=clean_text(self.notes, multiline=True), id=self.id,
        )  # fmt: skip

    def text(self, column: int) -> str:
        return str(getattr(self, COLUMNS[column]))

    def texts(self) -> tuple[str, ...]:
        """Everything typed (and which stored tranche it is): what "modified" compares."""
        return (str(self.id), *(self.text(column) for column in range(len(COLUMNS))))

    def enter(self, column: int, text: str, companies: CompanyLookup, currency: str | None) -> None:
        """The analyst typed `text` into a cell: keep it and read the row again."""
        if column == CURRENCY:
            text = text.strip().upper()
        elif column != NOTES:
            text = clean_text(text, multiline=False)
        setattr(self, COLUMNS[column], text)
        self.checks.pop(column, None)
        self.warnings.pop(column, None)
        if column == FUNDER:
            self.read_funder(companies)
        elif column in (AMOUNT, CURRENCY):
            self.checks.pop(AMOUNT if column == CURRENCY else CURRENCY, None)
            self.read_amount(currency, follow=column == AMOUNT)

    def read_funder(self, companies: CompanyLookup) -> None:
        """Find the funder by name; the cell then shows the company's own spelling."""
        self.problems.pop(FUNDER, None)
        label = TITLES[FUNDER]
        self.funder_id, error = companies.resolve(self.funder, ATTRIBUTES[FUNDER], label)
        if error is not None:
            self.problems[FUNDER] = error.message.removeprefix(f"{label}: ")
        elif self.funder_id is not None:
            self.funder = companies.label(self.funder_id)

    def read_amount(self, headline_currency: str | None, follow: bool) -> None:
        """Parse the amount in the row's currency (else the headline's); with `follow`, the
        Currency cell takes the currency the amount names ("€50M" makes it EUR)."""
        self.problems.pop(AMOUNT, None)
        self.problems.pop(CURRENCY, None)
        self.money = money = None
        if text := self.amount.strip():
            default = self.currency if is_currency(self.currency) else headline_currency
            try:
                money = parse_money(text, default)
            except MoneyError as exc:
                self.problems[AMOUNT] = str(exc)
            if money is not None and (follow or not self.currency):
                self.currency = money.currency
        if self.currency and not is_currency(self.currency):
            self.problems[CURRENCY] = f"'{self.currency}' is not a known ISO 4217 code"
        elif money is not None and money.currency != self.currency:
            self.problems[CURRENCY] = (f"is {self.currency} but the amount '{text}' is in "
                                       f"{money.currency}; change one of them")  # fmt: skip
        else:
            self.money = money
