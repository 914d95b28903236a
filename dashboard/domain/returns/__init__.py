"""Returns: returns, exchanges, credits and surcharges.

The public module: other areas import only these names, from here.
"""

from dashboard.domain.returns.rules import ReturnStatus

__all__ = [
    "ReturnStatus",
]
