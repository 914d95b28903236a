"""Order intake and cancellation: the one way an order is placed or cancelled.

The API, the call-centre screens and the background jobs all call these functions. Each
use-case is one write transaction: the order, its reservations, its history and its outbox
rows commit together or not at all, so a refused order leaves stock exactly as it was.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone

from dashboard.components.i18n import DEFAULT_LOCALE
from dashboard.db.tables import Address, Customer, Order, OrderLine, Product, StockMovement
from dashboard.db.transaction import engine, write_transaction
from dashboard.domain.errors import InsufficientStock, NotFound, StaleVersion, ValidationFailed
from dashboard.domain.numbering import (
    FIRST_ORDER_NUMBER,
    ORDER_SEQUENCE_KIND,
    ORDER_SEQUENCE_YEAR,
    order_number,
)
from dashboard.domain.orders import (
    AddressDetails,
    OrderDraft,
    OrderState,
    PricedLine,
    ProductInfo,
    check_cancellable,
    price_lines,
    validate_draft,
)
from dashboard.domain.pricing import order_totals
from dashboard.domain.search import fold, order_search_text
from dashboard.domain.stock import Reservation
from dashboard.domain.statuses import OrderStatus
from dashboard.services import outbox, stock
from dashboard.services.history import record_event
from dashboard.services.sequences import next_value
from dashboard.services.order_feed import LINE_COLUMNS, ORDER_COLUMNS, order_json
from dashboard.settings import get_settings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlacedOrder:
    id: int
    number: str
    total: int
    currency: str
    backordered: dict[str, int] = field(default_factory=dict)  # sku -> units waiting
    replayed: bool = False  # True: an earlier request with the same Idempotency-Key
    order: dict | None = None  # the order as placed (contract shape); None when replayed


def _now() -> datetime:
    return datetime.now(timezone.utc)


# --- intake ---------------------------------------------------------------------------------

async def place_order(draft: OrderDraft, *, actor: str,
                      idempotency_key: str | None = None) -> PlacedOrder:
    """Check, reserve and record a new order, unpaid and open (the awaiting-payment queue).

    In one transaction: customer and addresses (found by email, or created), the next
    order number, a reservation per line, the order and its lines, the stock ledger, the
    ``order.placed`` history event, the merchant's email and the ``order.placed`` webhook.
    With an ``idempotency_key`` (scoped to ``actor``), a retry returns the first order.

    Raises ``ValidationFailed`` (bad draft, unknown SKU) or ``InsufficientStock`` (a line
    is short and its product refuses backorders; nothing is written).
    """
    validate_draft(draft)
    key = f"{actor}:{idempotency_key}"[:200] if idempotency_key else None
    if key and (earlier := await _order_by_key(key)):
        return earlier
    try:
        async with write_transaction():
            if key and (earlier := await _order_by_key(key)):
                return earlier
            return await _place(draft, actor, key)
    except Exception:
        # Two retries raced on PostgreSQL: the loser hits the unique key; answer the winner.
        if key and (earlier := await _order_by_key(key)):
            return earlier
        raise


async def _order_by_key(key: str) -> PlacedOrder | None:
    row = await Order.select(Order.id, Order.number, Order.total, Order.currency).where(
        Order.idempotency_key == key).first()
    if row is None:
        return None
    waiting = await OrderLine.select(OrderLine.sku, OrderLine.backordered).where(
        (OrderLine.order == row["id"]) & (OrderLine.backordered > 0))
    return PlacedOrder(id=row["id"], number=row["number"], total=row["total"],
                       currency=row["currency"], replayed=True,
                       backordered={w["sku"]: w["backordered"] for w in waiting})


async def _catalogue(skus: set[str]) -> dict[str, ProductInfo]:
    rows = await Product.select(
        Product.id, Product.sku, Product.name, Product.price, Product.currency,
        Product.vat_rate_bp, Product.backorder, Product.active, Product.barcode,
        Product.bin_location,
    ).where(Product.sku.is_in(sorted(skus)))
    return {row["sku"]: ProductInfo(**row) for row in rows}


async def _reserve_all(lines: list[PricedLine]) -> dict[int, Reservation]:
    """Reserve every line, in product order so concurrent orders never deadlock.

    Raises ``InsufficientStock`` naming every short line; the caller's transaction then
    rolls back the reservations already made.
    """
    reservations: dict[int, Reservation] = {}
    short: list[dict] = []
    for line in sorted(lines, key=lambda ln: (ln.product.id, ln.position)):
        outcome = await stock.reserve(line.product.id, line.quantity, line.product.backorder)
        if isinstance(outcome, Reservation):
            reservations[line.position] = outcome
        else:
            short.append({"sku": line.product.sku, "requested": line.quantity,
                          "available": outcome})
    if short:
        raise InsufficientStock(short=sorted(short, key=lambda s: s["sku"]))
    return reservations


async def _customer_id(draft: OrderDraft) -> int:
    """The customer with this email (the shop's account key), created on first order."""
    email = draft.customer.email.strip().lower()
    query = Customer.select(Customer.id).where(Customer.email == email).order_by(Customer.id)
    if row := await query.first():
        return row["id"]
    if engine().engine_type == "postgres":
        # No unique index on email (historic duplicates may exist): serialise creation
        # per email, then look again in case a concurrent order just created them.
        await Customer.raw("SELECT pg_advisory_xact_lock(hashtext({}))", "customer:" + email)
        if row := await query.first():
            return row["id"]
    c = draft.customer
    addresses = {draft.shipping_address.postal_code, draft.billing.postal_code}
    rows = await Customer.insert(Customer(
        email=email, first_name=c.first_name.strip(), last_name=c.last_name.strip(),
        phone=c.phone.strip(), locale=draft.locale, company=draft.billing.company,
        search_text=fold(" ".join([c.name, email, c.phone, *sorted(addresses)])),
    )).returning(Customer.id)
    return rows[0]["id"]


async def _remember_address(customer_id: int, address: AddressDetails, kind: str) -> None:
    """Add the address to the customer's book unless the same one is already there."""
    same = await Address.exists().where(
        (Address.customer == customer_id) & (Address.name == address.name)
        & (Address.line1 == address.line1) & (Address.line2 == address.line2)
        & (Address.postal_code == address.postal_code) & (Address.city == address.city)
        & (Address.country == address.country))
    if not same:
        await Address.insert(Address(
            customer=customer_id, name=address.name, company=address.company,
            line1=address.line1, line2=address.line2, postal_code=address.postal_code,
            city=address.city, region=address.region, country=address.country,
            phone=address.phone, is_default=kind))


def _address_columns(prefix: str, address: AddressDetails) -> dict:
    return {f"{prefix}_name": address.name, f"{prefix}_company": address.company,
            f"{prefix}_line1": address.line1, f"{prefix}_line2": address.line2,
            f"{prefix}_postal_code": address.postal_code.strip().upper(),
            f"{prefix}_city": address.city, f"{prefix}_region": address.region,
            f"{prefix}_country": address.country}


async def _place(draft: OrderDraft, actor: str, key: str | None) -> PlacedOrder:
    """Write the order. Work that takes no lock comes first; the locks every order
    contends for (a product's stock row, then the order-number counter that every order
    needs) are taken last, so each is held for as short a time as possible before commit."""
    products = await _catalogue({line.sku for line in draft.lines})
    priced = price_lines(draft, products)

    customer_id = await _customer_id(draft)
    await _remember_address(customer_id, draft.shipping_address, "shipping")
    if draft.billing_address is not None and draft.billing_address != draft.shipping_address:
        await _remember_address(customer_id, draft.billing_address, "billing")

    now = _now()
    totals = order_totals([line.amounts for line in priced], draft.shipping_total)
    c = draft.customer
    order = {
        # A unique stand-in until the number is allocated at the end of the transaction.
        "number": "~" + uuid.uuid4().hex[:19], "customer": customer_id,
        "channel": draft.channel, "locale": draft.locale, "currency": draft.currency,
        "payment_method": draft.payment_method, "shipping_method": draft.shipping_method,
        "status": "open", "payment_status": "unpaid", "fulfilment_status": "unfulfilled",
        "customer_email": c.email.strip().lower(), "customer_name": c.name,
        "customer_phone": c.phone.strip(), "ship_phone": draft.shipping_address.phone,
        **_address_columns("ship", draft.shipping_address),
        **_address_columns("bill", draft.billing),
        "subtotal": totals.subtotal, "shipping_total": totals.shipping_total,
        "tax_total": totals.tax_total, "total": totals.total, "balance_due": totals.total,
        "idempotency_key": key, "placed_at": now, "updated_at": now,
    }
    order_id = (await Order.insert(Order(**order)).returning(Order.id))[0]["id"]

    reservations = await _reserve_all(priced)  # stock rows locked from here to commit
    lines = [{
        "order": order_id, "position": line.position, "product": line.product.id,
        "sku": line.product.sku, "name": line.product.name, "barcode": line.product.barcode,
        "bin_location": line.product.bin_location, "unit_price": line.unit_price,
        "vat_rate_bp": line.product.vat_rate_bp, "quantity": line.quantity,
        "reserved": reservations[line.position].reserve,
        "backordered": reservations[line.position].backorder,
        "line_total": line.amounts.line_total, "tax_amount": line.amounts.tax_amount,
    } for line in priced]
    await OrderLine.insert(*[OrderLine(**line) for line in lines])
    moves = [stock.movement(line["product"], "reservation", reserved=line["reserved"],
                            order_id=order_id, actor=actor,
                            note=f"{line['backordered']} backordered" if line["backordered"] else "")
             for line in lines if line["reserved"] or line["backordered"]]
    if moves:
        await StockMovement.insert(*moves)
    waiting = {line["sku"]: line["backordered"] for line in lines if line["backordered"]}
    summary = f"Placed ({draft.channel}), {len(lines)} line(s)"
    if waiting:
        summary += ", backordered: " + ", ".join(f"{n} x {sku}" for sku, n in waiting.items())
    await record_event(order_id, "order.placed", summary,
                       {"total": totals.total, "backordered": waiting}, actor=actor)

    number = order_number(await next_value(  # the counter is locked from here
        ORDER_SEQUENCE_KIND, ORDER_SEQUENCE_YEAR, FIRST_ORDER_NUMBER))
    order.update(number=number, backordered_quantity=sum(waiting.values()),
                 search_text=order_search_text(number, c.name, c.email, c.phone,
                                               draft.shipping_address.postal_code,
                                               draft.billing.postal_code))
    await Order.update({Order.number: number, Order.search_text: order["search_text"],
                        Order.backordered_quantity: order["backordered_quantity"]}).where(
        Order.id == order_id)
    payload = order_json({**order, "id": order_id, "paid_total": 0, "refunded_total": 0,
                          "cancelled_at": None, "cancel_reason": None, "version": 1,
                          "hold_reason": None}, lines)
    merchant = get_settings().merchant_email
    if merchant:
        await outbox.queue_email("merchant_new_order", merchant, {"order": payload},
                                 locale=DEFAULT_LOCALE, order_id=order_id)
    await outbox.queue_webhook("order.placed", payload)
    return PlacedOrder(id=order_id, number=number, total=totals.total, currency=draft.currency,
                       backordered=waiting, order=payload)


# --- reading ----------------------------------------------------------------------------------

async def get_order(number: str) -> dict:
    """The order with its lines, as the API and the webhooks show it. Raises ``NotFound``."""
    order = await Order.select(*ORDER_COLUMNS).where(Order.number == number).first()
    if order is None:
        raise NotFound(f"No order {number}")
    lines = await OrderLine.select(*LINE_COLUMNS).where(OrderLine.order == order["id"]).order_by(
        OrderLine.position)
    return order_json(order, lines)


# --- cancellation -----------------------------------------------------------------------------

async def cancel_order(number: str, reason: str, *, actor: str,
                       expected_version: int | None = None) -> None:
    """Cancel an unpaid order that has not left: every reservation goes back to the shelf.

    Released units go straight to other orders waiting for them (oldest first). Raises
    ``ValidationFailed`` (no reason), ``NotFound``, ``NotCancellable`` (already cancelled,
    shipped: record a return; paid: refund first), ``StaleVersion`` (the order changed since
    ``expected_version`` was read, or while we worked).
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": "required"})
    async with write_transaction():
        order = await Order.select(*ORDER_COLUMNS).where(Order.number == number).first()
        if order is None:
            raise NotFound(f"No order {number}")
        if expected_version is not None and order["version"] != expected_version:
            raise StaleVersion("This order was changed by someone else: reload it.")
        lines = await OrderLine.select(*LINE_COLUMNS).where(OrderLine.order == order["id"])
        check_cancellable(OrderState(
            status=order["status"], payment_status=order["payment_status"],
            fulfilment_status=order["fulfilment_status"], paid_total=order["paid_total"],
            refunded_total=order["refunded_total"],
            shipped_quantity=sum(line["shipped"] for line in lines)))
        now = _now()
        changed = await Order.update({
            Order.status: OrderStatus.CANCELLED.value, Order.cancel_reason: reason,
            Order.cancelled_at: now, Order.updated_at: now, Order.backordered_quantity: 0,
            Order.version: Order.version + 1,
            # A cancelled order charges nothing; only money still to give back remains.
            Order.balance_due: Order.refunded_total - Order.paid_total,
        }).where(
            (Order.id == order["id"]) & (Order.version == order["version"])
            & (Order.paid_total == order["paid_total"]) & (Order.status == order["status"])
        ).returning(Order.id)
        if not changed:
            raise StaleVersion("This order changed while it was being cancelled: reload it.")

        moves = []
        for line in sorted(lines, key=lambda ln: (ln["product"] or 0, ln["id"])):
            if line["product"] is None or not (line["reserved"] or line["backordered"]):
                continue
            await stock.release(line["product"], line["reserved"], line["backordered"])
            if line["reserved"]:
                moves.append(stock.movement(line["product"], "release",
                                            reserved=-line["reserved"], order_id=order["id"],
                                            actor=actor, note=reason[:200]))
        await OrderLine.update({OrderLine.reserved: 0, OrderLine.backordered: 0}).where(
            OrderLine.order == order["id"])
        if moves:
            await StockMovement.insert(*moves)
        await record_event(order["id"], "order.cancelled", reason, {"reason": reason},
                           actor=actor)
        cancelled = {**order, "status": "cancelled", "cancel_reason": reason,
                     "cancelled_at": now, "updated_at": now, "version": order["version"] + 1}
        released = [{**line, "reserved": 0, "backordered": 0} for line in lines]
        await outbox.queue_webhook("order.cancelled", order_json(cancelled, released))
        for product_id in sorted({line["product"] for line in lines if line["reserved"]}):
            await stock.allocate_waiting(product_id, actor=actor)
