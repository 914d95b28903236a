"""Outgoing webhook endpoints: kept in step with the setting, listed with their deliveries,
and a delivered or failed message sent again on request (replay)."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from dashboard.db.json_columns import json_value
from dashboard.db.tables import OutboxWebhook, WebhookEndpoint
from dashboard.db.transaction import is_sqlite, write_transaction
from dashboard.domain.errors import DomainError, NotFound
from dashboard.domain.numbers import N_, Message
from dashboard.domain.integrations.webhook_endpoints import EndpointConfig, parse_endpoints

log = logging.getLogger(__name__)
DELIVERY_PAGE = 50
REPLAYABLE = ("delivered", "failed")
SYNC_LOCK = 726_101  # the advisory lock key of the start-up sync (PostgreSQL)


async def sync_configured(configs: list[EndpointConfig]) -> dict[str, int]:
    """Make the table say what the setting says, in one transaction.

    A configured URL is created or updated (secret, events) and made active; an endpoint
    no longer configured is deactivated, not deleted, so its delivery log stays readable
    and its pending messages fail with a clear reason instead of going to a stale address.
    """
    counts = {"created": 0, "updated": 0, "deactivated": 0}
    async with write_transaction():
        if not is_sqlite():  # several server processes start at once: one syncs at a time
            await WebhookEndpoint.raw("SELECT pg_advisory_xact_lock({})", SYNC_LOCK)
        existing = {row["url"]: row for row in await WebhookEndpoint.select(
            WebhookEndpoint.id, WebhookEndpoint.url)}
        for config in configs:
            values = {WebhookEndpoint.secret: config.secret,
                      WebhookEndpoint.events: list(config.events), WebhookEndpoint.active: True}
            if config.url in existing:
                await WebhookEndpoint.update(values).where(
                    WebhookEndpoint.id == existing[config.url]["id"])
                counts["updated"] += 1
            else:
                await WebhookEndpoint.insert(WebhookEndpoint(
                    url=config.url, secret=config.secret, events=list(config.events)))
                counts["created"] += 1
        configured = {config.url for config in configs}
        stale = [row["id"] for url, row in existing.items() if url not in configured]
        if stale:
            deactivated = await WebhookEndpoint.update({WebhookEndpoint.active: False}).where(
                WebhookEndpoint.id.is_in(stale) & (WebhookEndpoint.active == True)  # noqa: E712
            ).returning(WebhookEndpoint.id)
            counts["deactivated"] = len(deactivated)
    return counts


async def sync_from_settings() -> dict[str, int]:
    """Called at start-up; ``EndpointConfigError`` when the setting cannot be read."""
    from dashboard.settings import get_settings

    counts = await sync_configured(parse_endpoints(get_settings().webhook_endpoints))
    log.info("webhook endpoints synced from settings: %s", counts)
    return counts


def _events(value: object) -> list[str]:
    return list(json_value(value, []))


async def list_endpoints() -> list[dict]:
    """Every endpoint (active first) with how many messages are in each status."""
    endpoints = await WebhookEndpoint.select(
        WebhookEndpoint.id, WebhookEndpoint.url, WebhookEndpoint.events, WebhookEndpoint.active,
        WebhookEndpoint.created_at,
    ).order_by(WebhookEndpoint.active, ascending=False).order_by(WebhookEndpoint.id)
    counts = await OutboxWebhook.raw(
        "SELECT endpoint, status, COUNT(*) AS n FROM outbox_webhook GROUP BY endpoint, status")
    by_endpoint: dict[int, dict[str, int]] = {}
    for row in counts:
        by_endpoint.setdefault(row["endpoint"], {})[row["status"]] = row["n"]
    return [{**endpoint, "events": _events(endpoint["events"]),
             "counts": by_endpoint.get(endpoint["id"], {})} for endpoint in endpoints]


async def get_endpoint(endpoint_id: int) -> dict:
    row = await WebhookEndpoint.select(
        WebhookEndpoint.id, WebhookEndpoint.url, WebhookEndpoint.events, WebhookEndpoint.active,
    ).where(WebhookEndpoint.id == endpoint_id).first()
    if row is None:
        raise NotFound(f"Webhook endpoint {endpoint_id} does not exist")
    return {**row, "events": _events(row["events"])}


async def deliveries(endpoint_id: int, *, status: str = "", before: int | None = None,
                     limit: int = DELIVERY_PAGE) -> tuple[list[dict], int | None]:
    """The endpoint's messages, newest first, keyset-paged on id; (rows, next ``before``)."""
    query = OutboxWebhook.select(
        OutboxWebhook.id, OutboxWebhook.message_id, OutboxWebhook.event_type,
        OutboxWebhook.status, OutboxWebhook.attempts, OutboxWebhook.last_error,
        OutboxWebhook.created_at, OutboxWebhook.next_attempt_at, OutboxWebhook.delivered_at,
    ).where(OutboxWebhook.endpoint == endpoint_id)
    if status:
        query = query.where(OutboxWebhook.status == status)
    if before:
        query = query.where(OutboxWebhook.id < before)
    rows = await query.order_by(OutboxWebhook.id, ascending=False).limit(limit + 1)
    if len(rows) > limit:
        return rows[:limit], rows[limit - 1]["id"]
    return rows, None


async def replay(delivery_id: int, *, actor: str) -> dict:
    """Send a delivered or failed message again: same id and payload, due now.

    The receiver sees the same ``webhook-id`` (Standard Webhooks: one id per message), so a
    receiver that already processed it may ignore it, as it should. Refused: a message still
    pending (it will be tried anyway) or whose endpoint is disabled.
    """
    async with write_transaction():
        row = await OutboxWebhook.select(
            OutboxWebhook.id, OutboxWebhook.status, OutboxWebhook.message_id,
            OutboxWebhook.endpoint.active.as_alias("endpoint_active"),
        ).where(OutboxWebhook.id == delivery_id).first()
        if row is None:
            raise NotFound(f"Webhook message {delivery_id} does not exist")
        if not row["endpoint_active"]:
            raise DomainError("This endpoint is disabled: the message cannot be sent again")
        changed = await OutboxWebhook.update({
            OutboxWebhook.status: "pending", OutboxWebhook.delivered_at: None,
            OutboxWebhook.next_attempt_at: datetime.now(timezone.utc),
        }).where((OutboxWebhook.id == delivery_id)
                 & OutboxWebhook.status.is_in(list(REPLAYABLE))).returning(OutboxWebhook.id)
        if not changed:
            raise DomainError(Message(N_("This message is already waiting to be sent")))
    log.info("webhook message %s queued again by %s", row["message_id"], actor)
    return row


async def delivery(delivery_id: int) -> tuple[int, dict]:
    """One message as the delivery log shows it, with its endpoint's id."""
    row = await OutboxWebhook.select(
        OutboxWebhook.id, OutboxWebhook.endpoint, OutboxWebhook.message_id,
        OutboxWebhook.event_type, OutboxWebhook.status, OutboxWebhook.attempts,
        OutboxWebhook.last_error, OutboxWebhook.created_at, OutboxWebhook.next_attempt_at,
        OutboxWebhook.delivered_at,
    ).where(OutboxWebhook.id == delivery_id).first()
    if row is None:
        raise NotFound(f"Webhook message {delivery_id} does not exist")
    return row["endpoint"], row
