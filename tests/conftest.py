"""Test set-up shared by every layer.

The suite runs once per engine (``TEST_ENGINE=sqlite`` or ``postgres``, see
scripts/test.sh). The engine is chosen here, before anything imports the dashboard, on a
throw-away database: a temporary SQLite file, or a fresh PostgreSQL database dropped at the
end. Every test but the pure domain ones starts from empty tables.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
import uuid

import pytest

pytest_plugins = ["tests.smtp_server"]  # the smtp_server fixture

ENGINE = os.environ.get("TEST_ENGINE", "sqlite")
POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")

_tmp = tempfile.mkdtemp(prefix="dashboard-test-")
os.environ["DASHBOARD_VAR_DIR"] = _tmp
os.environ["DASHBOARD_SECRET_KEY"] = "test-secret-key"
for _name in ("SMTP_URL", "DASHBOARD_MERCHANT_EMAIL", "DASHBOARD_FROM_EMAIL",
              "DASHBOARD_PAYMENT_WEBHOOK_SECRET", "DASHBOARD_CARRIER_WEBHOOK_SECRET"):
    os.environ.pop(_name, None)
_pg_database: str | None = None

if ENGINE == "postgres":
    import asyncpg

    _pg_database = f"dashboard_test_{uuid.uuid4().hex[:10]}"

    async def _create() -> None:
        conn = await asyncpg.connect(POSTGRES_ADMIN_URL)
        try:
            await conn.execute(f'CREATE DATABASE "{_pg_database}"')
        finally:
            await conn.close()

    asyncio.run(_create())
    os.environ["DATABASE_URL"] = POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + "/" + _pg_database
elif ENGINE == "sqlite":
    os.environ["DATABASE_URL"] = f"sqlite:///{_tmp}/test.sqlite3"
else:
    raise SystemExit(f"TEST_ENGINE must be sqlite or postgres, not {ENGINE!r}")

import dashboard  # noqa: E402,F401  (sets PICCOLO_CONF)
from dashboard.db import transaction  # noqa: E402
from dashboard.db.migrate import migrate  # noqa: E402
from dashboard.domain.printing.numbering import ORDER_NUMBER_SEQUENCE  # noqa: E402


def pytest_collection_modifyitems(config, items):
    """PostgreSQL-only tests are deselected (not skipped) in the SQLite pass."""
    if ENGINE == "postgres":
        return
    deselected = [item for item in items if item.get_closest_marker("postgres_only")]
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = [item for item in items if not item.get_closest_marker("postgres_only")]


@pytest.fixture(scope="session", autouse=True)
async def database():
    """Migrate the throw-away database from empty, open the pool, drop it all at the end."""
    # A second pytest run in the same process (mutmut runs several) finds _tmp removed.
    os.makedirs(_tmp, exist_ok=True)
    await migrate()
    await transaction.start()
    yield
    await transaction.stop()
    if _pg_database:
        conn = await asyncpg.connect(POSTGRES_ADMIN_URL)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{_pg_database}" WITH (FORCE)')
        finally:
            await conn.close()
    shutil.rmtree(_tmp, ignore_errors=True)


_CLEAN_SQL: str | None = None


async def truncate_all() -> None:
    """Empty every table in one round trip: DELETE children before parents.

    DELETE on small tables is much cheaper than TRUNCATE's per-table fixed cost on
    PostgreSQL; ids are not reset, so tests never rely on them.
    """
    global _CLEAN_SQL
    if _CLEAN_SQL is None:
        from piccolo.table import sort_table_classes

        from dashboard.db.piccolo_app import APP_CONFIG

        tables = sort_table_classes(list(APP_CONFIG.table_classes))
        _CLEAN_SQL = "; ".join(f'DELETE FROM "{t._meta.tablename}"' for t in reversed(tables))
    db = transaction.engine()
    if db.engine_type == "postgres":
        async with db.pool.acquire() as connection:  # asyncpg runs a multi-statement script
            await connection.execute(f"{_CLEAN_SQL}; ALTER SEQUENCE {ORDER_NUMBER_SEQUENCE} RESTART")
    else:
        async with transaction.write_transaction():
            for statement in _CLEAN_SQL.split("; "):
                await db.run_ddl(statement)


@pytest.fixture(autouse=True)
async def clean_tables(request):
    if "domain" not in request.node.path.parts:
        await truncate_all()
    yield


@pytest.fixture
def configure(monkeypatch):
    """``configure(DASHBOARD_SEND_RECEIPTS="off", ...)``: settings for one test (None unsets)."""
    from dashboard.settings import get_settings

    def _set(**variables: str | None) -> None:
        for name, value in variables.items():
            if value is None:
                monkeypatch.delenv(name, raising=False)
            else:
                monkeypatch.setenv(name, value)
        get_settings.cache_clear()

    yield _set
    monkeypatch.undo()
    get_settings.cache_clear()


# --- HTTP clients -------------------------------------------------------------------------

PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def app():
    from dashboard.app import create_app

    return create_app()


@pytest.fixture
async def client(app):
    """An anonymous browser: cookies kept, no redirects followed, app in this test's loop."""
    import httpx

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
        yield http


async def csrf_token(http) -> str:
    """The CSRF token, as a browser gets it: from the cookie set by any GET page."""
    if "csrftoken" not in http.cookies:
        await http.get("/login")
    return http.cookies["csrftoken"]


async def sign_in(http, username: str, password: str = PASSWORD):
    token = await csrf_token(http)
    return await http.post("/login", data={"username": username, "password": password,
                                            "_csrf_token": token})


@pytest.fixture
def login_as(client):
    """``await login_as("dispatch")`` creates a user with that role and signs the client in
    (interface in English unless ``locale="fr"``)."""
    from dashboard.services.staff.auth import create_user

    async def _login(role: str, username: str | None = None, locale: str = "en"):
        # English by default so that assertions read like the code; French is tested
        # where the language is the point.
        username = username or f"{role}-user"
        await create_user(username, role, PASSWORD, locale=locale)
        response = await sign_in(client, username)
        assert response.status_code == 303, response.text
        client.headers["x-csrftoken"] = client.cookies["csrftoken"]
        return client

    return _login


@pytest.fixture
async def api_key():
    from dashboard.services.staff.auth import create_api_key

    return await create_api_key("test shop")


@pytest.fixture(scope="session", autouse=True)
def fast_password_hashing():
    """Argon2 with production cost takes ~0.25 s per hash here; tests need the rules, not the cost."""
    from argon2 import PasswordHasher

    from dashboard.services.staff import auth

    auth._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    auth._DUMMY_HASH = auth._hasher.hash("timing only")
    yield
