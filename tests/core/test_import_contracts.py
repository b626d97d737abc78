"""The architecture, checked: the import-linter contracts in pyproject.toml hold (the core never
imports the UI or Qt, its packages are layered, the UI and the command line use only the
packages' public APIs), each contract can break, and no module of `lodestone` takes part in an
import circle."""

from __future__ import annotations

import copy
import pkgutil
from collections.abc import Iterable, Iterator
from pathlib import Path

import grimp
import lodestone.core
import pytest
from importlinter.api import read_configuration
from importlinter.application import use_cases
from importlinter.contracts.forbidden import ForbiddenContract
from importlinter.contracts.layers import LayersContract
from importlinter.contracts.protected import ProtectedContract

ROOT = Path(__file__).resolve().parents[2]
# The core modules outside a package that the UI and the command line may use: the app's
# folders, progress and cancellation, running a core function as a job, the log, and the one
# sentence for a path that names no file.
OPEN_CORE_MODULES = {"lodestone.core.paths", "lodestone.core.progress", "lodestone.core.jobs",
                     "lodestone.core.logs", "lodestone.core.missing"}  # fmt: skip
CONFIG = ROOT / "pyproject.toml"
CONTRACT_TYPES = {"forbidden": ForbiddenContract, "layers": LayersContract,
                  "protected": ProtectedContract}  # fmt: skip
# One import each contract forbids: the check must fail once it is added to the graph.
FORBIDDEN_IMPORT = {
    "core-without-ui": ("lodestone.core.records.model", "PySide6"),
    "core-layers": ("lodestone.core.storage.check", "lodestone.core.tracker.recovery"),
    "public-apis": ("lodestone.ui.app", "lodestone.core.storage.repository"),
    "top-layers": ("lodestone.ui.app", "lodestone.cli"),
}


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    """The whole package's imports, those under TYPE_CHECKING too, as the contracts see it."""
    return grimp.build_graph("lodestone", include_external_packages=True, cache_dir=None)


def contracts() -> list[dict]:
    return read_configuration(str(CONFIG))["contracts_options"]


def test_the_import_contracts_are_kept(capsys):
    """What `lint-imports` runs, less its command-line setup (which reconfigures logging for
    the whole process and puts the working folder on the import path)."""
    kept = use_cases.lint_imports(config_filename=str(CONFIG), cache_dir=None, no_logo=True)
    assert kept, capsys.readouterr().out


def test_every_contract_has_an_import_that_breaks_it():
    assert {c["id"] for c in contracts()} == set(FORBIDDEN_IMPORT)


def test_only_the_open_core_modules_outside_a_package_are_unprotected():
    """The UI and the command line use the core through its packages and the few modules
    beside them listed above: a new module there is protected unless it is meant to be."""
    [options] = [c for c in contracts() if c["id"] == "public-apis"]
    protected = set(options["protected_modules"])
    for module in pkgutil.iter_modules(lodestone.core.__path__, "lodestone.core."):
        if not module.ispkg:
            assert (module.name in OPEN_CORE_MODULES) != (module.name in protected), module.name


@pytest.mark.parametrize("contract_id", sorted(FORBIDDEN_IMPORT))
def test_a_contract_breaks_on_the_import_it_forbids(graph: grimp.ImportGraph, contract_id: str):
    """A contract whose module names match nothing would pass forever: each one must fail on
    an import it is there to forbid."""
    [options] = [c for c in contracts() if c["id"] == contract_id]
    session = read_configuration(str(CONFIG))["session_options"]
    contract = CONTRACT_TYPES[options["type"]](options["name"], session, options)
    assert contract.check(copy.deepcopy(graph), verbose=False).kept
    importer, imported = FORBIDDEN_IMPORT[contract_id]
    broken = copy.deepcopy(graph)
    broken.add_import(importer=importer, imported=imported, line_number=1,
                      line_contents=f"import {imported}")  # fmt: skip
    assert not contract.check(broken, verbose=False).kept


# -- import circles -------------------------------------------------------------------------------


def imports_of(graph: grimp.ImportGraph, module: str) -> Iterator[str]:
    return iter(sorted(graph.find_modules_directly_imported_by(module)))


def import_circles(graph: grimp.ImportGraph, modules: Iterable[str]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm, without
    recursion): each is a set of modules that import one another, directly or not."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []
    for start in sorted(modules):
        if start in index:
            continue
        work = [(start, imports_of(graph, start))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            module, imported = work[-1]
            for other in imported:
                if other not in index:
                    index[other] = low[other] = len(index)
                    stack.append(other)
                    on_stack.add(other)
                    work.append((other, imports_of(graph, other)))
                    break
                if other in on_stack:
                    low[module] = min(low[module], index[other])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[module])
                if low[module] == index[module]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == module:
                            break
                    if len(component) > 1:
                        circles.append(sorted(component))
    return sorted(circles)


def without_lazy_exports(graph: grimp.ImportGraph) -> grimp.ImportGraph:
    """The graph less each core package's imports of its own submodules: those are the
    TYPE_CHECKING half of the lazy public API, never run, and a submodule that uses its own
    package's API would otherwise look like a circle."""
    pruned = copy.deepcopy(graph)
    for package in pruned.find_children("lodestone.core"):
        for submodule in pruned.find_children(package):
            if pruned.direct_import_exists(importer=package, imported=submodule):
                pruned.remove_import(importer=package, imported=submodule)
    return pruned


def test_no_module_takes_part_in_an_import_circle():
    """Imports inside functions and under TYPE_CHECKING count: a module that needs its
    parent's type takes a protocol or a callback instead."""
    graph = without_lazy_exports(grimp.build_graph("lodestone", cache_dir=None))
    circles = import_circles(graph, graph.modules)
    assert circles == [], "import circles:\n" + "\n".join(" ⇄ ".join(c) for c in circles)


def test_an_import_circle_is_found(graph: grimp.ImportGraph):
    """The search above can fail: a circle through several modules (operations import the
    repository, which imports the model) and one of two are both named."""
    looped = copy.deepcopy(graph)
    looped.add_import(importer="lodestone.core.records.model",
                      imported="lodestone.core.history.operations")
    looped.add_import(importer="lodestone.ui.timeline.bar", imported="lodestone.ui.timeline.view")
    circles = import_circles(looped, [m for m in looped.modules if m.startswith("lodestone")])
    assert len(circles) == 2
    assert {"lodestone.core.history.operations", "lodestone.core.records.model",
            "lodestone.core.storage.repository"} <= set(circles[0])
    assert circles[1] == ["lodestone.ui.timeline.bar", "lodestone.ui.timeline.view"]
