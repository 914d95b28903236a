"""What a carrier's ``tracking.updated`` webhook must carry (CONTRACT.md, webhooks received)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from dashboard.domain.errors import ValidationFailed

TRACKING_EVENT = "tracking.updated"
TRACKING_STATUSES = ("in_transit", "delivered", "exception")
# The longest text each field may carry (what the shipment tables hold).
TEXT_LIMITS = {"order_number": 20, "carrier": 40, "tracking_number": 100}
# RFC 3339 (JSON Schema's ``date-time``): a date, a time and the offset, nothing looser.
RFC3339 = re.compile(r"^([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt]([0-9]{2}:[0-9]{2}:[0-9]{2})"
                     r"(\.[0-9]+)?([Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$")


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
    if len(value) > limit:
        errors[f"data.{key}"] = f"at most {limit} characters"
    return value.strip()


def parse_moment(text: object) -> datetime:
    """An RFC 3339 date and time, offset required (``2026-07-15T08:00:00Z``), as an aware
    datetime. ValueError for anything else: a bare date, no offset, month 13."""
    match = RFC3339.fullmatch(text) if isinstance(text, str) else None
    if match is None:
        raise ValueError(text)
    day, time, fraction, offset = match.groups()
    fraction = (fraction or "")[:7]  # Python keeps microseconds; a carrier may send more
    if time == "23:59:60":  # a leap second, which Python cannot hold: its last second
        time, fraction = "23:59:59", ".999999"
    offset = "+00:00" if offset in ("Z", "z") else offset
    return datetime.fromisoformat(f"{day}T{time}{fraction}{offset}")


def parse_tracking_update(data: object) -> TrackingUpdate:
    """The update's fields, checked; ``ValidationFailed`` names each field that is wrong.

    ``occurred_at`` is an RFC 3339 date and time with its offset.
    """
    if not isinstance(data, dict):
        raise ValidationFailed({"data": "must be an object"})
    errors: dict[str, str] = {}
    number, carrier, tracking = (_required_text(data, key, errors, limit)
                                 for key, limit in TEXT_LIMITS.items())
    status = data.get("status")
    if status not in TRACKING_STATUSES:
        errors["data.status"] = "one of " + ", ".join(TRACKING_STATUSES)
    occurred_at = None
    try:
        occurred_at = parse_moment(data.get("occurred_at"))
    except ValueError:
        errors["data.occurred_at"] = "an RFC 3339 date and time with its offset"
    if errors or occurred_at is None:
        raise ValidationFailed(errors)
    return TrackingUpdate(number, carrier.lower(), tracking, str(status), occurred_at)
