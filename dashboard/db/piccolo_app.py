"""The single Piccolo app: all tables, one migrations folder."""

import os

from piccolo.conf.apps import AppConfig, table_finder

from dashboard.db.tables import TABLE_MODULES

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="dashboard",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "migrations"),
    table_classes=table_finder(modules=TABLE_MODULES, exclude_imported=True),
    migration_dependencies=[],
    commands=[],
)
