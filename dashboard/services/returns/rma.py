"""Returns and exchanges: authorising what comes back, receiving it, crediting it.

Each use-case is one write transaction; a refusal (domain rule, short stock) writes nothing.

- ``authorise_return``: an RMA number (per-year counter ``rma``), the lines coming back with
  a reason, the customer's email with the return slip PDF attached. For an exchange, the
  replacement is a new order line on the same order with its stock reserved, so it is
  picked and shipped by the normal flow like any line; the returned items are credited as
  store credit on a credit note, so the balance moves by exactly the price difference.
- ``receive_return``: per line, units back on the shelf (stock movement ``return``) or
  written off with a reason; ``OrderLine.returned``; fulfilment status; ``order.returned``.
- ``credit_return``: a credit note for the received items (and optionally shipping).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from piccolo.columns.combination import WhereRaw

from dashboard.db.tables import (
    CreditNote,
    Order,
    OrderLine,
    Product,
    ReturnLine,
    ReturnRequest,
    StockMovement,
)
from dashboard.db.transaction import write_transaction
from dashboard.domain.errors import InsufficientStock, NotFound, StaleVersion, ValidationFailed
from dashboard.domain.numbers import N_, Message
from dashboard.domain.printing import rma_number
from dashboard.domain.pricing import line_amounts
from dashboard.domain.returns.rules import (
    Condition, LineState, Receipt, ReturnItem, ReturnKind, ReturnRefused, ReturnStatus,
    check_receipt, check_return, creditable, fulfilment_after_return,
)
from dashboard.domain.statuses import OrderStatus, check_transition
from dashboard.domain.stock import Reservation
from dashboard.services.returns import credits
from dashboard.services import printing
from dashboard.services import payments
from dashboard.services import stock
from dashboard.services.printing import fiscal_year
from dashboard.services.history import record_event
from dashboard.services.order_feed import get_order
from dashboard.services.outbox import queue_email, queue_webhook
from dashboard.services.printing import next_value

RMA_SEQUENCE_KIND = "rma"


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class ReturnOutcome:
    id: int
    rma: str
    kind: str
    credit_note: str | None = None  # an exchange credits the returned items at once


# --- reading ---------------------------------------------------------------------------------

async def _order_lines(order_id: int) -> list[dict]:
    return await OrderLine.select(
        OrderLine.id, OrderLine.position, OrderLine.product, OrderLine.sku, OrderLine.name,
        OrderLine.unit_price, OrderLine.vat_rate_bp, OrderLine.quantity, OrderLine.shipped,
        OrderLine.returned, OrderLine.reserved, OrderLine.backordered,
    ).where(OrderLine.order == order_id).order_by(OrderLine.position, OrderLine.id)


async def _pending(order_id: int) -> dict[int, int]:
    """Units per order line on return authorisations not received yet."""
    rows = await ReturnLine.select(ReturnLine.order_line, ReturnLine.quantity).where(
        (ReturnLine.return_request.order == order_id)
        & (ReturnLine.return_request.status == ReturnStatus.AUTHORISED.value))
    pending: dict[int, int] = {}
    for row in rows:
        pending[row["order_line"]] = pending.get(row["order_line"], 0) + row["quantity"]
    return pending


async def returnable_lines(order_id: int) -> list[dict]:
    """The order's lines with how many units may still come back (``returnable``)."""
    lines = await _order_lines(order_id)
    pending = await _pending(order_id)
    for line in lines:
        line["pending"] = pending.get(line["id"], 0)
        line["returnable"] = LineState(line["id"], line["sku"], line["shipped"], line["returned"],
                                       line["pending"]).returnable
    return lines


async def _request(order_id: int, rma: str) -> dict:
    row = await ReturnRequest.select().where(
        (ReturnRequest.order == order_id) & (ReturnRequest.rma_number == rma)).first()
    if row is None:
        raise NotFound(Message(N_("No return %(rma)s on this order."), rma=rma))
    return row


async def _return_lines(request_id: int) -> list[dict]:
    return await ReturnLine.select(
        ReturnLine.id, ReturnLine.order_line, ReturnLine.quantity, ReturnLine.reason,
        ReturnLine.condition, ReturnLine.restocked, ReturnLine.written_off,
        ReturnLine.write_off_reason, ReturnLine.replacement_quantity,
        ReturnLine.replacement_line,
        ReturnLine.order_line.sku.as_alias("sku"), ReturnLine.order_line.name.as_alias("name"),
        ReturnLine.order_line.product.as_alias("product"),
        ReturnLine.order_line.unit_price.as_alias("unit_price"),
        ReturnLine.order_line.vat_rate_bp.as_alias("vat_rate_bp"),
        ReturnLine.replacement_product.sku.as_alias("replacement_sku"),
        ReturnLine.replacement_product.name.as_alias("replacement_name"),
    ).where(ReturnLine.return_request == request_id).order_by(ReturnLine.id)


def _items_value(lines: list[dict]) -> int:
    """What crediting a return gives back for its items (before any shipping paid back)."""
    return sum(ln["unit_price"] * ln["quantity"] for ln in lines)


async def returns_of(order_id: int) -> list[dict]:
    """The order's returns, newest first, each with its lines and credit notes."""
    requests = await ReturnRequest.select().where(ReturnRequest.order == order_id).order_by(
        ReturnRequest.created_at, ascending=False)
    for request in requests:
        request["lines"] = await _return_lines(request["id"])
        request["items_value"] = _items_value(request["lines"])
        request["credit_notes"] = await CreditNote.select(
            CreditNote.number, CreditNote.amount, CreditNote.refund_method).where(
            CreditNote.return_request == request["id"])
    return requests


async def return_detail(number: str, rma: str) -> tuple[dict, dict]:
    """(order, return request with lines and credit notes). Raises ``NotFound``."""
    order = await printing.load_order(number)
    request = await _request(order["id"], rma)
    request["lines"] = await _return_lines(request["id"])
    request["items_value"] = _items_value(request["lines"])
    request["credit_notes"] = await CreditNote.select(
        CreditNote.number, CreditNote.amount, CreditNote.refund_method).where(
        CreditNote.return_request == request["id"])
    return order, request


async def returns_in_progress_order_ids() -> list[int]:
    rows = await ReturnRequest.select(ReturnRequest.order).where(
        ReturnRequest.status == ReturnStatus.AUTHORISED.value).distinct()
    return sorted(row["order"] for row in rows)


# --- authorising -----------------------------------------------------------------------------

async def _replacements(items: list[ReturnItem], lines: dict[int, dict]) -> dict[int, dict]:
    """The replacement product of each exchanged line ("" means the same product)."""
    wanted = {item.order_line_id: item.replacement_sku.strip() or lines[item.order_line_id]["sku"]
              for item in items}
    rows = await Product.select(
        Product.id, Product.sku, Product.name, Product.price, Product.vat_rate_bp,
        Product.backorder, Product.active, Product.barcode, Product.bin_location,
    ).where(Product.sku.is_in(sorted(set(wanted.values()))))
    products = {row["sku"]: row for row in rows}
    errors = {f"lines.{line_id}.replacement_sku": Message(N_("No product %(sku)s."), sku=sku)
              for line_id, sku in wanted.items()
              if sku not in products or not products[sku]["active"]}
    if errors:
        raise ValidationFailed(errors, N_("This exchange cannot be authorised."))
    return {line_id: products[sku] for line_id, sku in wanted.items()}


async def _add_replacement_lines(order: dict, items: list[ReturnItem],
                                 products: dict[int, dict], actor: str) -> tuple[dict[int, int], int]:
    """New order lines for the replacements, stock reserved; returns ({returned line: new
    line}, units backordered).

    Raises ``InsufficientStock`` when a replacement refuses backorders and is short.
    """
    plans: dict[int, Reservation] = {}
    short = []
    for item in sorted(items, key=lambda i: (products[i.order_line_id]["id"], i.order_line_id)):
        product = products[item.order_line_id]
        outcome = await stock.reserve(product["id"], item.replacement_quantity,
                                      product["backorder"])
        if isinstance(outcome, Reservation):
            plans[item.order_line_id] = outcome
        else:
            short.append({"sku": product["sku"], "requested": item.replacement_quantity,
                          "available": outcome})
    if short:
        raise InsufficientStock(short=short)
    last = await OrderLine.select(OrderLine.position).where(
        OrderLine.order == order["id"]).order_by(OrderLine.position, ascending=False).first()
    position = last["position"] if last else 0
    created: dict[int, int] = {}
    moves = []
    for item in items:
        product, plan = products[item.order_line_id], plans[item.order_line_id]
        position += 1
        amounts = line_amounts(product["price"], item.replacement_quantity, product["vat_rate_bp"])
        rows = await OrderLine.insert(OrderLine(
            order=order["id"], position=position, product=product["id"], sku=product["sku"],
            name=product["name"], barcode=product["barcode"],
            bin_location=product["bin_location"], unit_price=product["price"],
            vat_rate_bp=product["vat_rate_bp"], quantity=item.replacement_quantity,
            reserved=plan.reserve, backordered=plan.backorder, line_total=amounts.line_total,
            tax_amount=amounts.tax_amount)).returning(OrderLine.id)
        created[item.order_line_id] = rows[0]["id"]
        moves.append(stock.movement(product["id"], "reservation", reserved=plan.reserve,
                                    order_id=order["id"], actor=actor, note="exchange"))
    await StockMovement.insert(*moves)
    return created, sum(plan.backorder for plan in plans.values())


async def authorise_return(number: str, kind: str, items: list[ReturnItem], *,
                           actor: str) -> ReturnOutcome:
    """Authorise goods to come back (``kind`` return or exchange) under a new RMA number.

    Refused, with nothing written: ``ValidationFailed`` (more than shipped minus returned
    or already on its way, unknown reason or replacement), ``InsufficientStock`` (a
    replacement refusing backorders is short), ``ReturnRefused`` (cancelled order; an
    exchange whose returned items exceed what was paid and can be credited),
    ``NotFound``, ``StaleVersion``.
    """
    async with write_transaction():
        order = await payments.load_order(number)
        if order["status"] == OrderStatus.CANCELLED:
            raise ReturnRefused(Message(
                N_("Order %(number)s is cancelled: nothing can come back."), number=number))
        lines = {line["id"]: line for line in await returnable_lines(order["id"])}
        states = {i: LineState(i, ln["sku"], ln["shipped"], ln["returned"], ln["pending"])
                  for i, ln in lines.items()}
        kind = check_return(kind, items, states)
        exchange = kind == ReturnKind.EXCHANGE
        replacement_lines: dict[int, int] = {}
        products: dict[int, dict] = {}
        returned_value = sum(lines[i.order_line_id]["unit_price"] * i.quantity for i in items)
        if exchange:
            if returned_value > creditable(order["paid_total"], order["credited_total"]):
                raise ReturnRefused(Message(N_(
                    "An exchange credits the returned items against the replacement: "
                    "this order has not been paid enough for that yet.")))
            products = await _replacements(items, lines)
            replacement_lines, backordered = await _add_replacement_lines(order, items, products,
                                                                          actor)

        issued_at = _now()
        year = fiscal_year(issued_at)
        rma = rma_number(year, await next_value(RMA_SEQUENCE_KIND, year))
        request_id = (await ReturnRequest.insert(ReturnRequest(
            order=order["id"], rma_number=rma, kind=kind, status=ReturnStatus.AUTHORISED.value,
            actor=actor, created_at=issued_at)).returning(ReturnRequest.id))[0]["id"]
        await ReturnLine.insert(*[ReturnLine(
            return_request=request_id, order_line=item.order_line_id, quantity=item.quantity,
            reason=item.reason,
            replacement_product=products[item.order_line_id]["id"] if exchange else None,
            replacement_quantity=item.replacement_quantity if exchange else 0,
            replacement_line=replacement_lines.get(item.order_line_id),
        ) for item in items])
        summary = ", ".join(f"{i.quantity} x {lines[i.order_line_id]['sku']}" for i in items)
        await record_event(order["id"], f"{kind}.authorised", f"{rma} authorised: {summary}",
                           {"rma": rma, "kind": kind, "lines": [
                               {"sku": lines[i.order_line_id]["sku"],
                                "name": lines[i.order_line_id]["name"], "quantity": i.quantity,
                                "reason": i.reason} for i in items]}, actor=actor)

        credit_number = None
        if exchange:
            credit_number = await _post_exchange(order, items, lines, products, backordered,
                                                 request_id, rma, actor)
        if order["customer_email"]:
            await queue_email(
                "return_authorised", order["customer_email"],
                {"order": order, "rma": rma, "kind": kind, "lines": [
                    {"sku": lines[i.order_line_id]["sku"], "name": lines[i.order_line_id]["name"],
                     "quantity": i.quantity} for i in items]},
                locale=order["locale"] or "fr", order_id=order["id"],
                attachments=[{"document": "return-slip", "format": "a4", "rma": rma}])
    return ReturnOutcome(request_id, rma, kind, credit_number)


async def _post_exchange(order: dict, items: list[ReturnItem], lines: dict[int, dict],
                         products: dict[int, dict], backordered: int, request_id: int,
                         rma: str, actor: str) -> str:
    """Post the exchange's price difference to the balance: the replacements are charged
    (order total), the returned items credited as store credit on a credit note."""
    added = [line_amounts(products[i.order_line_id]["price"], i.replacement_quantity,
                          products[i.order_line_id]["vat_rate_bp"]) for i in items]
    order = await payments.load_order(order["number"])
    await payments.write_money(order, total_delta=sum(a.line_total for a in added), actor=actor)
    await Order.update({
        Order.subtotal: Order.subtotal + sum(a.line_total for a in added),
        Order.tax_total: Order.tax_total + sum(a.tax_amount for a in added),
        Order.backordered_quantity: Order.backordered_quantity + backordered,
    }).where(Order.id == order["id"])
    if order["status"] == OrderStatus.CLOSED:  # the replacement still has to leave
        check_transition("status", order["status"], OrderStatus.OPEN)
        await Order.update({Order.status: OrderStatus.OPEN.value}).where(Order.id == order["id"])
    credit_lines = [{"sku": lines[i.order_line_id]["sku"], "name": lines[i.order_line_id]["name"],
                     "quantity": i.quantity, "unit_price": lines[i.order_line_id]["unit_price"],
                     "vat_rate_bp": lines[i.order_line_id]["vat_rate_bp"]} for i in items]
    outcome = await credits.issue_credit(
        order["number"], amount=sum(c["unit_price"] * c["quantity"] for c in credit_lines),
        lines=credit_lines, reason=f"Exchange {rma}", refund_method="store_credit",
        return_request_id=request_id, actor=actor, send_email=False)
    return outcome.number


# --- receiving -------------------------------------------------------------------------------

async def receive_return(number: str, rma: str, receipts: list[Receipt], *,
                         actor: str) -> dict:
    """The parcel is back: per line, units fit for sale go back on the shelf (stock
    movement ``return``, then to waiting backorders), the rest are written off with a
    reason. Updates ``OrderLine.returned`` and the fulfilment status, writes the history
    and fires ``order.returned``. Returns the order (contract shape).

    Refused with nothing written: ``ValidationFailed`` (units not all accounted for, no
    write-off reason), ``ReturnRefused`` (already received or cancelled), ``NotFound``,
    ``InvalidTransition``, ``StaleVersion``.
    """
    async with write_transaction():
        order = await payments.load_order(number)
        request = await _request(order["id"], rma)
        if request["status"] != ReturnStatus.AUTHORISED:
            raise ReturnRefused(Message(
                N_("Return %(rma)s is no longer awaited: it cannot be received (again)."),
                rma=rma))
        lines = await _return_lines(request["id"])
        check_receipt(receipts, {line["id"]: line["quantity"] for line in lines})
        got = {r.return_line_id: r for r in receipts}
        for line in sorted(lines, key=lambda ln: (ln["product"] or 0, ln["id"])):
            r = got[line["id"]]
            if r.restocked:
                await stock.receive_stock(line["sku"], r.restocked, actor, note=rma,
                                          reason="return", order_id=order["id"])
            condition = Condition.RESELLABLE if not r.written_off else Condition.DAMAGED
            await ReturnLine.update({
                ReturnLine.condition: condition.value, ReturnLine.restocked: r.restocked,
                ReturnLine.written_off: r.written_off,
                ReturnLine.write_off_reason: r.write_off_reason.strip()[:500],
            }).where(ReturnLine.id == line["id"])
            moved = await OrderLine.update({
                OrderLine.returned: OrderLine.returned + line["quantity"]}).where(
                (OrderLine.id == line["order_line"])
                & WhereRaw("shipped - returned >= {}", line["quantity"])
            ).returning(OrderLine.id)
            if not moved:
                raise StaleVersion("The order's lines changed meanwhile: reload and try again.")
        now = _now()
        await ReturnRequest.update({ReturnRequest.status: ReturnStatus.RECEIVED.value,
                                    ReturnRequest.received_at: now}).where(
            ReturnRequest.id == request["id"])
        quantities = [(ln["quantity"], ln["returned"]) for ln in await _order_lines(order["id"])]
        # Restocked units may just have been allocated to this very order (a backordered
        # replacement), which bumps its version: compare with the order as it is now.
        current = await Order.select(Order.fulfilment_status, Order.version).where(
            Order.id == order["id"]).first()
        target = fulfilment_after_return(quantities)
        check_transition("fulfilment_status", current["fulfilment_status"], target)
        changed = await Order.update({
            Order.fulfilment_status: target.value, Order.updated_at: now,
            Order.version: Order.version + 1,
        }).where((Order.id == order["id"]) & (Order.version == current["version"])).returning(
            Order.id)
        if not changed:
            raise StaleVersion("This order changed meanwhile: reload it.")
        restocked = sum(r.restocked for r in receipts)
        written_off = sum(r.written_off for r in receipts)
        await record_event(order["id"], "return.received",
                           f"{rma} received: {restocked} back in stock, {written_off} written off",
                           {"rma": rma, "restocked": restocked, "written_off": written_off,
                            "lines": [{"sku": ln["sku"], "name": ln["name"],
                                       "restocked": got[ln["id"]].restocked,
                                       "written_off": got[ln["id"]].written_off,
                                       "write_off_reason": got[ln["id"]].write_off_reason}
                                      for ln in lines]}, actor=actor)
        payload = await get_order(number)
        await queue_webhook("order.returned", {**payload, "rma": rma})
    return payload


# --- crediting a return ----------------------------------------------------------------------

async def credit_return(number: str, rma: str, *, refund_method: str, refund_ref: str = "",
                        shipping: int = 0, actor: str) -> credits.CreditOutcome:
    """A credit note for the items of a received return (plus ``shipping`` if the shop pays
    the customer's postage back), refunded as ``refund_method``.

    Refused: ``ReturnRefused`` (not received yet, or already credited), and every refusal
    of ``credits.issue_credit`` (more than paid minus credited...).
    """
    if not isinstance(shipping, int) or shipping < 0:
        raise ValidationFailed({"shipping": Message(N_("The amount cannot be negative."))})
    async with write_transaction():
        order = await payments.load_order(number)
        request = await _request(order["id"], rma)
        if request["status"] != ReturnStatus.RECEIVED:
            raise ReturnRefused(Message(
                N_("Return %(rma)s must be received before it is credited."), rma=rma))
        if await CreditNote.exists().where(CreditNote.return_request == request["id"]):
            raise ReturnRefused(Message(N_("Return %(rma)s was already credited."), rma=rma))
        lines = [{"sku": ln["sku"], "name": ln["name"], "quantity": ln["quantity"],
                  "unit_price": ln["unit_price"], "vat_rate_bp": ln["vat_rate_bp"]}
                 for ln in await _return_lines(request["id"])]
        if shipping:
            lines += credits.shipping_lines(shipping)
        return await credits.issue_credit(
            number, amount=_items_value(lines), lines=lines,
            reason=f"Return {rma}", refund_method=refund_method, refund_ref=refund_ref,
            return_request_id=request["id"], actor=actor)

