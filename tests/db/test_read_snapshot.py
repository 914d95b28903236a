"""read_snapshot(): a read-only use-case's queries share one connection and see one state
of the data; a write inside is refused and leaves nothing (both engines)."""

from __future__ import annotations

import asyncio
import contextvars

import pytest

from dashboard.db.tables import WebhookEndpoint
from dashboard.db.transaction import engine, read_snapshot, write_transaction


async def _count() -> int:
    return await WebhookEndpoint.count()


async def _add(url: str) -> None:
    async with write_transaction():
        await WebhookEndpoint.insert(WebhookEndpoint(url=url, secret="whsec_x"))


async def test_queries_inside_see_one_state_while_another_request_writes():
    await _add("http://before")
    async with read_snapshot():
        assert await _count() == 1
        # Another request (its own context: no transaction to join) commits meanwhile.
        await asyncio.create_task(_add("http://meanwhile"), context=contextvars.Context())
        assert await _count() == 1
    assert await _count() == 2


async def test_queries_inside_share_one_connection():
    async with read_snapshot():
        first = engine().current_transaction.get()
        await _count()
        await _count()
        assert first is not None and engine().current_transaction.get() is first
    assert engine().current_transaction.get() is None


async def test_a_write_inside_is_refused_and_nothing_is_kept():
    with pytest.raises(Exception) as refused:
        async with read_snapshot():
            await WebhookEndpoint.insert(WebhookEndpoint(url="http://sneaky", secret="whsec_x"))
    assert "read" in str(refused.value).lower()  # "readonly" / "read-only transaction"
    assert await _count() == 0


async def test_inside_a_write_transaction_it_joins_it():
    async with write_transaction():
        outer = engine().current_transaction.get()
        async with read_snapshot():
            assert engine().current_transaction.get() is outer
            await WebhookEndpoint.insert(WebhookEndpoint(url="http://joined", secret="whsec_x"))
    assert await _count() == 1


async def test_small_reads_plan_no_parallel_workers_and_leave_the_pool_as_it_was():
    await _add("http://one")
    if engine().engine_type == "sqlite":  # no parallel plans: only the snapshot applies
        async with read_snapshot(parallel=False):
            assert await _count() == 1
        return

    async def workers() -> str:
        rows = await engine().run_ddl("SHOW max_parallel_workers_per_gather")
        return rows[0]["max_parallel_workers_per_gather"]

    default = await workers()
    assert default != "0"
    async with read_snapshot(parallel=False):
        assert await workers() == "0"
        assert await _count() == 1
    async with read_snapshot():
        assert await workers() == default
    assert await workers() == default  # SET LOCAL: gone with the transaction
