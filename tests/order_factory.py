"""A small factory for orders in workspace tests: rows inserted directly, totals from the
domain's pricing rules and ``search_text`` from its search folding, so the tests do not
depend on the order-placement use-case."""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone

from dashboard.db.tables import Customer, Order, OrderLine, Product
from dashboard.domain.pricing import balance_due, line_amounts, order_totals
from dashboard.domain.search import fold
from dashboard.services.customers import customer_search_text
from dashboard.services.order_edits import order_search_text

_numbers = itertools.count(1)
T0 = datetime(2026, 5, 15, 10, 0, tzinfo=timezone.utc)


async def make_customer(first_name="Anne", last_name="Martin", email=None, phone="+33612345678",
                        postal_code="69003") -> int:
    email = email or f"{fold(first_name)}.{fold(last_name)}@example.fr".replace(" ", "")
    rows = await Customer.insert(Customer(
        email=email, first_name=first_name, last_name=last_name, phone=phone,
        search_text=customer_search_text({"first_name": first_name, "last_name": last_name,
                                          "email": email, "phone": phone}, [postal_code]),
    )).returning(Customer.id)
    return rows[0]["id"]


async def make_product(sku="TSHIRT-BLUE-M", price=1990) -> int:
    existing = await Product.select(Product.id).where(Product.sku == sku).first()
    if existing:
        return existing["id"]
    rows = await Product.insert(Product(sku=sku, name=f"Product {sku}", price=price)).returning(
        Product.id)
    return rows[0]["id"]


async def make_order(customer_id: int | None = None, *, first_name="Anne", last_name="Martin",
                     email=None, phone="+33612345678", postal_code="69003", city="Lyon",
                     placed_at: datetime | None = None, lines=((1990, 2),), paid=0,
                     number: str | None = None, **values) -> dict:
    """Insert an order with its lines; ``values`` override any Order column."""
    if customer_id is None:
        customer_id = await make_customer(first_name, last_name, email, phone, postal_code)
    customer = await Customer.select().where(Customer.id == customer_id).first()
    seq = next(_numbers)
    number = number or f"WS{seq:06d}"
    amounts = [line_amounts(price, qty, 2000) for price, qty in lines]
    totals = order_totals(amounts)
    name = f"{customer['first_name']} {customer['last_name']}".strip()
    row = dict(
        number=number, customer=customer_id, payment_method="card",
        customer_email=customer["email"], customer_name=name, customer_phone=customer["phone"],
        ship_name=name, ship_line1="12 rue des Lilas", ship_postal_code=postal_code,
        ship_city=city, ship_country="FR", bill_name=name, bill_line1="12 rue des Lilas",
        bill_postal_code=postal_code, bill_city=city, bill_country="FR",
        subtotal=totals.subtotal, tax_total=totals.tax_total, total=totals.total,
        paid_total=paid, balance_due=balance_due(totals.total, 0, paid, 0, 0),
        placed_at=placed_at or T0 + timedelta(minutes=seq),
    )
    row.update(values)
    row["search_text"] = order_search_text(row)
    order_id = (await Order.insert(Order(**row)).returning(Order.id))[0]["id"]
    product_id = await make_product()
    for position, ((price, qty), amount) in enumerate(zip(lines, amounts), start=1):
        await OrderLine.insert(OrderLine(
            order=order_id, position=position, product=product_id, sku="TSHIRT-BLUE-M",
            name="T-shirt bleu M", unit_price=price, quantity=qty, reserved=qty,
            line_total=amount.line_total, tax_amount=amount.tax_amount))
    return await Order.select().where(Order.id == order_id).first()
