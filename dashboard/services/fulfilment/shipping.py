"""Shipping: parcels leaving (whole or partial), tracking updates, and undoing a mistake.

``ship_order`` is the one way goods leave for a carrier, whoever calls it (the dispatch
form, the bulk CSV, scan-to-ship, the ShipStation shipnotify endpoint). In one write
transaction it writes the shipment and what is in it, takes the goods off the shelf
(on hand and reserved both go down), moves the order's fulfilment status, and queues the
history event, the ``order.shipped`` webhook (when everything has left), the invoice
when the shop invoices at shipment and the last parcel left (``DASHBOARD_INVOICE_AT``)
and, if asked, the customer's shipping notification in their language. The rules are in
``domain.fulfilment`` (what may leave) and ``domain.carriers`` (tracking formats).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from dashboard.db.json_columns import json_value
from dashboard.db.tables import (
    Order,
    OrderLine,
    OutboxEmail,
    OutboxWebhook,
    PickListLine,
    Shipment,
    ShipmentLine,
    StockMovement,
)
from dashboard.db.transaction import write_transaction
from dashboard.domain.fulfilment.carriers import (
    CARRIERS, Carrier, normalise_tracking, validate_tracking,
)
from dashboard.domain.errors import NotFound, StaleVersion
from dashboard.domain.fulfilment.rules import (
    LineState, NotAllowed, check_picked, check_tracking_status, check_undo,
    check_not_collected_in_store, check_unpicked_reason, check_workable, plan_shipment, status_after_shipping, status_from_lines,
)
from dashboard.domain.statuses import FulfilmentStatus, check_transition
from dashboard.domain.numbers import Message
from dashboard.domain.printing import InvoiceEvent
from dashboard.services import outbox, printing
from dashboard.services import stock
from dashboard.services.fulfilment.picking import check_no_pending_task
from dashboard.services.history import record_event
from dashboard.services.order_feed import get_order

ORDER_COLUMNS = (
    Order.id, Order.number, Order.status, Order.hold_reason, Order.hold_until,
    Order.fulfilment_status, Order.shipping_method, Order.version, Order.locale,
    Order.customer_email, Order.customer_name, Order.currency, Order.balance_due,
    Order.payment_method, Order.total,
)


@dataclass(frozen=True)
class ShipmentResult:
    shipment_id: int
    number: str
    fulfilment_status: str


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def load_order(number: str) -> dict:
    order = await Order.select(*ORDER_COLUMNS).where(Order.number == (number or "").strip()).first()
    if order is None:
        raise NotFound(f"No order {number}", number=number)
    return order


async def order_lines(order_id: int) -> list[dict]:
    """The order's lines with what each allows to ship (``shippable``) and whether a pick
    list covers it."""
    lines = await OrderLine.select(
        OrderLine.id, OrderLine.position, OrderLine.product, OrderLine.sku, OrderLine.name,
        OrderLine.barcode, OrderLine.quantity, OrderLine.reserved, OrderLine.backordered,
        OrderLine.picked, OrderLine.shipped, OrderLine.returned,
    ).where(OrderLine.order == order_id).order_by(OrderLine.position)
    coverage: list[dict] = []
    if lines:
        coverage = await PickListLine.select(
            PickListLine.order_line, PickListLine.pick_list.status.as_alias("status"),
        ).where(PickListLine.order_line.is_in([line["id"] for line in lines])
                & (PickListLine.pick_list.status != "cancelled"))
    mark_pick_coverage(lines, coverage)
    return lines


def mark_pick_coverage(lines: list[dict], coverage: list[dict]) -> None:
    """Give each line ``on_pick_list``, ``pick_open``, ``unpicked`` and ``shippable`` from
    the (order_line, pick list status) rows of the pick lists that are not cancelled."""
    covered = {row["order_line"] for row in coverage}
    being_picked = {row["order_line"] for row in coverage if row["status"] == "open"}
    for line in lines:
        line["on_pick_list"] = line["id"] in covered
        line["pick_open"] = line["id"] in being_picked
        state = line_state(line)
        line["unpicked"] = state.unpicked
        line["shippable"] = state.shippable
        line["shippable_unpicked"] = state.shippable_now(without_picking=True)


def line_state(line: dict) -> LineState:
    return LineState(id=line["id"], quantity=line["quantity"], reserved=line["reserved"],
                     shipped=line["shipped"], picked=line["picked"],
                     on_pick_list=line["on_pick_list"], pick_open=line.get("pick_open", False),
                     sku=line.get("sku") or "", name=line.get("name") or "")


async def bump_version(order: dict, values: dict) -> None:
    """Write ``values`` to the order if nobody else wrote it since it was read; the
    conditional update also serialises concurrent shipments of one order."""
    changed = await Order.update({**values, Order.updated_at: _now(),
                                  Order.version: Order.version + 1}).where(
        (Order.id == order["id"]) & (Order.version == order["version"])).returning(Order.id)
    if not changed:
        raise StaleVersion("This order changed meanwhile: reload it and try again.")


async def check_can_ship(number: str) -> dict:
    """What ``ship_order`` would refuse before anything is typed (held, cancelled, collected
    in store, a late-edit task, units nobody picked); returns the order."""
    order, _ = await _order_that_may_leave(number, PICK_REQUIRED)
    return order


async def _order_that_may_leave(number: str, unpicked: "WithoutPicking") -> tuple[dict, list]:
    """The order and its lines, or the refusal of a shipment whatever its contents."""
    order = await load_order(number)
    lines = await order_lines(order["id"])
    await check_may_leave(order, lines, unpicked)
    return order, lines


async def check_may_leave(order: dict, lines: list[dict], unpicked: "WithoutPicking") -> None:
    """Refuse a shipment of this order (its ``order_lines``) whatever its contents: held,
    cancelled, collected in store, a late-edit task, units nobody picked."""
    check_workable(order, "shipped")
    check_not_collected_in_store(order)
    await check_no_pending_task(order["id"])
    if not unpicked.applies:
        check_picked(order["number"], [line_state(line) for line in lines])


@dataclass(frozen=True)
class WithoutPicking:
    """How a shipment treats units nobody picked: ``reason`` set = ship them anyway (checked
    for the role by ``check_unpicked_reason``); ``picked_elsewhere`` = the goods were picked
    by another system (ShipStation's warehouse), so our pick does not apply."""

    reason: str = ""
    picked_elsewhere: bool = False

    @property
    def applies(self) -> bool:
        return bool(self.reason) or self.picked_elsewhere


PICK_REQUIRED = WithoutPicking()
PICKED_ELSEWHERE = WithoutPicking(picked_elsewhere=True)


def ship_unpicked(role: str, reason: str | None) -> WithoutPicking:
    """The override "ship without picking", refused for a role that may not or with no reason."""
    return WithoutPicking(reason=check_unpicked_reason(role, reason))


async def ship_order(number: str, *, carrier: str, tracking_number: str, service: str = "",
                     lines: dict[int, int] | None = None, notify_customer: bool = False,
                     actor: str, shipped_at: datetime | None = None,
                     unpicked: WithoutPicking = PICK_REQUIRED) -> ShipmentResult:
    """Record a parcel leaving with ``lines`` (order line id -> units; None = everything
    that can leave now).

    Raises ``ValidationFailed`` (unknown carrier, tracking number not fitting the carrier,
    more than held/picked on a line, nothing to ship), ``NotFound``, ``NotAllowed`` (held,
    cancelled, click-and-collect, or a late-edit task the picker has not acknowledged),
    ``PickIncomplete`` (units nobody picked, unless ``unpicked`` says why they may leave),
    ``InvalidTransition`` or ``StaleVersion``. Nothing is written when it raises.
    """
    carrier_info, tracking = validate_tracking(carrier, tracking_number)
    async with write_transaction():
        return await ship_within(number, carrier_info, tracking, service, lines,
                                 notify_customer, actor, shipped_at, unpicked)


async def ship_within(number: str, carrier: Carrier, tracking: str, service: str,
                      requested: dict[int, int] | None, notify: bool, actor: str,
                      shipped_at: datetime | None,
                      unpicked: WithoutPicking = PICK_REQUIRED) -> ShipmentResult:
    order, lines = await _order_that_may_leave(number, unpicked)
    plan = plan_shipment([line_state(line) for line in lines], requested,
                         without_picking=unpicked.applies)
    after = [(ln["quantity"], ln["shipped"] + plan.get(ln["id"], 0)) for ln in lines]
    status = status_after_shipping(order["fulfilment_status"], after)
    await bump_version(order, {Order.fulfilment_status: status, Order.last_carrier: carrier.code})

    when = shipped_at or _now()
    shipment_id = (await Shipment.insert(Shipment(
        order=order["id"], carrier=carrier.code, service=(service or "")[:100],
        tracking_number=tracking, tracking_url=carrier.tracking_url(tracking),
        status="shipped", shipped_at=when, actor=actor,
    )).returning(Shipment.id))[0]["id"]
    by_id = {line["id"]: line for line in lines}
    await ShipmentLine.insert(*[ShipmentLine(shipment=shipment_id, order_line=line_id,
                                             quantity=units) for line_id, units in plan.items()])
    moves = []
    for line_id, units in sorted(plan.items(), key=lambda p: (by_id[p[0]]["product"] or 0, p[0])):
        await OrderLine.update({OrderLine.shipped: OrderLine.shipped + units,
                                OrderLine.reserved: OrderLine.reserved - units}).where(
            OrderLine.id == line_id)
        if by_id[line_id]["product"] is not None:
            await stock.ship_units(by_id[line_id]["product"], units)
            moves.append(stock.movement(by_id[line_id]["product"], "shipment", on_hand=-units,
                                        reserved=-units, order_id=order["id"], actor=actor,
                                        note=f"{carrier.code} {tracking}"))
    if moves:
        await StockMovement.insert(*moves)

    shipped_lines = [{"sku": by_id[i]["sku"], "name": by_id[i]["name"], "quantity": q}
                     for i, q in plan.items()]
    shipment = {"id": shipment_id, "carrier": carrier.code, "carrier_name": carrier.name,
                "service": service, "tracking_number": tracking,
                "tracking_url": carrier.tracking_url(tracking), "lines": shipped_lines}
    units = sum(plan.values())
    await record_event(order["id"], "shipment.created",
                       f"{units} unit(s) shipped with {carrier.name} {tracking}",
                       {k: v for k, v in shipment.items() if k != "carrier_name"}, actor=actor)
    if unpicked.reason:
        await record_event(order["id"], "shipment.unpicked",
                           f"Shipped without picking: {unpicked.reason}",
                           {"shipment_id": shipment_id, "reason": unpicked.reason}, actor=actor)
    if status == FulfilmentStatus.SHIPPED:
        await outbox.queue_webhook("order.shipped", {**await get_order(order["number"]),
                                                     "shipment": shipment})
    await printing.issue_invoice_if_due(order["number"], InvoiceEvent.SHIPPED, actor)
    if notify and order["customer_email"]:
        await outbox.queue_email("shipping_notification", order["customer_email"],
                                 {"order": order, "shipment": shipment,
                                  "fully_shipped": status == FulfilmentStatus.SHIPPED},
                                 locale=order["locale"], order_id=order["id"])
    return ShipmentResult(shipment_id=shipment_id, number=order["number"],
                          fulfilment_status=status)


# --- undo (scan-to-ship mistakes) -------------------------------------------------------------

async def undo_shipment(shipment_id: int, *, actor: str, now: datetime | None = None) -> str:
    """Take back a shipment recorded by mistake, within five minutes; returns the order number.

    The goods go back on the shelf, still held for the order; the shipment is kept,
    marked ``cancelled``, for the history; the shipping email and ``order.shipped``
    webhook are withdrawn if the worker has not sent them yet, and a customer who already
    got the shipping email is sent a correction (``shipping_correction``). Raises ``NotFound`` or
    ``NotAllowed`` (too late, already undone).
    """
    async with write_transaction():
        shipment = await Shipment.select().where(Shipment.id == shipment_id).first()
        if shipment is None:
            raise NotFound("No such shipment")
        if shipment["status"] == "cancelled":
            raise NotAllowed("This shipment was already undone")
        check_undo(shipment["created_at"], now)
        order = await Order.select(*ORDER_COLUMNS).where(Order.id == shipment["order"]).first()
        contents = await ShipmentLine.select(
            ShipmentLine.order_line, ShipmentLine.quantity,
            ShipmentLine.order_line.product.as_alias("product"),
        ).where(ShipmentLine.shipment == shipment_id)
        lines = await order_lines(order["id"])
        back = {c["order_line"]: c["quantity"] for c in contents}
        status = status_from_lines([(ln["quantity"], ln["shipped"] - back.get(ln["id"], 0))
                                    for ln in lines])
        await bump_version(order, {Order.fulfilment_status: status})
        await Shipment.update({Shipment.status: "cancelled"}).where(Shipment.id == shipment_id)
        moves = []
        for content in sorted(contents, key=lambda c: (c["product"] or 0, c["order_line"])):
            await OrderLine.update({OrderLine.shipped: OrderLine.shipped - content["quantity"],
                                    OrderLine.reserved: OrderLine.reserved + content["quantity"],
                                    }).where(OrderLine.id == content["order_line"])
            if content["product"] is not None:
                await stock.unship_units(content["product"], content["quantity"])
                moves.append(stock.movement(content["product"], "shipment_undone",
                                            on_hand=content["quantity"],
                                            reserved=content["quantity"], order_id=order["id"],
                                            actor=actor))
        if moves:
            await StockMovement.insert(*moves)
        announced = await _withdraw_messages(order, shipment["created_at"])
        if announced and order["customer_email"]:
            # The shipping email already reached the customer: tell them it was a mistake.
            await outbox.queue_email("shipping_correction", order["customer_email"], {
                "order": order, "shipment": {"carrier": shipment["carrier"],
                                             "tracking_number": shipment["tracking_number"]},
            }, locale=order["locale"], order_id=order["id"])
        await record_event(order["id"], "shipment.undone",
                           f"Shipment {shipment['carrier']} {shipment['tracking_number']} undone",
                           {"shipment_id": shipment_id, "carrier": shipment["carrier"],
                            "tracking_number": shipment["tracking_number"]}, actor=actor)
    return order["number"]


async def _withdraw_messages(order: dict, since: datetime) -> bool:
    """Withdraw the shipment's messages not sent yet; True when its shipping email already
    went out (the customer needs a correction)."""
    announced = await OutboxEmail.exists().where(
        (OutboxEmail.order == order["id"]) & (OutboxEmail.template == "shipping_notification")
        & (OutboxEmail.status == "sent") & (OutboxEmail.created_at >= since))
    await OutboxEmail.delete().where(
        (OutboxEmail.order == order["id"]) & (OutboxEmail.template == "shipping_notification")
        & (OutboxEmail.status == "pending") & (OutboxEmail.created_at >= since))
    pending = await OutboxWebhook.select(OutboxWebhook.id, OutboxWebhook.payload).where(
        (OutboxWebhook.event_type == "order.shipped") & (OutboxWebhook.status == "pending")
        & (OutboxWebhook.created_at >= since))
    ids = []
    for row in pending:
        payload = json_value(row["payload"])
        if (payload.get("data") or {}).get("number") == order["number"]:
            ids.append(row["id"])
    if ids:
        await OutboxWebhook.delete().where(OutboxWebhook.id.is_in(ids))
    return announced


# --- tracking updates from carriers -----------------------------------------------------------

async def record_tracking_event(number: str, carrier: str, tracking_number: str, status: str,
                                occurred_at: datetime | None, actor: str) -> str:
    """A carrier's news about one parcel: ``in_transit``, ``delivered`` or ``exception``.

    Sets the shipment's status (a delivered parcel is never set back by a late, out of
    order update), records a ``shipment.tracking`` history event, and when every parcel
    of a fully shipped order is delivered, moves the order to ``delivered`` and queues the
    ``order.delivered`` webhook. Returns the order's fulfilment status. Raises
    ``ValidationFailed`` (status) or ``NotFound`` (no such order or parcel).
    """
    check_tracking_status(status)
    tracking = normalise_tracking(tracking_number)
    async with write_transaction():
        order = await load_order(number)
        shipment = await Shipment.select().where(
            (Shipment.order == order["id"]) & (Shipment.tracking_number == tracking)
            & (Shipment.status != "cancelled")).first()
        if shipment is None:
            raise NotFound(f"Order {number} has no parcel {tracking}")
        return await _apply_tracking(order, shipment, status, occurred_at or _now(), actor)


async def mark_delivered(number: str, *, actor: str, occurred_at: datetime | None = None) -> str:
    """Staff confirm every parcel of the order arrived (no carrier pushes news)."""
    async with write_transaction():
        order = await load_order(number)
        shipments = await Shipment.select().where(
            (Shipment.order == order["id"]) & (Shipment.status != "cancelled")
            & (Shipment.status != "delivered"))
        if not shipments:
            raise NotAllowed(Message("Order %(number)s has no parcel on its way.",
                                     number=order["number"]))
        status = order["fulfilment_status"]
        for shipment in shipments:
            order = await load_order(number)
            status = await _apply_tracking(order, shipment, "delivered", occurred_at or _now(),
                                           actor)
        return status


async def _apply_tracking(order: dict, shipment: dict, status: str, when: datetime,
                          actor: str) -> str:
    carrier = CARRIERS.get(shipment["carrier"])
    name = carrier.name if carrier else shipment["carrier"]
    if shipment["status"] != "delivered":
        values = {Shipment.status: status}
        if status == "delivered":
            values[Shipment.delivered_at] = when
        await Shipment.update(values).where(Shipment.id == shipment["id"])
    await record_event(order["id"], "shipment.tracking",
                       f"{name} {shipment['tracking_number']}: {status.replace('_', ' ')}",
                       {"shipment_id": shipment["id"], "status": status,
                        "carrier": shipment["carrier"],
                        "tracking_number": shipment["tracking_number"],
                        "occurred_at": when.isoformat()}, actor=actor)
    if status != "delivered" or order["fulfilment_status"] != FulfilmentStatus.SHIPPED:
        return order["fulfilment_status"]
    waiting = await Shipment.exists().where(
        (Shipment.order == order["id"]) & Shipment.status.not_in(["delivered", "cancelled"]))
    if waiting:
        return order["fulfilment_status"]
    check_transition("fulfilment_status", order["fulfilment_status"], FulfilmentStatus.DELIVERED)
    await bump_version(order, {Order.fulfilment_status: FulfilmentStatus.DELIVERED.value})
    await outbox.queue_webhook("order.delivered", await get_order(order["number"]))
    return FulfilmentStatus.DELIVERED.value
