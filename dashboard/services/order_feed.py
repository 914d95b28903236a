"""The order as other programs see it (API answers, outgoing webhooks), and the changes feed.

The shape is fixed by the external contract (CONTRACT.md, JSON API v1): more keys may be
added, none renamed. Timestamps are ISO 8601 in UTC.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from datetime import datetime, timezone

from dashboard.db.tables import Order, OrderLine
from dashboard.domain.errors import NotFound, ValidationFailed

FEED_PAGE_SIZE = 100
_STATUSES = ("open", "on_hold", "cancelled", "closed")

ORDER_COLUMNS = (
    Order.id, Order.number, Order.customer, Order.channel, Order.locale, Order.currency,
    Order.payment_method, Order.shipping_method, Order.status, Order.payment_status,
    Order.fulfilment_status, Order.hold_reason, Order.cancel_reason, Order.customer_email,
    Order.customer_name, Order.customer_phone, Order.ship_name, Order.ship_company,
    Order.ship_line1, Order.ship_line2, Order.ship_postal_code, Order.ship_city,
    Order.ship_region, Order.ship_country, Order.ship_phone, Order.bill_name,
    Order.bill_company, Order.bill_line1, Order.bill_line2, Order.bill_postal_code,
    Order.bill_city, Order.bill_region, Order.bill_country, Order.subtotal,
    Order.shipping_total, Order.tax_total, Order.total, Order.paid_total,
    Order.refunded_total, Order.balance_due, Order.backordered_quantity, Order.placed_at,
    Order.updated_at, Order.cancelled_at, Order.version,
)
LINE_COLUMNS = (
    OrderLine.id, OrderLine.order, OrderLine.position, OrderLine.product, OrderLine.sku,
    OrderLine.name, OrderLine.unit_price, OrderLine.quantity, OrderLine.reserved,
    OrderLine.backordered, OrderLine.picked, OrderLine.shipped, OrderLine.returned,
    OrderLine.line_total, OrderLine.tax_amount,
)


def _iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite hands back naive UTC
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(timezone.utc).isoformat().replace("+00:00", "Z")


def _address(order: dict, prefix: str) -> dict:
    return {name: order.get(f"{prefix}_{name}", "") for name in
            ("name", "company", "line1", "line2", "postal_code", "city", "region", "country")}


def order_json(order: dict, lines: list[dict]) -> dict:
    """The contract's order object from an order row and its line rows."""
    return {
        "number": order["number"],
        "placed_at": _iso(order["placed_at"]),
        "updated_at": _iso(order["updated_at"]),
        "currency": order["currency"],
        "subtotal": order["subtotal"],
        "shipping_total": order["shipping_total"],
        "tax_total": order["tax_total"],
        "total": order["total"],
        "paid_total": order["paid_total"],
        "balance_due": order["balance_due"],
        "payment_method": order["payment_method"],
        "shipping_method": order["shipping_method"],
        "channel": order["channel"],
        "locale": order["locale"],
        "status": order["status"],
        "payment_status": order["payment_status"],
        "fulfilment_status": order["fulfilment_status"],
        "cancel_reason": order.get("cancel_reason"),
        "cancelled_at": _iso(order.get("cancelled_at")),
        "version": order["version"],
        "customer": {"email": order["customer_email"], "name": order["customer_name"],
                     "phone": order["customer_phone"]},
        "shipping_address": {**_address(order, "ship"), "phone": order.get("ship_phone", "")},
        "billing_address": _address(order, "bill"),
        "lines": [{
            "sku": line["sku"], "name": line["name"], "quantity": line["quantity"],
            "unit_price": line["unit_price"], "line_total": line["line_total"],
            "reserved": line["reserved"], "backordered": line["backordered"],
            "picked": line.get("picked", 0), "shipped": line.get("shipped", 0),
            "returned": line.get("returned", 0),
        } for line in sorted(lines, key=lambda ln: ln["position"])],
    }


@dataclass(frozen=True)
class FeedPage:
    orders: list[dict]
    next_cursor: str | None


def _encode(updated_at: datetime, order_id: int) -> str:
    raw = json.dumps([_iso(updated_at), order_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> tuple[datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        stamp, order_id = json.loads(raw)
        return parse_timestamp(stamp, "cursor"), int(order_id)
    except (ValueError, TypeError, json.JSONDecodeError, ValidationFailed):
        raise ValidationFailed({"cursor": "not a cursor this API gave"}) from None


def parse_timestamp(value: str, field: str) -> datetime:
    """An ISO 8601 timestamp; one without a zone is taken as UTC. Raises ``ValidationFailed``."""
    try:
        stamp = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except (ValueError, AttributeError):
        raise ValidationFailed({field: "an ISO 8601 timestamp, e.g. 2026-01-31T12:00:00Z"}) from None
    return stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)


async def changed_orders(updated_since: datetime | None = None, status: str = "",
                         cursor: str = "", page_size: int | None = None) -> FeedPage:
    """Orders changed since a moment, oldest change first, keyset-paged on (updated_at, id).

    A partner syncs by following ``next_cursor`` until it is None, then polls again with
    the last ``updated_at`` it saw. Raises ``ValidationFailed`` for a bad status or cursor.
    """
    if status and status not in _STATUSES:
        raise ValidationFailed({"status": "one of " + ", ".join(_STATUSES)})
    page_size = page_size or FEED_PAGE_SIZE
    query = Order.select(*ORDER_COLUMNS)
    if updated_since is not None:
        query = query.where(Order.updated_at >= updated_since)
    if status:
        query = query.where(Order.status == status)
    if cursor:
        stamp, order_id = _decode(cursor)
        query = query.where((Order.updated_at > stamp)
                            | ((Order.updated_at == stamp) & (Order.id > order_id)))
    orders = await query.order_by(Order.updated_at, Order.id).limit(page_size + 1)
    more = len(orders) > page_size
    orders = orders[:page_size]
    lines_by_order: dict[int, list[dict]] = {o["id"]: [] for o in orders}
    if orders:
        for line in await OrderLine.select(*LINE_COLUMNS).where(
                OrderLine.order.is_in(list(lines_by_order))):
            lines_by_order[line["order"]].append(line)
    next_cursor = _encode(orders[-1]["updated_at"], orders[-1]["id"]) if more else None
    return FeedPage(orders=[order_json(o, lines_by_order[o["id"]]) for o in orders],
                    next_cursor=next_cursor)


async def get_order(number: str) -> dict:
    """The order with its lines, as the API and the webhooks show it. Raises ``NotFound``."""
    order = await Order.select(*ORDER_COLUMNS).where(Order.number == number).first()
    if order is None:
        raise NotFound(f"No order {number}")
    lines = await OrderLine.select(*LINE_COLUMNS).where(OrderLine.order == order["id"]).order_by(
        OrderLine.position)
    return order_json(order, lines)
