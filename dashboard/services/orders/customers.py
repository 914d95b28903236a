"""The customer database: search by name, email or phone, a customer's page, and edits of
the account details (same concurrent-edit rule as orders, see ``domain/orders/edits.py``)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from piccolo.query.functions.aggregate import Count

from dashboard.db.tables import Address, Customer, Order
from dashboard.db.transaction import write_transaction
from dashboard.domain.orders.edits import (
    CUSTOMER_FIELDS,
    changed_fields,
    check_complete,
    clean,
    validate_customer,
    with_e164_phone,
)
from dashboard.domain.errors import NotFound
from dashboard.domain.search import customer_search_text
from dashboard.services.orders.edits import write_changed_fields
from dashboard.services.orders.listing import search_clauses
from dashboard.settings import get_settings

PAGE_SIZE = 50
CUSTOMER_ORDERS = 100


async def get_customer(customer_id: int) -> dict:
    """The customer's account row. Raises ``NotFound``."""
    row = await Customer.select().where(Customer.id == customer_id).first()
    if row is None:
        raise NotFound("No such customer")
    return row


async def search_customers(q: str, limit: int = PAGE_SIZE) -> list[dict]:
    """Customers matching every word of ``q`` (accents and case ignored), by last name."""
    query = Customer.select(Customer.id, Customer.first_name, Customer.last_name,
                            Customer.email, Customer.phone, Customer.company)
    for clause in search_clauses("customer", q):
        query = query.where(clause)
    order = (Customer.last_name, Customer.first_name, Customer.id) if q.strip() else (Customer.id,)
    rows = await query.order_by(*order, ascending=bool(q.strip())).limit(limit)
    if rows:
        counts = await Order.select(Order.customer, Count(alias="n")).where(
            Order.customer.is_in([r["id"] for r in rows])).group_by(Order.customer)
        by_id = {c["customer"]: c["n"] for c in counts}
        for row in rows:
            row["order_count"] = by_id.get(row["id"], 0)
    return rows


@dataclass
class CustomerPage:
    customer: dict
    orders: list[dict]
    order_count: int
    addresses: list[dict]
    balance_due: int


async def customer_page(customer_id: int) -> CustomerPage:
    customer = await Customer.select().where(Customer.id == customer_id).first()
    if customer is None:
        raise NotFound("No such customer")
    orders = await Order.select(
        Order.number, Order.placed_at, Order.status, Order.payment_status,
        Order.fulfilment_status, Order.total, Order.balance_due, Order.currency,
        Order.ship_postal_code, Order.ship_city,
    ).where(Order.customer == customer_id).order_by(Order.placed_at, ascending=False).limit(
        CUSTOMER_ORDERS)
    addresses = await Address.select().where(Address.customer == customer_id).order_by(Address.id)
    return CustomerPage(
        customer=customer, orders=orders, addresses=addresses,
        order_count=await Order.count().where(Order.customer == customer_id),
        balance_due=sum(o["balance_due"] for o in orders if o["status"] != "cancelled"),
    )


async def customer_country(customer_id: int | None) -> str:
    """The country a customer's phone is read as of: their billing (else any) address's,
    else the shop's."""
    rows = await Address.select(Address.country, Address.is_default).where(
        Address.customer == customer_id).order_by(Address.id) if customer_id else []
    billing = [a for a in rows if a["is_default"] in ("billing", "both")]
    return ((billing or rows or [{}])[0].get("country") or get_settings().shop.country)


async def edit_customer(customer_id: int, before: Mapping[str, str], after: Mapping[str, str],
                        actor: str) -> dict:
    """Change a customer's account details (name, email, phone, company).

    Orders keep the contact snapshot they were placed with. Raises ``ValidationFailed``,
    ``StaleVersion`` (with ``conflicts``) or ``NotFound``. Returns the customer as now.
    """
    check_complete(CUSTOMER_FIELDS, after)
    after = clean(CUSTOMER_FIELDS, after)
    before = {f: str(before.get(f, "")) for f in CUSTOMER_FIELDS}
    validate_customer(after)
    after = with_e164_phone(after, "phone", await customer_country(customer_id))
    changes = changed_fields(CUSTOMER_FIELDS, before, after)
    async with write_transaction():
        if changes:
            await write_changed_fields(Customer, Customer.id, customer_id, changes, before)
            current = await Customer.select().where(Customer.id == customer_id).first()
            postcodes = [a["postal_code"] for a in await Address.select(Address.postal_code).where(
                Address.customer == customer_id)]
            await Customer.update({Customer.search_text: customer_search_text(current, postcodes)}
                                  ).where(Customer.id == customer_id)
    customer = await Customer.select().where(Customer.id == customer_id).first()
    if customer is None:
        raise NotFound("No such customer")
    return customer
