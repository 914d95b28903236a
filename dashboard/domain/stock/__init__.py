"""Stock: the catalogue, counts, receipts, reservations and backorders.

The public module: other areas import only these names, from here.
"""

from dashboard.domain.stock.allocation import Reservation
from dashboard.domain.stock.barcodes import ean13
from dashboard.domain.stock.catalogue import not_for_sale

__all__ = [
    "Reservation",
    "ean13",
    "not_for_sale",
]
