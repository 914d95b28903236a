"""Outgoing order webhooks: POSTed to each endpoint, signed with its own Standard Webhooks
secret, retried with backoff until the endpoint answers 2xx."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import httpx
from standardwebhooks.webhooks import Webhook

from dashboard.db.tables import OutboxWebhook, WebhookEndpoint
from dashboard.worker.outbox import OutboxDeliverer, PermanentFailure


def signed_request(message_id: str, payload: dict, secret: str,
                   sent_at: datetime | None = None) -> tuple[bytes, dict[str, str]]:
    """The exact body and the three Standard Webhooks headers for one delivery."""
    sent_at = sent_at or datetime.now(timezone.utc)
    body = json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    headers = {
        "content-type": "application/json",
        "webhook-id": message_id,
        "webhook-timestamp": str(int(sent_at.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, sent_at, body),
    }
    return body.encode(), headers


class WebhookDeliverer(OutboxDeliverer):
    name = "webhook"
    table = OutboxWebhook
    done_status = "delivered"
    timeout_seconds = 10.0

    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None

    def done_column(self):
        return OutboxWebhook.delivered_at

    async def deliver(self, row: dict) -> None:
        endpoint = await WebhookEndpoint.select().where(
            WebhookEndpoint.id == row["endpoint"]).first()
        if endpoint is None or not endpoint["active"]:
            raise PermanentFailure("endpoint removed or disabled")
        body, headers = signed_request(row["message_id"], row["payload"], endpoint["secret"])
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=self.timeout_seconds, follow_redirects=False)
        response = await self._client.post(endpoint["url"], content=body, headers=headers)
        if not 200 <= response.status_code < 300:
            raise RuntimeError(f"HTTP {response.status_code}: {response.text[:200]}")

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
