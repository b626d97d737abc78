"""Each core package's public API: its `__init__` maps every public name to the submodule that
defines it and loads that submodule on first use, and imports the same names under
TYPE_CHECKING for type checkers and the import graph. The two lists must agree, every name
must resolve, and importing a package must load none of its submodules."""

from __future__ import annotations

import ast
import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import lodestone.core
import pytest

PACKAGES = sorted(m.name for m in pkgutil.iter_modules(lodestone.core.__path__, "lodestone.core.")
                  if m.ispkg)  # fmt: skip


def submodule_names(package: ModuleType) -> set[str]:
    return {m.name for m in pkgutil.iter_modules(package.__path__)}


def type_checking_imports(package: ModuleType) -> set[tuple[str, str]]:
    """(submodule, name) of each `from lodestone.core.<package>.<submodule> import name as name`
    under `if TYPE_CHECKING:`; a renamed or misplaced import fails here."""
    assert package.__file__ is not None
    tree = ast.parse(Path(package.__file__).read_text(encoding="utf-8"))
    found = set()
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for statement in node.body:
                assert isinstance(statement, ast.ImportFrom), ast.unparse(statement)
                module = statement.module or ""
                prefix = package.__name__ + "."
                assert module.startswith(prefix), f"{module} is not a submodule"
                for alias in statement.names:
                    assert alias.asname == alias.name, f"write `{alias.name} as {alias.name}`"
                    found.add((module.removeprefix(prefix), alias.name))
    return found


def exports(package: ModuleType) -> dict[str, str]:
    return package._EXPORTS  # type: ignore[attr-defined, no-any-return]


def test_every_core_package_has_a_public_api():
    assert len(PACKAGES) >= 10
    for name in PACKAGES:
        assert exports(importlib.import_module(name)), name


@pytest.mark.parametrize("name", PACKAGES)
def test_the_lazy_map_and_the_type_checking_imports_name_the_same_things(name: str):
    package = importlib.import_module(name)
    assert type_checking_imports(package) == {(sub, n) for n, sub in exports(package).items()}


@pytest.mark.parametrize("name", PACKAGES)
def test_every_exported_name_resolves_to_its_submodules_object(name: str):
    package = importlib.import_module(name)
    for public, sub in exports(package).items():
        submodule = importlib.import_module(f"{name}.{sub}")
        assert getattr(package, public) is getattr(submodule, public), f"{name}.{public}"


@pytest.mark.parametrize("name", PACKAGES)
def test_no_exported_name_is_also_a_submodule(name: str):
    """Importing a submodule sets it as an attribute of its package, and a public name that
    is also a submodule's would then be the module, not the function."""
    package = importlib.import_module(name)
    assert set(exports(package)) & submodule_names(package) == set()


def test_a_name_the_package_does_not_export_is_missing(monkeypatch: pytest.MonkeyPatch):
    import lodestone.core.storage as storage
    import lodestone.core.storage.repository as repository

    assert not hasattr(storage, "no_such_name")
    with pytest.raises(ImportError):
        from lodestone.core.storage import no_such_name  # noqa: F401
    # read from the submodule on each use: what it holds now is what the package gives
    monkeypatch.setattr(repository, "Repository", "stand-in")
    assert storage.Repository == "stand-in"


def test_importing_the_packages_loads_none_of_their_submodules():
    """A fresh process, as a start is: the window imports the packages it needs, and must not
    load the backup, CSV, snapshot or funding code by doing so."""
    child = (f"import json, sys\nfor name in {PACKAGES!r}:\n    __import__(name)\n"
             "print(json.dumps(sorted(sys.modules)))")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True,
                          timeout=60, check=True)  # fmt: skip
    loaded = json.loads(done.stdout)
    assert set(PACKAGES) <= set(loaded)
    inside = [m for m in loaded if any(m.startswith(p + ".") for p in PACKAGES)]
    assert inside == []
