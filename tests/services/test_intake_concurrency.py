"""Many orders at once for too little stock: never over-reserved, never lost (both engines).

SQLite serialises writers with BEGIN IMMEDIATE; PostgreSQL runs the transactions in
parallel on the pool, and only the conditional UPDATE keeps ``available`` from going below 0.
"""

from __future__ import annotations

import asyncio

from dashboard.db.tables import Customer, Order, OrderLine
from dashboard.domain.errors import IdempotencyKeyInFlight, InsufficientStock
from dashboard.services.orders import intake as order_service
from dashboard.services.stock import inventory as stock
from tests.factories import add_product, assert_stock_invariant, make_draft

CLIENTS = 50


async def _place_many(sku: str, key: str | None = None) -> list:
    async def one(i: int):
        return await order_service.place_order(
            make_draft((sku, 1), email=f"customer{i % 5}@example.fr"), actor="api:shop",
            idempotency_key=key)

    return await asyncio.gather(*(one(i) for i in range(CLIENTS)), return_exceptions=True)


async def test_fifty_orders_for_ten_units_refusing_backorders():
    await add_product("LAST-TEN", 10)
    outcomes = await _place_many("LAST-TEN")
    placed = [o for o in outcomes if isinstance(o, order_service.PlacedOrder)]
    refused = [o for o in outcomes if isinstance(o, InsufficientStock)]
    assert len(placed) == 10 and len(refused) == 40, [o for o in outcomes if
                                                      isinstance(o, Exception)][:1]
    assert all(r.short == [{"sku": "LAST-TEN", "requested": 1, "available": 0}] for r in refused)
    assert (await stock.stock_level("LAST-TEN")).as_dict() == {
        "sku": "LAST-TEN", "on_hand": 10, "reserved": 10, "available": 0, "backordered": 0}
    assert await Order.count() == 10
    # Numbers are taken after the reservations: the refused orders left no hole.
    assert sorted(int(p.number) for p in placed) == list(range(100001, 100011))
    emails = {o["customer_email"] for o in await Order.select(Order.customer_email)}
    assert await Customer.count() == len(emails)  # found by email, never created twice
    await assert_stock_invariant()


async def test_fifty_orders_for_ten_units_allowing_backorders():
    await add_product("LAST-TEN", 10, backorder=True)
    outcomes = await _place_many("LAST-TEN")
    assert all(isinstance(o, order_service.PlacedOrder) for o in outcomes), outcomes[:1]
    assert sum(1 for o in outcomes if o.backordered) == 40
    assert sorted(int(o.number) for o in outcomes) == list(range(100001, 100051))
    assert (await stock.stock_level("LAST-TEN")).as_dict() == {
        "sku": "LAST-TEN", "on_hand": 10, "reserved": 10, "available": 0, "backordered": 40}
    lines = await OrderLine.select(OrderLine.reserved, OrderLine.backordered)
    assert sorted((ln["reserved"], ln["backordered"]) for ln in lines) == [(0, 1)] * 40 + [
        (1, 0)] * 10
    assert await Customer.count() == 5
    await assert_stock_invariant()


async def test_simultaneous_retries_with_one_idempotency_key_make_one_order():
    """One order; every other retry is told the first is in flight (409 at the API) or,
    if it came after the commit, answered with the first order."""
    await add_product("MUG", 100)
    outcomes = await _place_many("MUG", key="same-request")
    placed = [o for o in outcomes if isinstance(o, order_service.PlacedOrder)]
    assert all(isinstance(o, order_service.PlacedOrder | IdempotencyKeyInFlight)
               for o in outcomes), [o for o in outcomes if isinstance(o, Exception)][:1]
    assert len({o.number for o in placed}) == 1 and sum(not o.replayed for o in placed) == 1
    assert await Order.count() == 1 and (await stock.stock_level("MUG")).reserved == 1
