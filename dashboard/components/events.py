"""Typed HX-Trigger events: the names the templates listen for, in one place.

``ordersChanged`` tells the orders list (rows and status counts) to re-fetch itself after
any action; ``orderChanged`` tells the order screen's money and status panels (head badges,
lines and totals, payments, returns and credits, documents, history) to re-read themselves
after any edit made on that screen; ``showToast`` is shown by static/app.js.
"""

from __future__ import annotations

import json

ORDERS_CHANGED = "ordersChanged"
ORDER_CHANGED = "orderChanged"
# Live updates: a colleague (or the shop) changed orders this screen shows.
ORDERS_UPDATED_ELSEWHERE = "ordersUpdatedElsewhere"
ORDER_CHANGED_ELSEWHERE = "orderChangedElsewhere"


def hx_trigger(*events: str, toast: str | None = None, kind: str = "success",
               detail: dict | None = None) -> dict[str, str]:
    """Response headers firing ``events`` (and a toast) once htmx has swapped the answer;
    ``detail`` is handed to every event's listeners."""
    payload: dict[str, object] = {name: detail or True for name in events}
    if toast:
        payload["showToast"] = {"message": toast, "kind": kind}
    return {"HX-Trigger": json.dumps(payload)}
