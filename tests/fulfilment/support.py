"""Helpers for the fulfilment tests: orders with barcodes, paid or collected in store."""

from __future__ import annotations

from dashboard.db.tables import Order, OrderLine, Product, Stock
from dashboard.domain.stock.barcodes import ean13
from tests.factories import make_order

EANS = {"TSHIRT-BLUE-M": ean13("376000000001"), "MUG-RED": ean13("376000000002"),
        "CAP-GREEN": ean13("376000000003")}


async def barcoded_order(lines=None, **kwargs) -> dict:
    """An open order (factory), its products given EANs, lines carrying them."""
    order = await make_order(lines=lines or [("TSHIRT-BLUE-M", 2, 1990), ("MUG-RED", 1, 900)],
                             **kwargs)
    for sku, code in EANS.items():
        await Product.update({Product.barcode: code}).where(Product.sku == sku)
        await OrderLine.update({OrderLine.barcode: code}).where(OrderLine.sku == sku)
    return order


async def set_order(number: str, **values) -> None:
    await Order.update({getattr(Order, k): v for k, v in values.items()}).where(
        Order.number == number)


async def lines_of(number: str) -> dict[str, dict]:
    rows = await OrderLine.select().where(OrderLine.order.number == number)
    return {row["sku"]: row for row in rows}


async def stock_of(sku: str) -> tuple[int, int]:
    row = await Stock.select(Stock.on_hand, Stock.reserved).where(
        Stock.product.sku == sku).first()
    return row["on_hand"], row["reserved"]
