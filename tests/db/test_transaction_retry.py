"""retry_on_conflict(): a use-case rolled back for a deadlock (40P01) or a serialisation
failure (40001) runs again once, from the start; a second conflict is raised (both engines)."""

from __future__ import annotations

import asyncpg
import pytest

from dashboard.db.tables import OutboxWebhook, WebhookEndpoint
from dashboard.db.transaction import is_retryable_conflict, retry_on_conflict, write_transaction
from dashboard.services.orders import intake as order_service
from dashboard.services import stock as stock_api
from dashboard.services.stock import inventory
from tests.factories import add_product, assert_stock_invariant, make_draft


def _deadlock() -> Exception:
    return asyncpg.exceptions.DeadlockDetectedError("deadlock detected")


async def _urls() -> list[str]:
    return [row["url"] for row in await WebhookEndpoint.select(WebhookEndpoint.url)]


async def test_a_transaction_hitting_a_deadlock_once_is_run_again_and_succeeds():
    calls = []

    @retry_on_conflict
    async def work() -> str:
        calls.append(1)
        async with write_transaction():
            await WebhookEndpoint.insert(WebhookEndpoint(url=f"http://try/{len(calls)}",
                                                         secret="whsec_x"))
            if len(calls) == 1:
                raise _deadlock()
        return "done"

    assert await work() == "done"
    assert len(calls) == 2
    assert await _urls() == ["http://try/2"]  # the first try's write was rolled back


async def test_a_transaction_hitting_a_conflict_twice_raises_it():
    calls = []

    @retry_on_conflict
    async def work() -> None:
        calls.append(1)
        async with write_transaction():
            await WebhookEndpoint.insert(WebhookEndpoint(url="http://never", secret="whsec_x"))
            raise asyncpg.exceptions.SerializationError("could not serialize access")

    with pytest.raises(asyncpg.exceptions.SerializationError):
        await work()
    assert len(calls) == 2 and await _urls() == []


async def test_other_errors_are_not_retried():
    calls = []

    @retry_on_conflict
    async def work() -> None:
        calls.append(1)
        async with write_transaction():
            raise asyncpg.exceptions.UniqueViolationError("duplicate key")

    with pytest.raises(asyncpg.exceptions.UniqueViolationError):
        await work()
    assert len(calls) == 1


async def test_inside_an_open_transaction_the_outer_unit_of_work_is_the_one_retried():
    calls = []

    @retry_on_conflict
    async def inner() -> None:
        calls.append(1)
        raise _deadlock()

    with pytest.raises(asyncpg.exceptions.DeadlockDetectedError):
        async with write_transaction():
            await inner()
    assert len(calls) == 1


def test_a_wrapped_conflict_is_recognised():
    try:
        try:
            raise _deadlock()
        except Exception as exc:
            raise RuntimeError("while cancelling") from exc
    except RuntimeError as wrapped:
        assert is_retryable_conflict(wrapped)
    assert not is_retryable_conflict(ValueError("40P01"))


async def test_a_cancellation_retried_after_a_deadlock_queues_its_webhook_once(monkeypatch):
    """The outbox row is written inside the transaction: the retry does not duplicate it."""
    await WebhookEndpoint.insert(WebhookEndpoint(url="http://127.0.0.1:9/hook", secret="whsec_x"))
    await add_product("RETRY-MUG", 5)
    await add_product("RETRY-CUP", 0, backorder=True)
    placed = await order_service.place_order(make_draft(("RETRY-MUG", 2), ("RETRY-CUP", 1)),
                                             actor="api:shop")
    real = inventory.allocate_waiting
    failures = [_deadlock()]

    async def allocate_once_deadlocked(product_id: int, *, actor: str) -> int:
        if failures:  # after the order, its stock and its webhook row were written
            raise failures.pop()
        return await real(product_id, actor=actor)

    monkeypatch.setattr(stock_api, "allocate_waiting", allocate_once_deadlocked)
    await order_service.cancel_order(placed.number, "client", actor="staff:anne")
    assert not failures
    rows = await OutboxWebhook.select(OutboxWebhook.event_type).where(
        OutboxWebhook.event_type == "order.cancelled")
    assert len(rows) == 1
    assert (await inventory.stock_level("RETRY-MUG")).reserved == 0
    await assert_stock_invariant(["RETRY-MUG", "RETRY-CUP"])
