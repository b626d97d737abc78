"""Each kind of change the analyst makes, as an operation of the undo history: applied, undone
and redone, with what the change log keeps of it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from csv_data import write
from lodestone.core.csvio import import_csv
from lodestone.core.funding import RATE_KIND, ExchangeRate, add_rate, list_rates
from lodestone.core.history import (
    AddCitation,
    AddRate,
    ChangeRefused,
    EditCitation,
    EditRate,
    RemoveCitation,
    UndoHistory,
    delete_view_operation,
    import_step,
    log_mark,
    rate_history,
    remove_rates_operation,
    rename_view_operation,
    save_view_operation,
    view_history,
)
from lodestone.core.history.attachments import SetTags, tag_operation
from lodestone.core.history.reference_data import VIEW_KIND, RemoveRate
from lodestone.core.lists import ListQuery, ViewError, list_views, load_view
from lodestone.core.records import Citation, Company, Deal, Source, parse_fuzzy_date
from lodestone.core.storage import InvalidRecord, Repository


@pytest.fixture
def history(repo: Repository) -> UndoHistory:
    return UndoHistory(repo)


@pytest.fixture
def benzinga(repo: Repository) -> Source:
    source = Source("https://benzinga.example/vulcan", "Benzinga", "Vulcan lands $1.4B",
                    parse_fuzzy_date("2025-11-09"))  # fmt: skip
    return repo.save(source)  # type: ignore[return-value]


def cited(repo: Repository, deal: Deal) -> list[tuple[int, str, str]]:
    assert deal.id is not None
    return [(c.source_id, c.field, c.quote) for c in repo.citations("deal", deal.id)]


# -- citations -----------------------------------------------------------------------------


def test_citation_add_and_remove_undo_redo(history: UndoHistory, repo: Repository,
                                           magnet_deal: Deal, benzinga: Source):  # fmt: skip
    assert magnet_deal.id is not None and benzinga.id is not None
    citation = Citation(benzinga.id, "deal", magnet_deal.id, "amount", "a $620 million loan")
    history.run(AddCitation(citation))
    assert citation.id is not None and history.undo_text() == "Add Citation"
    added = [(benzinga.id, "amount", "a $620 million loan")]
    assert cited(repo, magnet_deal) == added
    history.undo()
    assert cited(repo, magnet_deal) == []
    history.redo()
    assert cited(repo, magnet_deal) == added
    (again,) = repo.citations("deal", magnet_deal.id)
    history.run(RemoveCitation(again.id))  # type: ignore[arg-type]
    assert cited(repo, magnet_deal) == []
    history.undo()
    assert repo.citations("deal", magnet_deal.id) == [again]  # back under its own id


def test_citations_are_in_the_cited_records_history(history: UndoHistory,
                                                    repo: Repository, magnet_deal: Deal,
                                                    benzinga: Source):  # fmt: skip
    assert magnet_deal.id is not None and benzinga.id is not None
    citation = Citation(benzinga.id, "deal", magnet_deal.id, "amount", "")
    history.run(AddCitation(citation))
    history.run(EditCitation(citation.id, "", "$620 million"))  # type: ignore[arg-type]
    history.run(RemoveCitation(citation.id))  # type: ignore[arg-type]
    entries = repo.history("deal", magnet_deal.id)[1:]
    text = "Benzinga — Vulcan lands $1.4B (Nov 9, 2025)"
    assert [(e.action, e.before, e.after) for e in entries] == [
        ("update", None, {"citation": f"{text}, about amount"}),
        ("update", {"citation": f"{text}, about amount"}, {"citation": f"{text}: “$620 million”"}),
        ("update", {"citation": f"{text}: “$620 million”"}, None),
    ]
    history.undo()
    history.undo()
    assert cited(repo, magnet_deal) == [(benzinga.id, "amount", "")]


def test_a_citation_id_taken_meanwhile_comes_back_under_a_new_one(repo: Repository,
                                                                  magnet_deal: Deal,
                                                                  benzinga: Source):  # fmt: skip
    assert magnet_deal.id is not None and benzinga.id is not None
    citation = repo.add_citation(Citation(benzinga.id, "deal", magnet_deal.id))
    undo = RemoveCitation(citation.id).apply(repo)  # type: ignore[arg-type]
    other = repo.add_citation(Citation(benzinga.id, "source", benzinga.id))
    assert other.id == citation.id
    redo = undo.apply(repo)
    assert isinstance(redo, RemoveCitation) and redo.citation_id != citation.id
    assert [c.record_kind for c in repo.citations("deal", magnet_deal.id)] == ["deal"]


# -- tags ----------------------------------------------------------------------------------


def test_tags_set_and_undone(history: UndoHistory, repo: Repository):
    vulcan = repo.save(Company("Vulcan Elements", tags=["magnets"]))
    mp = repo.save(Company("MP Materials"))
    assert vulcan.id is not None and mp.id is not None
    history.run(SetTags("company", vulcan.id, ["magnets", "DoW"]))
    assert repo.tags("company", vulcan.id) == ["DoW", "magnets"]
    history.undo()
    assert repo.tags("company", vulcan.id) == ["magnets"]
    step = tag_operation(repo, [("company", vulcan.id), ("company", mp.id)], add=["US"],
                         remove=["MAGNETS"])  # fmt: skip
    history.run(step)
    assert history.undo_text() == "Tag 2 Records"
    assert (repo.tags("company", vulcan.id), repo.tags("company", mp.id)) == (["US"], ["US"])
    history.undo()
    assert (repo.tags("company", vulcan.id), repo.tags("company", mp.id)) == (["magnets"], [])
    assert [e.after for e in repo.history("company", mp.id)][-2:] == [{"tags": ["US"]},
                                                                     {"tags": []}]  # fmt: skip


# -- exchange rates ------------------------------------------------------------------------


def rates(repo: Repository) -> list[tuple[str, str, str]]:
    return [(r.currency, r.date, r.text) for r in list_rates(repo.conn)]


def test_rate_add_edit_remove_undo_redo(history: UndoHistory, repo: Repository):
    history.run(AddRate(ExchangeRate("EUR", "USD", "2025-11-09", Decimal("1.08"))))
    (rate,) = list_rates(repo.conn)
    assert rate.id is not None
    history.run(EditRate(rate.id, "2025-11-10", "1.0825"))
    assert rates(repo) == [("EUR", "2025-11-10", "1.0825")]
    history.undo()
    assert rates(repo) == [("EUR", "2025-11-09", "1.08")]
    history.redo()
    history.run(remove_rates_operation([rate.id]))
    assert rates(repo) == [] and history.undo_text() == "Remove Exchange Rate"
    history.undo()
    assert list_rates(repo.conn)[0].id == rate.id  # the same rate, under its own id
    assert history.texts()[0] == ["Add Exchange Rate", "Edit Exchange Rate"]
    history.undo()
    history.undo()
    assert rates(repo) == []
    for _ in range(3):
        history.redo()
    assert rates(repo) == []


def test_rate_changes_are_logged_under_the_rate(history: UndoHistory, repo: Repository):
    added = add_rate(repo, "GBP", "USD", "2025-01-01", "1.27")
    assert added.id is not None
    history.run(EditRate(added.id, "2025-01-01", "1.25"))
    history.run(RemoveRate(added.id))
    entries = repo.history(RATE_KIND, added.id)
    assert [(e.action, e.before, e.after) for e in entries] == [
        ("update", {"rate": "1.27"}, {"rate": "1.25"}),
        ("delete", {"currency": "GBP", "base": "USD", "date": "2025-01-01", "rate": "1.25"}, None),
    ]
    assert [(about, e.action) for about, e in rate_history(repo, "USD")] == [
        ("GBP rate", "update"), ("GBP rate", "delete")]
    assert rate_history(repo, "EUR") == []


def test_an_edit_onto_a_recorded_day_is_refused(history: UndoHistory, repo: Repository):
    first = add_rate(repo, "EUR", "USD", "2025-01-01", "1.08")
    add_rate(repo, "EUR", "USD", "2025-02-01", "1.09")
    with pytest.raises(InvalidRecord, match="already recorded"):
        history.run(EditRate(first.id, "2025-02-01", "1.1"))  # type: ignore[arg-type]
    assert history.count() == 0 and rates(repo)[0] == ("EUR", "2025-01-01", "1.08")


# -- saved views ---------------------------------------------------------------------------


def test_saved_view_save_rename_delete_undo_redo(history: UndoHistory, repo: Repository):
    china = ListQuery("event", search="china")
    history.run(save_view_operation("event", " China ", china))
    assert history.undo_text() == "Save View “China”"
    history.run(rename_view_operation(repo, "event", "china", "Export controls"))
    assert list_views(repo.conn, "event") == ["Export controls"]
    history.run(delete_view_operation("event", "Export controls"))
    assert list_views(repo.conn, "event") == []
    history.undo()
    assert load_view(repo.conn, "event", "Export controls") == china
    history.undo()
    assert list_views(repo.conn, "event") == ["China"]
    history.undo()
    assert list_views(repo.conn, "event") == []
    for _ in range(3):
        history.redo()
    assert list_views(repo.conn, "event") == []
    history.undo()
    assert list_views(repo.conn, "event") == ["Export controls"]
    assert [(about, e.action) for about, e in view_history(repo, "event")] == [
        ("View “Export controls”", action)
        for action in ("create", "update", "delete", "create", "update", "delete", "create",
                       "update", "delete", "create")]  # fmt: skip
    assert view_history(repo, "deal") == []


def test_saving_over_a_view_is_undone_to_the_old_query(history: UndoHistory, repo: Repository):
    history.run(save_view_operation("deal", "Mine", ListQuery("deal", search="magnet")))
    history.run(save_view_operation("deal", "MINE", ListQuery("deal", search="loan")))
    assert list_views(repo.conn, "deal") == ["MINE"]
    history.undo()
    assert list_views(repo.conn, "deal") == ["Mine"]
    assert load_view(repo.conn, "deal", "mine").search == "magnet"
    view_id = repo.conn.execute("SELECT id FROM saved_views").fetchone()[0]
    actions = [e.action for e in repo.history(VIEW_KIND, view_id)]
    assert actions == ["create", "update", "update"]


def test_a_rename_onto_another_views_name_is_refused(history: UndoHistory, repo: Repository):
    history.run(save_view_operation("deal", "A", ListQuery("deal")))
    history.run(save_view_operation("deal", "B", ListQuery("deal", search="x")))
    with pytest.raises(ViewError, match="already named 'B'"):
        history.run(rename_view_operation(repo, "deal", "A", "b"))
    with pytest.raises(ViewError):
        rename_view_operation(repo, "deal", "A", "  ")
    assert list_views(repo.conn, "deal") == ["A", "B"] and history.count() == 2


# -- an import -----------------------------------------------------------------------------


def test_an_import_is_one_step(history: UndoHistory, repo: Repository, tmp_path: Path):
    kept = repo.save(Company("Vulcan Elements"))
    mark = log_mark(repo)
    path = write(tmp_path, "Company Name,Lender,Type,raisedAmt,Date\n"
                 "Vulcan Elements,Office of Strategic Capital,Loan,$620 million,2025-11\n"
                 "Energy Fuels,Commerce,Grant,$50 million,2025-08\n")  # fmt: skip
    assert import_csv(repo.conn, path, "deals").written
    before = repo.counts()
    step = import_step(repo, mark, "Import in.csv")
    assert step is not None
    history.record(*step)
    assert history.texts() == (["Import in.csv"], [])
    history.undo()
    assert repo.counts()["deal"] == 0 and repo.counts()["company"] == 1
    assert not repo.is_deleted("company", kept.id)  # type: ignore[arg-type]
    history.redo()
    assert repo.counts() == before
    assert import_step(repo, log_mark(repo), "nothing") is None


def test_redoing_an_import_whose_company_name_was_taken_is_refused(history: UndoHistory,
                                                                   repo: Repository,
                                                                   tmp_path: Path):  # fmt: skip
    mark = log_mark(repo)
    path = write(tmp_path, "Company Name,Lender,Type,raisedAmt,Date\n"
                 "Energy Fuels,Commerce,Grant,$50 million,2025-08\n")  # fmt: skip
    import_csv(repo.conn, path, "deals")
    history.record(*import_step(repo, mark, "Import in.csv"))  # type: ignore[misc]
    history.undo()
    repo.save(Company("ENERGY FUELS"))
    log = repo.conn.execute("SELECT count(*) FROM change_log").fetchone()
    with pytest.raises(ChangeRefused, match="^Cannot redo Import in.csv: another company is "
                                            "already named 'Energy Fuels'"):  # fmt: skip
        history.redo()
    assert repo.counts()["deal"] == 0 and history.redo_text() == "Import in.csv"
    assert repo.conn.execute("SELECT count(*) FROM change_log").fetchone() == log
