"""Hand-written: composite and search indexes that Piccolo's auto-migrations cannot express.

Keyset pagination of the orders list walks (placed_at, id) backwards; the queues filter
on a status then sort by date. On PostgreSQL, pg_trgm serves the search-as-you-type over
``search_text`` (accent-free, lower-cased by the services).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-27T03:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "composite and search indexes"

_COMMON = [
    'CREATE INDEX orders_placed_at_id ON "orders" ("placed_at" DESC, "id" DESC)',
    'CREATE INDEX orders_status_placed_at ON "orders" ("status", "placed_at" DESC)',
    'CREATE INDEX orders_payment_status_placed_at ON "orders" ("payment_status", "placed_at" DESC)',
    'CREATE INDEX orders_fulfilment_status_placed_at ON "orders" ("fulfilment_status", "placed_at" DESC)',
    'CREATE INDEX orders_payment_method_placed_at ON "orders" ("payment_method", "placed_at" DESC)',
    'CREATE INDEX orders_customer_placed_at ON "orders" ("customer", "placed_at" DESC)',
    'CREATE INDEX order_event_order_occurred ON "order_event" ("order", "occurred_at")',
    'CREATE INDEX customer_phone ON "customer" ("phone")',
]

_POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    'CREATE INDEX orders_search_trgm ON "orders" USING gin ("search_text" gin_trgm_ops)',
    'CREATE INDEX customer_search_trgm ON "customer" USING gin ("search_text" gin_trgm_ops)',
]


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="dashboard", description=DESCRIPTION)

    async def run():
        from dashboard.db.tables import Order

        db = Order._meta.db
        statements = list(_COMMON)
        if db.engine_type == "postgres":
            statements += _POSTGRES
        for statement in statements:
            await db.run_ddl(statement)

    manager.add_raw(run)
    return manager
