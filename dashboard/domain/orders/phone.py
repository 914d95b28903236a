"""A phone order while the agent builds it: the draft's shape and its rules.

The draft is plain data (kept as JSON on the server, so a dropped call can be resumed):
the caller, both addresses, lines of SKU and quantity, payment and shipping method. Prices
are never stored in it: the order is priced from the catalogue when it is placed, through
the same intake rules as the API. A repeat order flags lines that are no longer sold or
whose price changed instead of silently dropping or repricing them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.orders.changes import parse_quantity, shipping_price
from dashboard.domain.orders.intake import AddressDetails, CustomerDetails, DraftLine, OrderDraft
from dashboard.domain.statuses import Channel, PaymentMethod, ShippingMethod

CUSTOMER_FIELDS = ("email", "first_name", "last_name", "phone")
ADDRESS_FIELDS = ("name", "company", "line1", "line2", "postal_code", "city", "region",
                  "country", "phone")


def empty_address(country: str = "FR") -> dict[str, str]:
    return {f: "" for f in ADDRESS_FIELDS} | {"country": country}


def new_draft(customer: Mapping | None = None, shipping: Mapping | None = None,
              billing: Mapping | None = None, locale: str = "fr") -> dict:
    """A fresh draft, prefilled from a known customer and their address book."""
    customer = customer or {}
    name = " ".join(p for p in (customer.get("first_name"), customer.get("last_name")) if p)
    ship = {**empty_address(), "name": name, "phone": customer.get("phone") or ""}
    ship.update({f: str(shipping.get(f) or "") for f in ADDRESS_FIELDS} if shipping else {})
    bill = {f: str(billing.get(f) or "") for f in ADDRESS_FIELDS} if billing else None
    return {
        "customer": {f: str(customer.get(f) or "") for f in CUSTOMER_FIELDS},
        "shipping_address": ship,
        "billing_address": bill if bill and _differs(bill, ship) else None,
        "lines": [],
        "payment_method": PaymentMethod.CARD.value,
        "shipping_method": ShippingMethod.CARRIER.value,
        "locale": customer.get("locale") or locale,
    }


def _differs(a: Mapping, b: Mapping) -> bool:
    """Two addresses differ in anything but the phone (billing addresses have none)."""
    return any(a.get(f) != b.get(f) for f in ADDRESS_FIELDS if f != "phone")


def with_line(draft: Mapping, sku: str, name: str, quantity: object) -> dict:
    """The draft with ``quantity`` more of ``sku`` (merged into its line if there is one)."""
    wanted = parse_quantity(quantity)
    lines = [dict(line) for line in draft.get("lines", [])]
    for line in lines:
        if line["sku"] == sku:
            line["quantity"] = parse_quantity(line["quantity"] + wanted)
            line.pop("flag", None)
            break
    else:
        lines.append({"sku": sku, "name": name, "quantity": wanted})
    return {**draft, "lines": lines}


def with_quantity(draft: Mapping, index: int, quantity: object) -> dict:
    """The draft with line ``index`` set to ``quantity``; 0 takes the line off."""
    wanted = parse_quantity(quantity, allow_zero=True)
    lines = [dict(line) for line in draft.get("lines", [])]
    if not 0 <= index < len(lines):
        raise ValidationFailed({"lines": "no such line"})
    if wanted == 0:
        del lines[index]
    else:
        lines[index]["quantity"] = wanted
    return {**draft, "lines": lines}


def with_customer(draft: Mapping, customer: Mapping, shipping: Mapping | None) -> dict:
    """The draft taken over by a known customer: their account's contact details; their
    address fills the shipping address only if none was typed yet (nothing typed is lost)."""
    contact = {f: str(customer.get(f) or "") for f in CUSTOMER_FIELDS}
    out = {**draft, "customer": contact}
    ship = dict(draft.get("shipping_address") or empty_address())
    if shipping and not ship.get("line1"):
        ship = {f: str(shipping.get(f) or "") for f in ADDRESS_FIELDS}
        ship["phone"] = ship["phone"] or contact["phone"]
        if not ship["name"]:
            ship["name"] = " ".join(p for p in (contact["first_name"], contact["last_name"]) if p)
    out["shipping_address"] = ship
    return out


def with_details(draft: Mapping, form: Mapping[str, str]) -> dict:
    """The draft with the caller's details, addresses and methods from the form
    (``customer.email``, ``shipping_address.city``, ``same_billing``...)."""
    def get(key: str, default: str = "") -> str:
        return " ".join(str(form.get(key, default) or "").split())

    customer = {f: get(f"customer.{f}") for f in CUSTOMER_FIELDS}
    customer["email"] = customer["email"].lower()
    ship = {f: get(f"shipping_address.{f}") for f in ADDRESS_FIELDS}
    ship["country"] = ship["country"].upper()
    billing = None
    if not form.get("same_billing"):
        billing = {f: get(f"billing_address.{f}") for f in ADDRESS_FIELDS}
        billing["country"] = billing["country"].upper()
    return {**draft, "customer": customer, "shipping_address": ship, "billing_address": billing,
            "payment_method": get("payment_method", PaymentMethod.CARD.value),
            "shipping_method": get("shipping_method", ShippingMethod.CARRIER.value)}


def _address(values: Mapping[str, str]) -> AddressDetails:
    return AddressDetails(**{f: str(values.get(f) or "") for f in ADDRESS_FIELDS})


def to_order_draft(draft: Mapping) -> OrderDraft:
    """What ``services.orders.place_order`` takes: a phone-channel order at catalogue prices
    with the shipping price of its method. Raises ``ValidationFailed`` for lines the agent
    must deal with first (flagged as no longer sold)."""
    flagged = {f"lines[{i}].sku": f"{line['sku']} is no longer sold: remove it"
               for i, line in enumerate(draft.get("lines", []))
               if line.get("flag") == "not_sold"}
    if flagged:
        raise ValidationFailed(flagged)
    method = draft.get("shipping_method") or ShippingMethod.CARRIER.value
    try:
        shipping_total = shipping_price(method)
    except ValidationFailed:
        shipping_total = 0  # validate_draft names the bad method
    billing = draft.get("billing_address")
    return OrderDraft(
        customer=CustomerDetails(**{f: str(draft["customer"].get(f) or "")
                                    for f in CUSTOMER_FIELDS}),
        shipping_address=_address(draft["shipping_address"]),
        billing_address=_address(billing) if billing else None,
        lines=[DraftLine(sku=line["sku"], quantity=int(line["quantity"]))
               for line in draft.get("lines", [])],
        payment_method=draft.get("payment_method") or PaymentMethod.CARD.value,
        shipping_method=method, locale=draft.get("locale") or "fr",
        channel=Channel.PHONE.value, shipping_total=shipping_total)


def repeat_lines(past: Sequence[Mapping], catalogue: Mapping[str, Mapping]) -> list[dict]:
    """Lines of a new draft from a past order's lines, checked against today's catalogue.

    ``catalogue`` maps SKU -> {name, price, active, available, backorder}. A line no longer
    sold keeps its place with ``flag = "not_sold"``; a changed price is shown with the old
    one (``was``); a short product is flagged ``short`` with what is available.
    """
    lines = []
    for line in past:
        if line["quantity"] <= 0:
            continue
        product = catalogue.get(line["sku"])
        new = {"sku": line["sku"], "name": line["name"], "quantity": line["quantity"]}
        if product is None or not product["active"]:
            new["flag"] = "not_sold"
        else:
            new["name"] = product["name"]
            if product["price"] != line["unit_price"]:
                new["was"] = line["unit_price"]
            if product["available"] < line["quantity"] and not product["backorder"]:
                new["flag"] = "short"
                new["available"] = max(product["available"], 0)
        lines.append(new)
    return lines
