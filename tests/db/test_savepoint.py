"""savepoint(): one part of a write transaction fails alone, on both engines."""

from __future__ import annotations

import pytest

from dashboard.db.tables import WebhookEndpoint
from dashboard.db.transaction import savepoint, write_transaction


async def _urls() -> list[str]:
    rows = await WebhookEndpoint.select(WebhookEndpoint.url).order_by(WebhookEndpoint.id)
    return [row["url"] for row in rows]


async def test_a_failing_block_undoes_only_its_own_writes():
    async with write_transaction():
        await WebhookEndpoint.insert(WebhookEndpoint(url="http://kept/1", secret="whsec_x"))
        with pytest.raises(LookupError):
            async with savepoint():
                await WebhookEndpoint.insert(WebhookEndpoint(url="http://undone", secret="whsec_x"))
                raise LookupError("refused after writing")
        async with savepoint() as point:  # undone on purpose, then the block carries on
            await WebhookEndpoint.insert(WebhookEndpoint(url="http://undone", secret="whsec_x"))
            await point.rollback_to()
        async with savepoint():
            await WebhookEndpoint.insert(WebhookEndpoint(url="http://kept/2", secret="whsec_x"))
    assert await _urls() == ["http://kept/1", "http://kept/2"]


async def test_needs_an_open_write_transaction():
    with pytest.raises(RuntimeError, match="write_transaction"):
        async with savepoint():
            pass
