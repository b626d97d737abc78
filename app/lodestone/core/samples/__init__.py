"""The example tracker and the synthetic generator: the top layer of the core.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lodestone.core.lazy_exports import load_export

# Each public name and the submodule that defines it, imported on first use (PEP 562):
# importing the package loads none of them.
_EXPORTS = {
    "ExampleError": "example",
    "ensure_example": "example",
    "write_example": "example",
    "MAX_COUNT": "generate",
    "GenerateSpec": "generate",
    "generate_tracker": "generate",
}

if TYPE_CHECKING:  # the same names, for type checkers and the import graph
    from lodestone.core.samples.example import ExampleError as ExampleError
    from lodestone.core.samples.example import ensure_example as ensure_example
    from lodestone.core.samples.example import write_example as write_example
    from lodestone.core.samples.generate import MAX_COUNT as MAX_COUNT
    from lodestone.core.samples.generate import GenerateSpec as GenerateSpec
    from lodestone.core.samples.generate import generate_tracker as generate_tracker
else:  # hidden from type checkers, which then report a name not exported

    def __getattr__(name: str) -> object:
        return load_export(__name__, _EXPORTS, name)
