"""The stock primitives other areas call inside their own transaction (services/stock):
reserve, release, ship_units, unship_units, each checked on the stock row it changes."""

from __future__ import annotations

import pytest

from dashboard.db.tables import Stock, StockMovement
from dashboard.db.transaction import write_transaction
from dashboard.domain.stock.allocation import Reservation
from dashboard.services.stock import inventory as stock
from tests.factories import add_product


async def _row(product_id: int) -> tuple[int, int, int]:
    row = await Stock.select(Stock.on_hand, Stock.reserved, Stock.backordered).where(
        Stock.product == product_id).first()
    return row["on_hand"], row["reserved"], row["backordered"]


async def test_reserve_takes_what_is_there_backorders_the_rest_or_says_what_is_left():
    product = await add_product("MUG", 5)
    async with write_transaction():
        assert await stock.reserve(product["id"], 2, False) == Reservation(reserve=2, backorder=0)
    assert await _row(product["id"]) == (5, 2, 0)
    async with write_transaction():
        assert await stock.reserve(product["id"], 3, False) == Reservation(reserve=3, backorder=0)
    async with write_transaction():
        assert await stock.reserve(product["id"], 1, False) == 0
    assert await _row(product["id"]) == (5, 5, 0)
    book = await add_product("BOOK", 1, backorder=True)
    async with write_transaction():
        assert await stock.reserve(book["id"], 3, True) == Reservation(reserve=1, backorder=2)
    assert await _row(book["id"]) == (1, 1, 2)
    lamp = await add_product("LAMP", 2)
    async with write_transaction():
        assert await stock.reserve(lamp["id"], 3, False) == 2
    assert await _row(lamp["id"]) == (2, 0, 0)


async def test_release_gives_back_exactly_what_was_held_and_refuses_more():
    product = await add_product("BOOK", 2, backorder=True)
    async with write_transaction():
        await stock.reserve(product["id"], 5, True)
    assert await _row(product["id"]) == (2, 2, 3)
    async with write_transaction():
        await stock.release(product["id"], 1, 2)
    assert await _row(product["id"]) == (2, 1, 1)
    async with write_transaction():
        await stock.release(product["id"], 0, 0)
        await stock.release(product["id"], 1, 1)
    assert await _row(product["id"]) == (2, 0, 0)
    for held in ((1, 0), (0, 1)):
        with pytest.raises(RuntimeError, match="holds less than its order lines"):
            async with write_transaction():
                await stock.release(product["id"], *held)
    assert await _row(product["id"]) == (2, 0, 0)


async def test_shipping_takes_units_off_the_shelf_and_an_undone_shipment_puts_them_back():
    product = await add_product("MUG", 5)
    async with write_transaction():
        await stock.reserve(product["id"], 3, False)
        await stock.ship_units(product["id"], 2)
    assert await _row(product["id"]) == (3, 1, 0)
    async with write_transaction():
        await stock.ship_units(product["id"], 1)
    assert await _row(product["id"]) == (2, 0, 0)
    with pytest.raises(RuntimeError, match="holds less than the shipment"):
        async with write_transaction():
            await stock.ship_units(product["id"], 1)
    async with write_transaction():
        await stock.unship_units(product["id"], 2)
    assert await _row(product["id"]) == (4, 2, 0)


async def test_a_movement_is_one_ledger_row_with_what_it_was_given():
    product = await add_product("MUG")
    await StockMovement.insert(stock.movement(product["id"], "return", on_hand=2, reserved=-1,
                                              order_id=None, actor="anne", note="damaged box"))
    row = await StockMovement.select().where(StockMovement.reason == "return").first()
    assert (row["product"], row["on_hand_delta"], row["reserved_delta"], row["actor"],
            row["note"], row["order_id"]) == (product["id"], 2, -1, "anne", "damaged box", None)
    default = stock.movement(product["id"], "count")
    assert (default.on_hand_delta, default.reserved_delta, default.order_id, default.actor,
            default.note) == (0, 0, None, "", "")
