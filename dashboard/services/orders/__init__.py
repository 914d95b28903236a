"""Orders: intake and cancellation, listing and search, the order screen, edits, notes, customers,
phone orders.

The public module: other areas import only these names, from here.
"""

from dashboard.services.orders.intake import cancel_order
from dashboard.services.orders.listing import OrderFilter, matching_order_ids, order_clauses
from dashboard.services.orders.notes import add_notes

__all__ = [
    "OrderFilter",
    "add_notes",
    "cancel_order",
    "matching_order_ids",
    "order_clauses",
]
