"""Click-and-collect: the order waits in store, then the customer takes it.

"Ready for pickup" emails the customer what to bring; "collected" is the goods leaving,
like a shipment without a carrier: on hand and reserved go down, every line is shipped.
"""

from __future__ import annotations

from dashboard.db.tables import Order, OrderLine, StockMovement
from dashboard.db.transaction import write_transaction
from dashboard.domain.fulfilment.rules import NotAllowed, check_workable
from dashboard.domain.numbers import N_, Message
from dashboard.domain.printing import InvoiceEvent
from dashboard.domain.statuses import FulfilmentStatus, ShippingMethod, check_transition
from dashboard.services import outbox, printing
from dashboard.services import stock
from dashboard.services.fulfilment.shipping import bump_version, load_order, order_lines
from dashboard.services.history import record_event
from dashboard.services.order_feed import get_order
from dashboard.settings import get_settings


async def _collectable(number: str, step: str) -> tuple[dict, list[dict]]:
    order = await load_order(number)
    if order["shipping_method"] != ShippingMethod.CLICK_AND_COLLECT:
        raise NotAllowed(Message(N_("Order %(number)s is shipped by carrier, not collected "
                                    "in store."), number=number))
    check_workable(order, step)
    lines = await order_lines(order["id"])
    waiting = [line["sku"] for line in lines
               if line["backordered"] or line["reserved"] + line["shipped"] < line["quantity"]]
    if waiting:
        raise NotAllowed(Message(N_("Not everything is in store yet: %(items)s."),
                                 items=", ".join(waiting)))
    return order, lines


async def ready_for_pickup(number: str, actor: str) -> None:
    """Tell the customer their order waits in store (email: what to bring, what is owed).

    Raises ``NotFound``, ``NotAllowed`` (carrier order, held, cancelled, goods missing) or
    ``InvalidTransition``.
    """
    async with write_transaction():
        order, _ = await _collectable(number, "prepared for pickup")
        check_transition("fulfilment_status", order["fulfilment_status"],
                         FulfilmentStatus.READY_FOR_PICKUP)
        await bump_version(order, {Order.fulfilment_status: FulfilmentStatus.READY_FOR_PICKUP.value})
        await record_event(order["id"], "order.ready_for_pickup", "Ready for pickup in store",
                           actor=actor)
        if order["customer_email"]:
            shop = get_settings().shop
            store = {"address": shop.store_address or shop.address, "hours": shop.store_hours,
                     "phone": shop.phone}
            await outbox.queue_email("ready_for_pickup", order["customer_email"],
                                     {"order": order, "store": store}, locale=order["locale"],
                                     order_id=order["id"])


async def collected(number: str, actor: str) -> None:
    """The customer took the order: the goods leave the shelf. Raises like
    ``ready_for_pickup`` (it must be ready for pickup first)."""
    async with write_transaction():
        order, lines = await _collectable(number, "collected")
        check_transition("fulfilment_status", order["fulfilment_status"],
                         FulfilmentStatus.COLLECTED)
        await bump_version(order, {Order.fulfilment_status: FulfilmentStatus.COLLECTED.value})
        moves = []
        for line in sorted(lines, key=lambda ln: (ln["product"] or 0, ln["id"])):
            units = line["reserved"]
            if not units:
                continue
            await OrderLine.update({OrderLine.shipped: OrderLine.shipped + units,
                                    OrderLine.reserved: 0}).where(OrderLine.id == line["id"])
            if line["product"] is not None:
                await stock.ship_units(line["product"], units)
                moves.append(stock.movement(line["product"], "collected", on_hand=-units,
                                            reserved=-units, order_id=order["id"], actor=actor))
        if moves:
            await StockMovement.insert(*moves)
        await record_event(order["id"], "order.collected", "Collected in store", actor=actor)
        await printing.issue_invoice_if_due(order["number"], InvoiceEvent.SHIPPED, actor)
        # The goods reached the customer: for the shop's other systems that is a delivery.
        await outbox.queue_webhook("order.delivered", {**await get_order(order["number"]),
                                                       "collected_in_store": True})
