"""Webhooks received, Standard Webhooks signed: ``POST /webhooks/payments`` (the payment
provider) and ``POST /webhooks/carriers`` (tracking updates).

The signature is the authentication: no secret configured means every call is refused.
A refusal (bad or missing signature, stale timestamp, bad body, unknown order) is logged
and answered 4xx, and changes nothing; a repeated ``webhook-id`` is answered 200 and ignored.
Payments: a refund beyond what was captured answers 409 and records nothing; a known
``transaction_ref`` with other content answers 409 and holds the order for payment review.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable

import msgspec
from litestar import Request, Response, post
from litestar.openapi.datastructures import ResponseSpec
from standardwebhooks.webhooks import Webhook

from dashboard.domain.errors import NotFound, ValidationFailed
from dashboard.domain.payments import PaymentConflict, RefundExceedsCapture
from dashboard.services.fulfilment import carrier_events
from dashboard.services.payments import money as payments
from dashboard.settings import get_settings
from dashboard.views.api_schemas import documented_request
from dashboard.views.webhook_schemas import (
    CARRIER_EVENT,
    CARRIER_SIGNATURE,
    MAX_WEBHOOK_ID,
    PAYMENT_EVENT,
    PAYMENT_SIGNATURE,
)

log = logging.getLogger(__name__)
MAX_BODY_BYTES = 64 * 1024
SIGNATURE_HEADERS = ("webhook-id", "webhook-timestamp", "webhook-signature")

Handler = Callable[[str, str, object], Awaitable[str]]


def verify_signature(secret: str | None, body: bytes, headers: dict[str, str]) -> str | None:
    """Why the signature is refused, or None when it is good (any refusal: 401).

    The library refuses timestamps more than 5 minutes away from now and compares the
    HMAC in constant time; malformed headers make it raise all kinds of errors, so any
    exception is a refusal.
    """
    if not secret:
        return "no webhook secret configured"
    try:
        Webhook(secret).verify(body, headers, json_parse=False)
    except Exception as exc:  # noqa: BLE001 - every failure is a refusal, with its reason
        return str(exc) or type(exc).__name__
    return None


def _refuse(source: str, status: int, detail: str, webhook_id: str, **extra: object) -> Response:
    log.warning("%s webhook %r refused (%s): %s", source, webhook_id, status, detail)
    return Response({"detail": detail, **extra}, status_code=status)


async def receive_signed(request: Request, source: str, secret: str | None,
                         handler: Handler) -> Response:
    """Verify, parse ``{"type", "data"}`` and hand the event to ``handler(id, type, data)``."""
    body = await request.body()
    webhook_id = request.headers.get("webhook-id", "")
    if len(body) > MAX_BODY_BYTES:
        return _refuse(source, 413, "body too large", webhook_id)
    headers = {k: request.headers.get(k, "") for k in SIGNATURE_HEADERS}
    problem = verify_signature(secret, body, headers)
    if problem:
        return _refuse(source, 401, f"signature refused: {problem}", webhook_id)
    if len(webhook_id) > MAX_WEBHOOK_ID:  # signed, but too long to be remembered
        return _refuse(source, 422, f"webhook-id longer than {MAX_WEBHOOK_ID} characters",
                       webhook_id[:MAX_WEBHOOK_ID])
    try:
        event = json.loads(body)
        event_type = event["type"]
        if not isinstance(event_type, str):
            raise TypeError("type must be a string")
    except (ValueError, KeyError, TypeError) as exc:
        return _refuse(source, 422, f"malformed event: {exc}", webhook_id)
    try:
        outcome = await handler(webhook_id, event_type, event.get("data"))
    except NotFound as exc:
        return _refuse(source, 404, exc.message, webhook_id)
    except ValidationFailed as exc:
        return _refuse(source, 422, exc.message, webhook_id, errors=exc.fields)
    except (PaymentConflict, RefundExceedsCapture) as exc:
        return _refuse(source, 409, exc.message, webhook_id, code=exc.code)
    log.info("%s webhook %s (%s): %s", source, webhook_id, event_type, outcome)
    return Response({"status": outcome}, status_code=200)


class RefusalOut(msgspec.Struct, kw_only=True):
    detail: str
    code: str | msgspec.UnsetType = msgspec.UNSET
    errors: dict[str, str] | msgspec.UnsetType = msgspec.UNSET


def _refusal(why: str) -> ResponseSpec:
    return ResponseSpec(RefusalOut, description=why, generate_examples=False)


ANSWERS = {
    200: ResponseSpec(dict[str, str], description="Applied, or a repeated webhook-id ignored",
                      generate_examples=False),
    401: _refusal("Signature missing, wrong or stale, or no secret configured"),
    404: _refusal("No such order"),
    409: _refusal("Conflicts with what is recorded (refund beyond capture, changed payment)"),
    413: _refusal(f"Body over {MAX_BODY_BYTES} bytes"),
    422: _refusal("Malformed event, or a webhook-id too long"),
}


@post("/webhooks/payments", status_code=200, tags=["webhooks"], responses=ANSWERS,
      security=[{PAYMENT_SIGNATURE: []}],
      operation_class=documented_request("application/json", PAYMENT_EVENT, name="PaymentEvent"))
async def payment_webhook(request: Request) -> Response:
    """Apply ``payment.succeeded`` / ``payment.failed`` / ``payment.refunded`` once each."""
    return await receive_signed(request, "payment", get_settings().payment_webhook_secret,
                                payments.handle_provider_event)


@post("/webhooks/carriers", status_code=200, tags=["webhooks"], responses=ANSWERS,
      security=[{CARRIER_SIGNATURE: []}],
      operation_class=documented_request("application/json", CARRIER_EVENT, name="CarrierEvent"))
async def carrier_webhook(request: Request) -> Response:
    """Apply ``tracking.updated`` (in transit, delivered, exception) once per webhook id."""
    return await receive_signed(request, "carrier", get_settings().carrier_webhook_secret,
                                carrier_events.handle_carrier_event)
