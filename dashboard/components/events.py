"""Typed HX-Trigger events: the names the templates listen for, in one place.

``ordersChanged`` tells the orders list (rows and status counts) to re-fetch itself after
any action; ``showToast`` is shown by static/app.js.
"""

from __future__ import annotations

import json

ORDERS_CHANGED = "ordersChanged"


def hx_trigger(*events: str, toast: str | None = None, kind: str = "success") -> dict[str, str]:
    """Response headers firing ``events`` (and a toast) once htmx has swapped the answer."""
    payload: dict[str, object] = {name: True for name in events}
    if toast:
        payload["showToast"] = {"message": toast, "kind": kind}
    return {"HX-Trigger": json.dumps(payload)}
