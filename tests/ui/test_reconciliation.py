"""The reconciliation line: the headline against its tranches, per currency, in words."""

from __future__ import annotations

import pytest
from lodestone.core.records import Money
from lodestone.ui.forms.reconciliation import ReconciliationLabel, reconciliation_lines


def usd(millions: int) -> Money:
    return Money(millions * 100_000_000, "USD")


def eur(millions: int) -> Money:
    return Money(millions * 100_000_000, "EUR")


@pytest.mark.parametrize(("headline", "amounts", "unreadable", "texts", "state"), [
    (usd(1400), [usd(620), usd(50), usd(550)], 0,
     ["$1.22B of $1.4B allocated — $180M unallocated"], "unallocated"),
    (usd(1400), [usd(850), usd(550)], 0, ["$1.4B of $1.4B allocated"], "balanced"),
    (usd(1400), [usd(620), usd(250), usd(550)], 0,
     ["Over-allocated by $20M: $1.42B of $1.4B"], "over-allocated"),
    (usd(1400), [usd(620), eur(50), None], 0,
     ["$620M of $1.4B allocated — $780M unallocated",
      "€50M in EUR tranches: not counted against the USD headline"], "mixed"),
    (usd(100), [usd(20), eur(200)], 0,
     ["$20M of $100M allocated — $80M unallocated",
      "€200M in EUR tranches: not counted against the USD headline"], "mixed"),
    (usd(100), [usd(150), eur(1)], 0,
     ["Over-allocated by $50M: $150M of $100M",
      "€1M in EUR tranches: not counted against the USD headline"], "over-allocated"),
    (None, [usd(50)], 0, ["$50M in tranches, no headline amount"], ""),
    (usd(500), [usd(100)], 2,
     ["$100M of $500M allocated — $400M unallocated",
      "2 tranche amounts not counted: cannot be read"], "unallocated"),
    (None, [], 1, ["1 tranche amount not counted: cannot be read"], ""),
    (None, [], 0, [], ""),
])  # fmt: skip
def test_lines_and_state(headline, amounts, unreadable, texts, state):
    assert reconciliation_lines(headline, amounts, unreadable) == (texts, state)


def test_label_shows_the_lines_and_restyles_on_state_change(qtbot):
    label = ReconciliationLabel()
    qtbot.addWidget(label)
    label.show_reconciliation(usd(1400), [usd(620), usd(50), usd(550)])
    assert label.text() == "$1.22B of $1.4B allocated — $180M unallocated"
    assert label.state == "unallocated"
    normal = label.palette().color(label.foregroundRole())
    label.show_reconciliation(usd(1400), [usd(1500)])
    assert label.state == "over-allocated"
    assert label.palette().color(label.foregroundRole()) != normal
    assert label.font().bold()
    label.show_reconciliation(usd(1400), [usd(620), eur(50)])
    assert label.text().count("\n") == 1
    assert label.accessibleDescription() == label.text().replace("\n", " ")
    label.show_reconciliation(None, [])
    assert label.text() == "" and label.state == ""
