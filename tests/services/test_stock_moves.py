"""What moving units between reserved and backordered leaves behind (services/stock): the
ledger rows, the orders' history lines and counters, who loses a reservation among orders
placed at the same time, and the stock screen's sorts on quantities, which mutants of
``_move_lines``, ``_waiting_lines`` and ``list_stock`` changed unseen."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

from dashboard.db.tables import OrderEvent, OrderLine, Stock, StockMovement
from dashboard.db.transaction import write_transaction
from dashboard.services.orders import intake as order_service
from dashboard.services.stock import inventory as stock
from dashboard.services.stock import product_search
from tests.factories import add_product, make_draft, order_by_id, set_columns


async def _moves(reason: str) -> list[tuple]:
    rows = await StockMovement.select().where(StockMovement.reason == reason).order_by(
        StockMovement.id)
    return [(m["product"], m["on_hand_delta"], m["reserved_delta"], m["order_id"], m["actor"])
            for m in rows]


async def _events(kind: str) -> list[tuple]:
    rows = await OrderEvent.select().where(OrderEvent.kind == kind).order_by(OrderEvent.id)
    return [(e["order"], e["summary"], e["data"] if isinstance(e["data"], dict)
             else json.loads(e["data"]), e["actor"]) for e in rows]


async def _line(order_id: int) -> dict:
    return await OrderLine.select().where(OrderLine.order == order_id).first()


async def test_received_stock_leaves_a_ledger_row_and_a_history_line_per_order_served():
    book = await add_product("BOOK", 0, backorder=True)
    first = await order_service.place_order(make_draft(("BOOK", 2)), actor="t")
    second = await order_service.place_order(make_draft(("BOOK", 3)), actor="t")
    before = await order_by_id(second.id)
    await stock.receive_stock("BOOK", 4, "anne")
    assert await _moves("allocation") == [
        (book["id"], 0, 2, first.id, "anne"), (book["id"], 0, 2, second.id, "anne")]
    first_line, second_line = await _line(first.id), await _line(second.id)
    assert await _events("stock.allocated") == [
        (first.id, "2 reserved from received stock",
         {"line_id": first_line["id"], "units": 2}, "anne"),
        (second.id, "2 reserved from received stock",
         {"line_id": second_line["id"], "units": 2}, "anne")]
    after = await order_by_id(second.id)
    assert (after["backordered_quantity"], after["version"]) == (1, before["version"] + 1)
    assert after["updated_at"] > before["updated_at"]
    assert (await order_by_id(first.id))["backordered_quantity"] == 0


async def test_a_count_shortfall_leaves_a_ledger_row_and_a_history_line_for_the_order_hit():
    mug = await add_product("MUG", 5)
    old = await order_service.place_order(make_draft(("MUG", 2)), actor="t")
    new = await order_service.place_order(make_draft(("MUG", 3)), actor="t")
    before = await order_by_id(new.id)
    await stock.set_counted_stock("MUG", 3, "broken on the shelf", "anne")
    assert [m for m in await _moves("count") if m[3] is not None] == [
        (mug["id"], 0, -2, new.id, "anne")]
    new_line = await _line(new.id)
    assert await _events("stock.backordered") == [
        (new.id, "2 no longer on the shelf, now backordered",
         {"line_id": new_line["id"], "units": 2}, "anne")]
    after = await order_by_id(new.id)
    assert (after["backordered_quantity"], after["version"]) == (2, before["version"] + 1)
    assert (await order_by_id(old.id))["backordered_quantity"] == 0


async def test_among_orders_placed_at_the_same_time_the_later_one_loses_its_reservation():
    await add_product("MUG", 4)
    first = await order_service.place_order(make_draft(("MUG", 2)), actor="t")
    second = await order_service.place_order(make_draft(("MUG", 2)), actor="t")
    same = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    for order in (first, second):
        await set_columns(order.id, placed_at=same)
    await stock.set_counted_stock("MUG", 2, "broken on the shelf", "anne")
    assert [(ln["reserved"], ln["backordered"]) for ln in (
        await _line(first.id), await _line(second.id))] == [(2, 0), (0, 2)]


async def test_among_orders_placed_at_the_same_time_the_first_placed_is_served_first():
    await add_product("BOOK", 0, backorder=True)
    first = await order_service.place_order(make_draft(("BOOK", 2)), actor="t")
    second = await order_service.place_order(make_draft(("BOOK", 2)), actor="t")
    same = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    for order in (second, first):
        await set_columns(order.id, placed_at=same)
    await stock.receive_stock("BOOK", 2, "anne")
    assert [(ln["reserved"], ln["backordered"]) for ln in (
        await _line(first.id), await _line(second.id))] == [(2, 0), (0, 2)]


async def test_the_stock_list_sorts_on_on_hand_and_on_backordered_both_ways():
    await add_product("A-MUG", 5)
    await add_product("B-LAMP", 9)
    await add_product("C-BOOK", 1, backorder=True)
    await order_service.place_order(make_draft(("C-BOOK", 4)), actor="t")
    page = await stock.list_stock(stock.StockFilter(sort="on_hand"))
    assert [r["sku"] for r in page.rows] == ["C-BOOK", "A-MUG", "B-LAMP"]
    page = await stock.list_stock(stock.StockFilter(sort="on_hand", desc=True))
    assert [r["sku"] for r in page.rows] == ["B-LAMP", "A-MUG", "C-BOOK"]
    page = await stock.list_stock(stock.StockFilter(sort="backordered", desc=True))
    assert [(r["sku"], r["backordered"]) for r in page.rows][0] == ("C-BOOK", 3)
    page = await stock.list_stock(stock.StockFilter(sort="backordered"))
    assert [r["sku"] for r in page.rows][-1] == "C-BOOK"


async def test_a_product_that_lost_its_stock_row_has_none_available_and_gets_one_back():
    product = await add_product("LAMP", 0)
    await Stock.delete().where(Stock.product == product["id"])
    async with write_transaction():
        assert await stock._available(product["id"]) == 0
    assert await Stock.count().where(Stock.product == product["id"]) == 1


async def test_a_search_hands_back_eight_hits_at_the_most():
    for n in range(9):
        await add_product(f"MUG-{n}", 1, name=f"Mug {n}")
    hits = await product_search.find_products("mug")
    assert [h["sku"] for h in hits] == [f"MUG-{n}" for n in range(8)]


async def test_received_stock_goes_to_the_order_placed_first_whatever_its_id():
    await add_product("BOOK", 0, backorder=True)
    await add_product("PEN", 0, backorder=True)
    pen = await order_service.place_order(make_draft(("PEN", 2)), actor="t")
    first = await order_service.place_order(make_draft(("BOOK", 1)), actor="t")
    later = await order_service.place_order(make_draft(("BOOK", 2)), actor="t")
    # Placed before the other, recorded after it (an order imported late, say).
    earlier = datetime(2026, 1, 1, 9, 0, tzinfo=timezone.utc)
    await set_columns(later.id, placed_at=earlier)
    await set_columns(pen.id, placed_at=earlier - timedelta(days=1))
    await stock.receive_stock("BOOK", 2, "anne")
    assert [(ln["reserved"], ln["backordered"]) for ln in (
        await _line(later.id), await _line(first.id), await _line(pen.id))] == [
        (2, 0), (0, 1), (0, 2)]
    assert [e[0] for e in await _events("stock.allocated")] == [later.id]
