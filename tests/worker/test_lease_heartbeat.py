"""Leases: a dead worker's rows come back within one (short) lease, a live one's never do.

Leases are shortened (a fraction of a second) so that the real clock is used and the
tests stay fast; production uses DASHBOARD_OUTBOX_LEASE_SECONDS (30 s, renewed every 10 s).
"""

import asyncio
from datetime import datetime, timedelta, timezone

from dashboard.db.tables import OutboxEmail, OutboxWebhook
from dashboard.worker import build_worker
from dashboard.worker.outbox import claim_due
from dashboard.worker.smtp import EmailDeliverer, message_id
from dashboard.worker.webhooks import WebhookDeliverer
from tests.smtp_server import FROM
from tests.worker.test_email_delivery import _queue as queue_email
from tests.worker.test_webhook_delivery import Listener, _endpoint
from tests.worker.test_webhook_delivery import _queue as queue_webhook

LEASE = timedelta(milliseconds=400)
BEAT = timedelta(milliseconds=100)


class SlowWebhooks(WebhookDeliverer):
    """A delivery that takes ``seconds`` (a slow endpoint), with the short lease."""

    def __init__(self, seconds: float = 0.0) -> None:
        super().__init__()
        self.seconds = seconds
        self.lease, self.heartbeat = LEASE, BEAT
        self.started = asyncio.Event()

    async def deliver(self, row):
        self.started.set()
        await asyncio.sleep(self.seconds)
        await super().deliver(row)


def test_the_worker_takes_the_lease_from_the_settings(configure):
    configure(DASHBOARD_OUTBOX_LEASE_SECONDS="30")
    for deliverer in build_worker().deliverers:
        assert (deliverer.lease, deliverer.heartbeat) == (timedelta(seconds=30), timedelta(seconds=10))


async def test_a_webhook_claimed_by_a_killed_worker_goes_to_another_after_the_lease():
    async with Listener([204]) as listener:
        await _endpoint(listener.url)
        await queue_webhook()
        now = datetime.now(timezone.utc)
        # Worker A claims and dies before delivering: no heartbeat, no result.
        [claimed] = await claim_due(OutboxWebhook, limit=10, lease=LEASE, now=now)
        b = SlowWebhooks()
        assert await b.run_once() == 0  # A's lease still runs
        await asyncio.sleep(LEASE.total_seconds() + 0.1)
        assert await b.run_once() == 1
        await b.close()
    [row] = await OutboxWebhook.select()
    assert (row["status"], row["attempts"]) == ("delivered", 1)
    [(headers, _)] = listener.requests
    assert headers["webhook-id"] == claimed["message_id"] == row["message_id"]


async def test_a_long_delivery_keeps_its_lease_and_is_not_taken_by_another_worker():
    async with Listener([204]) as listener:
        await _endpoint(listener.url)
        await queue_webhook()
        a, b = SlowWebhooks(seconds=4 * LEASE.total_seconds()), SlowWebhooks()
        running = asyncio.create_task(a.run_once())
        await a.started.wait()
        for _ in range(3):  # well past the first lease: the heartbeat renewed it
            await asyncio.sleep(LEASE.total_seconds())
            assert await b.run_once() == 0
        assert await running == 1
        await a.close()
        await b.close()
    [row] = await OutboxWebhook.select()
    assert (row["status"], row["attempts"]) == ("delivered", 1)
    assert len(listener.requests) == 1


async def test_a_worker_killed_mid_delivery_stops_renewing_and_its_row_comes_back():
    async with Listener([204]) as listener:
        await _endpoint(listener.url)
        await queue_webhook()
        a, b = SlowWebhooks(seconds=60), SlowWebhooks()
        running = asyncio.create_task(a.run_once())
        await a.started.wait()
        await asyncio.sleep(2 * BEAT.total_seconds())
        running.cancel()  # the kill: its heartbeat goes with it
        await asyncio.gather(running, return_exceptions=True)
        assert await b.run_once() == 0
        await asyncio.sleep(LEASE.total_seconds() + 0.1)
        assert await b.run_once() == 1
        await b.close()
    assert [row["status"] for row in await OutboxWebhook.select()] == ["delivered"]


async def test_an_email_taken_over_from_a_killed_worker_keeps_its_message_id(smtp_server):
    await queue_email()
    [claimed] = await claim_due(OutboxEmail, limit=10, lease=LEASE, now=datetime.now(timezone.utc))
    b = EmailDeliverer(smtp_server.url, FROM)
    b.lease, b.heartbeat = LEASE, BEAT
    assert await b.run_once() == 0
    await asyncio.sleep(LEASE.total_seconds() + 0.1)
    assert await b.run_once() == 1
    [message] = smtp_server.inbox.messages
    assert message["Message-ID"] == message_id(claimed, FROM)
