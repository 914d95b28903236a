"""Hand-written: the indexes the orders list needs at a million orders (issue 15).

An index on order lines by product, then order.
A search that names a product lists the orders holding it: ``orders.id IN (SELECT "order"
FROM order_line WHERE product IN (...))``. With only ``order_line_product`` PostgreSQL read
every line of the product from the table to get its order id: a product on 24,000 of a
million orders cost 80-150 ms per query, the page and its count each. With the order id in
the index the same subquery is an index-only scan (1-2 ms). SQLite answers the subquery
from the index alone too (a covering index).

An index on orders by payment method, payment status, then date: the unpaid bank
transfers queue combined two single-column bitmaps of 60,000 and 125,000 rows to count
its first 1,001 orders (42 ms); this index walks them in date order (1 ms), for the
count and the page alike.

A partial index of the backordered orders (under 1 % of them), by date: counting them
was a table scan that stopped at the 1,001st (2-500 ms, as far as PostgreSQL's
synchronised scans had left their start point). The list's clause is the literal
``backordered_quantity > 0``, so SQLite, which matches a partial index only against a
literal, uses it too.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T20:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "indexes for product searches, payment queues and backorders"

INDEXES = [
    'CREATE INDEX order_line_product_order ON "order_line" ("product", "order")',
    'CREATE INDEX orders_payment_method_status_placed_at '
    'ON "orders" ("payment_method", "payment_status", "placed_at" DESC)',
    'CREATE INDEX orders_backordered_placed_at ON "orders" ("placed_at" DESC, "id" DESC) '
    'WHERE "backordered_quantity" > 0',
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="dashboard", description=DESCRIPTION)

    async def run():
        from dashboard.db.tables import Order

        for statement in INDEXES:
            await Order._meta.db.run_ddl(statement)

    manager.add_raw(run)
    return manager
