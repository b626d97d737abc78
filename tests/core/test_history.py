from __future__ import annotations

import copy

from lodestone.core.history import describe_update
from lodestone.core.records import Company, Deal, Party, Tranche, parse_money
from lodestone.core.storage import Repository


def last_update(repo: Repository, deal: Deal) -> list[tuple[str, str, str]]:
    entry = repo.history("deal", deal.id)[-1]
    assert entry.action == "update"
    return describe_update(entry, repo.company_names, deal.amount and deal.amount.currency)


def test_headline_amount_change_in_the_apps_words(repo: Repository, magnet_deal: Deal):
    magnet_deal.amount = parse_money("$1.5 billion")
    repo.save(magnet_deal)
    assert last_update(repo, magnet_deal) == [
        ("Amount", "$1,400,000,000.00", "$1,500,000,000.00")
    ]


def test_tranche_amount_and_funder_changes(repo: Repository, magnet_deal: Deal):
    edited = copy.deepcopy(magnet_deal)
    edited.tranches[1].amount = parse_money("$60 million")
    edited.tranches[2].funder_id = edited.tranches[0].funder_id
    repo.save(edited)
    assert last_update(repo, edited) == [
        ("Tranche 2 amount", "$50,000,000.00", "$60,000,000.00"),
        ("Tranche 3 funder", "Private investors", "Office of Strategic Capital"),
    ]


def test_added_and_removed_tranches_and_parties(repo: Repository, magnet_deal: Deal):
    edited = copy.deepcopy(magnet_deal)
    edited.tranches.pop()
    edited.tranches.append(Tranche("grant", parse_money("€5M")))
    mp = repo.save(Company("MP Materials"))
    edited.parties.append(Party(mp.id, "partner"))
    repo.save(edited)
    lines = last_update(repo, edited)
    assert ("Tranche 3", "—", "grant €5,000,000.00") in lines
    assert ("Tranche 3 (removed)", "equity $550,000,000.00 Private investors", "—") in lines
    assert ("Parties", "Vulcan Elements (recipient)",
            "Vulcan Elements (recipient), MP Materials (partner)") in lines  # fmt: skip


def test_plain_fields_and_empty_values(repo: Repository, magnet_deal: Deal):
    magnet_deal.title = "Renamed"
    magnet_deal.country = "US"
    repo.save(magnet_deal)
    assert last_update(repo, magnet_deal) == [
        ("Country", "—", "US"),
        ("Title", "Vulcan Elements magnet supply chain", "Renamed"),
    ]
