"""ShipStation's Custom Store: the orders it may ship, and its ship notices applied once.

ShipStation polls the export with a date range on *LastModified* (our ``Order.updated_at``)
and maps our status words to its own (awaiting shipment = ``paid``, and so on), so every
carrier order changed in the range is listed, cancelled and shipped ones included: that is
how ShipStation learns that an order it holds was cancelled or shipped by hand.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime

from dashboard.db.tables import Order, OrderLine, OrderNote, Shipment
from dashboard.domain.fulfilment import shipstation as protocol
from dashboard.domain.fulfilment.carriers import get_carrier, normalise_tracking
from dashboard.domain.errors import NotFound, ValidationFailed
from dashboard.domain.statuses import ShippingMethod
from dashboard.services.fulfilment import shipping as fulfilment
from dashboard.services.webhook_receipts import DUPLICATE, process_once

log = logging.getLogger(__name__)
ACTOR = "ShipStation"
NOTES_LIMIT = 1000

EXPORT_COLUMNS = (
    Order.id, Order.number, Order.placed_at, Order.updated_at, Order.status,
    Order.payment_status, Order.fulfilment_status, Order.shipping_method, Order.payment_method,
    Order.total, Order.tax_total, Order.shipping_total, Order.customer_email,
    Order.customer_name, Order.customer_phone, Order.bill_name, Order.bill_company,
    Order.ship_name, Order.ship_company, Order.ship_line1, Order.ship_line2, Order.ship_city,
    Order.ship_region, Order.ship_postal_code, Order.ship_country, Order.ship_phone,
)


@dataclass(frozen=True)
class ExportPage:
    document: bytes
    pages: int
    orders: int


def _in_range(start: datetime, end: datetime):
    return ((Order.shipping_method == ShippingMethod.CARRIER.value)
            & (Order.updated_at >= start) & (Order.updated_at <= end))


async def _internal_notes(order_ids: list[int]) -> dict[int, str]:
    notes: dict[int, list[str]] = {}
    for note in await OrderNote.select(OrderNote.order, OrderNote.body).where(
            OrderNote.order.is_in(order_ids)).order_by(OrderNote.pinned, ascending=False
                                                       ).order_by(OrderNote.id):
        notes.setdefault(note["order"], []).append(note["body"].strip())
    return {order_id: "\n".join(bodies)[:NOTES_LIMIT] for order_id, bodies in notes.items()}


async def _items(order_ids: list[int]) -> dict[int, list[protocol.ExportItem]]:
    """What is still to ship on each line (ordered - shipped), with its bin and weight.

    Lines already gone are left out; an order with nothing left (shipped, cancelled) lists
    what was ordered, so ShipStation never sees an order without items.
    """
    left: dict[int, list[protocol.ExportItem]] = {}
    ordered: dict[int, list[protocol.ExportItem]] = {}
    for line in await OrderLine.select(
            OrderLine.id, OrderLine.order, OrderLine.sku, OrderLine.name, OrderLine.quantity,
            OrderLine.shipped, OrderLine.unit_price, OrderLine.bin_location,
            OrderLine.product.weight_grams.as_alias("weight_grams"),
            OrderLine.product.bin_location.as_alias("product_bin"),
    ).where(OrderLine.order.is_in(order_ids)).order_by(OrderLine.order).order_by(
            OrderLine.position):
        item = protocol.ExportItem(
            line_id=line["id"], sku=line["sku"], name=line["name"], quantity=line["quantity"],
            unit_price=line["unit_price"],
            location=line["bin_location"] or line["product_bin"] or "",
            weight_grams=line["weight_grams"] or 0)
        ordered.setdefault(line["order"], []).append(item)
        remaining = line["quantity"] - line["shipped"]
        if remaining > 0:
            left.setdefault(line["order"], []).append(replace(item, quantity=remaining))
    return {order_id: left.get(order_id) or items for order_id, items in ordered.items()}


def _export_order(row: dict, items: list[protocol.ExportItem], notes: str) -> protocol.ExportOrder:
    return protocol.ExportOrder(
        order_id=row["id"], number=row["number"], placed_at=row["placed_at"],
        updated_at=row["updated_at"],
        status=protocol.order_status(row["status"], row["payment_status"],
                                     row["fulfilment_status"]),
        shipping_method=row["shipping_method"], payment_method=row["payment_method"],
        total=row["total"], tax=row["tax_total"], shipping=row["shipping_total"],
        customer_code=row["customer_email"] or row["number"],
        bill_name=row["bill_name"] or row["customer_name"], bill_company=row["bill_company"],
        email=row["customer_email"], phone=row["customer_phone"],
        ship_to=protocol.Address(
            name=row["ship_name"] or row["customer_name"], company=row["ship_company"],
            address1=row["ship_line1"], address2=row["ship_line2"], city=row["ship_city"],
            state=row["ship_region"], postal_code=row["ship_postal_code"],
            country=row["ship_country"], phone=row["ship_phone"] or row["customer_phone"]),
        internal_notes=notes, items=items)


async def export_orders(start: str, end: str, page: int, *, tz: str,
                        page_size: int | None = None) -> ExportPage:
    """One page of the ``<Orders>`` answer for ShipStation's date range (shop time zone).

    ``ValidationFailed`` for a missing, unreadable or reversed range. A page past the last
    answers an empty ``<Orders>`` with the true page count.
    """
    start_at, end_at = protocol.date_range(start, end, tz)
    page_size = page_size or protocol.PAGE_SIZE
    page = max(page, 1)
    where = _in_range(start_at, end_at)
    total = await Order.count().where(where)
    rows = await Order.select(*EXPORT_COLUMNS).where(where).order_by(
        Order.updated_at).order_by(Order.id).offset((page - 1) * page_size).limit(page_size)
    ids = [row["id"] for row in rows]
    items = await _items(ids) if ids else {}
    notes = await _internal_notes(ids) if ids else {}
    pages = protocol.page_count(total, page_size)
    document = protocol.orders_document(
        [_export_order(row, items.get(row["id"], []), notes.get(row["id"], "")) for row in rows],
        pages, tz)
    return ExportPage(document=document, pages=pages, orders=len(rows))


async def apply_ship_notice(notice: protocol.ShipNotice, *, notify_setting: bool) -> str:
    """Create the shipment a ship notice describes: ``"shipped"`` or ``"duplicate"``.

    A notice is applied once per (order, tracking number): ShipStation re-posts notices
    (retries, "re-send" by the merchant), and a parcel already recorded with this tracking
    number (by hand, scan-to-ship) is not shipped twice either. Items name the lines and
    quantities; without items, everything still to ship leaves. The customer is emailed
    only when the shop asked for it and ShipStation did not say it notified them itself.
    A carrier we do not list is recorded as ``other`` with ShipStation's name kept in the
    service. ``NotFound`` for an unknown order; ``ValidationFailed`` (tracking number not
    fitting the carrier, more than can leave) or ``NotAllowed`` (held, cancelled) from
    ``fulfilment.ship_order``: nothing is written then.
    """
    async def apply() -> str:
        order = await Order.select(Order.id).where(Order.number == notice.order_number).first()
        if order is None:
            raise NotFound(f"Order {notice.order_number} does not exist",
                           number=notice.order_number)
        if await Shipment.exists().where(
                (Shipment.order == order["id"])
                & (Shipment.tracking_number == normalise_tracking(notice.tracking_number))):
            return DUPLICATE
        lines = await OrderLine.select(OrderLine.id, OrderLine.sku, OrderLine.quantity,
                                       OrderLine.shipped).where(OrderLine.order == order["id"])
        wanted = protocol.shipped_lines(notice.items, lines)
        notify = notify_setting and notice.notify_customer is not False
        carrier = _carrier_code(notice.carrier)
        service = notice.service
        if carrier == "other" and notice.carrier:
            service = f"{notice.carrier} {service}".strip()
        await fulfilment.ship_order(
            notice.order_number, carrier=carrier, tracking_number=notice.tracking_number,
            service=service, lines=wanted, notify_customer=notify, actor=ACTOR,
            unpicked=fulfilment.PICKED_ELSEWHERE)  # ShipStation's warehouse picked it
        return "shipped"

    key = f"{notice.order_number}|{normalise_tracking(notice.tracking_number)}"
    return await process_once("shipstation", key, "shipnotify", apply)


def _carrier_code(name: str) -> str:
    """ShipStation's carrier name as one of ours; a carrier we do not list is ``other``
    (ShipStation also speaks of USPS, FedEx... that our tracking formats do not know)."""
    try:
        return get_carrier(name).code
    except ValidationFailed:
        return "other"
