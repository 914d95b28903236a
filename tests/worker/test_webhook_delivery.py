"""Outgoing webhooks to a real local HTTP listener, signature checked with standardwebhooks;
claims never hand one row to two workers; the worker loop runs deliverers and jobs."""

import asyncio
import base64
from datetime import datetime, timedelta, timezone

import pytest
from standardwebhooks.webhooks import Webhook

from dashboard.components.delivery_errors import delivery_error
from dashboard.db.tables import OutboxWebhook, WebhookEndpoint
from dashboard.db.transaction import write_transaction
from dashboard.services.outbox import queue_webhook
from dashboard.worker import PeriodicJob, Worker, running_in_background
from dashboard.worker.outbox import claim_due
from dashboard.worker.webhooks import WebhookDeliverer
from tests.http_listener import Listener

SECRET = "whsec_" + base64.b64encode(b"endpoint-secret-0123456789abcdef").decode()


async def _endpoint(url):
    await WebhookEndpoint.insert(WebhookEndpoint(url=url, secret=SECRET))


async def _queue(event="order.paid", number="2026-1"):
    async with write_transaction():
        await queue_webhook(event, {"number": number})


async def test_signed_delivery_retried_until_a_2xx():
    async with Listener([500, 204]) as listener:
        await _endpoint(listener.url)
        await _queue()
        deliverer = WebhookDeliverer()
        now = datetime.now(timezone.utc)
        await deliverer.run_once(now)
        row = await OutboxWebhook.select().first()
        assert (row["status"], row["attempts"]) == ("pending", 1)
        assert "HTTP 500" in row["last_error"] and row["next_attempt_at"] > now
        assert delivery_error(row["last_error"]).sentence == \
            "Le serveur destinataire a répondu par une erreur (HTTP 500)."
        await deliverer.run_once(now + timedelta(minutes=1))
        await deliverer.close()
    row = await OutboxWebhook.select().first()
    assert (row["status"], row["attempts"], row["last_error"]) == ("delivered", 2, "")
    assert len(listener.requests) == 2
    for headers, body in listener.requests:
        event = Webhook(SECRET).verify(body, headers)  # raises if the signature is wrong
        assert event == {"type": "order.paid", "data": {"number": "2026-1"}}
        assert headers["webhook-id"] == row["message_id"]


async def test_disabled_endpoint_fails_for_good():
    await WebhookEndpoint.insert(WebhookEndpoint(url="http://127.0.0.1:9/", secret=SECRET))
    await _queue()
    await WebhookEndpoint.update({WebhookEndpoint.active: False}, force=True)
    await WebhookDeliverer().run_once()
    row = await OutboxWebhook.select().first()
    assert row["status"] == "failed" and "disabled" in row["last_error"]


async def test_concurrent_claims_never_share_a_row():
    await _endpoint("http://127.0.0.1:9/")
    for n in range(30):
        await _queue(number=str(n))
    now = datetime.now(timezone.utc)
    batches = await asyncio.gather(*[
        claim_due(OutboxWebhook, limit=10, lease=timedelta(minutes=5), now=now) for _ in range(4)])
    claimed = [row["id"] for batch in batches for row in batch]
    assert len(claimed) == len(set(claimed)) == 30


async def test_worker_runs_registered_deliverers_and_due_jobs():
    runs = []

    async def job():
        runs.append(1)

    async with Listener([200]) as listener:
        await _endpoint(listener.url)
        await _queue()
        worker = Worker([WebhookDeliverer()], [PeriodicJob("count", timedelta(minutes=1), job)],
                        poll_seconds=0.05)
        async with running_in_background(worker):
            for _ in range(100):
                if (await OutboxWebhook.select(OutboxWebhook.status).first())["status"] == "delivered":
                    break
                await asyncio.sleep(0.05)
    assert (await OutboxWebhook.select(OutboxWebhook.status).first())["status"] == "delivered"
    assert runs == [1]  # the job ran once: its interval had not come round again


@pytest.mark.parametrize("setting, running", [("inline", True), ("off", False)])
async def test_the_app_runs_the_worker_inline_unless_off(configure, setting, running):
    configure(DASHBOARD_WORKER=setting)
    from dashboard.app import _worker

    async with _worker(None):
        tasks = [t for t in asyncio.all_tasks() if t.get_name() == "dashboard-worker"]
        assert bool(tasks) is running
    assert not [t for t in asyncio.all_tasks() if t.get_name() == "dashboard-worker"]
