"""Outgoing webhook endpoints as written in ``DASHBOARD_WEBHOOK_ENDPOINTS``.

Format: endpoints separated by ``;`` or new lines; each is ``URL|SECRET|EVENTS`` where
SECRET is a Standard Webhooks secret (``whsec_`` + base64, at least 24 bytes) and EVENTS a
comma-separated list of order events, or ``*`` / nothing for every event::

    https://erp.example/hook|whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw|order.paid,order.shipped;
    https://bi.example/in|whsec_c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

ORDER_EVENTS = ("order.placed", "order.paid", "order.cancelled", "order.shipped",
                "order.delivered", "order.returned", "order.refunded")
MIN_SECRET_BYTES = 24


class EndpointConfigError(ValueError):
    """The setting cannot be read; the message says which endpoint and why."""


@dataclass(frozen=True)
class EndpointConfig:
    url: str
    secret: str
    events: tuple[str, ...]  # empty: every event


def _check_secret(secret: str, where: str) -> None:
    if not secret.startswith("whsec_"):
        raise EndpointConfigError(f"{where}: the secret must start with whsec_")
    try:
        raw = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
    except (binascii.Error, ValueError):
        raise EndpointConfigError(f"{where}: the secret after whsec_ is not base64") from None
    if len(raw) < MIN_SECRET_BYTES:
        raise EndpointConfigError(f"{where}: the secret must hold at least "
                                  f"{MIN_SECRET_BYTES} bytes")


def parse_endpoints(text: str) -> list[EndpointConfig]:
    """Every endpoint of the setting, in order; ``EndpointConfigError`` on the first mistake."""
    endpoints: list[EndpointConfig] = []
    seen: set[str] = set()
    for position, entry in enumerate(re.split(r"[;\n]", text or ""), 1):
        entry = entry.strip()
        if not entry:
            continue
        parts = [part.strip() for part in entry.split("|")]
        if len(parts) not in (2, 3):
            raise EndpointConfigError(f"endpoint {position}: expected URL|SECRET|EVENTS")
        url, secret = parts[0], parts[1]
        where = f"endpoint {position} ({url})"
        address = urlsplit(url)
        if address.scheme not in ("http", "https") or not address.netloc:
            raise EndpointConfigError(f"{where}: the URL must be http(s)://host/...")
        if url in seen:
            raise EndpointConfigError(f"{where}: listed twice")
        seen.add(url)
        _check_secret(secret, where)
        events_text = parts[2] if len(parts) == 3 else ""
        events = tuple(sorted({e.strip() for e in events_text.split(",") if e.strip()} - {"*"}))
        unknown = [e for e in events if e not in ORDER_EVENTS]
        if unknown:
            raise EndpointConfigError(f"{where}: unknown event(s) {', '.join(unknown)}; "
                                      f"known: {', '.join(ORDER_EVENTS)}")
        endpoints.append(EndpointConfig(url, secret, events))
    return endpoints
