"""While the database is out of reach: 503 + Retry-After everywhere, and back without a restart.

For real on each engine, against ``dashboard serve`` in its own process:
- PostgreSQL: the server reaches PostgreSQL through a TCP relay the test owns; cutting it
  closes the pool's connections and leaves nothing listening on the port (connection
  refused), restoring it lets the pool reconnect by itself.
- SQLite: the database file's directory is moved away ("unable to open database file").
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg.exceptions as pg
import httpx

from dashboard.services.health import database_unavailable
from dashboard.services.staff.auth import create_api_key, create_user
from tests.conftest import ENGINE, PASSWORD
from tests.e2e.conftest import _free_port, serving


class Relay:
    """A TCP relay to the database that can be cut (port closed, links dropped) and restored."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = _free_port()
        self.loop = asyncio.new_event_loop()
        self.server: asyncio.Server | None = None
        self.links: set[asyncio.StreamWriter] = set()
        threading.Thread(target=self.loop.run_forever, daemon=True).start()
        self.restore()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _link(self, client_reader, client_writer) -> None:
        server_reader, server_writer = await asyncio.open_connection(*self.target)
        self.links |= {client_writer, server_writer}
        await asyncio.gather(self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer))

    def _run(self, coro):
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(10)

    def restore(self) -> None:
        async def start():
            self.server = await asyncio.start_server(self._link, "127.0.0.1", self.port)
        self._run(start())

    def cut(self) -> None:
        async def stop():
            self.server.close()
            for writer in self.links:
                writer.transport.abort()
            self.links.clear()
            await self.server.wait_closed()
        self._run(stop())

    def close(self) -> None:
        self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)


@contextmanager
def outage_switch():
    """Yields (extra environment for the server, cut, restore) for the engine under test."""
    url = os.environ["DATABASE_URL"]
    if ENGINE == "postgres":
        parts = urlsplit(url)
        relay = Relay(parts.hostname, parts.port or 5432)
        netloc = parts.netloc.rsplit("@", 1)[0] + f"@127.0.0.1:{relay.port}" if "@" in parts.netloc \
            else f"127.0.0.1:{relay.port}"
        try:
            yield {"DATABASE_URL": urlunsplit(parts._replace(netloc=netloc))}, relay.cut, relay.restore
        finally:
            relay.close()
        return
    folder = Path(url.removeprefix("sqlite:///")).parent
    away = folder.with_name(folder.name + "-away")
    try:
        yield {}, lambda: folder.rename(away), lambda: away.rename(folder)
    finally:
        if away.exists():
            away.rename(folder)


def _sign_in(http: httpx.Client, username: str) -> None:
    http.get("/login")
    response = http.post("/login", data={"username": username, "password": PASSWORD,
                                         "_csrf_token": http.cookies["csrftoken"]})
    assert response.status_code == 303, response.text


async def test_pages_api_and_health_answer_503_while_the_database_is_away_then_recover():
    await create_user("desk", "admin", PASSWORD, locale="fr")
    key = await create_api_key("shop")
    with outage_switch() as (env, cut, restore), serving(**env) as url, \
            httpx.Client(base_url=url, timeout=20) as browser, \
            httpx.Client(base_url=url, timeout=20, headers={"Authorization": f"Bearer {key}"}) as shop:
        _sign_in(browser, "desk")

        def answers():
            return browser.get("/orders"), shop.get("/api/v1/orders"), browser.get("/healthz")

        assert [r.status_code for r in answers()] == [200, 200, 200]
        cut()
        try:
            page, api, health = answers()
            htmx = browser.get("/orders", headers={"HX-Request": "true"})
        finally:
            restore()
        for response in (page, api, health, htmx):
            assert response.status_code == 503, response.text
            assert response.headers["retry-after"] == "30"
        assert page.headers["content-type"].startswith("text/html")
        assert "Service temporairement indisponible" in page.text
        assert "Traceback" not in page.text
        assert 'data-status="503"' in htmx.text
        assert api.headers["content-type"].startswith("application/problem+json")
        assert api.json()["status"] == 503 and api.json()["code"] == "database_unavailable"
        assert health.json() == {"status": "database unreachable"}
        # No restart: the same server process serves again.
        assert [r.status_code for r in answers()] == [200, 200, 200]


def _raise_inside(module_name: str, exc: BaseException) -> BaseException:
    """``exc`` as if raised from a frame of ``module_name`` (to tell the driver's from others)."""
    namespace = {"__name__": module_name}
    exec("def fail(exc):\n    raise exc", namespace)
    try:
        namespace["fail"](exc)
    except BaseException as raised:  # noqa: BLE001
        return raised
    raise AssertionError("unreachable")


def test_connection_failures_of_either_engine_count_as_unavailable():
    assert database_unavailable(pg.ConnectionDoesNotExistError("connection was closed in the middle"))
    assert database_unavailable(pg.AdminShutdownError("terminating connection due to administrator command"))
    assert database_unavailable(pg.CannotConnectNowError("the database system is starting up"))
    assert database_unavailable(pg.TooManyConnectionsError("too many clients"))
    assert database_unavailable(pg.InvalidCatalogNameError('database "x" does not exist'))
    assert database_unavailable(pg.InterfaceError("connection is closed"))
    assert database_unavailable(sqlite3.OperationalError("unable to open database file"))
    assert database_unavailable(sqlite3.OperationalError("database is locked"))
    assert database_unavailable(_raise_inside("asyncpg.connect_utils", ConnectionRefusedError(111, "refused")))
    assert database_unavailable(_raise_inside("asyncpg.pool", TimeoutError()))
    wrapped = RuntimeError("could not load the order")
    wrapped.__cause__ = pg.ConnectionDoesNotExistError("lost")
    assert database_unavailable(wrapped)


def test_bugs_refusals_and_other_services_down_are_not_the_database_being_down():
    assert not database_unavailable(pg.UndefinedTableError('relation "x" does not exist'))
    assert not database_unavailable(pg.PostgresSyntaxError("syntax error"))
    assert not database_unavailable(pg.UniqueViolationError("duplicate key"))
    assert not database_unavailable(pg.QueryCanceledError("canceling statement due to statement timeout"))
    assert not database_unavailable(pg.InterfaceError("cannot perform operation: another operation is in progress"))
    assert not database_unavailable(sqlite3.OperationalError("no such table: orders"))
    assert not database_unavailable(sqlite3.IntegrityError("CHECK constraint failed"))
    # SMTP, a label printer or a webhook target refusing is not the database.
    assert not database_unavailable(_raise_inside("aiosmtplib.smtp", ConnectionRefusedError(111, "refused")))
    assert not database_unavailable(_raise_inside("dashboard.worker.webhooks", TimeoutError()))
    assert not database_unavailable(FileNotFoundError(2, "template"))
    assert not database_unavailable(ValueError("bad input"))
