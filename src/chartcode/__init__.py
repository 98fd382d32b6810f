"""chartcode: an offline medical coding desk on the official public code sets.

The Python API lives in :mod:`chartcode.api`; ``chartcode.open_desk()`` is the usual entry
point. It is imported lazily so that ``import chartcode`` (and the CLI's cold start) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = ["Chartcode", "open_desk", "__version__"]

if TYPE_CHECKING:
    from chartcode.api import Chartcode, open_desk


def __getattr__(name: str) -> Any:
    if name in ("Chartcode", "open_desk"):
        from chartcode import api

        return getattr(api, name)
    raise AttributeError(name)
