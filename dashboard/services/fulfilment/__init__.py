"""Fulfilment: holds, picking, shipping, dispatch, click-and-collect, carriers, ShipStation.

The public module: other areas import only these names, from here.
"""

from dashboard.services.fulfilment.bulk_shipping import ship_many
from dashboard.services.fulfilment.holds import hold_orders, release_holds
from dashboard.services.fulfilment.picking import note_order_changed

__all__ = [
    "hold_orders",
    "note_order_changed",
    "release_holds",
    "ship_many",
]
