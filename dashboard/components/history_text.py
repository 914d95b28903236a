"""An order's history, told in the reader's language.

History rows keep the English ``summary`` written when the event happened (the API and
exports show it as it was); the order screen tells each known event again from its
``kind`` and ``data`` through the catalogue, with labels and money formatted for the
reader. An event this module does not know, or whose data lacks a value, shows its
stored summary.
"""

from __future__ import annotations

import json

from dashboard.components.formatting import money
from dashboard.components.i18n import gettext as _
from dashboard.components.labels import N_, label
from dashboard.domain.fulfilment.carriers import CARRIERS

# kind -> (message template, how to read its values from the event data)
TEXTS = {
    "order.placed": N_("Order placed (%(total)s)"),
    "payment.recorded": N_("Payment of %(amount)s by %(method)s (%(ref)s)"),
    "payment.refunded": N_("Refund of %(amount)s recorded"),
    "shipment.created": N_("%(units)s item(s) shipped with %(carrier)s %(tracking)s"),
    "shipment.unpicked": N_("Shipped without picking: %(reason)s"),
    "shipment.undone": N_("Shipment undone"),
    "order.held": N_("On hold: %(reason)s"),
    "order.released": N_("Hold released"),
    "picking.started": N_("On pick list %(pick_list)s"),
    "picking.completed": N_("Picked on pick list %(pick_list)s"),
    "order.cancelled": N_("Cancelled: %(reason)s"),
    "order.line_added": N_("%(sku)s added (%(quantity)s)"),
    "order.line_removed": N_("%(sku)s removed (%(quantity)s)"),
    "order.shipping_method_changed": N_("Shipping method: %(before)s → %(after)s"),
    "order.shipping_price_changed": N_("Shipping price: %(price_before)s → %(price_after)s"),
    "invoice.issued": N_("Invoice %(number)s issued"),
    "order.ready_for_pickup": N_("Ready for pickup in store"),
    "order.collected": N_("Collected in store"),
    "receipt.queued": N_("Receipt email queued"),
}


def _values(kind: str, data: dict, currency: str) -> dict:
    if kind == "order.placed":
        return {"total": money(data["total"], currency)}
    if kind == "payment.recorded":
        return {"amount": money(data["amount"], data.get("currency") or currency),
                "method": label("payment_method", data.get("method")) if data.get("method")
                else _("unknown method"), "ref": data["transaction_ref"]}
    if kind == "payment.refunded":
        return {"amount": money(data["amount"], data.get("currency") or currency)}
    if kind == "shipment.created":
        carrier = CARRIERS.get(data["carrier"])
        return {"units": sum(line["quantity"] for line in data["lines"]),
                "carrier": _(carrier.name) if carrier else data["carrier"],
                "tracking": data["tracking_number"]}
    if kind == "order.held":
        text = label("hold_reason", data["reason"])
        return {"reason": f"{text} ({data['note']})" if data.get("note") else text}
    if kind == "order.shipping_method_changed":
        return {"before": label("shipping_method", data["before"]),
                "after": label("shipping_method", data["after"])}
    return dict(data)


# How the shipping price went with a shipping change (events from before the agreed price
# was kept have no price in their data and read as above).
SHIPPING_PRICE_TEXTS = {
    "keep": N_("agreed shipping price kept (%(price_after)s)"),
    "changed": N_("shipping price %(price_before)s → %(price_after)s"),
    "reason": N_("reason: %(reason)s"),
}


def _shipping_text(kind: str, data: dict, currency: str) -> str:
    """A shipping change told in parts: the method if it changed, the price (kept or old →
    new), the reason if any."""
    values = {"before": label("shipping_method", data["before"]),
              "after": label("shipping_method", data["after"]),
              "price_before": money(data["price_before"], currency),
              "price_after": money(data["price_after"], currency),
              "reason": data.get("reason") or ""}
    price = "keep" if data["price_before"] == data["price_after"] else "changed"
    if kind == "order.shipping_price_changed":
        parts = [_(TEXTS[kind]) % values]
    else:
        parts = [_(TEXTS[kind]) % values, _(SHIPPING_PRICE_TEXTS[price]) % values]
    if values["reason"]:
        parts.append(_(SHIPPING_PRICE_TEXTS["reason"]) % values)
    return " · ".join(parts)


def event_text(event: dict, currency: str = "EUR") -> str:
    """The event as the reader reads it; its stored summary when it cannot be retold."""
    template = TEXTS.get(event.get("kind") or "")
    fallback = event.get("summary") or event.get("kind") or ""
    if template is None:
        return fallback
    data = event.get("data") or {}
    if isinstance(data, str):
        try:
            data = json.loads(data or "{}")
        except ValueError:
            return fallback
    try:
        if event["kind"].startswith("order.shipping_") and "price_after" in data:
            return _shipping_text(event["kind"], data, currency)
        return _(template) % _values(event["kind"], data, currency)
    except (KeyError, TypeError, ValueError):
        return fallback
