"""A child process for the storage tests: real processes, killed for real.

Run as `python storage_child.py COMMAND ARGS...`; it reports on stdout, one line per fact,
flushed at once, so the parent knows exactly what was acknowledged before a kill -9:

- `hold DB HOME`: take the writer lock, print `READY`, hold it until stdin closes.
- `race DB HOME`: print `READY`, wait for a line on stdin, try the lock once, print
  `GOT` or `REFUSED <holder pid>`, then hold until stdin closes.
- `save-deals DB HOME COUNT SEED`: save COUNT deals; before each, `PLAN <n> <tranches>`;
  after its commit, `ACK <n> <deal id>`.
- `disk-full DB HOME`: save, then cap the file size (RLIMIT_FSIZE, SIGXFSZ ignored) and
  save until a save fails, check the connection still works, lift the cap, save again.
- `write-forever DB HOME`: save deals numbered 1, 2, 3, … until killed (`ACK <n>`).
- `open-files PATH...`: open each file the way the app does; print one JSON line each.
"""

from __future__ import annotations

import json
import random
import resource
import signal
import sys
import time
from pathlib import Path

from lodestone.core.paths import AppPaths
from lodestone.core.records import Company, Deal, Money, Tranche
from lodestone.core.storage import LockedError, SaveFailed, TrackerError, acquire
from lodestone.core.tracker import Session, open_for_writing

INSTRUMENTS = ("loan", "grant", "equity", "offtake", "other")


def say(*parts: object) -> None:
    sys.stdout.write(" ".join(str(p) for p in parts) + "\n")
    sys.stdout.flush()


def funders(session: Session) -> list[int]:
    """Three funder companies, created once per tracker."""
    ids = []
    for name in ("Office of Strategic Capital", "Commerce Department", "Private investors"):
        found = session.repo.find_company(name)
        company = found or session.repo.save(Company(name, company_type="investor"))
        ids.append(company.id)
    return ids


def plan_deal(rng: random.Random, n: int, funder_ids: list[int], notes: str = "") -> Deal:
    tranches = [
        Tranche(rng.choice(INSTRUMENTS), Money(rng.randrange(1, 10**12), "USD"),
                rng.choice(funder_ids), notes=notes)
        for _ in range(rng.randint(1, 4))
    ]
    return Deal(f"deal {n}", amount=Money(sum(t.amount.minor for t in tranches), "USD"),
                tranches=tranches, description=notes)


def tranche_facts(deal: Deal) -> list[list[object]]:
    return [[t.instrument, t.amount.minor, t.amount.currency, t.funder_id] for t in deal.tranches]


def save_deals(db: Path, home: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    session = open_for_writing(db, AppPaths(home))
    funder_ids = funders(session)
    say("READY")
    for n in range(count):
        deal = plan_deal(rng, n, funder_ids)
        deal.title = f"run {seed} deal {n}"
        say("PLAN", n, json.dumps(tranche_facts(deal)))
        saved = session.repo.save(deal)
        say("ACK", n, saved.id)
    session.close()


def disk_full(db: Path, home: Path) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    rng = random.Random(7)
    session = open_for_writing(db, AppPaths(home), backup_on_open=False)
    funder_ids = funders(session)
    for n in range(20):
        saved = session.repo.save(plan_deal(rng, n, funder_ids))
        say("ACK", n, saved.id)
    largest = max(p.stat().st_size for p in db.parent.iterdir() if p.name.startswith(db.name))
    _soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (largest, hard))
    failures = 0
    for n in range(20, 400):
        deal = plan_deal(rng, n, funder_ids, notes="x" * 20_000)
        say("PLAN", n, deal.title)
        try:
            saved = session.repo.save(deal)
        except SaveFailed as exc:
            failures += 1
            say("FAILED", n, exc.reason, json.dumps(str(exc)))
            say("COUNT", session.repo.counts()["deal"])
            if failures == 2:
                break
            continue
        say("ACK", n, saved.id)
    resource.setrlimit(resource.RLIMIT_FSIZE, (hard, hard))
    deal = plan_deal(rng, 999, funder_ids, notes="x" * 20_000)
    say("PLAN", 999, deal.title)
    saved = session.repo.save(deal)
    say("ACK", 999, saved.id)
    session.close()


def write_forever(db: Path, home: Path) -> None:
    rng = random.Random(3)
    session = open_for_writing(db, AppPaths(home), backup_on_open=False)
    funder_ids = funders(session)
    say("READY")
    n = 0
    while True:
        n += 1
        session.repo.save(plan_deal(rng, n, funder_ids))
        say("ACK", n)


def open_files(files: list[str]) -> None:
    """Each file opened as the app opens it; the outcome as JSON (a crash kills the line)."""
    for name in files:
        path = Path(name)
        started = time.monotonic()
        try:
            session = open_for_writing(path, AppPaths(path.parent / "home"), backup_on_open=False)
            session.repo.counts()
            session.close()
            outcome = {"file": name, "ok": True}
        except TrackerError as exc:
            outcome = {"file": name, "ok": False, "error": type(exc).__name__,
                       "message": str(exc)}
        except Exception as exc:  # noqa: BLE001 - the test reports any other failure
            outcome = {"file": name, "ok": False, "error": "UNEXPECTED " + type(exc).__name__,
                       "message": str(exc)}
        outcome["seconds"] = round(time.monotonic() - started, 3)
        say(json.dumps(outcome))


def hold(db: Path, race: bool) -> None:
    if race:
        say("READY")
        sys.stdin.readline()
    try:
        lock = acquire(db)
    except LockedError as exc:
        say("REFUSED", exc.holder.pid if exc.holder else "?")
        sys.stdin.read()
        return
    say("GOT" if race else "READY")
    sys.stdin.read()
    lock.release()


def main(argv: list[str]) -> None:
    command, db, rest = argv[0], Path(argv[1]), argv[2:]
    if command in ("hold", "race"):
        hold(db, race=command == "race")
    elif command == "save-deals":
        save_deals(db, Path(rest[0]), int(rest[1]), int(rest[2]))
    elif command == "disk-full":
        disk_full(db, Path(rest[0]))
    elif command == "write-forever":
        write_forever(db, Path(rest[0]))
    elif command == "open-files":
        open_files(argv[1:])
    else:
        raise SystemExit(f"unknown command {command}")


if __name__ == "__main__":
    main(sys.argv[1:])
