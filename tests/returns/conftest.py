"""Orders that have left the warehouse (and maybe been paid): what returns start from."""

from __future__ import annotations

import pytest

from dashboard.db.tables import Order, OrderLine, Product, Stock
from dashboard.db.transaction import write_transaction
from dashboard.services.payments import record_payment
from tests.factories import make_order


async def make_shipped_order(*, lines=None, paid: bool = True, shipping_total: int = 0,
                             email: str = "anne.martin@example.fr", locale: str = "fr",
                             payment_method: str = "card") -> dict:
    """An order whose lines were all shipped (stock taken off the shelf), paid in full."""
    order = await make_order(lines=lines or [("TSHIRT-BLUE-M", 2, 1990), ("MUG-RED", 1, 1200)],
                             shipping_total=shipping_total, email=email, locale=locale,
                             payment_method=payment_method)
    async with write_transaction():
        for line in await OrderLine.select().where(OrderLine.order == order["id"]):
            await Stock.update({Stock.on_hand: Stock.on_hand - line["quantity"],
                                Stock.reserved: Stock.reserved - line["quantity"]}).where(
                Stock.product == line["product"])
            await OrderLine.update({OrderLine.shipped: line["quantity"], OrderLine.reserved: 0,
                                    OrderLine.picked: line["quantity"]}).where(
                OrderLine.id == line["id"])
        await Order.update({Order.fulfilment_status: "shipped"}).where(Order.id == order["id"])
    if paid:
        await record_payment(order["number"], order["total"], "EUR", f"PSP-{order['number']}",
                             method="card", source="webhook", received_on=None, actor="test",
                             send_receipt=False)
    return await Order.select().where(Order.id == order["id"]).first()


async def lines_of(order: dict) -> list[dict]:
    return await OrderLine.select().where(OrderLine.order == order["id"]).order_by(
        OrderLine.position)


async def level(sku: str) -> dict:
    return await Stock.select(Stock.on_hand, Stock.reserved, Stock.backordered).where(
        Stock.product.sku == sku).first()


async def make_product(sku: str, price: int, on_hand: int, backorder: bool = False) -> None:
    async with write_transaction():
        product = Product(sku=sku, name=sku.title(), price=price, backorder=backorder)
        await product.save()
        await Stock.insert(Stock(product=product.id, on_hand=on_hand))


@pytest.fixture(autouse=True)
def _no_receipts(configure):
    configure(DASHBOARD_SEND_RECEIPTS="off", DASHBOARD_INVOICE_AT="order")
