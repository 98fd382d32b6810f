"""chartcode: an offline medical coding desk on the official public code sets.

The Python API lives in :mod:`chartcode.api`; ``chartcode.open()`` is the usual entry point.
"""

from chartcode.api import Chartcode, open_desk

__all__ = ["Chartcode", "open_desk", "__version__"]
__version__ = "0.1.0"
