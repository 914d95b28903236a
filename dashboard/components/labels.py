"""Human labels for the glossary's values, translated at render time.

``N_`` only marks a string for extraction into the catalogues; ``label()`` translates it
in the language of the request.
"""

from __future__ import annotations

from dashboard.components.i18n import gettext, pgettext


def N_(message: str) -> str:  # noqa: N802 - gettext convention
    return message


def P_(context: str, message: str) -> tuple[str, str]:  # noqa: N802 - gettext convention
    """Mark ``message`` for extraction with its ``context`` (msgctxt): a parcel's status
    takes the masculine in French (colis), an order's the feminine (commande)."""
    return context, message


def _translate(text: str | tuple[str, str]) -> str:
    return pgettext(*text) if isinstance(text, tuple) else gettext(text)


LABELS: dict[str, dict[str, str | tuple[str, str]]] = {
    "status": {
        "open": N_("Open"),
        "on_hold": N_("On hold"),
        "cancelled": N_("Cancelled"),
        "closed": N_("Closed"),
    },
    "payment_status": {
        "unpaid": N_("Unpaid"),
        "partially_paid": N_("Partially paid"),
        "paid": N_("Paid"),
        "partially_refunded": N_("Partially refunded"),
        "refunded": N_("Refunded"),
    },
    "fulfilment_status": {
        "unfulfilled": N_("Unfulfilled"),
        "partially_shipped": N_("Partially shipped"),
        "shipped": N_("Shipped"),
        "ready_for_pickup": N_("Ready for pickup"),
        "collected": N_("Collected"),
        "delivered": N_("Delivered"),
        "partially_returned": N_("Partially returned"),
        "returned": N_("Returned"),
    },
    "payment_method": {
        "card": N_("Card"),
        "bank_transfer": N_("Bank transfer"),
        "cheque": N_("Cheque"),
        "cash_on_pickup": N_("Cash on pickup"),
    },
    "channel": {"web": N_("Web shop"), "phone": N_("Phone")},
    "return_reason": {
        "damaged": N_("Damaged"),
        "wrong_item": N_("Wrong item"),
        "changed_mind": N_("Changed mind"),
        "too_small": N_("Too small"),
        "too_large": N_("Too large"),
        "other": N_("Other"),
    },
    "return_kind": {"return": N_("Return"), "exchange": N_("Exchange")},
    "return_status": {
        "authorised": N_("Authorised"),
        "received": N_("Received"),
        "closed": N_("Closed"),
        "cancelled": N_("Cancelled"),
    },
    "condition": {"resellable": N_("Resellable"), "damaged": N_("Written off")},
    "refund_method": {
        "card": N_("Card refund"),
        "bank_transfer": N_("Bank transfer"),
        "store_credit": N_("Store credit"),
    },
    "refund_route": {
        "card": N_("To the card"),
        "bank_transfer": N_("By bank transfer"),
    },
    "refund_status": {
        "pending": N_("Sent to the payment provider"),
        "to_make": N_("To make by hand"),
        "failed": N_("Refused by the payment provider"),
        "done": N_("Refunded"),
        "cancelled": N_("Cancelled"),
    },
    "surcharge_kind": {
        "labour": N_("Extra labour"),
        "shipping_change": N_("Change of shipping method"),
        "restocking_fee": N_("Restocking fee"),
        "other": N_("Other"),
    },
    "shipping_method": {"carrier": N_("Carrier"), "click_and_collect": N_("Click and collect")},
    "role": {
        "admin": N_("Administrator"),
        "back_office": N_("Back office"),
        "call_centre": N_("Call centre"),
        "dispatch": N_("Dispatch"),
        "picker": N_("Picker"),
    },
    "hold_reason": {
        "awaiting_payment": N_("Awaiting payment"),
        "address_to_check": N_("Address to check"),
        "out_of_stock": N_("Out of stock"),
        "suspected_fraud": N_("Suspected fraud"),
        "payment_review": N_("Payment review"),
        "manual": N_("Manual hold"),
        "until_date": N_("Hold until a date"),
    },
    "area": {
        "orders": N_("Orders"),
        "customers": N_("Customers"),
        "stock": N_("Stock"),
        "payments": N_("Payments"),
        "dispatch": N_("Dispatch"),
        "picking": N_("Picking"),
        "settings": N_("Settings"),
    },
    "document": {
        "order-confirmation": N_("Order confirmation"),
        "order-form": N_("Order form"),
        "invoice": N_("Invoice"),
        "receipt": N_("Receipt"),
        "delivery-note": N_("Delivery note"),
        "credit-note": N_("Credit note"),
        "pick-list": N_("Pick list"),
        "return-slip": N_("Return slip"),
    },
    "print_job": {
        "pending": N_("Waiting for the printer"),
        "sending": N_("Sending to the printer"),
        "printed": N_("Label printed"),
        "failed": N_("Print failed"),
    },
    "payment_state": {
        "succeeded": N_("Succeeded"),
        "failed": N_("Failed"),
        "pending": N_("Pending"),
    },
    "shipment_status": {
        "shipped": P_("parcel", "Shipped"),
        "in_transit": N_("In transit"),
        "delivered": P_("parcel", "Delivered"),
        "exception": N_("Delivery problem"),
    },
    "print_kind": {
        "shipping_label": N_("Shipping label"),
        "product_label": N_("Product label"),
    },
    # Order fields as the history names them (address parts without their ship_/bill_).
    "order_field": {
        "name": N_("Name"),
        "company": N_("Company"),
        "line1": N_("Address"),
        "line2": N_("Address (line 2)"),
        "postal_code": N_("Postcode"),
        "city": N_("City"),
        "region": N_("Region"),
        "country": N_("Country"),
        "phone": N_("Phone"),
        "customer_name": N_("Name"),
        "customer_email": N_("Email"),
        "customer_phone": N_("Phone"),
    },
    "delivery_status": {
        "pending": N_("Pending"),
        "delivered": N_("Delivered"),
        "failed": N_("Failed"),
    },
}


def label(axis: str, value: str | None) -> str:
    """The translated label of ``value`` on ``axis``; unknown values show as they are."""
    if value is None:
        return ""
    text = LABELS.get(axis, {}).get(value)
    return _translate(text) if text else value


def choices(axis: str) -> list[tuple[str, str]]:
    """(value, translated label) pairs for a select box."""
    return [(value, _translate(text)) for value, text in LABELS[axis].items()]
