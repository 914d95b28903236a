"""Hand-written: business customers' company and EU VAT number (Factur-X buyer).

Plain columns with an empty default, added the same way on both engines (SQLite's
ALTER TABLE ADD COLUMN accepts them: no constraint is involved).
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns.column_types import Varchar
from piccolo.columns.indexes import IndexMethod

ID = "2026-12-04T21:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "customer company and VAT number"

_COLUMNS = (
    ("Order", "orders", "customer_company", 200),
    ("Order", "orders", "customer_vat_number", 40),
    ("Customer", "customer", "vat_number", 40),
)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="dashboard", description=DESCRIPTION)
    for class_name, tablename, column, length in _COLUMNS:
        manager.add_column(
            table_class_name=class_name, tablename=tablename, column_name=column,
            db_column_name=column, column_class_name="Varchar", column_class=Varchar,
            params={"length": length, "default": "", "null": False, "primary_key": False,
                    "unique": False, "index": False, "index_method": IndexMethod.btree,
                    "choices": None, "db_column_name": None, "secret": False},
            schema=None)
    return manager
