"""Phone orders: find the caller, build the order on a server-side draft, place it through
the intake (``services.orders.place_order``, channel "phone"), or repeat a past order.

Drafts live in ``phone_draft`` so a dropped call can be resumed from any desk. Each change
of a draft is one small write; placing is the intake's own transaction, which also marks
the draft placed (a retry of the same draft is answered with the same order: idempotency key).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from dashboard.db.json_columns import json_value
from dashboard.db.tables import Address, Customer, Order, OrderLine, PhoneDraft, Product, Stock
from dashboard.db.transaction import is_sqlite, write_transaction
from dashboard.domain.errors import NotFound, ValidationFailed
from dashboard.domain.orders.changes import NotChangeable, SHIPPING_PRICES
from dashboard.domain.orders.intake import OrderDraft, address_problems, validate_draft
from dashboard.domain.orders.phone import (
    new_draft, repeat_lines, to_order_draft, with_customer, with_details, with_line,
    with_quantity,
)
from dashboard.domain.phones import to_e164
from dashboard.domain.pricing import line_amounts, order_totals
from dashboard.domain.numbers import N_
from dashboard.domain.stock import not_for_sale
from dashboard.services.orders.customers import search_customers
from dashboard.settings import get_settings
from dashboard.services.orders.intake import PlacedOrder, place_order
from dashboard.services.orders.postcodes import town_match

OPEN = "open"
PLACED = "placed"
CALLERS = 20


ALREADY_PLACED = N_("This phone order has already been placed.")


def _now() -> datetime:
    return datetime.now(timezone.utc)


# --- finding the caller -----------------------------------------------------------------------

async def find_callers(q: str) -> list[dict]:
    """Customers by name, email or phone (the customers search), and the customer of an
    order whose number is ``q``, first."""
    term = (q or "").strip()
    if not term:
        return []
    rows = await search_customers(term, limit=CALLERS)
    order = await Order.select(Order.customer).where(Order.number == term.upper()).first()
    if order and all(r["id"] != order["customer"] for r in rows):
        customer = await Customer.select(Customer.id, Customer.first_name, Customer.last_name,
                                         Customer.email, Customer.phone, Customer.company).where(
            Customer.id == order["customer"]).first()
        if customer:
            customer["order_count"] = await Order.count().where(Order.customer == customer["id"])
            rows.insert(0, customer)
    return rows


async def open_drafts(customer_id: int | None = None, limit: int = 20) -> list[dict]:
    """Unfinished phone orders, most recently touched first (all, or one customer's)."""
    query = PhoneDraft.select(PhoneDraft.id, PhoneDraft.agent, PhoneDraft.updated_at,
                              PhoneDraft.data, PhoneDraft.source_order,
                              PhoneDraft.customer).where(PhoneDraft.status == OPEN)
    if customer_id is not None:
        query = query.where(PhoneDraft.customer == customer_id)
    rows = await query.order_by(PhoneDraft.updated_at, ascending=False).limit(limit)
    for row in rows:
        data = _data(row)
        c = data.get("customer", {})
        row["caller"] = " ".join(p for p in (c.get("first_name"), c.get("last_name")) if p) \
            or c.get("email") or "—"
        row["line_count"] = len(data.get("lines", []))
    return rows


# --- drafts -----------------------------------------------------------------------------------

def _data(row: Mapping) -> dict:
    return dict(json_value(row["data"], {}))


async def _default_address(customer_id: int, kind: str) -> dict | None:
    rows = await Address.select().where(Address.customer == customer_id).order_by(
        Address.id, ascending=False)
    preferred = [a for a in rows if a["is_default"] in (kind, "both")]
    return (preferred or rows or [None])[0]


async def start_draft(customer_id: int | None, *, actor: str) -> int:
    """A new draft, prefilled from the customer and their default addresses if known.
    Raises ``NotFound`` for an unknown customer."""
    customer = shipping = billing = None
    if customer_id is not None:
        customer = await Customer.select().where(Customer.id == customer_id).first()
        if customer is None:
            raise NotFound("No such customer")
        shipping = await _default_address(customer_id, "shipping")
        billing = await _default_address(customer_id, "billing")
    return await _insert(new_draft(customer, shipping, billing), customer_id, actor)


async def _insert(data: dict, customer_id: int | None, actor: str,
                  source_order: str | None = None) -> int:
    async with write_transaction():
        rows = await PhoneDraft.insert(PhoneDraft(
            customer=customer_id, agent=actor, data=data, source_order=source_order,
        )).returning(PhoneDraft.id)
    return rows[0]["id"]


async def load_draft(draft_id: int) -> dict:
    """The draft row with ``data`` decoded. Raises ``NotFound``."""
    row = await PhoneDraft.select().where(PhoneDraft.id == draft_id).first()
    if row is None:
        raise NotFound("No such phone order")
    row["data"] = _data(row)
    return row


async def _save(draft_id: int, data: dict, actor: str, customer_id: int | None = None) -> dict:
    """Write the draft's data (and, when given, the customer it now belongs to)."""
    values = {PhoneDraft.data: data, PhoneDraft.agent: actor, PhoneDraft.updated_at: _now(),
              PhoneDraft.version: PhoneDraft.version + 1}
    if customer_id is not None:
        values[PhoneDraft.customer] = customer_id
    async with write_transaction():
        rows = await PhoneDraft.update(values).where((PhoneDraft.id == draft_id) & (PhoneDraft.status == OPEN)).returning(
            PhoneDraft.id)
        if not rows:
            await load_draft(draft_id)  # NotFound
            raise NotChangeable(ALREADY_PLACED)
    return await load_draft(draft_id)


async def _product(code: str) -> dict:
    code = (code or "").strip()
    product = await Product.select(Product.sku, Product.name, Product.active).where(
        (Product.sku == code) | (Product.barcode == code)).first()
    if product is None or not product["active"]:
        raise not_for_sale(code, known=product is not None)
    return product


async def _edit(draft_id: int, change: Callable[[dict], dict], actor: str) -> dict:
    """Read the draft, change its data and write it back in one transaction, the row
    locked on PostgreSQL (SQLite's writer lock already serialises): an autosave of the
    typed fields and an added line never undo each other."""
    async with write_transaction():
        query = PhoneDraft.select(PhoneDraft.id, PhoneDraft.data).where(PhoneDraft.id == draft_id)
        if not is_sqlite():
            query = query.lock_rows()
        rows = await query
        if not rows:
            raise NotFound("No such phone order")
        return await _save(draft_id, change(_data(rows[0])), actor)


async def _keep_typed(draft_id: int, details: Mapping[str, str] | None, actor: str) -> None:
    """Save the details form sent along with a line change first, on its own: what the
    agent typed is kept even when the line is then refused."""
    if details is not None:
        await save_details(draft_id, details, actor=actor)


async def add_line(draft_id: int, code: str, quantity: object, *, actor: str,
                   details: Mapping[str, str] | None = None) -> dict:
    """Add a product by SKU or barcode, keeping the typed ``details`` (the details form,
    when sent with it). Raises ``ValidationFailed``, ``NotFound``."""
    await _keep_typed(draft_id, details, actor)
    product = await _product(code)
    return await _edit(draft_id, lambda data: with_line(data, product["sku"], product["name"],
                                                        quantity), actor)


async def set_line_quantity(draft_id: int, index: int, quantity: object, *, actor: str,
                            details: Mapping[str, str] | None = None) -> dict:
    """Change a line's quantity (0 removes it), keeping the typed ``details``. Raises
    ``ValidationFailed``, ``NotFound``."""
    await _keep_typed(draft_id, details, actor)
    return await _edit(draft_id, lambda data: with_quantity(data, index, quantity), actor)


async def save_details(draft_id: int, form: Mapping[str, str], *, actor: str) -> dict:
    """Keep what the agent typed (checked only when placing, so nothing typed is lost)."""
    return await _edit(draft_id, lambda data: with_details(data, form), actor)


async def use_address(draft_id: int, address_id: int, kind: str, *, actor: str) -> dict:
    """Copy an address of the customer's book into the draft's shipping or billing address."""
    draft = await load_draft(draft_id)
    address = await Address.select().where((Address.id == address_id)
                                           & (Address.customer == draft["customer"])).first()
    if address is None or kind not in ("shipping", "billing"):
        raise NotFound("No such address")
    values = {f: str(address.get(f) or "") for f in draft["data"]["shipping_address"]}
    return await _save(draft_id, {**draft["data"], f"{kind}_address": values}, actor)


SAME_CUSTOMER_COLUMNS = (Customer.id, Customer.first_name, Customer.last_name, Customer.email,
                         Customer.phone, Customer.company)


async def same_customers(data: Mapping, customer_id: int | None) -> list[dict]:
    """Customers who may be the caller the agent is typing in as new: same email, or the
    same phone once both are in E.164 ("06 12 34 56 78" is "+33612345678"). Empty once
    the draft is someone's (``customer_id``): nothing to offer."""
    if customer_id is not None:
        return []
    typed = data.get("customer") or {}
    email = str(typed.get("email") or "").strip().lower()
    country = (data.get("shipping_address") or {}).get("country") or get_settings().shop.country
    phone = to_e164(typed.get("phone"), country)
    clauses = ([Customer.email == email] if email else []) + (
        [Customer.phone == phone] if phone.startswith("+") else [])
    if not clauses:
        return []
    where = clauses[0] if len(clauses) == 1 else clauses[0] | clauses[1]
    rows = await Customer.select(*SAME_CUSTOMER_COLUMNS).where(where).order_by(Customer.id).limit(5)
    for row in rows:
        row["same"] = [w for w, same in (("email", email and row["email"] == email),
                                         ("phone", row["phone"] == phone)) if same]
    return rows


async def use_customer(draft_id: int, customer_id: int, form: Mapping[str, str] | None, *,
                       actor: str) -> dict:
    """Make the draft that customer's (the agent said "same person"): their account details
    replace the typed contact, their default address fills an empty shipping address; the
    lines and anything else typed stay. Raises ``NotFound``, ``NotChangeable``."""
    draft = await load_draft(draft_id)
    data = with_details(draft["data"], form) if form else draft["data"]
    customer = await Customer.select().where(Customer.id == customer_id).first()
    if customer is None:
        raise NotFound("No such customer")
    data = with_customer(data, customer, await _default_address(customer_id, "shipping"))
    return await _save(draft_id, data, actor, customer_id)


async def place(draft_id: int, *, actor: str) -> PlacedOrder:
    """Place the draft as a phone order: same rules as the API (prices from the catalogue,
    stock reserved or the order refused), then mark the draft placed. Raises ``ValidationFailed``, ``InsufficientStock``, ``NotChangeable``."""
    draft = await load_draft(draft_id)
    if draft["status"] != OPEN:
        raise NotChangeable(ALREADY_PLACED)
    order_draft = to_order_draft(draft["data"])
    _refuse_wrong_towns(order_draft)

    async def mark_placed(placed: PlacedOrder) -> None:  # in the intake's transaction
        await PhoneDraft.update({
            PhoneDraft.status: PLACED, PhoneDraft.order_number: placed.number,
            PhoneDraft.updated_at: _now(), PhoneDraft.version: PhoneDraft.version + 1,
        }).where((PhoneDraft.id == draft_id) & (PhoneDraft.status == OPEN))

    # The idempotency key makes a retry of the same draft (a double click) answer the
    # same order.
    return await place_order(order_draft, actor=actor, on_placed=mark_placed,
                             idempotency_key=f"phone-draft-{draft_id}")


def _refuse_wrong_towns(order_draft: OrderDraft) -> None:
    """The agent has the caller on the line: a town that does not go with its postcode
    ("69003 Villeurbanne") is refused on the city field, with the intake's other refusals.
    Web orders are not refused for it (the order screen warns instead)."""
    errors = {}
    for prefix in ("shipping_address", "billing_address"):
        address = getattr(order_draft, prefix)
        if address is None or address_problems(address, prefix):
            continue  # no billing address of its own, or the intake names what is wrong
        match = town_match(address.country, address.postal_code, address.city)
        if match and match.problem:
            errors[f"{prefix}.city"] = match.problem
    if errors:
        try:
            validate_draft(order_draft)
        except ValidationFailed as exc:
            errors = {**exc.fields, **errors}
        raise ValidationFailed(errors)


# --- what the agent sees -------------------------------------------------------------------------

@dataclass
class DraftView:
    draft: dict
    lines: list[dict]  # the draft's lines with today's price and stock
    subtotal: int
    shipping_total: int
    total: int
    currency: str
    addresses: list[dict]
    same_customers: list[dict]  # "this may be the same customer" (a new caller only)


async def _catalogue(skus: list[str]) -> dict[str, dict]:
    if not skus:
        return {}
    products = await Product.select(Product.id, Product.sku, Product.name, Product.price,
                                    Product.currency, Product.vat_rate_bp, Product.active,
                                    Product.backorder).where(Product.sku.is_in(skus))
    levels = await Stock.select(Stock.product, Stock.on_hand, Stock.reserved).where(
        Stock.product.is_in([p["id"] for p in products] or [0]))
    available = {s["product"]: s["on_hand"] - s["reserved"] for s in levels}
    return {p["sku"]: {**p, "available": available.get(p["id"], 0)} for p in products}


async def draft_view(draft_id: int) -> DraftView:
    """The draft priced at today's catalogue prices, with live stock per line."""
    draft = await load_draft(draft_id)
    data = draft["data"]
    catalogue = await _catalogue([line["sku"] for line in data.get("lines", [])])
    lines, amounts = [], []
    for line in data.get("lines", []):
        product = catalogue.get(line["sku"])
        shown = dict(line)
        if product:
            shown.update(price=product["price"], available=product["available"],
                         backorder=product["backorder"], sold=product["active"])
            if product["active"]:
                amount = line_amounts(product["price"], int(line["quantity"]),
                                      product["vat_rate_bp"])
                shown["line_total"] = amount.line_total
                amounts.append(amount)
        lines.append(shown)
    shipping = SHIPPING_PRICES.get(data.get("shipping_method", ""), 0)
    totals = order_totals(amounts, shipping)
    addresses = (await Address.select().where(Address.customer == draft["customer"]).order_by(
        Address.id) if draft["customer"] else [])
    return DraftView(draft=draft, lines=lines, subtotal=totals.subtotal,
                     shipping_total=shipping, total=totals.total, currency="EUR",
                     addresses=addresses,
                     same_customers=await same_customers(data, draft["customer"]))


# --- repeat order ----------------------------------------------------------------------------------

async def repeat_order(number: str, *, actor: str) -> int:
    """A new phone draft from a past order: same caller, addresses and lines, checked
    against today's catalogue (see ``domain.phone_orders.repeat_lines``). Raises ``NotFound``."""
    order = await Order.select().where(Order.number == number).first()
    if order is None:
        raise NotFound(f"No order {number}")
    past = await OrderLine.select(OrderLine.sku, OrderLine.name, OrderLine.quantity,
                                  OrderLine.unit_price).where(
        OrderLine.order == order["id"]).order_by(OrderLine.position, OrderLine.id)
    customer = await Customer.select().where(Customer.id == order["customer"]).first() or {}
    ship = {f.removeprefix("ship_"): order[f] for f in order if f.startswith("ship_")}
    bill = {f.removeprefix("bill_"): order[f] for f in order if f.startswith("bill_")}
    data = new_draft({**customer, "email": order["customer_email"],
                      "phone": order["customer_phone"], "locale": order["locale"]},
                     ship, bill, locale=order["locale"])
    data.update(lines=repeat_lines(past, await _catalogue([p["sku"] for p in past])),
                payment_method=order["payment_method"], shipping_method=order["shipping_method"])
    return await _insert(data, order["customer"], actor, source_order=number)
