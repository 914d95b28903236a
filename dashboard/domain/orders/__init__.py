"""Orders: intake and cancellation, listing and search, the order screen, edits, notes, customers,
phone orders.

The public module: other areas import only these names, from here.
"""

from dashboard.domain.orders.intake import MAX_UNIT_PRICE, NotCancellable, currencies
from dashboard.domain.orders.listing import OrderFilter

__all__ = [
    "MAX_UNIT_PRICE",
    "NotCancellable",
    "OrderFilter",
    "currencies",
]
