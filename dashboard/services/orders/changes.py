"""Money-moving edits of a placed order: a line's quantity, a new line, a removed line,
the shipping method and price, and the "please pay the difference" email.

Each change is one write transaction: the stock row of the line's product is taken first,
then the order row (its version bumped, which also serialises two editors of one order on
PostgreSQL) - the global lock order of ``services/stock/inventory.py``, so an edit never
deadlocks with a count or a cancellation - then stock moves with the
atomic helpers of ``services/stock/inventory.py``, the line, the totals and balance recomputed from
all lines by ``domain/pricing``, the history event and, when a pick list covers the order,
the picker's late-edit task. A refused change writes nothing.
"""

from __future__ import annotations

from datetime import datetime, timezone

from dashboard.db.json_columns import json_value
from dashboard.db.tables import Order, OrderEvent, OrderLine, PickListLine, Product, StockMovement
from dashboard.db.transaction import retry_on_conflict, write_transaction
from dashboard.domain.errors import InsufficientStock, NotFound, ValidationFailed
from dashboard.domain.orders.changes import (
    NotChangeable, check_line_changeable, check_lines_changeable, check_line_not_stale,
    check_order_changeable, money_after_change, parse_quantity, pay_difference_refusal,
    payment_link, plan_decrease, restore_refusal,
    removal_needs_confirmation as needs_confirmation,
)
from dashboard.domain.orders.shipping_price import (
    PriceChoice, ShippingForm, ShippingPrice, check_method_changeable,
    check_shipping_not_stale, decide_shipping_price, price_text, shipping_form,
)
from dashboard.domain.fulfilment import status_from_lines
from dashboard.domain.pricing import line_amounts
from dashboard.domain.printing import InvoiceEvent
from dashboard.domain.statuses import FulfilmentStatus
from dashboard.domain.stock import not_for_sale
from dashboard.services import outbox, printing
from dashboard.services import stock
from dashboard.services.history import record_event
from dashboard.services.fulfilment import note_order_changed
from dashboard.settings import get_settings


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def _take_order(number: str) -> dict:
    """Bump the order's version (taking its row until commit) and return it as it is now."""
    rows = await Order.update({Order.version: Order.version + 1, Order.updated_at: _now()}).where(
        Order.number == number).returning(Order.id)
    if not rows:
        raise NotFound(f"No order {number}")
    return await Order.select().where(Order.id == rows[0]["id"]).first()


async def _lock_line_product(line_id: int) -> None:
    """Take the stock row of the line's product before the order (the lock order)."""
    row = await OrderLine.select(OrderLine.product).where(OrderLine.id == line_id).first()
    if row is not None:
        await stock.lock_products([row["product"]])


async def _line(order_id: int, line_id: int) -> dict:
    line = await OrderLine.select().where(
        (OrderLine.id == line_id) & (OrderLine.order == order_id)).first()
    if line is None:
        raise NotFound("No such line on this order")
    return line


async def _product(product_id: int | None) -> dict | None:
    if product_id is None:
        return None
    return await Product.select(Product.id, Product.sku, Product.backorder).where(
        Product.id == product_id).first()


async def _settle_totals(order: dict) -> dict:
    """Recompute totals, balance, payment status and backorders from the order's lines."""
    lines = await OrderLine.select(OrderLine.unit_price, OrderLine.quantity,
                                   OrderLine.vat_rate_bp, OrderLine.backordered,
                                   OrderLine.shipped).where(OrderLine.order == order["id"])
    money = money_after_change(
        [(ln["unit_price"], ln["quantity"], ln["vat_rate_bp"]) for ln in lines],
        order["shipping_total"], order)
    t = money.totals
    fulfilment = order["fulfilment_status"]
    if fulfilment == FulfilmentStatus.PARTIALLY_SHIPPED.value:
        # Taking off the last unshipped units leaves an order whose goods have all left.
        fulfilment = status_from_lines([(ln["quantity"], ln["shipped"]) for ln in lines])
    await Order.update({
        Order.fulfilment_status: fulfilment,
        Order.subtotal: t.subtotal, Order.shipping_total: t.shipping_total,
        Order.tax_total: t.tax_total, Order.total: t.total,
        Order.balance_due: money.balance_due, Order.payment_status: money.payment_status.value,
        Order.backordered_quantity: sum(ln["backordered"] for ln in lines),
    }).where(Order.id == order["id"])
    # A change can settle the order (a line taken off a part-paid order) or leave it with
    # every unit gone: that is the moment of its invoice, as a payment or a parcel is.
    if money.payment_status.value == "paid" and order["payment_status"] != "paid":
        await printing.issue_invoice_if_due(order["number"], InvoiceEvent.PAID)
    if fulfilment != order["fulfilment_status"]:
        await printing.issue_invoice_if_due(order["number"], InvoiceEvent.SHIPPED)
    return await Order.select().where(Order.id == order["id"]).first()


async def _grow(line: dict, more: int, actor: str) -> tuple[int, int]:
    """Reserve ``more`` units for a line; returns (reserved, backordered) added.

    Raises ``InsufficientStock`` with the available quantity when the product refuses
    backorders and is short."""
    product = await _product(line["product"])
    if product is None:
        return 0, 0
    outcome = await stock.reserve(product["id"], more, product["backorder"])
    if isinstance(outcome, int):
        raise InsufficientStock(short=[{"sku": product["sku"], "requested": more,
                                        "available": outcome}])
    await StockMovement.insert(stock.movement(
        product["id"], "reservation", reserved=outcome.reserve, order_id=line["order"],
        actor=actor, note=f"{outcome.backorder} backordered" if outcome.backorder else ""))
    return outcome.reserve, outcome.backorder


async def _shrink(line: dict, new_quantity: int, actor: str) -> tuple[int, int]:
    """Give back what the line no longer needs; returns (reserved, backordered) released."""
    plan = plan_decrease(line["reserved"], line["backordered"], line["quantity"], new_quantity)
    if line["product"] is None or not (plan.reserved or plan.backordered):
        return 0, 0
    await stock.release(line["product"], plan.reserved, plan.backordered)
    if plan.reserved:
        await StockMovement.insert(stock.movement(
            line["product"], "release", reserved=-plan.reserved, order_id=line["order"],
            actor=actor, note="order changed"))
    return plan.reserved, plan.backordered


async def _set_quantity(line: dict, new_quantity: int, actor: str) -> None:
    if new_quantity > line["quantity"]:
        reserved, backordered = await _grow(line, new_quantity - line["quantity"], actor)
    else:
        reserved, backordered = await _shrink(line, new_quantity, actor)
        reserved, backordered = -reserved, -backordered
    amounts = line_amounts(line["unit_price"], new_quantity, line["vat_rate_bp"])
    await OrderLine.update({
        OrderLine.quantity: new_quantity, OrderLine.reserved: OrderLine.reserved + reserved,
        OrderLine.backordered: OrderLine.backordered + backordered,
        OrderLine.line_total: amounts.line_total, OrderLine.tax_amount: amounts.tax_amount,
    }).where(OrderLine.id == line["id"])
    if reserved < 0 and line["product"] is not None:
        await stock.allocate_waiting(line["product"], actor=actor)
    await note_order_changed(line["order"], {line["id"]: new_quantity}, actor=actor)


def _label(line: dict) -> str:
    return f"{line['sku']} quantity"


@retry_on_conflict
async def change_line_quantity(number: str, line_id: int, seen_quantity: int, quantity: object,
                               *, actor: str) -> dict:
    """Set a line's quantity: more reserves (or backorders), fewer gives stock back.

    ``seen_quantity`` is what the editor was shown. Returns the order as it is now.
    Raises ``ValidationFailed``, ``NotFound``, ``NotChangeable`` (order closed or line
    shipped), ``StaleVersion`` (the line changed meanwhile, with ``conflicts``) or
    ``InsufficientStock`` (refuse-backorder product short: ``short`` says what is available).
    """
    wanted = parse_quantity(quantity)
    async with write_transaction():
        await _lock_line_product(line_id)
        order = await _take_order(number)
        line = await _line(order["id"], line_id)
        check_line_changeable(order["status"], line["shipped"], order["fulfilment_status"])
        check_line_not_stale(_label(line), seen_quantity, line["quantity"], wanted)
        if wanted == line["quantity"]:
            return order
        await _set_quantity(line, wanted, actor)
        await record_event(order["id"], "order.line_quantity_changed",
                           f"{line['sku']}: quantity {line['quantity']} → {wanted}",
                           {"line_id": line_id, "sku": line["sku"], "name": line["name"],
                            "before": line["quantity"], "after": wanted},
                           actor=actor)
        return await _settle_totals(order)


@retry_on_conflict
async def remove_line(number: str, line_id: int, seen_quantity: int, *, actor: str) -> dict:
    """Take a line off the order and give its stock back.

    A line already on a pick list stays at quantity 0 (the picker gets a put-back task);
    otherwise it is deleted. Raises as ``change_line_quantity``.
    """
    async with write_transaction():
        await _lock_line_product(line_id)
        order = await _take_order(number)
        line = await _line(order["id"], line_id)
        check_line_changeable(order["status"], line["shipped"], order["fulfilment_status"])
        check_line_not_stale(_label(line), seen_quantity, line["quantity"], 0)
        live = await OrderLine.count().where(
            (OrderLine.order == order["id"]) & (OrderLine.quantity > 0))
        if live <= 1 and line["quantity"] > 0:
            raise NotChangeable("An order keeps at least one line: cancel the order instead.")
        await _set_quantity(line, 0, actor)
        if not await PickListLine.exists().where(PickListLine.order_line == line_id):
            await OrderLine.delete().where(OrderLine.id == line_id)
        await record_event(order["id"], "order.line_removed",
                           f"{line['sku']} removed ({line['quantity']})",
                           {"line_id": line_id, "sku": line["sku"], "name": line["name"],
                            "quantity": line["quantity"], "unit_price": line["unit_price"],
                            "vat_rate_bp": line["vat_rate_bp"]},
                           actor=actor)
        return await _settle_totals(order)


async def removal_needs_confirmation(number: str) -> bool:
    """Whether taking a line off this order must be confirmed first (money was paid)."""
    row = await Order.select(Order.paid_total).where(Order.number == number).first()
    if row is None:
        raise NotFound(f"No order {number}")
    return needs_confirmation(row["paid_total"])


async def _insert_line(order_id: int, product: dict, *, name: str, unit_price: int,
                       vat_rate_bp: int) -> int:
    """A new, empty line for ``product`` after the order's last one; ``_set_quantity``
    then reserves its stock. Returns its id."""
    last = await OrderLine.select(OrderLine.position).where(
        OrderLine.order == order_id).order_by(OrderLine.position, ascending=False).first()
    return (await OrderLine.insert(OrderLine(
        order=order_id, position=(last["position"] + 1) if last else 1,
        product=product["id"], sku=product["sku"], name=name, barcode=product["barcode"],
        bin_location=product["bin_location"], unit_price=unit_price, vat_rate_bp=vat_rate_bp,
        quantity=0, line_total=0, tax_amount=0)).returning(OrderLine.id))[0]["id"]


@retry_on_conflict
async def restore_line(number: str, removal_event: int, *, actor: str) -> dict:
    """Undo a line's removal from its history entry: the same product and quantity at the
    price it was sold at, its stock reserved again. Once per removal.

    Raises ``NotFound`` (no such removal on this order), ``NotChangeable`` (order closed,
    already put back, entry too old to know the price) or ``InsufficientStock``.
    """
    async with write_transaction():
        removal = await OrderEvent.select(OrderEvent.id, OrderEvent.data).where(
            (OrderEvent.id == removal_event) & (OrderEvent.kind == "order.line_removed")
            & (OrderEvent.order.number == number)).first()
        if removal is None:
            raise NotFound(f"No removed line {removal_event} on order {number}")
        removal["data"] = data = json_value(removal["data"], {})
        product = await Product.select().where(Product.sku == data.get("sku")).first()
        await stock.lock_products([product["id"]] if product else [])
        order = await _take_order(number)
        check_lines_changeable(order["status"], order["fulfilment_status"])
        restored = await OrderEvent.select(OrderEvent.data).where(
            (OrderEvent.order == order["id"]) & (OrderEvent.kind == "order.line_restored"))
        if refusal := restore_refusal(
                removal, [json_value(e["data"], {}).get("removal_event") for e in restored]):
            raise NotChangeable(refusal)
        if product is None or not product["active"]:
            raise not_for_sale(data["sku"], known=product is not None)
        line = await OrderLine.select().where(
            (OrderLine.id == data.get("line_id")) & (OrderLine.order == order["id"])).first()
        if line is None:  # deleted when it went: a new line at the price it was sold at
            line = await _line(order["id"], await _insert_line(
                order["id"], product, name=data.get("name") or product["name"],
                unit_price=data["unit_price"], vat_rate_bp=data["vat_rate_bp"]))
        await _set_quantity(line, data["quantity"] + line["quantity"], actor)
        await record_event(order["id"], "order.line_restored",
                           f"{data['sku']} put back ({data['quantity']})",
                           {"line_id": line["id"], "sku": data["sku"], "name": line["name"],
                            "quantity": data["quantity"], "removal_event": removal_event},
                           actor=actor)
        return await _settle_totals(order)


@retry_on_conflict
async def add_line(number: str, code: str, quantity: object, *, actor: str) -> dict:
    """Add a product (by SKU or barcode) at its current catalogue price.

    Raises ``ValidationFailed`` (unknown or withdrawn product, other currency, bad
    quantity), ``NotFound``, ``NotChangeable`` or ``InsufficientStock``.
    """
    wanted = parse_quantity(quantity)
    code = (code or "").strip()
    async with write_transaction():
        product = await Product.select().where(
            (Product.sku == code) | (Product.barcode == code)).first()
        await stock.lock_products([product["id"]] if product else [])
        order = await _take_order(number)
        check_lines_changeable(order["status"], order["fulfilment_status"])
        if product is None or not product["active"]:
            raise not_for_sale(code, known=product is not None)
        if product["currency"] != order["currency"]:
            raise ValidationFailed({"sku": f"{product['sku']} is priced in {product['currency']}"})
        line_id = await _insert_line(order["id"], product, name=product["name"],
                                     unit_price=product["price"],
                                     vat_rate_bp=product["vat_rate_bp"])
        await _set_quantity(await _line(order["id"], line_id), wanted, actor)
        await record_event(order["id"], "order.line_added", f"{product['sku']} added ({wanted})",
                           {"line_id": line_id, "sku": product["sku"], "name": product["name"],
                            "quantity": wanted,
                            "unit_price": product["price"]}, actor=actor)
        return await _settle_totals(order)


@retry_on_conflict
async def change_shipping(number: str, *, seen_method: str, seen_price: int, method: str,
                          choice: object = PriceChoice.KEEP, manual_price: object = "",
                          reason: object = "", actor: str, locale: str = "fr") -> dict:
    """Change the shipping method and/or price of an order, the agreed price kept unless the
    agent chose the new method's list price or a manual price with a reason (see
    ``domain/orders/shipping_price``). Totals, balance and payment status follow; the
    history tells the old and new method and price, and the reason.

    ``seen_method`` and ``seen_price`` are what the form showed. Returns the order as it is
    now. Raises ``ValidationFailed`` (unknown method or choice, bad manual price, missing
    reason, cash on pickup sent by carrier), ``NotFound``, ``NotChangeable`` (order closed,
    or the method changing after something left or is ready in store), ``StaleVersion``
    (someone changed the method or price meanwhile, with ``conflicts``).
    """
    currency = await _currency(number)
    change = decide_shipping_price(method_before=seen_method, price_before=seen_price,
                                   method=method, choice=choice, manual_price=manual_price,
                                   reason=reason, currency=currency, locale=locale)
    async with write_transaction():
        order = await _take_order(number)
        check_order_changeable(order["status"])
        check_shipping_not_stale(change, method_now=order["shipping_method"],
                                 price_now=order["shipping_total"], currency=order["currency"],
                                 locale=locale)
        if not change.changed:
            return order
        if change.method_changed:
            check_method_changeable(order["fulfilment_status"], order["payment_method"],
                                    change.method)
        await Order.update({Order.shipping_method: change.method,
                            Order.shipping_total: change.price}).where(Order.id == order["id"])
        await _record_shipping_change(order, change, actor)
        return await _settle_totals({**order, "shipping_total": change.price})


async def shipping_preview(number: str, *, method: str = "", choice: object = "",
                           manual_price: object = None, reason: object = "",
                           locale: str = "fr",
                           errors: dict[str, str] | None = None) -> ShippingForm:
    """The shipping form for what the agent has picked so far: the agreed price, the list
    price of the method picked and the price their choice gives, before anything is saved.
    ``errors`` are a refused save's, shown instead of those of the values so far.
    Reads only. Raises ``NotFound``."""
    order = await Order.select(Order.shipping_method, Order.shipping_total, Order.currency,
                               Order.total, Order.balance_due).where(
        Order.number == number).first()
    if order is None:
        raise NotFound(f"No order {number}")
    return shipping_form(method_before=order["shipping_method"],
                         price_before=order["shipping_total"], method=method, choice=choice,
                         manual_price=manual_price, reason=reason, currency=order["currency"],
                         locale=locale, total=order["total"],
                         balance_due=order["balance_due"], errors=errors)


async def _currency(number: str) -> str:
    row = await Order.select(Order.currency).where(Order.number == number).first()
    if row is None:
        raise NotFound(f"No order {number}")
    return row["currency"]


async def _record_shipping_change(order: dict, change: ShippingPrice, actor: str) -> None:
    cur = order["currency"]
    summary = (f"Shipping price {price_text(change.price_before, cur, 'en')} → "
               f"{price_text(change.price, cur, 'en')} ({change.choice.value})")
    if change.method_changed:
        summary = f"Shipping method {change.method_before} → {change.method}; " + summary
    if change.reason:
        summary += f"; reason: {change.reason}"
    kind = ("order.shipping_method_changed" if change.method_changed
            else "order.shipping_price_changed")
    await record_event(order["id"], kind, summary, {
        "before": change.method_before, "after": change.method,
        "price_before": change.price_before, "price_after": change.price,
        "choice": change.choice.value, "reason": change.reason,
        "shipping_total": change.price}, actor=actor)


async def email_pay_difference(number: str, *, actor: str) -> dict:
    """Queue the "please pay the difference" email in the customer's language.

    With ``DASHBOARD_PAYMENT_LINK_TEMPLATE`` the email carries a payment link; without it,
    bank transfer instructions with the order number as reference. Raises ``NotFound`` or
    ``NotChangeable`` (nothing owed, nothing paid yet, or no email address).
    """
    async with write_transaction():
        order = await Order.select().where(Order.number == number).first()
        if order is None:
            raise NotFound(f"No order {number}")
        if refusal := pay_difference_refusal(order["balance_due"], order["paid_total"],
                                             order["customer_email"]):
            raise NotChangeable(refusal)
        settings = get_settings()
        link = payment_link(settings.payment_link_template, number, order["balance_due"],
                            order["currency"])
        await outbox.queue_email(
            "pay_difference", order["customer_email"],
            {"order": order, "amount": order["balance_due"], "payment_link": link,
             "shop": settings.shop},
            locale=order["locale"], order_id=order["id"])
        await record_event(order["id"], "email.pay_difference",
                           f"Asked the customer to pay the difference ({order['balance_due']})",
                           {"amount": order["balance_due"]}, actor=actor)
    return order
