from __future__ import annotations

import copy

from lodestone.core.history import delete_operation, save_operation
from lodestone.core.history.operations import describe_edit
from lodestone.core.records import Company, Deal, Event, parse_fuzzy_date, parse_money
from lodestone.core.storage import Repository


def test_create_undo_redo(repo: Repository):
    op = save_operation(repo, Company("Energy Fuels", ticker="UUUU", exchange="NYSE"))
    assert op.text == "Add Company"
    undo = op.apply(repo)
    company_id = op.record.id
    assert repo.counts()["company"] == 1
    redo = undo.apply(repo)
    assert repo.counts()["company"] == 0
    redo.apply(repo)
    assert repo.get("company", company_id).name == "Energy Fuels"


def test_edit_tranche_amount_undo_text_and_inverse(repo: Repository, magnet_deal: Deal):
    edited = copy.deepcopy(magnet_deal)
    edited.tranches[1].amount = parse_money("$60M")
    op = save_operation(repo, edited)
    assert op.text == "Edit Tranche Amount"
    undo = op.apply(repo)
    assert repo.get("deal", magnet_deal.id).tranches[1].amount == parse_money("$60M")
    redo = undo.apply(repo)
    assert repo.get("deal", magnet_deal.id) == magnet_deal
    redo.apply(repo)
    assert repo.get("deal", magnet_deal.id).tranches[1].amount == parse_money("$60M")


def test_describe_edit_names_single_fields(repo: Repository, magnet_deal: Deal):
    changed = copy.deepcopy(magnet_deal)
    changed.title = "New title"
    assert describe_edit(magnet_deal, changed) == "Edit Deal Title"
    changed.status = "closed"
    assert describe_edit(magnet_deal, changed) == "Edit Deal"
    more = copy.deepcopy(magnet_deal)
    more.tranches.append(copy.deepcopy(more.tranches[0]))
    more.tranches[-1].id = None
    assert describe_edit(magnet_deal, more) == "Add Tranche"


def test_delete_goes_to_trash_and_undo_restores(repo: Repository):
    event = repo.save(Event("First shipment", parse_fuzzy_date("2025-10"), event_type="shipment"))
    op = delete_operation(repo, "event", event.id)
    assert op.text == "Delete Event “First shipment”"
    undo = op.apply(repo)
    assert repo.is_deleted("event", event.id)
    undo.apply(repo)
    assert not repo.is_deleted("event", event.id)


def test_undoing_an_edit_of_a_since_deleted_record_restores_it(repo: Repository):
    company = repo.save(Company("Vulcan"))
    edited = copy.deepcopy(company)
    edited.notes = "magnets"
    undo = save_operation(repo, edited).apply(repo)
    repo.delete("company", company.id)
    undo.apply(repo)
    assert not repo.is_deleted("company", company.id)
    assert repo.get("company", company.id).notes == ""


def test_undoing_a_tranche_removal_brings_it_back(repo: Repository, magnet_deal: Deal):
    edited = copy.deepcopy(magnet_deal)
    edited.tranches.pop(1)
    op = save_operation(repo, edited)
    assert op.text == "Remove Tranche"
    op.apply(repo).apply(repo)
    assert repo.get("deal", magnet_deal.id) == magnet_deal


def test_funder_change_is_named(repo: Repository, magnet_deal: Deal):
    edited = copy.deepcopy(magnet_deal)
    edited.tranches[0].funder_id = edited.tranches[1].funder_id
    assert describe_edit(magnet_deal, edited) == "Edit Tranche Funder"
