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
    # One row per index, "rows [rows per key ...]"; a partial index counts only its rows.
    return max(int(row["stat"].split()[0]) for row in rows)


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


async def test_the_orders_holding_a_product_are_read_from_the_index_alone():
    """A search naming a product lists ``orders.id IN (SELECT "order" FROM order_line
    WHERE product IN (...))``: straight after a demo load that subquery must not read the
    lines themselves (80-150 ms for a popular product of a million orders)."""
    await load_demo_data(orders=300, seed=7, now=NOW, chunk=120)
    subquery = 'SELECT "order" FROM order_line WHERE product IN (1, 2)'
    if ENGINE == "postgres":
        rows = await Order.raw("SELECT relpages, relallvisible FROM pg_class "
                               "WHERE relname = 'order_line'")
        assert rows[0]["relpages"] > 0
        assert rows[0]["relallvisible"] == rows[0]["relpages"]  # vacuumed: no heap visits
        async with Order._meta.db.transaction():  # one connection for both statements
            await Order.raw("SET LOCAL enable_seqscan = off")  # 300 orders: a scan is cheaper
            plan = "\n".join(r["QUERY PLAN"] for r in await Order.raw("EXPLAIN " + subquery))
        assert "Index Only Scan using order_line_product_order" in plan
    else:
        plan = " ".join(r["detail"] for r in await Order.raw("EXPLAIN QUERY PLAN " + subquery))
        assert "COVERING INDEX order_line_product_order" in plan
