"""Time ``load_demo_data`` for N orders against ``DATABASE_URL`` (migrated first).

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/bench .venv/bin/python bench/demo_data.py 1000000

The database must hold no orders (the loader refuses otherwise). Prints the loader's
summary, the wall-clock time and the rows per table.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import dashboard  # noqa: E402,F401  (sets PICCOLO_CONF)
from dashboard.db import transaction  # noqa: E402
from dashboard.db.migrate import migrate  # noqa: E402
from dashboard.services.demo.shop import load_demo_data  # noqa: E402

TABLES = ("orders", "order_line", "payment", "shipment", "shipment_line", "order_event", "customer")


async def run(orders: int, seed: int) -> None:
    await migrate()
    await transaction.start()
    try:
        started = time.perf_counter()
        summary = await load_demo_data(orders=orders, seed=seed)
        seconds = time.perf_counter() - started
        counts = {table: await _count(table) for table in TABLES}
    finally:
        await transaction.stop()
    engine = "sqlite" if transaction.is_sqlite() else "postgresql"
    print(summary)
    print(f"engine={engine} orders={orders} seconds={seconds:.1f} cpus={os.cpu_count()} "
          f"python={platform.python_version()}")
    print("rows: " + ", ".join(f"{t}={n}" for t, n in counts.items()))


async def _count(table: str) -> int:
    from dashboard.db.tables import Order

    rows = await Order.raw(f'SELECT COUNT(*) AS n FROM "{table}"')
    return rows[0]["n"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("orders", type=int)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    asyncio.run(run(args.orders, args.seed))


if __name__ == "__main__":
    main()
