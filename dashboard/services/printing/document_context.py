"""What each document shows, read from the order: plain dicts the print templates render.

Dates are ISO strings and money integer minor units, so the very same dict can be stored
as an invoice's snapshot (JSON) and rendered again years later exactly as issued.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

from dashboard.db.tables import Order, OrderLine, Payment, ReturnLine, ReturnRequest, Shipment
from dashboard.domain.printing.documents import DocumentKind, bin_sort_key, vat_breakdown
from dashboard.domain.errors import NotFound, ValidationFailed
from dashboard.domain.pricing import SHIPPING_VAT_BP, vat_included_tax
from dashboard.settings import get_settings



def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


async def load_order(number: str) -> dict:
    order = await Order.select().where(Order.number == number).first()
    if order is None:
        raise NotFound(f"Order {number} does not exist", number=number)
    return order


def seller() -> dict:
    shop = get_settings().shop
    identity = asdict(shop)
    identity.pop("logo_path")
    identity["address_lines"] = [line for line in shop.address.splitlines() if line.strip()]
    return identity


def _address(order: dict, prefix: str) -> dict:
    fields = ("name", "company", "line1", "line2", "postal_code", "city", "region", "country")
    return {f: order.get(f"{prefix}_{f}") or "" for f in fields}


def customer_block(order: dict) -> dict:
    shipping = _address(order, "ship")
    billing = _address(order, "bill")
    if not billing["line1"]:  # "billing_address": null means the shipping address
        billing = dict(shipping, name=billing["name"] or shipping["name"] or order["customer_name"])
    if not billing["company"]:  # a business customer's name heads its billing address
        billing["company"] = order.get("customer_company") or ""
    return {"name": order["customer_name"], "email": order["customer_email"],
            "phone": order["customer_phone"], "company": order.get("customer_company") or "",
            "vat_number": order.get("customer_vat_number") or "",
            "billing": billing, "shipping": shipping}


def order_header(order: dict) -> dict:
    return {key: order[key] for key in (
        "number", "currency", "payment_method", "shipping_method", "status", "payment_status",
        "fulfilment_status", "subtotal", "shipping_total", "tax_total", "total",
        "surcharge_total", "paid_total", "refunded_total", "credited_total", "balance_due",
        "locale")} | {"placed_at": _iso(order["placed_at"]), "paid_at": _iso(order["paid_at"])}


async def order_lines(order_id: int) -> list[dict]:
    rows = await OrderLine.select(
        OrderLine.position, OrderLine.sku, OrderLine.name, OrderLine.barcode,
        OrderLine.bin_location, OrderLine.unit_price, OrderLine.vat_rate_bp, OrderLine.quantity,
        OrderLine.shipped, OrderLine.returned, OrderLine.picked, OrderLine.line_total,
        OrderLine.tax_amount,
    ).where(OrderLine.order == order_id).order_by(OrderLine.position, OrderLine.id)
    for row in rows:
        row["base"] = row["line_total"] - row["tax_amount"]
        row["unit_base"] = round(row["base"] / row["quantity"]) if row["quantity"] else 0
    return rows


def money_summary(order: dict, lines: list[dict], extra: list[dict] = ()) -> dict:
    """Totals excl./incl. VAT and the breakdown per rate: lines, shipping and surcharges."""
    amounts = [(line["line_total"], line["tax_amount"], line["vat_rate_bp"]) for line in lines]
    amounts += [(e["amount"], e["tax"], e["vat_rate_bp"]) for e in extra]
    if order["shipping_total"]:
        amounts.append((order["shipping_total"],
                        vat_included_tax(order["shipping_total"], SHIPPING_VAT_BP),
                        SHIPPING_VAT_BP))
    rows = [asdict(row) for row in vat_breakdown(amounts)]
    total = sum(row["total"] for row in rows)
    tax = sum(row["tax"] for row in rows)
    return {"vat_rows": rows, "total": total, "tax_total": tax, "base_total": total - tax}


async def _base(order: dict, kind: DocumentKind, title: str) -> dict:
    lines = await order_lines(order["id"])
    return {
        "kind": kind.value, "title": title, "seller": seller(), "order": order_header(order),
        "customer": customer_block(order), "lines": lines,
        "money": money_summary(order, lines), "printed_at": _iso(datetime.now().astimezone()),
    }


async def order_confirmation(order: dict) -> dict:
    doc = await _base(order, DocumentKind.ORDER_CONFIRMATION, "Order confirmation")
    doc["payment_instructions"] = order["payment_method"] in ("bank_transfer", "cheque")
    return doc


async def order_form(order: dict) -> dict:
    """The order as agreed (lines, prices, VAT, totals, payment terms) with a box for the
    customer's "Bon pour accord", date and signature. Reads only: no number, no change."""
    doc = await _base(order, DocumentKind.ORDER_FORM, "Order form")
    doc["payment_terms"] = get_settings().shop.payment_terms
    doc["business"] = bool(order.get("customer_company") or order.get("customer_vat_number"))
    return doc


async def receipt(order: dict) -> dict:
    doc = await _base(order, DocumentKind.RECEIPT, "Receipt")
    payments = await Payment.select(
        Payment.kind, Payment.method, Payment.amount, Payment.currency, Payment.transaction_ref,
        Payment.created_at, Payment.received_on,
    ).where((Payment.order == order["id"]) & (Payment.status == "succeeded")).order_by(
        Payment.created_at, Payment.id)
    doc["payments"] = [dict(p, created_at=_iso(p["created_at"]),
                            received_on=p["received_on"].isoformat() if p["received_on"] else None)
                       for p in payments]
    return doc


async def delivery_note(order: dict) -> dict:
    doc = await _base(order, DocumentKind.DELIVERY_NOTE, "Delivery note")
    doc["lines"] = sorted(doc["lines"], key=lambda line: (bin_sort_key(line["bin_location"]),
                                                         line["position"]))
    shipments = await Shipment.select(
        Shipment.carrier, Shipment.service, Shipment.tracking_number, Shipment.shipped_at
    ).where(Shipment.order == order["id"]).order_by(Shipment.created_at)
    doc["shipments"] = [dict(s, shipped_at=_iso(s["shipped_at"])) for s in shipments]
    return doc


async def invoice_snapshot(order: dict, extra: list[dict]) -> dict:
    """Everything the invoice prints, frozen at issue (seller identity included)."""
    doc = await _base(order, DocumentKind.INVOICE, "Invoice")
    doc["surcharges"] = extra
    doc["money"] = money_summary(order, doc["lines"], extra)
    doc["payment_terms"] = get_settings().shop.payment_terms
    doc["sale_date"] = _iso(order["placed_at"])
    return doc


async def pick_list(order_numbers: list[str]) -> dict:
    """Lines still to ship of several orders, grouped by bin in walking order, one product
    per row with its EAN barcode and how many go to each order.

    Raises ``ValidationFailed`` when no order is named, ``NotFound`` when none exists."""
    if not order_numbers:
        raise ValidationFailed({"orders": "required"}, "Name at least one order for the pick list.")
    orders = await Order.select(Order.id, Order.number).where(Order.number.is_in(order_numbers))
    if not orders:
        raise NotFound("None of these orders exists")
    numbers = {o["id"]: o["number"] for o in orders}
    rows = await OrderLine.select(
        OrderLine.order, OrderLine.sku, OrderLine.name, OrderLine.barcode,
        OrderLine.bin_location, OrderLine.quantity, OrderLine.shipped,
    ).where(OrderLine.order.is_in(list(numbers)))
    bins: dict[str, dict[str, dict]] = {}
    for row in rows:
        remaining = row["quantity"] - row["shipped"]
        if remaining <= 0:
            continue
        products = bins.setdefault(row["bin_location"] or "", {})
        item = products.setdefault(row["sku"], {"sku": row["sku"], "name": row["name"],
                                                "barcode": row["barcode"], "quantity": 0,
                                                "orders": []})
        item["quantity"] += remaining
        item["orders"].append({"number": numbers[row["order"]], "quantity": remaining})
    grouped = [{"bin": name, "products": sorted(products.values(), key=lambda p: p["sku"])}
               for name, products in sorted(bins.items(), key=lambda b: bin_sort_key(b[0]))]
    return {"kind": DocumentKind.PICK_LIST.value, "title": "Pick list", "seller": seller(),
            "orders": sorted(numbers.values()), "bins": grouped,
            "units": sum(p["quantity"] for b in grouped for p in b["products"]),
            "printed_at": _iso(datetime.now().astimezone())}


async def return_slip(number: str, rma: str) -> dict:
    """What the return slip prints: the RMA (with its barcode), what comes back and why,
    and where to send it. Raises ``NotFound``."""
    order = await load_order(number)
    request = await ReturnRequest.select(
        ReturnRequest.id, ReturnRequest.rma_number, ReturnRequest.kind,
        ReturnRequest.created_at).where(
        (ReturnRequest.order == order["id"]) & (ReturnRequest.rma_number == rma)).first()
    if request is None:
        raise NotFound(f"No return {rma} on this order")
    lines = await ReturnLine.select(
        ReturnLine.quantity, ReturnLine.reason, ReturnLine.replacement_quantity,
        ReturnLine.order_line.sku.as_alias("sku"), ReturnLine.order_line.name.as_alias("name"),
        ReturnLine.replacement_product.sku.as_alias("replacement_sku"),
    ).where(ReturnLine.return_request == request["id"]).order_by(ReturnLine.id)
    return {
        "kind": "return-slip", "title": "Return slip", "seller": seller(),
        "order": order_header(order),
        "customer": customer_block(order),
        "rma": {"number": request["rma_number"], "kind": request["kind"],
                "created_at": request["created_at"].isoformat()},
        "lines": [{"sku": ln["sku"], "name": ln["name"], "quantity": ln["quantity"],
                   "reason": ln["reason"], "replacement_sku": ln["replacement_sku"],
                   "replacement_quantity": ln["replacement_quantity"]}
                  for ln in lines],
    }
