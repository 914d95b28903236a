"""Payments: the payment queue, money in and out, provider webhooks, bank statements, auto-cancel
of unpaid orders.

The public module: other areas import only these names, from here.
"""

from dashboard.services.payments.money import (
    format_minor,
    load_order,
    mark_many_paid,
    order_payload,
    record_refund,
    write_money,
)

__all__ = [
    "format_minor",
    "load_order",
    "mark_many_paid",
    "order_payload",
    "record_refund",
    "write_money",
]
