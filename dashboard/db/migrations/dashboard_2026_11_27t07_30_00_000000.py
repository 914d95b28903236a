"""Hand-written: order numbers from a SEQUENCE on PostgreSQL.

A counter row stays locked until its transaction commits, so every order waited for the
previous order's commit (fsync included) before it could take a number: intake could not
pass ~220 orders/s whatever the CPU. A SEQUENCE hands out values without that lock.
It continues from the counter row when one exists (demo data, orders already placed).
SQLite keeps the row: its writers are serialised anyway.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from dashboard.domain.printing.numbering import (
    FIRST_ORDER_NUMBER, ORDER_NUMBER_SEQUENCE, ORDER_SEQUENCE_KIND, ORDER_SEQUENCE_YEAR,
)

ID = "2026-11-27T07:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "order number sequence"


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="dashboard", description=DESCRIPTION)

    async def run():
        from dashboard.db.tables import Order

        db = Order._meta.db
        if db.engine_type != "postgres":
            return
        await db.run_ddl(f"CREATE SEQUENCE {ORDER_NUMBER_SEQUENCE} AS bigint "
                         f"MINVALUE 1 START {FIRST_ORDER_NUMBER}")
        await db.run_ddl(
            f"SELECT setval('{ORDER_NUMBER_SEQUENCE}', last_value) FROM document_sequence "
            f"WHERE kind = '{ORDER_SEQUENCE_KIND}' AND year = {ORDER_SEQUENCE_YEAR}")

    manager.add_raw(run)
    return manager
