"""An order's history, told in the reader's language.

History rows keep the English ``summary`` written when the event happened (the API and
exports show it as it was); the order screen tells every event again from its ``kind``
and ``data`` through the catalogue: products by name, money for the reader, codes by
their labels, carriers by their names. ``RETELLINGS`` knows every kind the services
record (a test walks the sources to keep it so). Rows written before the data held a
value (a product name, a carrier) read it from the order's lines and shipments, and an
event that still cannot be told shows its stored summary: never an error.
"""

from __future__ import annotations

from datetime import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from dashboard.components.formatting import date_short, money
from dashboard.components.i18n import gettext as _
from dashboard.components.labels import N_, label
from dashboard.db.json_columns import json_value
from dashboard.domain.fulfilment.carriers import ALIASES, CARRIERS


def carrier_name(code: str | None) -> str:
    """A carrier as people call it ("dpd" -> "DPD"); "other" translated; unknown as is."""
    code = (code or "").strip()
    carrier = CARRIERS.get(ALIASES.get(code.lower(), code.lower()))
    if carrier is None:
        return code
    return _(carrier.name) if carrier.code == "other" else carrier.name


@dataclass(frozen=True)
class Context:
    """What the order screen knows around an event: its currency, lines and shipments."""

    currency: str = "EUR"
    lines: Mapping[int, Mapping] = field(default_factory=dict)
    names: Mapping[str, str] = field(default_factory=dict)
    shipments: Mapping[int, Mapping] = field(default_factory=dict)

    @classmethod
    def of(cls, currency: str, lines: Iterable[Mapping] = (),
           shipments: Iterable[Mapping] = ()) -> Context:
        lines = list(lines or ())
        return cls(currency, {ln["id"]: ln for ln in lines if "id" in ln},
                   {ln["sku"]: ln["name"] for ln in lines if ln.get("sku") and ln.get("name")},
                   {s["id"]: s for s in shipments or () if "id" in s})

    def money(self, amount: int, data: Mapping | None = None) -> str:
        return money(amount, (data or {}).get("currency") or self.currency)

    def product(self, data: Mapping) -> str:
        """The product's name: from the event, else the order line, else its SKU."""
        line = self.lines.get(data.get("line_id")) or {}
        sku = data.get("sku") or line.get("sku")
        name = data.get("name") or line.get("name") or self.names.get(sku or "")
        if name:
            return name
        if sku:
            return sku
        raise KeyError("product")


def _line_added(d, c):
    return _("%(product)s added (%(quantity)s)") % {"product": c.product(d),
                                                    "quantity": d["quantity"]}


def _line_removed(d, c):
    return _("%(product)s removed (%(quantity)s)") % {"product": c.product(d),
                                                      "quantity": d["quantity"]}


def _line_restored(d, c):
    return _("%(product)s put back (%(quantity)s)") % {"product": c.product(d),
                                                       "quantity": d["quantity"]}


def _line_quantity(d, c):
    return _("%(product)s: quantity %(before)s → %(after)s") % {
        "product": c.product(d), "before": d["before"], "after": d["after"]}


def _payment_recorded(d, c):
    method = label("payment_method", d["method"]) if d.get("method") else _("unknown method")
    return _("Payment of %(amount)s by %(method)s (%(ref)s)") % {
        "amount": c.money(d["amount"], d), "method": method, "ref": d["transaction_ref"]}


def _payment_failed(d, c):
    if d.get("amount") is None:
        return _("Payment attempt failed (%(ref)s)") % {"ref": d["transaction_ref"]}
    return _("Payment attempt of %(amount)s failed (%(ref)s)") % {
        "amount": c.money(d["amount"], d), "ref": d["transaction_ref"]}


def _payment_mismatch(d, c):
    values = {"difference": c.money(d["difference"], d)}
    if d["mismatch"] == "overpayment":
        return _("Overpayment: %(difference)s more than the order owed") % values
    return _("Underpayment: %(difference)s less than the order owed") % values


def _payment_conflict(d, c):
    return _("Payment event %(ref)s refused: it contradicts the payment already recorded "
             "under this reference") % {"ref": d["transaction_ref"]}


def _reminder(d, c):
    if d.get("cancel_at"):
        when = date_short(datetime.fromisoformat(d["cancel_at"]))
        return _("Payment reminder sent to the customer (cancelled on %(date)s if still "
                 "unpaid)") % {"date": when}
    return _("Payment reminder sent to the customer")


def _shipment(d, c) -> Mapping:
    return c.shipments.get(d.get("shipment_id")) or {}


def _shipped(d, c):
    products = ", ".join(f"{ln['quantity']} × {c.product(ln)}" for ln in d["lines"])
    return _("Shipped with %(carrier)s %(tracking)s: %(products)s") % {
        "carrier": carrier_name(d["carrier"]), "tracking": d["tracking_number"],
        "products": products}


def _shipment_undone(d, c):
    shipment = {**_shipment(d, c), **d}
    if shipment.get("carrier") and shipment.get("tracking_number"):
        return _("Shipment %(carrier)s %(tracking)s undone") % {
            "carrier": carrier_name(shipment["carrier"]),
            "tracking": shipment["tracking_number"]}
    return _("Shipment undone")


def _tracking(d, c):
    shipment = {**_shipment(d, c), **d}
    status = label("shipment_status", d["status"])
    if shipment.get("carrier") and shipment.get("tracking_number"):
        return _("Parcel %(carrier)s %(tracking)s: %(status)s") % {
            "carrier": carrier_name(shipment["carrier"]),
            "tracking": shipment["tracking_number"], "status": status}
    return _("Parcel: %(status)s") % {"status": status}


def _held(d, c):
    text = label("hold_reason", d["reason"])
    if d.get("note"):
        text = f"{text} ({d['note']})"
    return _("On hold: %(reason)s") % {"reason": text}


def _released(d, c):
    if d.get("note"):
        return _("Hold released: %(note)s") % {"note": d["note"]}
    return _("Hold released")


def _picking_short(d, c):
    if d.get("sku") or d.get("name"):
        return _("%(units)s × %(product)s not found on the shelf (pick list %(pick_list)s)") % {
            "units": d["units"], "product": c.product(d), "pick_list": d["pick_list"]}
    return _("%(units)s item(s) not found on the shelf (pick list %(pick_list)s)") % {
        "units": d["units"], "pick_list": d["pick_list"]}


def _picking_task(d, c, kind: str):
    values = {"units": d.get("units", d.get("quantity")),
              "product": c.product(d) if (d.get("sku") or d.get("name")) else _("items")}
    if kind == "pick_more":
        return _("Order changed while picked: pick %(units)s more × %(product)s") % values
    return _("Order changed while picked: put back %(units)s × %(product)s") % values


def _task_done(d, c):
    if d.get("kind") in ("pick_more", "put_back"):
        values = {"units": d["quantity"],
                  "product": c.product(d) if (d.get("sku") or d.get("name")) else _("items")}
        if d["kind"] == "pick_more":
            return _("Picked %(units)s more × %(product)s") % values
        return _("Put back %(units)s × %(product)s") % values
    return _("Picking task done")


def _address_changed(d, c, group: str):
    fields = ", ".join(label("order_field", f.split("_", 1)[1] if f.startswith(("ship_", "bill_"))
                             else f) for f in sorted(d["changes"]))
    text = {"shipping": N_("Shipping address changed: %(fields)s"),
            "billing": N_("Billing address changed: %(fields)s"),
            "contact": N_("Customer details changed: %(fields)s")}[group]
    return _(text) % {"fields": fields}


def _surcharge(d, c):
    values = {"amount": c.money(d["amount"]), "kind": label("surcharge_kind", d["kind"]),
              "reason": d.get("reason") or ""}
    if values["reason"]:
        return _("Surcharge of %(amount)s (%(kind)s): %(reason)s") % values
    return _("Surcharge of %(amount)s (%(kind)s)") % values


def _authorised(d, c):
    def item(ln: Mapping) -> str:
        text = f"{ln['quantity']} × {c.product(ln)}"
        return f"{text} ({label('return_reason', ln['reason'])})" if ln.get("reason") else text

    products = ", ".join(item(ln) for ln in d["lines"])
    text = (N_("Exchange %(rma)s authorised: %(products)s") if d.get("kind") == "exchange"
            else N_("Return %(rma)s authorised: %(products)s"))
    return _(text) % {"rma": d["rma"], "products": products}


def _received(d, c):
    return _("Return %(rma)s received: %(restocked)s back in stock, %(written_off)s written "
             "off") % {"rma": d["rma"], "restocked": d["restocked"],
                       "written_off": d["written_off"]}


def _invoice(d, c):
    if d.get("kind") == "supplementary":
        return _("Supplementary invoice %(number)s issued") % {"number": d["number"]}
    return _("Invoice %(number)s issued") % {"number": d["number"]}


def _label_queued(d, c):
    what = label("print_kind", d.get("kind") or "shipping_label")
    return _("%(label)s sent to printer %(printer)s") % {"label": what, "printer": d["printer"]}


def _stock(d, c, allocated: bool):
    values = {"units": d["units"], "product": c.product(d)}
    if allocated:
        return _("%(units)s × %(product)s reserved from received stock") % values
    return _("%(units)s × %(product)s no longer on the shelf, now backordered") % values


def _refund_requested(d, c):
    values = {"amount": c.money(d["amount"], d), "route": label("refund_route", d["route"])}
    if d.get("route") == "card" and d.get("status") == "pending":
        return _("Refund of %(amount)s to the card sent to the payment provider") % values
    return _("Refund of %(amount)s to make (%(route)s)") % values


def _fixed(text: str) -> Callable[[Mapping, Context], str]:
    return lambda d, c: _(text)


# kind -> how to tell it; every kind a service records must be here.
RETELLINGS: dict[str, Callable[[Mapping, Context], str]] = {
    "order.placed": lambda d, c: _("Order placed (%(total)s)") % {"total": c.money(d["total"])},
    # A reason typed by staff stays as typed; the auto-cancel job's own reads translated.
    "order.cancelled": lambda d, c: _("Cancelled: %(reason)s") % {"reason": _(d["reason"])},
    "order.held": _held,
    "order.released": _released,
    "order.line_added": _line_added,
    "order.line_removed": _line_removed,
    "order.line_restored": _line_restored,
    "order.line_quantity_changed": _line_quantity,
    "order.shipping_method_changed": lambda d, c: _("Shipping method: %(before)s → %(after)s") % {
        "before": label("shipping_method", d["before"]),
        "after": label("shipping_method", d["after"])},
    "order.shipping_price_changed": lambda d, c: _(
        "Shipping price: %(price_before)s → %(price_after)s") % {
        "price_before": c.money(d["price_before"]), "price_after": c.money(d["price_after"])},
    "order.shipping_address_changed": lambda d, c: _address_changed(d, c, "shipping"),
    "order.billing_address_changed": lambda d, c: _address_changed(d, c, "billing"),
    "order.contact_changed": lambda d, c: _address_changed(d, c, "contact"),
    "order.ready_for_pickup": _fixed(N_("Ready for pickup in store")),
    "order.collected": _fixed(N_("Collected in store")),
    "address.verified": _fixed(N_("Shipping address verified")),
    "email.pay_difference": lambda d, c: _(
        "Asked the customer to pay the difference (%(amount)s)") % {"amount": c.money(d["amount"])},
    "payment.recorded": _payment_recorded,
    "payment.refunded": lambda d, c: _("Refund of %(amount)s recorded") % {
        "amount": c.money(d["amount"], d)},
    "payment.failed": _payment_failed,
    "payment.overpayment": _payment_mismatch,
    "payment.underpayment": _payment_mismatch,
    "payment.conflict": _payment_conflict,
    "payment.reminder_sent": _reminder,
    "receipt.queued": _fixed(N_("Receipt email queued")),
    # Notes written before the data held the body fall back to their summary (the body).
    "note.added": lambda d, c: _("Note: %(body)s") % {"body": d["body"]},
    "note.pinned": _fixed(N_("Note pinned")),
    "note.unpinned": _fixed(N_("Note unpinned")),
    "shipment.created": _shipped,
    "shipment.unpicked": lambda d, c: _("Shipped without picking: %(reason)s") % {
        "reason": d["reason"]},
    "shipment.undone": _shipment_undone,
    "shipment.tracking": _tracking,
    "picking.started": lambda d, c: _("On pick list %(pick_list)s") % d,
    "picking.completed": lambda d, c: _("Picked on pick list %(pick_list)s") % d,
    "picking.short": _picking_short,
    "picking.pick_more": lambda d, c: _picking_task(d, c, "pick_more"),
    "picking.put_back": lambda d, c: _picking_task(d, c, "put_back"),
    "picking.task_acknowledged": _task_done,
    "surcharge.added": _surcharge,
    "return.authorised": _authorised,
    "exchange.authorised": _authorised,
    "return.received": _received,
    "credit.store_credit": lambda d, c: _(
        "Credit note %(number)s of %(amount)s kept as store credit") % {
        "number": d["number"], "amount": c.money(d["amount"])},
    "refund.requested": _refund_requested,
    "refund.retried": lambda d, c: _(
        "Refund of %(amount)s sent to the payment provider again") % {
        "amount": c.money(d["amount"], d)},
    "refund.by_hand": lambda d, c: _("Refund of %(amount)s to make by hand") % {
        "amount": c.money(d["amount"], d)},
    "refund.cancelled": lambda d, c: _("Refund of %(amount)s cancelled") % {
        "amount": c.money(d["amount"], d)},
    "credit_note.issued": lambda d, c: _("Credit note %(number)s of %(amount)s issued") % {
        "number": d["number"], "amount": c.money(d["amount"])},
    "invoice.issued": _invoice,
    "label.queued": _label_queued,
    "stock.allocated": lambda d, c: _stock(d, c, True),
    "stock.backordered": lambda d, c: _stock(d, c, False),
}

# How the shipping price went with a shipping change (events from before the agreed price
# was kept have no price in their data and read as above).
SHIPPING_PRICE_TEXTS = {
    "keep": N_("agreed shipping price kept (%(price_after)s)"),
    "changed": N_("shipping price %(price_before)s → %(price_after)s"),
    "reason": N_("reason: %(reason)s"),
}


def _shipping_text(kind: str, data: Mapping, context: Context) -> str:
    """A shipping change told in parts: the method if it changed, the price (kept or old →
    new), the reason if any."""
    values = {"price_before": context.money(data["price_before"]),
              "price_after": context.money(data["price_after"]),
              "reason": data.get("reason") or ""}
    price = "keep" if data["price_before"] == data["price_after"] else "changed"
    parts = [RETELLINGS[kind](data, context)]
    if kind != "order.shipping_price_changed":
        parts.append(_(SHIPPING_PRICE_TEXTS[price]) % values)
    if values["reason"]:
        parts.append(_(SHIPPING_PRICE_TEXTS["reason"]) % values)
    return " · ".join(parts)


def event_text(event: Mapping, currency: str = "EUR", lines: Iterable[Mapping] = (),
               shipments: Iterable[Mapping] = ()) -> str:
    """The event as the reader reads it; its stored summary when it cannot be retold.

    ``lines`` and ``shipments`` (the order's) name products and parcels for events written
    before their data held the names.
    """
    kind = event.get("kind") or ""
    retell = RETELLINGS.get(kind)
    fallback = event.get("summary") or kind
    if retell is None:
        return fallback
    try:
        data = json_value(event.get("data"), {})
    except ValueError:
        return fallback
    context = Context.of(currency, lines, shipments)
    try:
        if kind.startswith("order.shipping_") and "price_after" in data:
            return _shipping_text(kind, data, context)
        return retell(data, context)
    except (KeyError, TypeError, ValueError, AttributeError, ArithmeticError):
        return fallback


__all__ = ["RETELLINGS", "carrier_name", "event_text"]
