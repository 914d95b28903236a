"""Stock: the catalogue, counts, receipts, reservations and backorders.

The public module: other areas import only these names, from here.
"""

from dashboard.services.stock.inventory import (
    allocate_waiting,
    lock_products,
    lock_products_of_orders,
    movement,
    receive_stock,
    release,
    reserve,
    ship_units,
    unship_units,
)
from dashboard.services.stock.product_search import product_ids_by_code, product_ids_matching

__all__ = [
    "allocate_waiting",
    "lock_products",
    "lock_products_of_orders",
    "movement",
    "product_ids_by_code",
    "product_ids_matching",
    "receive_stock",
    "release",
    "reserve",
    "ship_units",
    "unship_units",
]
