"""Catalogue upserts, counts, receipts and the stock screen's queries (services/stock/inventory.py)."""

from __future__ import annotations

import pytest

from dashboard.db.tables import OrderEvent, OrderLine, Product, Stock, StockMovement
from dashboard.domain.stock.catalogue import ProductSpec
from dashboard.domain.errors import NotFound, ValidationFailed
from dashboard.services.orders import intake as order_service
from dashboard.services.stock import inventory as stock
from tests.factories import add_product, assert_stock_invariant, make_draft


async def test_upsert_creates_then_updates_a_product_by_sku_without_touching_stock():
    spec = ProductSpec(sku="TSHIRT-BLUE-M", name="T-shirt", barcode="3760000000017",
                       price=1990, vat_rate="5.5", bin_location="A-03-2")
    product, created = await stock.upsert_product(spec, actor="api:shop")
    assert created and product["vat_rate_bp"] == 550 and product["barcode"] == "3760000000017"
    await stock.set_counted_stock("TSHIRT-BLUE-M", 7, "count", "t")
    product, created = await stock.upsert_product(
        ProductSpec(sku="TSHIRT-BLUE-M", name="T-shirt bleu", price=2490, backorder=True),
        actor="api:shop")
    assert not created and product["name"] == "T-shirt bleu" and product["backorder"]
    assert await Product.count() == 1 and await Stock.count() == 1
    assert (await stock.stock_level("TSHIRT-BLUE-M")).on_hand == 7


async def test_a_bad_product_is_refused_field_by_field():
    with pytest.raises(ValidationFailed) as refused:
        await stock.upsert_product(ProductSpec(sku="", name="", price=-1, currency="EU",
                                               vat_rate="abc", barcode="123"), actor="t")
    assert set(refused.value.fields) == {"sku", "name", "price", "currency", "vat_rate",
                                         "barcode"}
    assert await Product.count() == 0


async def test_a_count_keeps_reservations_and_records_the_difference():
    await add_product("MUG", 10)
    await order_service.place_order(make_draft(("MUG", 4)), actor="t")
    level = await stock.set_counted_stock("MUG", 6, "inventory count", "anne")
    assert level.as_dict() == {"sku": "MUG", "on_hand": 6, "reserved": 4, "available": 2,
                               "backordered": 0}
    counts = await StockMovement.select().where(StockMovement.reason == "count").order_by(
        StockMovement.id)
    assert [(m["on_hand_delta"], m["note"]) for m in counts] == [
        (10, "initial count"), (-4, "inventory count")]


async def test_counting_fewer_than_reserved_turns_the_newest_reservations_into_backorders():
    await add_product("MUG", 5)
    old = await order_service.place_order(make_draft(("MUG", 2)), actor="t")
    new = await order_service.place_order(make_draft(("MUG", 3)), actor="t")
    level = await stock.set_counted_stock("MUG", 3, "broken on the shelf", "anne")
    assert (level.reserved, level.backordered, level.available) == (3, 2, 0)
    lines = {ln["order"]: ln for ln in await OrderLine.select()}
    assert (lines[old.id]["reserved"], lines[old.id]["backordered"]) == (2, 0)
    assert (lines[new.id]["reserved"], lines[new.id]["backordered"]) == (1, 2)
    events = await OrderEvent.select().where(OrderEvent.kind == "stock.backordered")
    assert [e["order"] for e in events] == [new.id]
    with pytest.raises(ValidationFailed) as refused:
        await stock.set_counted_stock("MUG", -1, "", "anne")
    assert set(refused.value.fields) == {"on_hand", "reason"}
    await assert_stock_invariant()


async def test_received_stock_goes_to_waiting_orders_oldest_first():
    await add_product("BOOK", 0, backorder=True)
    first = await order_service.place_order(make_draft(("BOOK", 2)), actor="t")
    second = await order_service.place_order(make_draft(("BOOK", 3)), actor="t")
    level = await stock.receive_stock("BOOK", 4, "anne")
    assert level.as_dict() == {"sku": "BOOK", "on_hand": 4, "reserved": 4, "available": 0,
                               "backordered": 1}
    lines = {ln["order"]: ln for ln in await OrderLine.select()}
    assert (lines[first.id]["reserved"], lines[first.id]["backordered"]) == (2, 0)
    assert (lines[second.id]["reserved"], lines[second.id]["backordered"]) == (2, 1)
    assert [e["order"] for e in await OrderEvent.select().where(
        OrderEvent.kind == "stock.allocated").order_by(OrderEvent.id)] == [first.id, second.id]
    level = await stock.receive_stock("BOOK", 5, "anne")
    assert (level.available, level.backordered) == (4, 0)
    with pytest.raises(ValidationFailed):
        await stock.receive_stock("BOOK", 0, "anne")
    with pytest.raises(NotFound):
        await stock.receive_stock("NOPE", 1, "anne")
    await assert_stock_invariant()


async def test_stock_level_of_an_unknown_sku_is_not_found():
    with pytest.raises(NotFound):
        await stock.stock_level("NOPE")


async def test_the_stock_list_searches_sorts_and_filters():
    await add_product("MUG-RED", 5, name="Red mug", barcode="3760000000017")
    await add_product("LAMP", 2, name="Desk lamp")
    await add_product("BOOK", 0, name="Cookbook", backorder=True)
    await order_service.place_order(make_draft(("LAMP", 2), ("BOOK", 1)), actor="t")

    page = await stock.list_stock(stock.StockFilter())
    assert [r["sku"] for r in page.rows] == ["BOOK", "LAMP", "MUG-RED"] and page.total == 3
    page = await stock.list_stock(stock.StockFilter(sort="available", desc=True))
    assert [(r["sku"], r["available"]) for r in page.rows][0] == ("MUG-RED", 5)
    for q in ("mug", "RED", "3760000000017"):
        assert [r["sku"] for r in (await stock.list_stock(stock.StockFilter(q=q))).rows] == [
            "MUG-RED"]
    assert [r["sku"] for r in (await stock.list_stock(stock.StockFilter(only="waiting"))).rows] == [
        "BOOK"]
    assert [r["sku"] for r in (await stock.list_stock(stock.StockFilter(only="low"))).rows] == [
        "BOOK", "LAMP"]
    waiting = await stock.orders_for_product("BOOK")
    assert [(w["quantity"], w["reserved"], w["backordered"]) for w in waiting] == [(1, 0, 1)]
