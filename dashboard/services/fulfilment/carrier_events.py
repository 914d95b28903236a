"""Carriers pushing tracking news: applied once per webhook id, onto the order's timeline."""

from __future__ import annotations

import logging

from dashboard.domain.fulfilment.carrier_webhooks import TRACKING_EVENT, parse_tracking_update
from dashboard.services.fulfilment import shipping as fulfilment
from dashboard.services.webhook_receipts import process_once

log = logging.getLogger(__name__)
ACTOR = "carrier webhook"


async def handle_carrier_event(webhook_id: str, event_type: str, data: object) -> str:
    """Apply one verified carrier event: ``"processed"``, ``"duplicate"`` or ``"ignored"``.

    ``ValidationFailed`` for bad data and ``NotFound`` for an unknown order or parcel
    (raised by ``fulfilment.record_tracking_event``) store nothing and change nothing.
    """

    async def apply() -> str:
        if event_type != TRACKING_EVENT:
            log.info("carrier webhook %s of type %r ignored", webhook_id, event_type)
            return "ignored"
        update = parse_tracking_update(data)
        await fulfilment.record_tracking_event(
            update.order_number, update.carrier, update.tracking_number, update.status,
            update.occurred_at, actor=ACTOR)
        return "processed"

    return await process_once("carriers", webhook_id, event_type, apply)
