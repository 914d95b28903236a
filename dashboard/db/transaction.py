"""The one way to open a write transaction, and the engine's lifecycle.

SQLite: ``BEGIN IMMEDIATE`` takes the write lock up front, so concurrent writers queue on
the busy timeout instead of failing with "database is locked" half-way through.
PostgreSQL: a plain transaction on a pooled connection; stock and counters are changed by
atomic conditional updates. Paths that touch both stock and orders take their row locks in
one global order (the products' stock rows by id, then the orders), see
``dashboard.services.stock.inventory.lock_products``; what deadlocks anyway (or fails
to serialise) is retried once as a whole by ``retry_on_conflict``.
Inside it, ``savepoint()`` lets one part fail without the rest (both engines).
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import ParamSpec, TypeVar

from piccolo.engine.base import Engine
from piccolo.engine.postgres import Savepoint as PostgresSavepoint
from piccolo.engine.sqlite import Savepoint as SQLiteSavepoint
from piccolo.engine.sqlite import TransactionType

Savepoint = PostgresSavepoint | SQLiteSavepoint  # same interface: rollback_to(), release()

log = logging.getLogger(__name__)
P = ParamSpec("P")
R = TypeVar("R")

# PostgreSQL's "deadlock detected" and "could not serialize access": the server rolled
# the transaction back, and running it again from the start normally succeeds.
RETRYABLE_SQLSTATES = frozenset({"40P01", "40001"})


_engine: Engine | None = None


def engine() -> Engine:
    global _engine
    if _engine is None:  # imported late: piccolo_conf reads the settings
        from dashboard.db.piccolo_conf import DB

        _engine = DB
    return _engine


def is_sqlite() -> bool:
    return engine().engine_type == "sqlite"


@asynccontextmanager
async def write_transaction() -> AsyncIterator[None]:
    """Open the use-case's single write transaction (nested calls join the outer one)."""
    db = engine()
    if db.transaction_exists():
        yield
        return
    if db.engine_type == "sqlite":
        async with db.transaction(transaction_type=TransactionType.immediate):
            yield
    else:
        async with db.transaction():
            yield


@asynccontextmanager
async def read_snapshot(*, parallel: bool = True) -> AsyncIterator[None]:
    """Run a read-only use-case's queries on one connection, from one state of the data.

    SQLite: outside a transaction Piccolo opens a new connection (and its thread) for every
    query, which costs more than an indexed query itself (a list fragment sends up to ten);
    here one ``BEGIN DEFERRED`` connection serves them all, reading one WAL snapshot, so the
    tabs' counts agree with the rows. PostgreSQL: one pooled connection in a ``REPEATABLE
    READ`` transaction, for the same agreement. Both engines refuse a write inside
    (``PRAGMA query_only``, ``READ ONLY``). Inside another transaction it joins that one.
    ``parallel=False``, for small reads (a page, a capped count): PostgreSQL plans no
    parallel workers, whose start-up costs more than such a read (a common product's page
    at 1M orders: 39 ms with two workers, 9 ms without).
    """
    db = engine()
    if db.transaction_exists():
        yield
        return
    async with db.transaction():
        if db.engine_type == "sqlite":
            await db.run_ddl("PRAGMA query_only = 1")
        else:
            await db.run_ddl("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            if not parallel:
                await db.run_ddl("SET LOCAL max_parallel_workers_per_gather = 0")
        yield


def is_retryable_conflict(exc: BaseException) -> bool:
    """True for a deadlock (40P01) or a serialisation failure (40001), also when wrapped
    (``raise ... from`` the asyncpg error)."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if getattr(current, "sqlstate", None) in RETRYABLE_SQLSTATES:
            return True
        current = current.__cause__
    return False


def retry_on_conflict(work: Callable[P, Awaitable[R]]) -> Callable[P, Awaitable[R]]:
    """Run a use-case (which opens its own ``write_transaction()``) again, once, from the
    start, if the database rolled it back for a deadlock or a serialisation failure.

    The whole unit of work is re-run, never just the last statement: everything it wrote
    (history, outbox rows) was rolled back with it, so the retry duplicates nothing. Work
    with effects outside the database must do them after commit. Called inside an open
    transaction, it does not retry: the outer unit of work is the one to run again. A
    second conflict is raised as it is.
    """

    @functools.wraps(work)
    async def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if engine().transaction_exists():
            return await work(*args, **kwargs)
        try:
            return await work(*args, **kwargs)
        except Exception as exc:
            if not is_retryable_conflict(exc):
                raise
            log.warning("%s: %s, running the transaction again", work.__qualname__,
                        getattr(exc, "sqlstate", type(exc).__name__))
        return await work(*args, **kwargs)

    return run


@asynccontextmanager
async def savepoint() -> AsyncIterator[Savepoint]:
    """A part of the open write transaction that may fail alone (``SAVEPOINT``).

    If the block raises, what it wrote is undone (``ROLLBACK TO SAVEPOINT``) and the
    exception goes on, so a caller that catches it keeps the rest of the transaction: a
    bulk action then reports that one order and goes on with the others. The block may
    also undo its writes itself with ``rollback_to()`` on what it is given, and carry on.
    Raises ``RuntimeError`` outside ``write_transaction()``.
    """
    transaction = engine().current_transaction.get()
    if transaction is None:
        raise RuntimeError("savepoint() needs an open write_transaction()")
    point = await transaction.savepoint()
    try:
        yield point
    except Exception:
        await point.rollback_to()
        raise
    await point.release()


async def start() -> None:
    """Open the PostgreSQL pool, or put SQLite in WAL mode (readers never block writers)."""
    db = engine()
    if db.engine_type == "postgres":
        await db.start_connection_pool(min_size=2, max_size=10, reset=_keep_session)
    else:
        await db.run_ddl("PRAGMA journal_mode=WAL")
        # Refresh the planner's statistics when they are missing or stale: without them
        # SQLite picks a low-selectivity index and sorts (45 ms instead of 2 ms per page).
        await db.run_ddl("PRAGMA optimize=0x10002")


async def _keep_session(connection) -> None:
    """Nothing to undo when a connection goes back to the pool: asyncpg has already rolled
    back any transaction left open, and the app keeps no session state (no LISTEN, no
    session advisory lock, no SET). asyncpg's default reset costs a round trip per
    transaction (RESET ALL, UNLISTEN *...), ~5 % of an order's intake."""


async def stop() -> None:
    db = engine()
    if db.engine_type == "postgres":
        await db.close_connection_pool()


async def refresh_statistics(*, bulk_load: bool = False) -> None:
    """Give the query planner fresh statistics after a bulk load or a migration.

    PostgreSQL's autovacuum analyses a table only after a while, and a table filled by
    COPY inside one transaction has no statistics until then: the planner guesses and
    may scan a million orders. ``ANALYZE`` samples each table (seconds for a million
    orders). After a ``bulk_load`` PostgreSQL also vacuums (25 s for a million orders):
    until a table's pages are marked all-visible, an index-only scan (the orders holding
    a product) still reads every row it finds from the table. SQLite keeps no statistics
    at all until ``ANALYZE`` fills ``sqlite_stat1``; ``PRAGMA optimize`` then records
    that they are current. Raises what the engine raises.
    """
    db = engine()
    await db.run_ddl("VACUUM (ANALYZE)" if bulk_load and db.engine_type == "postgres"
                     else "ANALYZE")
    if db.engine_type == "sqlite":
        await db.run_ddl("PRAGMA optimize")


async def ping(timeout: float = 5.0) -> bool:
    """Whether the database answers ``SELECT 1`` within ``timeout`` seconds: a server that
    stopped answering would otherwise hold the health check for asyncpg's 60 s."""
    try:
        await asyncio.wait_for(engine().run_ddl("SELECT 1"), timeout)
        return True
    except Exception:  # noqa: BLE001 - any failure means "not healthy"
        return False
