"""The one test factory: products, order drafts and orders.

Orders are placed through ``services.orders.place_order``, the intake use-case the API,
the phone screens and the demo shop use, so every test order has what a real one has:
a customer found by email, reservations, the stock ledger, an ``order.placed`` event.
Later states go through their own use-cases (``paid`` -> ``record_payment``, ``shipped``
-> ``ship_order``, on hold -> ``hold_orders``, cancelled -> ``cancel_order``). Direct
writes are kept for what no use-case reaches: a customer without an order, a chosen order
number or placing date, an invalid stored address, and column values a listing test
needs (``make_order(**columns)``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from dashboard.db.tables import Customer, Order, OrderLine, Product, Stock
from dashboard.domain.stock.catalogue import ProductSpec
from dashboard.domain.orders.intake import AddressDetails, CustomerDetails, DraftLine, OrderDraft
from dashboard.domain.search import fold
from dashboard.services.orders.customers import customer_search_text
from dashboard.services.orders.edits import order_search_text

ACTOR = "test"
ADDRESS = AddressDetails(name="Anne Martin", line1="12 rue des Lilas", postal_code="69003",
                         city="Lyon", country="FR")
STOCK_PER_NEW_PRODUCT = 100  # what ``make_order`` puts on the shelf of a SKU it creates
TRACKING = ("colissimo", "6A12345678901")  # what ``make_order(shipped=True)`` ships with


# --- catalogue --------------------------------------------------------------------------------

async def add_product(sku: str, on_hand: int = 0, *, backorder: bool = False, price: int = 1990,
                      currency: str = "EUR", name: str | None = None, barcode: str | None = None,
                      **spec) -> dict:
    """A product through the catalogue use-case (``spec``: other ``ProductSpec`` fields such
    as ``vat_rate`` or ``bin_location``), then ``on_hand`` counted onto the shelf."""
    from dashboard.services.stock import inventory as stock

    product, _ = await stock.upsert_product(ProductSpec(
        sku=sku, name=name or f"Product {sku}", price=price, currency=currency,
        backorder=backorder, barcode=barcode, **spec), actor=ACTOR)
    if on_hand:
        await stock.set_counted_stock(sku, on_hand, "initial count", ACTOR)
    return product


async def add_legacy_product(sku: str, on_hand: int, *, price: int, name: str | None = None) -> int:
    """A product the catalogue would refuse today (a SKU with accents from an older import):
    its rows written directly. Returns its id."""
    product_id = (await Product.insert(Product(sku=sku, name=name or sku.title(), price=price))
                  .returning(Product.id))[0]["id"]
    await Stock.insert(Stock(product=product_id, on_hand=on_hand))
    return product_id


async def reserved(sku: str) -> int:
    row = await Stock.select(Stock.reserved).where(Stock.product.sku == sku).first()
    return row["reserved"]


async def assert_stock_invariant(skus: list[str] | None = None) -> None:
    """Every product (or those of ``skus``): 0 <= reserved <= on_hand; the stock row's
    reserved and backordered are exactly its order lines'; nothing is available while a
    line waits."""
    query = Stock.select(Stock.product, Stock.on_hand, Stock.reserved, Stock.backordered)
    if skus is not None:
        query = query.where(Stock.product.sku.is_in(skus))
    for row in await query:
        lines = await OrderLine.select(OrderLine.reserved, OrderLine.backordered).where(
            OrderLine.product == row["product"])
        assert 0 <= row["reserved"] <= row["on_hand"], row
        assert row["reserved"] == sum(line["reserved"] for line in lines), row
        assert row["backordered"] == sum(line["backordered"] for line in lines), row
        if row["backordered"]:
            assert row["on_hand"] == row["reserved"], row


# --- customers and drafts ---------------------------------------------------------------------

def email_for(name: str) -> str:
    """"Hélène Dupré" -> "helene.dupre@example.fr": one customer per name by default."""
    return (re.sub(r"[^a-z0-9]+", ".", fold(name)).strip(".") or "customer") + "@example.fr"


async def make_customer(first_name: str = "Anne", last_name: str = "Martin",
                        email: str | None = None, phone: str = "+33612345678",
                        postal_code: str = "69003") -> int:
    """A customer with no order yet (intake only creates customers with their first order).
    Returns the id; ``make_order(customer_id)`` then places orders for them."""
    email = email or email_for(f"{first_name} {last_name}")
    rows = await Customer.insert(Customer(
        email=email, first_name=first_name, last_name=last_name, phone=phone,
        search_text=customer_search_text({"first_name": first_name, "last_name": last_name,
                                          "email": email, "phone": phone}, [postal_code]),
    )).returning(Customer.id)
    return rows[0]["id"]


def make_draft(*lines: tuple, email: str = "anne@example.fr", **changes) -> OrderDraft:
    """An order draft as a shop would send it; ``lines`` are (sku, quantity[, unit_price])."""
    values = dict(customer=CustomerDetails(email=email, first_name="Anne", last_name="Martin",
                                           phone="+33612345678"),
                  shipping_address=ADDRESS, lines=[DraftLine(*line) for line in lines])
    values.update(changes)
    return OrderDraft(**values)


# --- orders -----------------------------------------------------------------------------------

async def make_order(customer_id: int | None = None, *,
                     lines: Sequence[tuple] | None = None, name: str = "Anne Martin",
                     email: str | None = None, phone: str = "+33612345678",
                     postal_code: str = "69003", city: str = "Lyon", locale: str = "fr",
                     currency: str = "EUR", payment_method: str = "bank_transfer",
                     shipping_method: str | None = None, channel: str = "web",
                     shipping_total: int = 0, paid: bool = False,
                     payment_ref: str = "PSP-8F2K1", shipped: bool = False,
                     status: str = "open", hold_reason: str = "test hold",
                     number: str | None = None, placed_at: datetime | None = None,
                     company: str = "", vat_number: str = "",
                     **columns) -> dict:
    """Place an order through intake and bring it to the state asked for; returns its row.

    ``lines`` are (sku, quantity, unit_price); a SKU not in the catalogue is created with
    ``STOCK_PER_NEW_PRODUCT`` on hand. ``customer_id`` places it for an existing customer
    (found again by email, as intake does). Cash on pickup is collected in store.

    Then, in this order: ``number`` / ``placed_at`` / ``columns`` are written directly (the
    ``order.placed`` event and webhook keep the intake number); ``company`` and
    ``vat_number`` make a business customer; ``paid`` records a payment of
    the whole total; ``shipped`` ships everything with ``TRACKING``; ``status`` "on_hold"
    or "cancelled" goes through the hold or cancel use-case, any other status is written.
    """
    from dashboard.services.fulfilment import shipping as fulfilment
    from dashboard.services.fulfilment import holds
    from dashboard.services.orders import intake as orders
    from dashboard.services.payments import money as payments

    lines = lines or [("TSHIRT-BLUE-M", 2, 1990)]
    if customer_id is not None:
        customer = await Customer.select().where(Customer.id == customer_id).first()
        email, phone = customer["email"], customer["phone"]
        first, last = customer["first_name"], customer["last_name"]
    else:
        first, _, last = name.partition(" ")
        email = email or email_for(name)
    known = {row["sku"] for row in await Product.select(Product.sku).where(
        Product.sku.is_in(sorted({line[0] for line in lines})))}
    for sku, _, *price in lines:
        if sku not in known:
            await add_product(sku, STOCK_PER_NEW_PRODUCT, price=(price or [1990])[0] or 0,
                              currency=currency, name=sku.title())
            known.add(sku)
    address = AddressDetails(name=f"{first} {last}".strip(), line1=ADDRESS.line1,
                             postal_code=postal_code, city=city, country=ADDRESS.country)
    if shipping_method is None:
        shipping_method = "click_and_collect" if payment_method == "cash_on_pickup" else "carrier"
    placed = await orders.place_order(make_draft(
        *lines, email=email, shipping_address=address, locale=locale, currency=currency,
        payment_method=payment_method, shipping_method=shipping_method, channel=channel,
        shipping_total=shipping_total,
        customer=CustomerDetails(email=email, first_name=first, last_name=last, phone=phone,
                                 company=company, vat_number=vat_number),
    ), actor=ACTOR)

    if number is not None:
        columns["number"] = number
    if placed_at is not None:
        columns["placed_at"] = placed_at
    if columns:
        await set_columns(placed.id, **columns)
    number = number or placed.number
    if paid:
        await payments.record_payment(
            number, placed.total, currency, payment_ref, method=None, source="webhook",
            received_on=(placed_at or datetime.now()).date(), actor=ACTOR, send_receipt=False)
    if shipped:
        await mark_picked(number)
        await fulfilment.ship_order(number, carrier=TRACKING[0], tracking_number=TRACKING[1],
                                    actor=ACTOR, shipped_at=placed_at)
    if status == "on_hold":
        await holds.hold_orders([placed.id], hold_reason, ACTOR)
    elif status == "cancelled":
        await orders.cancel_order(number, "cancelled by the test", actor=ACTOR)
    elif status != "open":
        await set_columns(placed.id, status=status)
    return await order_by_id(placed.id)


async def mark_picked(number: str) -> None:
    """Count every unit the order holds as picked, as a completed scan-to-pick would (without
    a pick list): what ``ship_order`` requires before goods leave."""
    order = await Order.select(Order.id).where(Order.number == number).first()
    await OrderLine.update({OrderLine.picked: OrderLine.shipped + OrderLine.reserved}).where(
        OrderLine.order == order["id"])


SEARCHED = {"number", "customer_name", "customer_email", "customer_phone", "ship_postal_code",
            "bill_postal_code"}


async def set_columns(order_id: int, **columns) -> None:
    """Write order columns no use-case sets (a listing's flags, an imported number, an
    address intake would refuse); the search text follows them unless given."""
    if SEARCHED & columns.keys() and "search_text" not in columns:
        columns["search_text"] = order_search_text({**await order_by_id(order_id), **columns})
    await Order.update({getattr(Order, k): v for k, v in columns.items()}).where(
        Order.id == order_id)


async def order_by_id(order_id: int) -> dict:
    return await Order.select().where(Order.id == order_id).first()


async def order(number: str) -> dict:
    return await Order.select().where(Order.number == number).first()
