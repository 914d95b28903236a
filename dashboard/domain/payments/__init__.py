"""Payments: the payment queue, money in and out, provider webhooks, bank statements, auto-cancel
of unpaid orders.

The public module: other areas import only these names, from here.
"""

from dashboard.domain.payments.deadlines import DeadlinePolicy, order_deadline

__all__ = [
    "DeadlinePolicy",
    "order_deadline",
]
