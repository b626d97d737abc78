from __future__ import annotations

from pathlib import Path

import pytest
from lodestone.core.records import Company, Deal, Party, Tranche, parse_fuzzy_date, parse_money
from lodestone.core.storage import Repository


@pytest.fixture
def repo(tmp_path: Path):
    repository = Repository.open(tmp_path / "tracker.db")
    yield repository
    repository.close()


@pytest.fixture
def magnet_deal(repo: Repository) -> Deal:
    """The $1.4B magnet deal of the example, with its three tranches."""
    vulcan = repo.save(Company("Vulcan Elements"))
    osc = repo.save(Company("Office of Strategic Capital", company_type="government agency"))
    commerce = repo.save(Company("U.S. Department of Commerce", company_type="government agency"))
    private = repo.save(Company("Private investors", company_type="investor"))
    deal = Deal(
        "Vulcan Elements magnet supply chain",
        announced=parse_fuzzy_date("2025-11"),
        amount=parse_money("$1.4 billion"),
        parties=[Party(vulcan.id, "recipient")],  # type: ignore[arg-type]
        tranches=[
            Tranche("loan", parse_money("$620 million"), osc.id),
            Tranche("other", parse_money("$50 million"), commerce.id),
            Tranche("equity", parse_money("$550 million"), private.id),
        ],
        capacity_value="10000",
        capacity_unit="t/yr",
        capacity_product="magnets",
    )
    return repo.save(deal)  # type: ignore[return-value]
