"""Helpers shared by the intake and stock tests: products, drafts, and the stock invariant."""

from __future__ import annotations

from dashboard.domain.catalogue import ProductSpec
from dashboard.domain.orders import AddressDetails, CustomerDetails, DraftLine, OrderDraft

ADDRESS = AddressDetails(name="Anne Martin", line1="12 rue des Lilas", postal_code="69003",
                         city="Lyon", country="FR")


async def add_product(sku: str, on_hand: int = 0, *, backorder: bool = False, price: int = 1990,
                      currency: str = "EUR", name: str | None = None,
                      barcode: str | None = None) -> dict:
    from dashboard.services import stock

    product, _ = await stock.upsert_product(ProductSpec(
        sku=sku, name=name or f"Product {sku}", price=price, currency=currency,
        backorder=backorder, barcode=barcode), actor="test")
    if on_hand:
        await stock.set_counted_stock(sku, on_hand, "initial count", "test")
    return product


def make_draft(*lines: tuple, email: str = "anne@example.fr", **changes) -> OrderDraft:
    values = dict(customer=CustomerDetails(email=email, first_name="Anne", last_name="Martin",
                                           phone="+33612345678"),
                  shipping_address=ADDRESS, lines=[DraftLine(*line) for line in lines])
    values.update(changes)
    return OrderDraft(**values)


async def assert_stock_invariant(skus: list[str] | None = None) -> None:
    """Every product (or those of ``skus``): 0 <= reserved <= on_hand; the stock row's
    reserved and backordered are exactly its order lines'; nothing is available while a
    line waits."""
    from dashboard.db.tables import OrderLine, Stock

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
