"""Order intake and cancellation: the one way an order is placed or cancelled.

The API, the call-centre screens and the background jobs all call these functions. Each
use-case is one write transaction: the order, its reservations, its history and its outbox
rows commit together or not at all, so a refused order leaves stock exactly as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from dashboard.components.i18n import DEFAULT_LOCALE
from dashboard.db import sql
from dashboard.db.tables import Order, OrderLine, StockMovement
from dashboard.db.transaction import engine, retry_on_conflict, write_transaction
from dashboard.domain.errors import (
    IdempotencyKeyInFlight, IdempotencyKeyReused, InsufficientStock, NotFound, StaleVersion,
    ValidationFailed,
)
from dashboard.domain.printing import order_number
from dashboard.domain.orders.intake import (
    AddressDetails, OrderDraft, OrderState, PricedLine, ProductInfo, check_cancellable,
    compact_vat_number, draft_fingerprint, price_lines, validate_draft, with_e164_phones,
)
from dashboard.domain.numbers import N_, Message
from dashboard.domain.pricing import order_totals
from dashboard.domain.search import customer_search_text, order_search_text
from dashboard.domain.stock import Reservation
from dashboard.domain.statuses import OrderStatus
from dashboard.services import outbox
from dashboard.services import stock
from dashboard.services.history import event_statement, record_event
from dashboard.services.printing import next_order_value
from dashboard.services.order_feed import (  # get_order: the shape lives in order_feed
    LINE_COLUMNS, ORDER_COLUMNS, get_order, order_json,  # noqa: F401
)
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

# Idempotency keys whose first request is being placed by this process. Another app
# instance's are seen on PostgreSQL through an advisory lock held by that transaction;
# on SQLite, writers queue one after the other, so a retry from another process waits
# and then replays.
_IN_FLIGHT: set[str] = set()


async def place_order(draft: OrderDraft, *, actor: str, idempotency_key: str | None = None,
                      on_placed: Callable[[PlacedOrder], Awaitable[None]] | None = None,
                      ) -> PlacedOrder:
    """Check, reserve and record a new order, unpaid and open (the awaiting-payment queue).

    In one transaction: customer and addresses (found by email, or created), the next
    order number, a reservation per line, the order and its lines, the stock ledger, the
    ``order.placed`` history event, the merchant's email and the ``order.placed`` webhook.
    With an ``idempotency_key`` (scoped to ``actor``), a retry of the same draft returns
    the first order; the key is stored with a fingerprint of the draft. A refused order
    stores nothing, so its key may be retried. ``on_placed`` runs in the same transaction
    once a new order is written (a phone draft marked placed): both commit, or neither.

    Raises ``ValidationFailed`` (bad draft, unknown SKU), ``InsufficientStock`` (a line
    is short and its product refuses backorders; nothing is written),
    ``IdempotencyKeyReused`` (the key's order was placed from another draft) or
    ``IdempotencyKeyInFlight`` (the first request with the key is still running).
    """
    validate_draft(draft)
    draft = with_e164_phones(draft, get_settings().shop.country)
    if not idempotency_key:
        async with write_transaction():
            return await _place_new(draft, actor, None, None, on_placed)
    key = f"{actor}:{idempotency_key}"[:200]
    fingerprint = draft_fingerprint(draft)
    if key in _IN_FLIGHT:
        raise IdempotencyKeyInFlight()
    _IN_FLIGHT.add(key)
    try:
        async with write_transaction():
            await _claim_key(key)
            if earlier := await _order_by_key(key, fingerprint):
                return earlier
            return await _place_new(draft, actor, key, fingerprint, on_placed)
    except (IdempotencyKeyReused, IdempotencyKeyInFlight):
        raise
    except Exception:
        # A last guard (the claim makes it rare): a concurrent first request committed
        # the key and this one hit its unique index. Answer that order if it is the same.
        if earlier := await _order_by_key(key, fingerprint):
            return earlier
        raise
    finally:
        _IN_FLIGHT.discard(key)


async def _place_new(draft: OrderDraft, actor: str, key: str | None, fingerprint: str | None,
                     on_placed: Callable[[PlacedOrder], Awaitable[None]] | None) -> PlacedOrder:
    placed = await _place(draft, actor, key, fingerprint)
    if on_placed is not None:
        await on_placed(placed)
    return placed


async def _claim_key(key: str) -> None:
    """On PostgreSQL, hold a transaction-scoped advisory lock on the key, so that another
    app instance placing the same key at the same moment is told (409) rather than left
    to race; released at commit, when the order is visible. (The two-integer lock space
    is not the one the customer lock uses.)"""
    if engine().engine_type != "postgres":
        return
    row = await sql.fetch_one(_CLAIM_KEY, key)
    if not row["claimed"]:
        raise IdempotencyKeyInFlight()


async def _order_by_key(key: str, fingerprint: str) -> PlacedOrder | None:
    """The order already placed with ``key``, or None; ``IdempotencyKeyReused`` if it was
    placed from another draft (orders keyed before fingerprints were kept are replayed)."""
    row = await sql.fetch_one(_BY_IDEMPOTENCY_KEY, key)
    if row is None:
        return None
    if row["idempotency_fingerprint"] not in (None, fingerprint):
        raise IdempotencyKeyReused()
    waiting = await sql.fetch(_WAITING_LINES, row["id"])
    return PlacedOrder(id=row["id"], number=row["number"], total=row["total"],
                       currency=row["currency"], replayed=True,
                       backordered={w["sku"]: w["backordered"] for w in waiting})


# The intake's statements are hand-written (dashboard.db.sql): every order runs them, and
# Piccolo's query building cost more CPU than the database spent on them.
_CATALOGUE_COLUMNS = ("id", "sku", "name", "price", "currency", "vat_rate_bp", "backorder",
                      "active", "barcode", "bin_location")
_ADDRESS_MATCH = ("name", "line1", "line2", "postal_code", "city", "country")
_ADDRESS_COLUMNS = ("customer", "name", "company", "line1", "line2", "postal_code", "city",
                    "region", "country", "phone", "is_default")
_BY_IDEMPOTENCY_KEY = ('SELECT "id", "number", "total", "currency", "idempotency_fingerprint" '
                       'FROM "orders" WHERE "idempotency_key" = {}')
_CLAIM_KEY = ("SELECT pg_try_advisory_xact_lock(hashtext('idempotency_key'), hashtext({})) "
              'AS "claimed"')
_WAITING_LINES = ('SELECT "sku", "backordered" FROM "order_line" WHERE "order" = {} '
                  'AND "backordered" > 0 ORDER BY "position"')
_FIND_CUSTOMER = 'SELECT "id" FROM "customer" WHERE "email" = {} ORDER BY "id" LIMIT 1'
_INSERT_CUSTOMER = sql.insert("customer", (
    "email", "first_name", "last_name", "phone", "locale", "company", "vat_number", "notes",
    "search_text", "created_at", "updated_at", "version"), returning="id")
# Adds the address to the book unless the same one is there: one statement, no read first.
# (PostgreSQL types a bare SELECT's parameters as text: the customer id is cast.)
_REMEMBER_ADDRESS = (
    f'INSERT INTO "address" ({sql.names(_ADDRESS_COLUMNS)}) '
    "SELECT CAST({} AS INTEGER), " + sql.placeholders(len(_ADDRESS_COLUMNS) - 1)
    + ' WHERE NOT EXISTS (SELECT 1 FROM "address" WHERE "customer" = {} AND '
    + " AND ".join(f'"{c}" = {{}}' for c in _ADDRESS_MATCH) + ")")
_INSERT_LINE_COLUMNS = ("order", "position", "product", "sku", "name", "barcode",
                        "bin_location", "unit_price", "vat_rate_bp", "quantity", "reserved",
                        "backordered", "line_total", "tax_amount")
_MOVEMENT_COLUMNS = ("product", "on_hand_delta", "reserved_delta", "reason", "note",
                     "order_id", "actor", "created_at")


async def _catalogue(skus: set[str]) -> dict[str, ProductInfo]:
    rows = await sql.fetch(f'SELECT {sql.names(_CATALOGUE_COLUMNS)} FROM "product" '
                           f'WHERE "sku" IN ({sql.placeholders(len(skus))})', *sorted(skus))
    return {row["sku"]: ProductInfo(**{**row, "backorder": bool(row["backorder"]),
                                       "active": bool(row["active"])}) for row in rows}


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


async def _customer_id(draft: OrderDraft) -> tuple[int, bool]:
    """The customer with this email (the shop's account key), created on first order.
    Returns (id, created)."""
    email = draft.customer.email.strip().lower()
    if row := await sql.fetch_one(_FIND_CUSTOMER, email):
        return row["id"], False
    if engine().engine_type == "postgres":
        # No unique index on email (historic duplicates may exist): serialise creation
        # per email, then look again in case a concurrent order just created them.
        await sql.execute("SELECT pg_advisory_xact_lock(hashtext({}))", "customer:" + email)
        if row := await sql.fetch_one(_FIND_CUSTOMER, email):
            return row["id"], False
    c = draft.customer
    customer = {"email": email, "first_name": c.first_name.strip(),
                "last_name": c.last_name.strip(), "phone": c.phone.strip(),
                "company": c.company.strip() or draft.billing.company}
    postcodes = sorted({draft.shipping_address.postal_code, draft.billing.postal_code})
    rows = await sql.fetch(
        _INSERT_CUSTOMER, email, customer["first_name"], customer["last_name"],
        customer["phone"], draft.locale, customer["company"],
        compact_vat_number(c.vat_number), "",
        customer_search_text(customer, postcodes), _now(), _now(), 1)
    return rows[0]["id"], True


async def _remember_address(customer_id: int, address: AddressDetails, kind: str) -> None:
    """Add the address to the customer's book unless the same one is already there."""
    await sql.execute(
        _REMEMBER_ADDRESS, customer_id, address.name, address.company, address.line1,
        address.line2, address.postal_code, address.city, address.region, address.country,
        address.phone, kind, customer_id, *(getattr(address, c) for c in _ADDRESS_MATCH))


def _address_columns(prefix: str, address: AddressDetails) -> dict:
    return {f"{prefix}_name": address.name, f"{prefix}_company": address.company,
            f"{prefix}_line1": address.line1, f"{prefix}_line2": address.line2,
            f"{prefix}_postal_code": address.postal_code.strip().upper(),
            f"{prefix}_city": address.city, f"{prefix}_region": address.region,
            f"{prefix}_country": address.country}


async def _place(draft: OrderDraft, actor: str, key: str | None,
                 fingerprint: str | None) -> PlacedOrder:
    """Write the order. Work that takes no lock comes first; each product's stock row is
    locked from its reservation to commit, so only what needs the reservations comes after.
    The order number is taken once the stock is reserved: a refused order takes none."""
    products = await _catalogue({line.sku for line in draft.lines})
    priced = price_lines(draft, products)

    customer_id, _ = await _customer_id(draft)
    await _remember_address(customer_id, draft.shipping_address, "shipping")
    if draft.billing_address is not None and draft.billing_address != draft.shipping_address:
        await _remember_address(customer_id, draft.billing_address, "billing")

    reservations = await _reserve_all(priced)  # stock rows locked from here to commit
    waiting = {line.product.sku: reservations[line.position].backorder
               for line in priced if reservations[line.position].backorder}
    number = order_number(await next_order_value())
    now = _now()
    totals = order_totals([line.amounts for line in priced], draft.shipping_total)
    c = draft.customer
    order = {
        "number": number, "customer": customer_id,
        "channel": draft.channel, "locale": draft.locale, "currency": draft.currency,
        "payment_method": draft.payment_method, "shipping_method": draft.shipping_method,
        "status": "open", "payment_status": "unpaid", "fulfilment_status": "unfulfilled",
        "customer_email": c.email.strip().lower(), "customer_name": c.name,
        "customer_phone": c.phone.strip(), "ship_phone": draft.shipping_address.phone,
        "customer_company": c.company.strip(),
        "customer_vat_number": compact_vat_number(c.vat_number),
        **_address_columns("ship", draft.shipping_address),
        **_address_columns("bill", draft.billing),
        "subtotal": totals.subtotal, "shipping_total": totals.shipping_total,
        "tax_total": totals.tax_total, "total": totals.total, "surcharge_total": 0,
        "paid_total": 0, "refunded_total": 0, "credited_total": 0,
        "balance_due": totals.total, "note_count": 0,
        "search_text": order_search_text(number, c.name, c.email, c.phone,
                                         draft.shipping_address.postal_code,
                                         draft.billing.postal_code),
        "backordered_quantity": sum(waiting.values()), "idempotency_key": key,
        "idempotency_fingerprint": fingerprint,
        "placed_at": now, "updated_at": now, "version": 1,
    }
    order_id = (await sql.fetch(sql.insert("orders", tuple(order), returning="id"),
                                *order.values()))[0]["id"]
    lines = [{
        "order": order_id, "position": line.position, "product": line.product.id,
        "sku": line.product.sku, "name": line.product.name, "barcode": line.product.barcode,
        "bin_location": line.product.bin_location, "unit_price": line.unit_price,
        "vat_rate_bp": line.product.vat_rate_bp, "quantity": line.quantity,
        "reserved": reservations[line.position].reserve,
        "backordered": reservations[line.position].backorder,
        "line_total": line.amounts.line_total, "tax_amount": line.amounts.tax_amount,
    } for line in priced]
    writes = [(sql.insert("order_line", _INSERT_LINE_COLUMNS, len(lines)),
               tuple(line[c] for line in lines for c in _INSERT_LINE_COLUMNS))]
    moves = [(line["product"], 0, line["reserved"], "reservation",
              f"{line['backordered']} backordered" if line["backordered"] else "",
              order_id, actor, now)
             for line in lines if line["reserved"] or line["backordered"]]
    if moves:
        writes.append((sql.insert("stock_movement", _MOVEMENT_COLUMNS, len(moves)),
                       tuple(value for move in moves for value in move)))
    summary = f"Placed ({draft.channel}), {len(lines)} line(s)"
    if waiting:
        summary += ", backordered: " + ", ".join(f"{n} x {sku}" for sku, n in waiting.items())
    writes.append(event_statement(order_id, "order.placed", summary,
                                  {"total": totals.total, "backordered": waiting}, actor=actor))

    payload = order_json({**order, "id": order_id, "cancelled_at": None,
                          "cancel_reason": None, "hold_reason": None}, lines)
    merchant = get_settings().merchant_email
    if merchant:
        writes.append(outbox.email_statement("merchant_new_order", merchant, {"order": payload},
                                             locale=DEFAULT_LOCALE, order_id=order_id))
    writes += await outbox.webhook_statements("order.placed", payload)
    await sql.execute_all(writes)  # one round trip on PostgreSQL
    return PlacedOrder(id=order_id, number=number, total=totals.total, currency=draft.currency,
                       backordered=waiting, order=payload)


# --- reading ----------------------------------------------------------------------------------

# --- cancellation -----------------------------------------------------------------------------

async def _order_products(number: str) -> list[int]:
    """The products on an order's lines (read without locking: to lock them first)."""
    rows = await OrderLine.select(OrderLine.product).where(OrderLine.order.number == number)
    return [row["product"] for row in rows]


@retry_on_conflict
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
        raise ValidationFailed({"reason": Message(N_("A reason is required."))})
    async with write_transaction():
        # The lock order: the products' stock rows first (by id), then the order.
        locked = set(await _order_products(number))
        await stock.lock_products(locked)
        order = await Order.select(*ORDER_COLUMNS).where(Order.number == number).first()
        if order is None:
            raise NotFound(f"No order {number}")
        if expected_version is not None and order["version"] != expected_version:
            raise StaleVersion("This order was changed by someone else: reload it.")
        lines = await OrderLine.select(*LINE_COLUMNS).where(OrderLine.order == order["id"])
        # A line added between the first read and the lock (rare; a deadlock is retried).
        await stock.lock_products({ln["product"] for ln in lines} - locked)
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
