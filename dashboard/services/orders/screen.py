"""Everything the order screen shows, read in a handful of queries. No writes here."""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.db.json_columns import json_value
from dashboard.db.tables import (
    Customer,
    Order,
    OrderEvent,
    OrderLine,
    Payment,
    Shipment,
    ShipmentLine,
    Surcharge,
)
from dashboard.domain.orders.addresses import AddressCheck
from dashboard.domain.errors import NotFound
from dashboard.domain.fulfilment import may_mark_delivered, may_offer_shipping
from dashboard.domain.orders.changes import pay_difference_refusal, restorable_removals
from dashboard.domain.orders.shipping_price import ShippingForm, shipping_form
from dashboard.domain.payments import receipt_refusal
from dashboard.services.orders.addresses import check_order_address
from dashboard.services.orders.notes import notes_for

PREVIOUS_ORDERS = 10


@dataclass
class OrderScreen:
    order: dict
    lines: list[dict]
    payments: list[dict]
    surcharges: list[dict]
    shipments: list[dict]
    events: list[dict]
    notes: list[dict]
    customer: dict | None
    previous_orders: list[dict]
    customer_order_count: int
    address_check: AddressCheck
    can_ask_difference: bool  # the "email the customer the difference" button
    can_ship: bool  # the "ship" link (to the ship form, for those who may dispatch)
    can_mark_delivered: bool  # the "mark delivered" button
    can_send_receipt: bool  # the "email the receipt" button
    shipping: ShippingForm  # the shipping method and price form, agreed price kept
    restorable: set[int]  # "line removed" history entries that can be put back


async def order_row(number: str) -> dict:
    """The order's own row, for the panels the screen re-renders one at a time. Raises
    ``NotFound``."""
    order = await Order.select().where(Order.number == number).first()
    if order is None:
        raise NotFound(f"No order {number}")
    return order


async def order_version(number: str) -> int | None:
    """The order's version, for the screen's live check; None when there is no such order."""
    row = await Order.select(Order.version).where(Order.number == number).first()
    return None if row is None else row["version"]


async def order_screen(number: str) -> OrderScreen:
    """The order and all around it. Raises ``NotFound`` for an unknown number."""
    order = await Order.select().where(Order.number == number).first()
    if order is None:
        raise NotFound(f"No order {number}")
    order_id = order["id"]
    shipments = await Shipment.select().where(Shipment.order == order_id).order_by(Shipment.id)
    if shipments:
        shipment_lines = await ShipmentLine.select(
            ShipmentLine.shipment, ShipmentLine.quantity, ShipmentLine.order_line.sku,
            ShipmentLine.order_line.name,
        ).where(ShipmentLine.shipment.is_in([s["id"] for s in shipments]))
        for shipment in shipments:
            shipment["lines"] = [line for line in shipment_lines
                                 if line["shipment"] == shipment["id"]]
    customer = await Customer.select().where(Customer.id == order["customer"]).first()
    previous = await Order.select(
        Order.number, Order.placed_at, Order.status, Order.payment_status,
        Order.fulfilment_status, Order.total, Order.currency,
    ).where((Order.customer == order["customer"]) & (Order.id != order_id)).order_by(
        Order.placed_at, ascending=False).limit(PREVIOUS_ORDERS)
    events = await OrderEvent.select().where(OrderEvent.order == order_id).order_by(
        OrderEvent.occurred_at, OrderEvent.id, ascending=False).limit(100)
    decoded = [{**e, "data": json_value(e["data"], {})} for e in events]
    return OrderScreen(
        order=order,
        lines=await OrderLine.select().where(OrderLine.order == order_id).order_by(
            OrderLine.position, OrderLine.id),
        payments=await Payment.select().where(Payment.order == order_id).order_by(Payment.id),
        surcharges=await Surcharge.select().where(Surcharge.order == order_id).order_by(
            Surcharge.id),
        shipments=shipments,
        events=events,
        notes=await notes_for(order_id),
        customer=customer,
        previous_orders=previous,
        customer_order_count=await Order.count().where(Order.customer == order["customer"]),
        address_check=check_order_address(order),
        can_ask_difference=pay_difference_refusal(
            order["balance_due"], order["paid_total"], order["customer_email"]) is None,
        can_ship=may_offer_shipping(order["status"], order["shipping_method"],
                                    order["fulfilment_status"]),
        can_mark_delivered=may_mark_delivered(order["fulfilment_status"]),
        can_send_receipt=receipt_refusal(order["number"], order["paid_total"],
                                         order["customer_email"]) is None,
        shipping=shipping_form(method_before=order["shipping_method"],
                               price_before=order["shipping_total"],
                               currency=order["currency"], total=order["total"],
                               balance_due=order["balance_due"]),
        restorable=restorable_removals(decoded, status=order["status"],
                                       fulfilment_status=order["fulfilment_status"]),
    )
