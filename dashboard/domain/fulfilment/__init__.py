"""Fulfilment: holds, picking, shipping, dispatch, click-and-collect, carriers, ShipStation.

The public module: other areas import only these names, from here.
"""

from dashboard.domain.fulfilment.carriers import CARRIERS
from dashboard.domain.fulfilment.picking import pick_list_number
from dashboard.domain.fulfilment.rules import (
    HoldReason, may_mark_delivered, may_offer_shipping, parse_bulk_shipments, status_from_lines,
)

__all__ = [
    "CARRIERS",
    "HoldReason",
    "may_mark_delivered",
    "may_offer_shipping",
    "parse_bulk_shipments",
    "pick_list_number",
    "status_from_lines",
]
