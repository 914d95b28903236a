"""What a carrier's ``tracking.updated`` webhook must carry (CONTRACT.md, webhooks received)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from dashboard.domain.errors import ValidationFailed

TRACKING_EVENT = "tracking.updated"
TRACKING_STATUSES = ("in_transit", "delivered", "exception")


@dataclass(frozen=True)
class TrackingUpdate:
    order_number: str
    carrier: str
    tracking_number: str
    status: str
    occurred_at: datetime


def _required_text(data: dict, key: str, errors: dict[str, str], limit: int) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        errors[f"data.{key}"] = "required"
        return ""
    if len(value.strip()) > limit:
        errors[f"data.{key}"] = f"at most {limit} characters"
    return value.strip()


def parse_tracking_update(data: object) -> TrackingUpdate:
    """The update's fields, checked; ``ValidationFailed`` names each field that is wrong.

    ``occurred_at`` is ISO 8601; without an offset it is taken as UTC.
    """
    if not isinstance(data, dict):
        raise ValidationFailed({"data": "must be an object"})
    errors: dict[str, str] = {}
    number = _required_text(data, "order_number", errors, 20)
    carrier = _required_text(data, "carrier", errors, 40)
    tracking = _required_text(data, "tracking_number", errors, 100)
    status = data.get("status")
    if status not in TRACKING_STATUSES:
        errors["data.status"] = "one of " + ", ".join(TRACKING_STATUSES)
    occurred_at = None
    raw = data.get("occurred_at")
    try:
        occurred_at = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
        if occurred_at.tzinfo is None:
            occurred_at = occurred_at.replace(tzinfo=timezone.utc)
    except ValueError:
        errors["data.occurred_at"] = "an ISO 8601 date and time"
    if errors or occurred_at is None:
        raise ValidationFailed(errors)
    return TrackingUpdate(number, carrier.lower(), tracking, str(status), occurred_at)
