"""Small test factory: orders written straight into the tables, with consistent totals.

Independent of the intake use-case on purpose, so payment tests do not depend on how
orders are placed. Stock is reserved for every line, as placement would have done.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timezone

import pytest

from dashboard.db.tables import Customer, Order, OrderLine, Product, Stock
from dashboard.db.transaction import write_transaction
from dashboard.domain.pricing import balance_due, line_amounts, order_totals

_numbers = itertools.count(50_001)  # clear of the numbers fixture statements name


async def make_order(*, number: str | None = None, payment_method: str = "bank_transfer",
                     lines: list[tuple[str, int, int]] | None = None, currency: str = "EUR",
                     placed_at: datetime | None = None, status: str = "open",
                     email: str = "anne.martin@example.fr", name: str = "Anne Martin",
                     locale: str = "fr", shipping_total: int = 0) -> dict:
    """An open, unpaid order; ``lines`` are (sku, quantity, unit_price). Returns its row."""
    number = number or f"2026-{next(_numbers):05d}"
    lines = lines or [("TSHIRT-BLUE-M", 2, 1990)]
    amounts = [line_amounts(price, qty, 2000) for _, qty, price in lines]
    totals = order_totals(amounts, shipping_total=shipping_total)
    async with write_transaction():
        customer = await Customer.objects().where(Customer.email == email).first()
        if customer is None:
            first, _, last = name.partition(" ")
            customer = Customer(email=email, first_name=first, last_name=last, locale=locale)
            await customer.save()
        order_id = (await Order.insert(Order(
            number=number, customer=customer.id, locale=locale, currency=currency,
            payment_method=payment_method, status=status, customer_email=email,
            customer_name=name, ship_name=name, subtotal=totals.subtotal,
            shipping_total=totals.shipping_total, tax_total=totals.tax_total, total=totals.total,
            balance_due=balance_due(totals.total, 0, 0, 0, 0),
            placed_at=placed_at or datetime.now(timezone.utc),
            search_text=f"{number} {name}".lower(),
        )).returning(Order.id))[0]["id"]
        for position, ((sku, quantity, price), amount) in enumerate(zip(lines, amounts), 1):
            product = await Product.objects().where(Product.sku == sku).first()
            if product is None:
                product = Product(sku=sku, name=sku.title(), price=price, currency=currency)
                await product.save()
                await Stock.insert(Stock(product=product.id, on_hand=100, reserved=0))
            await Stock.update({Stock.reserved: Stock.reserved + quantity}).where(
                Stock.product == product.id)
            await OrderLine.insert(OrderLine(
                order=order_id, position=position, product=product.id, sku=sku, name=product.name,
                unit_price=price, quantity=quantity, reserved=quantity,
                line_total=amount.line_total, tax_amount=amount.tax_amount))
    return await Order.select().where(Order.id == order_id).first()


async def order(number: str) -> dict:
    return await Order.select().where(Order.number == number).first()


async def reserved(sku: str) -> int:
    row = await Stock.select(Stock.reserved).where(Stock.product.sku == sku).first()
    return row["reserved"]


@pytest.fixture
def configure(monkeypatch):
    """``configure(DASHBOARD_SEND_RECEIPTS="off", ...)``: settings for one test (None unsets)."""
    from dashboard.settings import get_settings

    def _set(**variables: str | None) -> None:
        for name, value in variables.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield _set
    monkeypatch.undo()
    get_settings.cache_clear()
