"""Cancellations and stock counts of the same products at once (issue #14, item 7).

On PostgreSQL both paths run in parallel on the pool. They take their locks in one
order (the products' stock rows by id, then the orders), so they queue instead of
deadlocking; a deadlock or serialisation failure that still happens is retried once
with the whole unit of work. SQLite serialises writers, so it only checks the result.
"""

from __future__ import annotations

import asyncio
import random

from dashboard.services.orders import intake as order_service
from dashboard.services.stock import inventory as stock
from tests.factories import add_product, assert_stock_invariant, make_draft

SKUS = ["DL-A", "DL-B", "DL-C", "DL-D"]


async def test_cancels_and_counts_of_the_same_products_never_deadlock():
    for sku in SKUS:
        await add_product(sku, 30, backorder=True)
    rng = random.Random(14)
    numbers = []
    for i in range(40):
        # Lines in both orders of SKU so the naive path takes the rows crosswise.
        picked = rng.sample(SKUS, 3)
        placed = await order_service.place_order(
            make_draft(*[(sku, rng.randint(1, 3)) for sku in picked],
                       email=f"dl{i % 7}@example.fr"), actor="api:shop")
        numbers.append(placed.number)

    async def count(i: int):
        sku = SKUS[i % len(SKUS)]
        return await stock.set_counted_stock(sku, rng.randint(0, 40), "inventaire", "api:stock")

    async def cancel(number: str):
        return await order_service.cancel_order(number, "client", actor="staff:anne")

    jobs = [cancel(n) for n in numbers[:30]] + [count(i) for i in range(60)]
    rng.shuffle(jobs)
    outcomes = await asyncio.gather(*jobs, return_exceptions=True)
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert not errors, errors[:3]
    await assert_stock_invariant(SKUS)
