"""The funding facts as read from a tracker: live deals, their tranches, first recipients."""

from __future__ import annotations

from lodestone.core.funding import load_facts
from lodestone.core.funding.facts import NONE
from lodestone.core.records import Company, Deal, Money, Party, Tranche, parse_fuzzy_date
from lodestone.core.storage import Repository


def test_the_facts_of_a_tracker(repo: Repository) -> None:
    """Live deals only, by id; a tranche knows its deal's position; the first recipient
    stands for a deal; undated and headline-less deals are NONE, not NULL."""
    agency = repo.save(Company("DOE", company_type="government agency")).id
    maker = repo.save(Company("Vulcan Elements")).id
    partner = repo.save(Company("ReElement")).id
    first = repo.save(Deal("Loan", announced=parse_fuzzy_date("2025"), amount=Money(9, "USD"),
                           parties=[Party(partner, "partner"), Party(maker, "recipient")],
                           tranches=[Tranche("loan", Money(5, "EUR"), agency),
                                     Tranche("grant", None)]))  # fmt: skip
    gone = repo.save(Deal("Gone", tranches=[Tranche("loan", Money(1, "JPY"))]))
    repo.delete("deal", gone.id)
    last = repo.save(Deal("Undated"))
    facts = load_facts(repo.conn)
    assert facts.deal_id.tolist() == [first.id, last.id]
    assert facts.day.tolist() == [20250101, NONE] and facts.year_only.tolist() == [True, False]
    assert facts.party.tolist() == [maker, NONE]
    assert [facts.currencies[c] for c in facts.head_cur.tolist() if c != NONE] == ["USD"]
    assert facts.deal.tolist() == [0] and facts.amount.tolist() == [5]  # no amount: no row
    assert facts.funder.tolist() == [agency] and facts.funder_type.tolist() == [0]
    assert facts.latest.tolist() == [0, 1]  # undated last
