"""A deal's tranches held up against its headline amount, one currency at a time.

News reports announce a headline ("a $1.4 billion deal") and then list parts that rarely add
up to it ($620M + $50M + $550M = $1.22B). The gap is information the analyst wants to see, not
an error to hide, so reconciliation reports it per currency: what is allocated, what is left
(negative when the tranches exceed the headline) and a sentence for the deal form and the CLI.

Currencies are never added together: a EUR tranche of a USD deal gets its own line, with no
headline, because there is no recorded exchange rate to convert it with.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from lodestone.core.records.model import Deal
from lodestone.core.records.money import Money, format_money, money_sum

Status = Literal["balanced", "unallocated", "over-allocated", "no headline"]


@dataclass(frozen=True)
class Reconciliation:
    """The tranches of one currency against the headline in that currency (if any).

    `unallocated` is headline - allocated, exactly; it is negative when over-allocated, and
    zero when there is no headline in this currency (nothing to allocate from).
    """

    currency: str
    headline: Money | None
    allocated: Money
    unallocated: Money

    @property
    def status(self) -> Status:
        if self.headline is None:
            return "no headline"
        if self.unallocated.minor == 0:
            return "balanced"
        return "unallocated" if self.unallocated.minor > 0 else "over-allocated"

    def describe(self) -> str:
        """One sentence, short amounts: "$1.22B of $1.4B allocated — $180M unallocated"."""
        allocated = format_money(self.allocated, short=True)
        if self.headline is None:
            return f"{allocated} in tranches, no headline amount"
        headline = format_money(self.headline, short=True)
        status = self.status
        if status == "balanced":
            return f"{allocated} of {headline} allocated"
        gap = format_money(abs(self.unallocated), short=True)
        if status == "unallocated":
            return f"{allocated} of {headline} allocated — {gap} unallocated"
        return f"over-allocated by {gap}: {allocated} of {headline}"


def reconcile(
    headline: Money | None, tranche_amounts: Iterable[Money | None]
) -> list[Reconciliation]:
    """One line per currency present: the headline's first, then the others in order of first
    appearance. Tranches without an amount are left out (nothing to count). No headline and no
    amounts give an empty list."""
    by_currency: dict[str, list[Money]] = {}
    if headline is not None:
        by_currency[headline.currency] = []
    for amount in tranche_amounts:
        if amount is not None:
            by_currency.setdefault(amount.currency, []).append(amount)
    lines = []
    for currency, amounts in by_currency.items():
        allocated = money_sum(amounts, currency)
        if headline is not None and headline.currency == currency:
            lines.append(Reconciliation(currency, headline, allocated, headline - allocated))
        else:
            lines.append(Reconciliation(currency, None, allocated, Money.zero(currency)))
    return lines


def reconcile_deal(deal: Deal) -> list[Reconciliation]:
    """`reconcile` over a deal's headline amount and its tranches' amounts."""
    return reconcile(deal.amount, (tranche.amount for tranche in deal.tranches))
