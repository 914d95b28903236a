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
from dashboard.services.payments.refunds import (
    RefundPanel,
    RefundRequested,
    cancel_refund,
    complete_refund,
    make_by_hand,
    refund_panel,
    refunds_to_make,
    request_refund,
    retry_refund,
)

__all__ = [
    "RefundPanel",
    "RefundRequested",
    "cancel_refund",
    "complete_refund",
    "format_minor",
    "load_order",
    "make_by_hand",
    "mark_many_paid",
    "order_payload",
    "record_refund",
    "refund_panel",
    "refunds_to_make",
    "request_refund",
    "retry_refund",
    "write_money",
]
