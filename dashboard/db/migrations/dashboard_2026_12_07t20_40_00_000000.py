"""Hand-written: an index on order lines by product, then order (issue 15).

A search that names a product lists the orders holding it: ``orders.id IN (SELECT "order"
FROM order_line WHERE product IN (...))``. With only ``order_line_product`` PostgreSQL read
every line of the product from the table to get its order id: a product on 24,000 of a
million orders cost 80-150 ms per query, the page and its count each. With the order id in
the index the same subquery is an index-only scan (1-2 ms). SQLite answers the subquery
from the index alone too (a covering index).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T20:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "order lines indexed by product and order"

INDEX = 'CREATE INDEX order_line_product_order ON "order_line" ("product", "order")'


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="dashboard", description=DESCRIPTION)

    async def run():
        from dashboard.db.tables import Order

        await Order._meta.db.run_ddl(INDEX)

    manager.add_raw(run)
    return manager
