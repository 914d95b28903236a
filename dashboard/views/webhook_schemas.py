"""How the signed webhooks' bodies appear in the OpenAPI schema (CONTRACT.md, webhooks received).

Each schema states the rules its parser checks (``services/payments/money._event_fields``,
``domain/fulfilment/carrier_webhooks``), so that what it calls valid is read and what it
calls invalid refused. An event of a type we do not act on is acknowledged whatever its
``data`` (a provider adding event types must not see them refused): only the known types
carry a required, checked ``data``.
"""

from __future__ import annotations

from litestar.openapi.spec import SecurityScheme

from dashboard.domain.fulfilment.carrier_webhooks import (
    TEXT_LIMITS,
    TRACKING_EVENT,
    TRACKING_STATUSES,
)
from dashboard.services.payments.money import (
    CURRENCY_CODE,
    MAX_EVENT_AMOUNT,
    MAX_TRANSACTION_REF,
    PROVIDER_EVENTS,
)
from dashboard.views.api_schemas import NOT_BLANK

PAYMENT_SIGNATURE = "paymentWebhook"  # the OpenAPI security schemes of the two webhooks
CARRIER_SIGNATURE = "carrierWebhook"
MAX_WEBHOOK_ID = 200  # WebhookReceipt.webhook_id


def signature_scheme(setting: str) -> SecurityScheme:
    """Standard Webhooks: the three headers are one credential, named by its signature."""
    return SecurityScheme(
        type="apiKey", security_scheme_in="header", name="webhook-signature",
        description="Standard Webhooks: with `webhook-id` (at most %d characters) and "
        "`webhook-timestamp` (Unix seconds, within 5 minutes of now), `webhook-signature` is "
        "`v1,<base64 HMAC-SHA256 of \"{id}.{timestamp}.{body}\">` keyed with the `whsec_` "
        "secret of %s" % (MAX_WEBHOOK_ID, setting))


def _text(max_length: int | None = None, description: str = "") -> dict:
    schema: dict = {"type": "string", "minLength": 1, "pattern": NOT_BLANK}
    if max_length is not None:
        schema["maxLength"] = max_length
    if description:
        schema["description"] = description
    return schema


def _event(known: tuple[str, ...], data: dict) -> dict:
    """An event of a known type, its ``data`` checked; or of any other type, ignored."""
    return {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"type": "string"}},
        "anyOf": [
            {"required": ["data"], "properties": {
                "type": {"enum": list(known), "description": "acted on"}, "data": data}},
            {"properties": {"type": {"not": {"enum": list(known)},
                                     "description": "acknowledged and ignored"}}},
        ],
    }


PAYMENT_EVENT = _event(PROVIDER_EVENTS, {
    "type": "object",
    "required": ["order_number", "amount", "currency", "transaction_ref"],
    "properties": {
        "order_number": _text(description="the order's number"),
        "amount": {"type": "integer", "minimum": 1, "maximum": MAX_EVENT_AMOUNT,
                   "description": "money in minor units (cents)"},
        "currency": {"type": "string", "pattern": CURRENCY_CODE.pattern,
                     "description": "ISO 4217, the order's currency"},
        "transaction_ref": _text(MAX_TRANSACTION_REF, "the provider's reference"),
    },
})

CARRIER_EVENT = _event((TRACKING_EVENT,), {
    "type": "object",
    "required": [*TEXT_LIMITS, "status", "occurred_at"],
    "properties": {
        **{name: _text(limit) for name, limit in TEXT_LIMITS.items()},
        "status": {"type": "string", "enum": list(TRACKING_STATUSES)},
        "occurred_at": {"type": "string", "format": "date-time",
                        "description": "RFC 3339, with its offset"},
    },
})
