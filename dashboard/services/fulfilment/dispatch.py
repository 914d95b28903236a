"""What the dispatch desk reads: orders waiting to leave (held ones apart), recent scans."""

from __future__ import annotations

from datetime import datetime, timezone

from dashboard.db.tables import Order, Shipment
from dashboard.domain.fulfilment.rules import UNDO_WINDOW, is_held

QUEUE_SIZE = 200


async def dispatch_queue() -> dict[str, list[dict]]:
    """Open orders with goods still to leave: ``ready`` and ``held`` (with their reason)."""
    rows = await Order.select(
        Order.number, Order.customer_name, Order.placed_at, Order.status, Order.hold_reason,
        Order.hold_until, Order.payment_status, Order.fulfilment_status, Order.shipping_method,
        Order.ship_city, Order.ship_country,
    ).where(Order.status.is_in(["open", "on_hold"])
            & Order.fulfilment_status.is_in(["unfulfilled", "partially_shipped",
                                             "ready_for_pickup"])
            ).order_by(Order.placed_at).limit(QUEUE_SIZE)
    now = datetime.now(timezone.utc)
    queue: dict[str, list[dict]] = {"ready": [], "held": []}
    for row in rows:
        held = is_held(row["status"], row["hold_reason"], row["hold_until"], now)
        queue["held" if held else "ready"].append(row)
    return queue


async def recent_shipments(actor: str) -> list[dict]:
    """This person's shipments of the last five minutes: what scan-to-ship can undo."""
    since = datetime.now(timezone.utc) - UNDO_WINDOW
    return await Shipment.select(
        Shipment.id, Shipment.order.number.as_alias("number"), Shipment.carrier,
        Shipment.tracking_number, Shipment.status, Shipment.created_at,
    ).where((Shipment.actor == actor) & (Shipment.created_at >= since)
            & (Shipment.status != "cancelled")).order_by(Shipment.id, ascending=False).limit(10)
