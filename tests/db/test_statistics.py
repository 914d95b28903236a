"""Bulk loads and migrations leave the planner with statistics, on both engines.

Without them PostgreSQL guesses the size of tables filled by COPY until autovacuum gets to
them, and SQLite has none at all (``sqlite_stat1`` empty): both may then pick a scan of a
million orders. The proof is the planner's row estimate matching the table once done.
"""

from __future__ import annotations

from datetime import datetime, timezone

from dashboard.db.migrate import migrate
from dashboard.db.tables import Order, Product
from dashboard.services.demo.shop import load_demo_data
from tests.conftest import ENGINE
from tests.factories import add_product

NOW = datetime(2026, 3, 16, 10, tzinfo=timezone.utc)


async def _database_now() -> datetime:
    if ENGINE == "postgres":
        return (await Order.raw("SELECT now() AS now"))[0]["now"]
    return datetime.now(timezone.utc)


async def _planner_rows(table: str, since: datetime) -> int | None:
    """The planner's row count for ``table``, or None if it was not analysed after ``since``."""
    if ENGINE == "postgres":
        rows = await Order.raw(
            "SELECT c.reltuples AS rows, s.last_analyze AS analysed FROM pg_class c "
            "JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.relname = {}", table)
        row = rows[0]
        if row["analysed"] is None or row["analysed"] < since:
            return None
        return int(row["rows"])
    rows = await Order.raw('SELECT "stat" FROM sqlite_stat1 WHERE "tbl" = {}', table)
    if not rows:
        return None
    return int(rows[0]["stat"].split()[0])  # "rows [rows per key ...]"


async def test_demo_data_leaves_statistics_for_the_tables_it_filled():
    since = await _database_now()
    await load_demo_data(orders=300, seed=7, now=NOW, chunk=120)
    assert await _planner_rows("orders", since) == await Order.count() == 300
    assert await _planner_rows("product", since) == await Product.count()


async def test_migrate_refreshes_the_statistics():
    since = await _database_now()
    for sku in ("STAT-1", "STAT-2", "STAT-3"):
        await add_product(sku, on_hand=1)
    await migrate()  # nothing pending: only the statistics change
    assert await _planner_rows("product", since) == 3
