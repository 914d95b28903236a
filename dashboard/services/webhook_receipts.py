"""Exactly-once processing of what other systems push to us (payment and carrier webhooks,
ShipStation's ship notices).

The sender's message id is stored in ``ReceivedWebhook`` in the same write transaction as
the effect: a redelivery finds it and changes nothing, and a refusal (unknown order, bad
data) rolls the id back with everything else, so a corrected retry is still processed.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from dashboard.db.tables import ReceivedWebhook
from dashboard.db.transaction import write_transaction
from dashboard.domain.errors import DomainError, StaleVersion

log = logging.getLogger(__name__)
T = TypeVar("T")
STALE_RETRIES = 3
DUPLICATE = "duplicate"


async def retry_on_stale(use_case: Callable[[], Awaitable[T]]) -> T:
    """Run ``use_case`` in its own write transaction, again if a concurrent writer won.

    Only for automatic callers (webhooks, the worker): they cannot ask anyone to reload.
    """
    for attempt in range(STALE_RETRIES):
        try:
            async with write_transaction():
                return await use_case()
        except StaleVersion:
            if attempt == STALE_RETRIES - 1:
                raise
            log.info("order changed meanwhile, retrying (%d)", attempt + 1)
    raise AssertionError("unreachable")


def _is_unique_violation(exc: Exception) -> bool:
    text = f"{type(exc).__name__} {exc}".lower()
    return "unique" in text or "integrityerror" in text


async def process_once(source: str, message_id: str, event_type: str,
                       apply: Callable[[], Awaitable[str]]) -> str:
    """``apply()`` once per (source, message id); its answer, or ``"duplicate"``.

    Domain errors raised by ``apply`` propagate (nothing is stored). Two deliveries of one
    id at the same instant: the loser hits the unique (source, webhook_id) constraint after
    the winner committed, and is answered ``"duplicate"`` too.
    """

    async def use_case() -> str:
        if await ReceivedWebhook.exists().where(
                (ReceivedWebhook.source == source) & (ReceivedWebhook.webhook_id == message_id)):
            return DUPLICATE
        await ReceivedWebhook.insert(ReceivedWebhook(source=source, webhook_id=message_id[:200],
                                                     event_type=event_type[:60]))
        return await apply()

    try:
        return await retry_on_stale(use_case)
    except DomainError:
        raise
    except Exception as exc:
        if _is_unique_violation(exc):
            return DUPLICATE
        raise
