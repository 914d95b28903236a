"""What the dispatch desk reads: orders that may leave now, held ones and those waiting
(for payment or stock) apart, and recent scans."""

from __future__ import annotations

from datetime import datetime, timezone

from piccolo.query.functions.aggregate import Sum

from dashboard.db.tables import Order, OrderLine, Shipment
from dashboard.domain.fulfilment.rules import UNDO_WINDOW, is_held, waiting_for

QUEUE_SIZE = 200


async def dispatch_queue() -> dict[str, list[dict]]:
    """Open orders with goods still to leave: ``ready`` (may leave now), ``held`` (with
    their reason) and ``waiting`` (with ``waiting_for``: payment or stock)."""
    rows = await Order.select(
        Order.id, Order.number, Order.customer_name, Order.placed_at, Order.status,
        Order.hold_reason, Order.hold_until, Order.payment_status, Order.payment_method,
        Order.balance_due, Order.currency, Order.fulfilment_status, Order.shipping_method,
        Order.ship_city, Order.ship_country,
    ).where(Order.status.is_in(["open", "on_hold"])
            & Order.fulfilment_status.is_in(["unfulfilled", "partially_shipped",
                                             "ready_for_pickup"])
            ).order_by(Order.placed_at).limit(QUEUE_SIZE)
    backordered = {}
    if rows:
        backordered = {r["order"]: r["units"] or 0 for r in await OrderLine.select(
            OrderLine.order, Sum(OrderLine.backordered, alias="units"),
        ).where(OrderLine.order.is_in([r["id"] for r in rows])).group_by(OrderLine.order)}
    now = datetime.now(timezone.utc)
    queue: dict[str, list[dict]] = {"ready": [], "held": [], "waiting": []}
    for row in rows:
        if is_held(row["status"], row["hold_reason"], row["hold_until"], now):
            queue["held"].append(row)
            continue
        row["waiting_for"] = waiting_for(row["balance_due"], row["shipping_method"],
                                         row["payment_method"], backordered.get(row["id"], 0))
        queue["waiting" if row["waiting_for"] else "ready"].append(row)
    return queue


async def ship_to(number: str) -> dict:
    """Where the parcel goes, for the ship form: the shipping address, whether staff
    verified it, and the carrier the order last left with (the form's default)."""
    row = await Order.select(
        Order.ship_name, Order.ship_company, Order.ship_line1, Order.ship_line2,
        Order.ship_postal_code, Order.ship_city, Order.ship_region, Order.ship_country,
        Order.ship_phone, Order.ship_verified_at, Order.last_carrier,
    ).where(Order.number == number).first()
    return row or {}


async def recent_shipments(actor: str) -> list[dict]:
    """This person's shipments of the last five minutes: what scan-to-ship can undo."""
    since = datetime.now(timezone.utc) - UNDO_WINDOW
    return await Shipment.select(
        Shipment.id, Shipment.order.number.as_alias("number"), Shipment.carrier,
        Shipment.tracking_number, Shipment.status, Shipment.created_at,
    ).where((Shipment.actor == actor) & (Shipment.created_at >= since)
            & (Shipment.status != "cancelled")).order_by(Shipment.id, ascending=False).limit(10)
