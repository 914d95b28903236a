"""Piccolo's configuration module: ``DATABASE_URL`` picks the engine.

SQLite gets a busy timeout (writers wait instead of failing with "database is locked");
PostgreSQL goes through asyncpg, with the pool opened in the app's lifespan.
"""

from piccolo.conf.apps import AppRegistry
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine

from dashboard.db import sqlite_compat
from dashboard.settings import get_settings

sqlite_compat.install()

_settings = get_settings()

if _settings.is_postgres:
    # Custom plans for every execution: asyncpg prepares statements, and after five runs
    # PostgreSQL may switch to a generic plan that cannot see the search pattern, ignores
    # the trigram index and scans a million rows (measured: 15 ms -> 1.2 s per search).
    DB = PostgresEngine(config={"dsn": _settings.database_url,
                                "server_settings": {"plan_cache_mode": "force_custom_plan"}},
                        log_queries=False)
else:
    _settings.sqlite_path.parent.mkdir(parents=True, exist_ok=True)
    DB = SQLiteEngine(path=str(_settings.sqlite_path), timeout=30)

APP_REGISTRY = AppRegistry(apps=["dashboard.db.piccolo_app"])
