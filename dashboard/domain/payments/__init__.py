"""Payments: the payment queue, money in and out, provider webhooks, bank statements, auto-cancel
of unpaid orders.

The public module: other areas import only these names, from here.
"""

from dashboard.domain.payments.deadlines import DeadlinePolicy, order_deadline
from dashboard.domain.payments.provider_events import (
    KnownTransaction,
    PaymentConflict,
    RefundExceedsCapture,
    amount_mismatch,
    check_refund,
    same_transaction,
)
from dashboard.domain.payments.receipts import receipt_refusal
from dashboard.domain.payments.standing import PaymentStanding, payment_standing

__all__ = [
    "DeadlinePolicy",
    "KnownTransaction",
    "PaymentConflict",
    "PaymentStanding",
    "RefundExceedsCapture",
    "amount_mismatch",
    "check_refund",
    "order_deadline",
    "payment_standing",
    "receipt_refusal",
    "same_transaction",
]
