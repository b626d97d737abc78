"""The line under the tranches table that holds them up against the headline amount.

"$1.22B of $1.4B allocated — $180M unallocated" is information the analyst wants in view while
typing, so it is recomputed on every keystroke from whatever can be read. The sums come from
`lodestone.core.records.reconciliation`, the same code the CLI's check uses, so the two never
disagree; each currency gets its own line because amounts in different currencies are never added.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from lodestone.core.records import Money, Reconciliation, format_money, reconcile

STATE_PROPERTY = "reconciliation"  # "", "balanced", "unallocated", "over-allocated", "mixed"
_STYLE = (
    'QLabel[reconciliation="over-allocated"] { color: #a05200; font-weight: bold; }'
    'QLabel[reconciliation="mixed"] { color: #a05200; }'
)


def reconciliation_lines(
    headline: Money | None, amounts: Iterable[Money | None], unreadable: int = 0
) -> tuple[list[str], str]:
    """The sentences to show and the overall state: the worst of the lines, "mixed" when some
    tranches are in another currency than the headline (listed apart, never summed)."""
    lines: list[Reconciliation] = reconcile(headline, amounts)
    texts = []
    for line in lines:
        if line.status == "no headline" and headline is not None:
            allocated = format_money(line.allocated, short=True)
            texts.append(f"{allocated} in {line.currency} tranches: not counted against the "
                         f"{headline.currency} headline")  # fmt: skip
        else:
            texts.append(line.describe()[:1].upper() + line.describe()[1:])
    if unreadable:
        noun = "amount" if unreadable == 1 else "amounts"
        texts.append(f"{unreadable} tranche {noun} not counted: cannot be read")
    statuses = {line.status for line in lines}
    if "over-allocated" in statuses:
        state = "over-allocated"
    elif headline is not None and "no headline" in statuses:
        state = "mixed"
    else:
        state = next((line.status for line in lines if line.headline is not None), "")
    return texts, state


class ReconciliationLabel(QLabel):
    """Shows `reconciliation_lines`; the state is a dynamic property the style sheet keys on,
    so over-allocation reads as a warning in every theme without hard-coded palettes."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("deal.reconciliation")
        self.setAccessibleName("Tranches against the headline amount")
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setStyleSheet(_STYLE)
        self.setProperty(STATE_PROPERTY, "")

    @property
    def state(self) -> str:
        return str(self.property(STATE_PROPERTY) or "")

    def show_reconciliation(
        self, headline: Money | None, amounts: Iterable[Money | None], unreadable: int = 0
    ) -> None:
        texts, state = reconciliation_lines(headline, amounts, unreadable)
        self.setText("\n".join(texts))
        self.setAccessibleDescription(" ".join(texts))
        if state != self.state:
            self.setProperty(STATE_PROPERTY, state)
            self.style().unpolish(self)
            self.style().polish(self)
