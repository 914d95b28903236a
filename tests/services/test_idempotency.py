"""Idempotency-Key at intake (issue 14): same key and same order replays, same key and
another order is refused, and a key whose first request is still running is told so."""

from __future__ import annotations

import asyncio
import os

import pytest

from dashboard.db.tables import Order
from dashboard.domain.errors import (
    IdempotencyKeyInFlight,
    IdempotencyKeyReused,
    InsufficientStock,
)
from dashboard.services.orders import intake as order_service
from dashboard.services.stock import inventory as stock
from tests.factories import add_product, make_draft


async def test_the_same_key_with_another_order_is_refused_and_writes_nothing():
    await add_product("MUG", 10)
    first = await order_service.place_order(make_draft(("MUG", 2)), actor="api:shop",
                                            idempotency_key="k-1")
    with pytest.raises(IdempotencyKeyReused):
        await order_service.place_order(make_draft(("MUG", 3)), actor="api:shop",
                                        idempotency_key="k-1")
    with pytest.raises(IdempotencyKeyReused):
        await order_service.place_order(make_draft(("MUG", 2), email="bob@example.fr"),
                                        actor="api:shop", idempotency_key="k-1")
    again = await order_service.place_order(make_draft(("MUG", 2)), actor="api:shop",
                                            idempotency_key="k-1")
    assert again.replayed and again.number == first.number
    assert await Order.count() == 1 and (await stock.stock_level("MUG")).reserved == 2
    row = await Order.select(Order.idempotency_fingerprint).first()
    assert len(row["idempotency_fingerprint"]) == 64


async def test_a_refused_order_keeps_nothing_under_its_key():
    """The first try was short of stock: nothing was placed, so the retry (even with
    another order) is a new request."""
    await add_product("MUG", 1)
    with pytest.raises(InsufficientStock):
        await order_service.place_order(make_draft(("MUG", 2)), actor="api:shop",
                                        idempotency_key="k-2")
    placed = await order_service.place_order(make_draft(("MUG", 1)), actor="api:shop",
                                             idempotency_key="k-2")
    assert not placed.replayed and await Order.count() == 1


async def test_an_order_keyed_before_fingerprints_were_kept_is_replayed():
    await add_product("MUG", 10)
    first = await order_service.place_order(make_draft(("MUG", 2)), actor="api:shop",
                                            idempotency_key="k-3")
    await Order.update({Order.idempotency_fingerprint: None}).where(Order.id == first.id)
    again = await order_service.place_order(make_draft(("MUG", 5)), actor="api:shop",
                                            idempotency_key="k-3")
    assert again.replayed and again.number == first.number


async def test_a_key_whose_first_request_is_still_running_is_in_flight():
    await add_product("MUG", 10)
    inside, release = asyncio.Event(), asyncio.Event()

    async def slow(_placed) -> None:  # runs inside the first request's transaction
        inside.set()
        await release.wait()

    first = asyncio.create_task(order_service.place_order(
        make_draft(("MUG", 2)), actor="api:shop", idempotency_key="k-4", on_placed=slow))
    await asyncio.wait_for(inside.wait(), 10)
    try:
        for draft in (make_draft(("MUG", 2)), make_draft(("MUG", 7))):
            with pytest.raises(IdempotencyKeyInFlight):
                await asyncio.wait_for(order_service.place_order(
                    draft, actor="api:shop", idempotency_key="k-4"), 5)
    finally:
        release.set()
    placed = await first
    again = await order_service.place_order(make_draft(("MUG", 2)), actor="api:shop",
                                            idempotency_key="k-4")
    assert again.replayed and again.number == placed.number
    assert await Order.count() == 1 and (await stock.stock_level("MUG")).reserved == 2


@pytest.mark.postgres_only
async def test_another_app_instance_placing_the_key_makes_it_in_flight():
    """Another instance's request holds the key's advisory lock (here, a second
    connection): this instance answers in flight instead of racing it."""
    import asyncpg

    await add_product("MUG", 10)
    other = await asyncpg.connect(os.environ["DATABASE_URL"])
    try:
        await other.execute("SELECT pg_advisory_lock(hashtext('idempotency_key'), hashtext($1))",
                            "api:shop:k-5")
        with pytest.raises(IdempotencyKeyInFlight):
            await order_service.place_order(make_draft(("MUG", 2)), actor="api:shop",
                                            idempotency_key="k-5")
        await other.execute("SELECT pg_advisory_unlock_all()")
        placed = await order_service.place_order(make_draft(("MUG", 2)), actor="api:shop",
                                                 idempotency_key="k-5")
        assert not placed.replayed
    finally:
        await other.close()
    assert await Order.count() == 1
