"""A CSV import stores its rows batch by batch while the next batch is parsed, with the columns
left at their default, the indexes rebuilt and the search text joined in SQL: what it stores
must be exactly what one batch (or a form) would store, and all-or-nothing must still hold."""

from __future__ import annotations

import gc
import json
import sys
from pathlib import Path

import pytest
from csv_data import count, deals, problems, write
from hypothesis import given
from hypothesis import strategies as st
from lodestone.core.csvio import RowResult, import_csv
from lodestone.core.csvio import importer as csv_import
from lodestone.core.csvio.company_match import CompanyMatcher
from lodestone.core.csvio.importer import Pipeline
from lodestone.core.csvio.layout import TABLES, lay_out
from lodestone.core.csvio.numbering import CsvNumbering
from lodestone.core.csvio.store import literal_defaults
from lodestone.core.progress import Cancelled
from lodestone.core.records import (
    Company,
    Deal,
    Event,
    Party,
    Source,
    Tranche,
    parse_fuzzy_date,
    parse_money,
    rowmap,
)
from lodestone.core.storage import Repository, bulk_indexes, drop_indexes, recreate_indexes
from lodestone.core.storage.search_text import index_ids_sql
from names_data import assert_all_current

DEALS = ("Title,Recipient,Funder,Type,Amount,Currency,Announced,Status,Description,Country,"
         "Source\n")  # fmt: skip


def deal_rows(n: int, bad: int | None = None) -> str:
    """`n` deal rows naming a few companies again and again; row `bad` (0-based) is invalid."""
    lines = []
    for i in range(n):
        amount = "lots" if i == bad else f"{(i + 1) * 1000:,}"
        status = "closed" if i % 3 == 0 else ""  # a batch of only the default, or not
        title = f"Deal {i}" if i % 2 else ""  # no title: made from the recipient
        url = f"https://gov.example/{i % 4}" if i % 5 else ""
        lines.append(f'{title},Recipient {i % 7} Inc,Agency {i % 3},loan,"{amount}",'
                     f"{'EUR' if i % 4 == 0 else ''},{2000 + i % 20}-0{1 + i % 9},{status},"
                     f'"line one\nline {i}",{"CA" if i % 2 else ""},{url}\n')  # fmt: skip
    return DEALS + "".join(lines)


def snapshot(repo: Repository) -> dict[str, list[tuple]]:
    """Every row an import stores, apart from the clock (when it was stored)."""
    found = {}
    for table in ("companies", "deals", "deal_parties", "tranches", "sources", "citations",
                  "change_log", "deals_fts", "companies_fts", "sources_fts"):  # fmt: skip
        columns = [r[1] for r in repo.conn.execute(f"PRAGMA table_info({table})")
                   if r[1] not in ("created_at", "updated_at", "at")] or ["text"]  # fmt: skip
        sql = f"SELECT rowid, {', '.join(columns)} FROM {table} ORDER BY rowid"
        found[table] = [tuple(r) for r in repo.conn.execute(sql)]
    # the log's entries come batch by batch: the same entries, in another order
    found["change_log"] = sorted(row[2:] for row in found["change_log"])
    return found


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(csv_import, "PIPELINE", Pipeline(batch_rows=4))


def test_batches_store_what_one_batch_stores(tmp_path: Path) -> None:
    path = write(tmp_path, deal_rows(30))
    one = Repository.open(tmp_path / "one.db")
    report = import_csv(one.conn, path, "deals", currency="USD",
                        pipeline=Pipeline(batch_rows=10_000))  # fmt: skip
    assert report.stored == 30 and not report.invalid, problems(report)
    many = Repository.open(tmp_path / "many.db")
    again = import_csv(many.conn, path, "deals", currency="USD", pipeline=Pipeline(batch_rows=4))
    assert again.stored == 30
    assert [c.name for c in again.new_companies] == [c.name for c in report.new_companies]
    assert snapshot(many) == snapshot(one)
    assert count(many, "sources") == 4 and count(many, "citations") == 24


def test_imported_deals_read_back_as_written(repo: Repository, tmp_path: Path,
                                            small_batches: None) -> None:  # fmt: skip
    import_csv(repo.conn, write(tmp_path, deal_rows(9)), "deals", currency="USD")
    first, second = deals(repo)[:2]
    assert first.title == "Recipient 0 Inc loan (Jan 2000)" and first.status == "closed"
    assert first.amount == parse_money("1000", "EUR") and first.country == ""
    assert first.description == "line one\nline 0"
    assert second.title == "Deal 1" and second.status == "announced" and second.country == "CA"
    assert second.amount == parse_money("$2,000") and second.closed is None
    (tranche,) = second.tranches
    assert (tranche.instrument, tranche.amount, tranche.status) == ("loan", second.amount,
                                                                    "announced")  # fmt: skip
    assert repo.get("company", tranche.funder_id).label == "Agency 1"  # type: ignore[arg-type]


def test_search_text_party_names_and_history_are_as_a_form_leaves_them(
        repo: Repository, tmp_path: Path, small_batches: None) -> None:  # fmt: skip
    existing = repo.save(Company("Recipient 3 Inc", ticker="REC", notes="already here"))
    report = import_csv(repo.conn, write(tmp_path, deal_rows(12)), "deals", currency="USD")
    assert report.matched == {} and existing.id not in {c.id for c in report.new_companies}
    for kind, table in (("deal", "deals"), ("company", "companies"), ("source", "sources")):
        for record_id, text in repo.conn.execute(f"SELECT rowid, text FROM {table}_fts"):
            assert text == repo.search_text(kind, record_id)
    assert count(repo, "deals_fts") == 12 and count(repo, "sources_fts") == 4
    assert_all_current(repo)
    deal = deals(repo)[5]
    (entry,) = repo.history("deal", deal.id)  # type: ignore[arg-type]
    assert (entry.action, entry.origin) == ("create", "in.csv, row 7")
    agency = repo.find_company("Agency 2")
    assert agency is not None and [e.origin for e in repo.history("company", agency.id)] == [
        "in.csv, row 4"]  # the first row naming it
    assert len(repo.history("company", existing.id)) == 1  # its own, from the form


def test_events_store_their_companies_names_and_search_text(
        repo: Repository, tmp_path: Path, small_batches: None) -> None:  # fmt: skip
    lynas = repo.save(Company("Lynas Rare Earths"))
    rows = "".join(f"Event {i},2025-0{1 + i % 9},,partnership,Lynas Rare Earths; New {i % 3},"
                   f"AU,\n" for i in range(10))  # fmt: skip
    text = "Title,Date,End date,Type,Companies,Country,Description\n" + rows
    report = import_csv(repo.conn, write(tmp_path, text), "events")
    assert report.stored == 10 and not report.invalid
    event = repo.get("event", 2)
    assert isinstance(event, Event) and event.company_ids[0] == lynas.id
    assert_all_current(repo)
    for record_id, text in repo.conn.execute("SELECT rowid, text FROM events_fts"):
        assert text == repo.search_text("event", record_id)
    assert "Lynas Rare Earths, New 1" in [r[0] for r in repo.conn.execute(
        "SELECT company_names FROM events")]  # fmt: skip


def test_an_invalid_row_in_a_late_batch_stores_nothing(repo: Repository, tmp_path: Path,
                                                       small_batches: None) -> None:  # fmt: skip
    backups: list[int] = []
    path = write(tmp_path, deal_rows(20, bad=17))
    report = import_csv(repo.conn, path, "deals", currency="USD",
                        before_write=lambda: backups.append(count(repo, "deals")))  # fmt: skip
    assert not report.written and report.stored == 0 and report.new_companies == []
    assert [e.row for e in report.errors] == [19]
    assert backups == [0]  # taken before the first batch was stored, as a backup must be
    assert all(count(repo, t) == 0 for t in ("deals", "companies", "change_log", "deals_fts"))
    assert not repo.conn.in_transaction
    report = import_csv(repo.conn, path, "deals", currency="USD", skip_invalid=True)
    assert report.written and report.stored == 19 and count(repo, "deals") == 19
    assert report.rejected_file is not None and report.rejected_file.exists()


def test_nothing_to_store_still_calls_before_write_once(repo: Repository, tmp_path: Path) -> None:
    repo.save(Company("Acme"))
    calls: list[str] = []
    report = import_csv(repo.conn, write(tmp_path, "Name\nAcme\n"), "companies",
                        before_write=lambda: calls.append("backup"))  # fmt: skip
    assert report.written and report.stored == 0 and calls == ["backup"]


def test_a_big_import_rebuilds_the_indexes_it_dropped(
        repo: Repository, tmp_path: Path, small_batches: None, monkeypatch) -> None:  # fmt: skip
    monkeypatch.setattr(bulk_indexes, "MIN_ROWS", 5)
    schema = "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') ORDER BY 1"
    before = repo.conn.execute(schema).fetchall()
    seen: list[tuple[int, int]] = []
    import_csv(repo.conn, write(tmp_path, deal_rows(40)), "deals", currency="USD",
               progress=lambda done, total: seen.append((done, total)))  # fmt: skip
    assert repo.conn.execute(schema).fetchall() == before
    assert repo.conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert repo.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert seen[-1][0] == seen[-1][1] and [d for d, _ in seen] == sorted(d for d, _ in seen)
    assert repo.conn.execute("PRAGMA cache_size").fetchone()[0] == -2000  # given back
    found = repo.conn.execute("SELECT rowid FROM deals_fts WHERE deals_fts MATCH 'agency'")
    assert len(found.fetchall()) == 40


def test_a_cancel_between_batches_leaves_nothing(repo: Repository, tmp_path: Path,
                                                 small_batches: None) -> None:  # fmt: skip
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) > 3

    with pytest.raises(Cancelled):
        import_csv(repo.conn, write(tmp_path, deal_rows(40)), "deals", currency="USD",
                   cancelled=cancelled)  # fmt: skip
    assert count(repo, "deals") == 0 and not repo.conn.in_transaction


def test_an_unreadable_row_in_a_late_batch_raises_and_leaves_nothing(
        repo: Repository, tmp_path: Path, small_batches: None) -> None:  # fmt: skip
    text = deal_rows(12) + 'x,"unterminated\n'
    with pytest.raises(csv_import.CsvImportError, match="cannot be read after row 13"):
        import_csv(repo.conn, write(tmp_path, text), "deals", currency="USD")
    assert count(repo, "deals") == 0 and not repo.conn.in_transaction


def test_the_interpreter_settings_are_given_back(repo: Repository, tmp_path: Path) -> None:
    interval = sys.getswitchinterval()
    import_csv(repo.conn, write(tmp_path, deal_rows(3)), "deals", currency="USD")
    assert sys.getswitchinterval() == interval and gc.isenabled()
    with pytest.raises(Cancelled):
        import_csv(repo.conn, write(tmp_path, deal_rows(3)), "deals", currency="USD",
                   cancelled=lambda: True)  # fmt: skip
    assert sys.getswitchinterval() == interval and gc.isenabled()


def test_a_chosen_company_in_the_trash_names_the_deal(repo: Repository, tmp_path: Path) -> None:
    gone = repo.save(Company("Old Name Ltd"))
    repo.delete("company", gone.id)  # type: ignore[arg-type]
    import_csv(repo.conn, write(tmp_path, "Recipient,Amount\nOld name,5\n"), "deals",
               currency="USD", company_choices={"Old name": gone.id})  # type: ignore[dict-item]  # fmt: skip
    (deal,) = deals(repo)
    assert deal.title == "Old Name Ltd deal" and deal.parties[0].company_id == gone.id
    assert_all_current(repo)


# -- the pieces ----------------------------------------------------------------------------


def test_literal_defaults_are_read_from_the_schema(repo: Repository) -> None:
    defaults = literal_defaults(repo.conn, TABLES)
    assert defaults["deals"]["status"] == "announced" and defaults["deals"]["closed"] is None
    assert defaults["deal_parties"]["position"] == 0 and defaults["deals"]["commodities"] == "[]"
    assert "title" not in defaults["deals"]  # required: no default
    assert "created_at" not in defaults["deals"]  # a clock, not a constant
    repo.conn.execute("CREATE TABLE odd (a TEXT DEFAULT 'it''s', b INTEGER DEFAULT -3, "
                      "c TEXT NOT NULL, d REAL DEFAULT 1.5)")  # fmt: skip
    assert literal_defaults(repo.conn, ["odd"]) == {"odd": {"a": "it's", "b": -3}}


@pytest.mark.parametrize("kind", ["company", "deal", "event", "source"])
def test_search_text_joined_in_sql_is_the_repositorys(repo: Repository, kind: str) -> None:
    a = repo.save(Company("Vulcan Elements", ticker="VUL", notes="magnets"))
    b = repo.save(Company("Office of Strategic Capital", website="https://osc.example"))
    day = parse_fuzzy_date("2025-11")
    records = {
        "company": [Company("Empty"), Company("Full", ticker="F", exchange="NYSE", notes="x")],
        "deal": [Deal("Bare"), Deal("Loan", description="d", country="US",
                                    capacity_product="magnets",
                                    parties=[Party(a.id), Party(b.id, "partner")],  # type: ignore[arg-type]
                                    tranches=[Tranche("loan", funder_id=b.id),
                                              Tranche("grant", funder_id=a.id)])],
        "event": [Event("Bare", day), Event("Both", day, company_ids=[b.id, a.id],  # type: ignore[list-item]
                                            country="CN", description="text")],
        "source": [Source(url="https://a.example"), Source(title="t", publisher="p", notes="n")],
    }  # fmt: skip
    ids = [repo.save(r).id for r in records[kind]]
    table = f"{ {'company': 'companies'}.get(kind, kind + 's') }_fts"
    repo.conn.execute(f"DELETE FROM {table}")
    repo.conn.execute(index_ids_sql(kind), (json.dumps(ids),))
    stored = dict(repo.conn.execute(f"SELECT rowid, text FROM {table}").fetchall())
    assert set(ids) <= set(stored)
    assert all(stored[i] == repo.search_text(kind, i) for i in stored)


def test_indexes_read_by_the_import_are_kept(repo: Repository) -> None:
    repo.conn.execute("BEGIN")
    read_by = {"tranches": "deal_id", "companies": "parent_id"}
    dropped = drop_indexes(repo.conn, ["tranches", "companies"], keep_leading=read_by)
    names = {name for name, _ in dropped}
    assert "tranches_funder" in names and "companies_kind" in names
    assert not names & {"tranches_deal", "companies_parent", "companies_name_unique"}
    recreate_indexes(repo.conn, dropped)
    repo.conn.execute("ROLLBACK")


@given(st.text(min_size=1, max_size=30))
def test_a_named_company_is_laid_out_as_rowmap_lays_it_out(name: str) -> None:
    matcher = CompanyMatcher(next_id=7)
    numbering = CsvNumbering(matcher, {"deals": 1, "tranches": 1}, writing=True)
    company_id = matcher.resolve(name, 2, "recipient")
    result = RowResult(2, [], Deal("A deal", parties=[Party(company_id)]))
    (table, *_) = numbering.batch(lay_out([result], matcher, True), {}, 0).tables
    assert table.name == "companies" and table.positions == tuple(range(len(table.columns)))
    (row,) = json.loads(table.rows)
    stored = matcher.new[company_id].name
    assert dict(zip(table.columns, row, strict=True)) == {"id": company_id,
                                              **rowmap.company_row(Company(stored))}  # fmt: skip
