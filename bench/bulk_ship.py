"""Bulk "mark shipped" of 1,000 orders in one transaction (the dispatch desk's CSV / the
orders list's bulk action): what the 2-second target is about.

    DATABASE_URL=sqlite:///var/bulk_ship.sqlite3 .venv/bin/python bench/bulk_ship.py
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bulk_ship .venv/bin/python bench/bulk_ship.py

Use an empty, throw-away database: the script migrates it, places ``--orders`` paid
orders of two lines each through the intake service (stock reserved as in real life),
then times ``services.fulfilment.bulk_shipping.ship_many`` over all of them.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=1000)
    parser.add_argument("--profile", action="store_true", help="print where the time goes")
    args = parser.parse_args()
    os.environ.setdefault("DASHBOARD_VAR_DIR", tempfile.mkdtemp(prefix="dashboard-bench-"))
    import dashboard  # noqa: F401
    from dashboard.db import transaction
    from dashboard.db.migrate import migrate
    from dashboard.db.tables import Order, OrderLine
    from dashboard.domain.stock.catalogue import ProductSpec
    from dashboard.domain.fulfilment.rules import BulkShipRow
    from dashboard.domain.orders.intake import (
        AddressDetails, CustomerDetails, DraftLine, OrderDraft,
    )
    from dashboard.services.fulfilment import bulk_shipping
    from dashboard.services.orders import intake as orders
    from dashboard.services.stock import inventory as stock

    await migrate()
    await transaction.start()
    try:
        for sku in ("BENCH-MUG", "BENCH-TEE"):
            await stock.upsert_product(ProductSpec(sku=sku, name=sku.title(), price=1290,
                                                   bin_location="A-01-1"), actor="bench")
            await stock.set_counted_stock(sku, args.orders * 3, "bench", "bench")
        started = time.perf_counter()
        numbers = []
        for i in range(args.orders):
            draft = OrderDraft(
                customer=CustomerDetails(email=f"c{i % 200}@example.fr", first_name="Anne",
                                         last_name=f"Martin{i % 200}", phone="+33612345678"),
                shipping_address=AddressDetails(name="Anne Martin", line1="12 rue des Lilas",
                                                line2="", postal_code="69003", city="Lyon",
                                                country="FR"),
                billing_address=None,
                lines=[DraftLine("BENCH-MUG", 1, None), DraftLine("BENCH-TEE", 2, None)],
                currency="EUR", payment_method="card", shipping_method="carrier", locale="fr")
            numbers.append((await orders.place_order(draft, actor="bench")).number)
        await Order.update({Order.payment_status: "paid"}).where(Order.number.is_in(numbers))
        # Picked, as the pickers would have done: nothing ships unpicked.
        await OrderLine.update({OrderLine.picked: OrderLine.reserved}).where(
            OrderLine.order.is_in(Order.select(Order.id).where(Order.number.is_in(numbers))))
        print(f"placed {len(numbers)} orders in {time.perf_counter() - started:.1f} s")
        rows = [BulkShipRow(n, "colissimo", f"6A{10_000_000_000 + i:011d}")
                for i, n in enumerate(numbers)]
        profile = None
        if args.profile:
            import cProfile

            profile = cProfile.Profile()
            profile.enable()
        started = time.perf_counter()
        result = await bulk_shipping.ship_many(rows, notify_customer=True, actor="bench")
        elapsed = time.perf_counter() - started
        if profile:
            import pstats

            profile.disable()
            pstats.Stats(profile).sort_stats("cumulative").print_stats(40)
        assert len(result.changed) == len(numbers), result.skipped
        print(f"bulk mark shipped, {len(numbers)} orders, one transaction: {elapsed:.2f} s")
    finally:
        await transaction.stop()


if __name__ == "__main__":
    asyncio.run(main())
