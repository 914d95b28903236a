"""The accounting export: orders and their lines as CSV, one row per order line.

Streamed in batches (keyset on the order id) so a hundred thousand orders never sit in
memory at once; the selection is the orders list's own ``OrderFilter``. Amounts are in the
order's currency with its decimals (2 for euros); the French flavour uses ``;`` between
fields and a decimal comma, as Excel set to French expects.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from babel.numbers import get_currency_precision

from dashboard.db.tables import Order, OrderLine
from dashboard.services.orders import OrderFilter, order_clauses

BATCH_SIZE = 500
BOM = "\ufeff"
HEADER = (
    "order_number", "placed_at", "status", "payment_status", "fulfilment_status",
    "payment_method", "customer_name", "customer_email", "currency", "order_subtotal",
    "order_shipping", "order_tax", "order_total", "order_paid", "order_refunded",
    "order_balance_due", "line_position", "sku", "product_name", "quantity", "unit_price",
    "vat_rate", "line_total", "line_tax", "shipped", "returned",
)
ORDER_COLUMNS = (
    Order.id, Order.number, Order.placed_at, Order.status, Order.payment_status,
    Order.fulfilment_status, Order.payment_method, Order.customer_name, Order.customer_email,
    Order.currency, Order.subtotal, Order.shipping_total, Order.tax_total, Order.total,
    Order.paid_total, Order.refunded_total, Order.balance_due,
)
LINE_COLUMNS = (
    OrderLine.order, OrderLine.position, OrderLine.sku, OrderLine.name, OrderLine.quantity,
    OrderLine.unit_price, OrderLine.vat_rate_bp, OrderLine.line_total, OrderLine.tax_amount,
    OrderLine.shipped, OrderLine.returned,
)


class Flavour:
    """Separator and decimal mark: ``standard`` (``,`` and ``.``) or ``fr`` (``;`` and ``,``)."""

    def __init__(self, french: bool, tz: str) -> None:
        self.separator = ";" if french else ","
        self.decimal = "," if french else "."
        self.zone = ZoneInfo(tz)

    def amount(self, minor: int, currency: str) -> str:
        digits = get_currency_precision(currency)
        return f"{Decimal(minor).scaleb(-digits):.{digits}f}".replace(".", self.decimal)

    def rate(self, basis_points: int) -> str:
        return f"{Decimal(basis_points).scaleb(-2):.2f}".replace(".", self.decimal)

    def moment(self, value: datetime) -> str:
        return value.astimezone(self.zone).strftime("%Y-%m-%d %H:%M")


def _text(value: str | None) -> str:
    """Text a spreadsheet must not run as a formula (CSV injection): lead with a quote."""
    value = value or ""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def _rows(order: dict, lines: list[dict], flavour: Flavour) -> list[list[str]]:
    currency = order["currency"]
    head = [
        order["number"], flavour.moment(order["placed_at"]), order["status"],
        order["payment_status"], order["fulfilment_status"], order["payment_method"],
        _text(order["customer_name"]), _text(order["customer_email"]), currency,
        *(flavour.amount(order[key], currency) for key in (
            "subtotal", "shipping_total", "tax_total", "total", "paid_total",
            "refunded_total", "balance_due")),
    ]
    if not lines:
        return [head + [""] * (len(HEADER) - len(head))]
    return [head + [
        str(line["position"]), _text(line["sku"]), _text(line["name"]), str(line["quantity"]),
        flavour.amount(line["unit_price"], currency), flavour.rate(line["vat_rate_bp"]),
        flavour.amount(line["line_total"], currency), flavour.amount(line["tax_amount"], currency),
        str(line["shipped"]), str(line["returned"]),
    ] for line in lines]


async def _batches(order_filter: OrderFilter, batch_size: int) -> AsyncIterator[list[dict]]:
    clauses = await order_clauses(order_filter)
    last_id = 0
    while True:
        query = Order.select(*ORDER_COLUMNS).where(Order.id > last_id)
        for clause in clauses:
            query = query.where(clause)
        orders = await query.order_by(Order.id).limit(batch_size)
        if not orders:
            return
        yield orders
        if len(orders) < batch_size:
            return
        last_id = orders[-1]["id"]


async def csv_chunks(order_filter: OrderFilter, *, french: bool, tz: str,
                     batch_size: int = BATCH_SIZE) -> AsyncIterator[str]:
    """The CSV text, a header then one chunk per batch of orders (oldest order first).

    Starts with a UTF-8 byte-order mark so Excel reads accents right.
    """
    flavour = Flavour(french, tz)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=flavour.separator, lineterminator="\r\n")
    writer.writerow(HEADER)
    yield BOM + buffer.getvalue()
    async for orders in _batches(order_filter, batch_size):
        lines_by_order: dict[int, list[dict]] = {}
        for line in await OrderLine.select(*LINE_COLUMNS).where(
                OrderLine.order.is_in([order["id"] for order in orders])).order_by(
                OrderLine.order).order_by(OrderLine.position):
            lines_by_order.setdefault(line["order"], []).append(line)
        buffer.seek(0)
        buffer.truncate()
        for order in orders:
            writer.writerows(_rows(order, lines_by_order.get(order["id"], []), flavour))
        yield buffer.getvalue()
