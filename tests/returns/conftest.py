"""Orders that have left the warehouse (and maybe been paid): what returns start from."""

from __future__ import annotations

import pytest

from dashboard.db.tables import OrderLine, Stock
from tests.factories import add_product, make_order


async def make_shipped_order(*, lines=None, paid: bool = True, shipping_total: int = 0,
                             email: str = "anne.martin@example.fr", locale: str = "fr",
                             payment_method: str = "card") -> dict:
    """An order whose lines were all shipped (stock taken off the shelf), paid in full."""
    return await make_order(lines=lines or [("TSHIRT-BLUE-M", 2, 1990), ("MUG-RED", 1, 1200)],
                            shipping_total=shipping_total, email=email, locale=locale,
                            payment_method=payment_method, paid=paid, shipped=True)


async def lines_of(order: dict) -> list[dict]:
    return await OrderLine.select().where(OrderLine.order == order["id"]).order_by(
        OrderLine.position)


async def level(sku: str) -> dict:
    return await Stock.select(Stock.on_hand, Stock.reserved, Stock.backordered).where(
        Stock.product.sku == sku).first()


async def make_product(sku: str, price: int, on_hand: int, backorder: bool = False) -> None:
    await add_product(sku, on_hand, price=price, backorder=backorder, name=sku.title())


@pytest.fixture(autouse=True)
def _no_receipts(configure):
    configure(DASHBOARD_SEND_RECEIPTS="off")
