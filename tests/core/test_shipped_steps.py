"""A shipped migration step never changes, and never depends on code that may.

A tracker made by any release is upgraded by the very SQL that release would have run; a step
built from today's vocabulary (as steps 1 and 10 once were) would make the same release create
different trackers from one day to the next. Each step's SQL is pinned by its SHA-256 here.
"""

from __future__ import annotations

import ast
import hashlib
import json
import subprocess
import sys
from pathlib import Path

import lodestone.core.storage.migrations as migrations_package
import pytest
from lodestone.core.storage.schema import STEPS

# Add the hash of a new step here when it ships; never change one that is here.
SHIPPED = {
    "0001_initial": "ba9212def62ecbddfc0bb569a4d8c5c88e0c182fb685737e1e82b0548fabe5e7",
    "0002_saved_views": "1615ad968620d7a8b10808c0f3a74e2a01a8c0117730cc1b59ed49b70b91c372",
    "0003_exchange_rates": "8d954050ec9e1727d4e7f57733571e21e375bb12055b3cc8ececc3d35192f521",
    "0004_timeline_indexes": "74e61312afe5c8333762c09dd1b89a2b14905ae288164cabb3bb9b7781215963",
    "0005_list_indexes": "e250f725df5ebc16997fd5dac567569c060db71a1e9f21849f2394e92b504e9d",
    "0006_trash_indexes": "6152f85ad3ad4303dbf61a92bf1fae92101d1d734f8e227f904badbc1cca2d62",
    "0007_stored_names": "2a3f3d8631661afdfdeb5beacb8adb62e1abcad0ab8e33b9e813f51dfae0fc8c",
    "0008_search_prefixes": "1b0ed0fa303e42307c3e06101bec4e33838f36f0b6f171f8f8e7bcc99ea864f3",
    "0009_company_names": "2f52c8ddee91161198afeb0d2be15260a045fd9a7599a6e9395c3caef040712d",
    "0010_tranche_ids": "fdc137975c05406397087669b928e1b15195c68ba0981c61aa5dbbde74f188ee",
    "0011_open_vocabularies": "db9a91d5d2af7571fbcbd1ce0e7aa85d600de919bbc9479674e909669f2e5d65",
    "0012_change_origin": "71e00ec9473befd261a249885764c9930478eb96bda5cb56567b05a3153c985e",
    "0013_tracker_identity": "fb4cb25760c39320b35dea81ae1248499978aa13554d32455f58e059de25cdd2",
}

# Run in a child: a later release's vocabularies, set before the schema is first imported.
GROWN_VOCABULARY = """
import hashlib, json
from lodestone.core.records import kinds, vocabulary
for name in ("COMPANY_TYPES", "DEAL_STATUSES", "INSTRUMENTS", "TRANCHE_STATUSES",
             "EVENT_TYPES", "PARTY_ROLES", "STAGES", "COMMODITIES"):
    setattr(vocabulary, name, (*getattr(vocabulary, name), "added later"))
kinds.KIND_NAMES = (*kinds.KIND_NAMES, "added later")
from lodestone.core.storage.schema import STEPS
print(json.dumps({name: hashlib.sha256(sql.encode()).hexdigest() for name, sql in STEPS}))
"""


def _digest(sql: str) -> str:
    return hashlib.sha256(sql.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("name", SHIPPED)
def test_a_shipped_step_never_changes(name: str):
    steps = dict(STEPS)
    assert name in steps, f"the shipped migration {name} is gone: shipped steps are never removed"
    assert _digest(steps[name]) == SHIPPED[name], (
        f"migration {name} has shipped and its SQL changed: shipped steps never change, "
        "since trackers already made by it would differ from new ones. Put it back as it was "
        "and add a new step instead."
    )


def test_every_step_is_pinned_in_order():
    names = [name for name, _ in STEPS]
    assert names[: len(SHIPPED)] == list(SHIPPED), "shipped steps keep their names and order"
    unpinned = {name: _digest(sql) for name, sql in STEPS if name not in SHIPPED}
    assert not unpinned, f"pin each new step in SHIPPED when it ships: {unpinned}"


def test_the_steps_do_not_follow_the_vocabularies():
    """A release that adds vocabulary values still runs the same steps."""
    child = subprocess.run([sys.executable, "-c", GROWN_VOCABULARY],
                           capture_output=True, text=True, timeout=60, check=True)
    grown = json.loads(child.stdout)
    changed = sorted(name for name in SHIPPED if grown.get(name) != SHIPPED[name])
    assert not changed, f"these steps are built from the vocabularies: {changed}"


def test_a_step_module_imports_nothing():
    """What a step does must not depend on code a later release may change."""
    folder = Path(migrations_package.__file__).parent
    modules = sorted(folder.glob("step_*.py"))
    assert len(modules) == len(STEPS)
    for module in modules:
        tree = ast.parse(module.read_text(encoding="utf-8"))
        imports = [node for node in ast.walk(tree) if isinstance(node, ast.Import | ast.ImportFrom)]
        assert not imports, f"{module.name} imports code; write its SQL out instead"
        assigned = [t.id for node in tree.body if isinstance(node, ast.Assign)
                    for t in node.targets if isinstance(t, ast.Name)]
        assert assigned == ["SQL"], f"{module.name} holds only its SQL, as one literal"
        sql = next(node.value for node in tree.body if isinstance(node, ast.Assign))
        assert isinstance(sql, ast.Constant), f"{module.name}'s SQL is not a plain literal"
