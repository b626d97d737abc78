"""How a core package hands out its public names without importing its submodules up front.

Each package's `__init__` maps every public name to the submodule that defines it and looks
the name up there on first use (PEP 562's module `__getattr__`), so `import lodestone.core.X`
costs nothing: starting the window must not load the backup, CSV, snapshot or funding code.
The same names are imported under `if TYPE_CHECKING:` for type checkers and the import graph,
and `__getattr__` is defined in its `else:`, where type checkers do not look: to them the
package holds exactly the names it exports, so a misspelt import is reported.

The value is looked up in the submodule on every access rather than stored on the package, so
what the submodule holds now (a test's stand-in, say) is what the package gives.

To make a name public, add it to the package's `_EXPORTS` and to its TYPE_CHECKING imports
(tests/core/test_public_api.py checks that the two agree and that every name resolves). A
public name must not be the name of a submodule of the same package: importing the submodule
sets that attribute on the package, and the name would then mean the module.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping


def load_export(package: str, exports: Mapping[str, str], name: str) -> object:
    """`package.name`, read from the submodule `exports` names for it (imported if need be);
    AttributeError, as for any missing attribute, for a name the package does not export."""
    try:
        submodule = exports[name]
    except KeyError:
        raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
    return getattr(importlib.import_module(f"{package}.{submodule}"), name)
