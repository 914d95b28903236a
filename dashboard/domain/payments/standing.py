"""Where the customer stands with the money of one order, as the payment badge says it.

``payment_status`` follows the money the order took in; the balance follows what it
charges now. After an edit the two can disagree in what they seem to say: a paid order
that shrinks stays ``paid`` while money is owed back, so the badge reads from both.
"""

from __future__ import annotations

from dataclasses import dataclass

OWED_TO_CUSTOMER = "owed_to_customer"
BALANCE_DUE = "balance_due"


@dataclass(frozen=True)
class PaymentStanding:
    key: str  # a payment_status value, BALANCE_DUE or OWED_TO_CUSTOMER
    amount: int = 0  # what is owed either way (minor units, >= 0); 0 when none is shown


def payment_standing(payment_status: str, balance_due: int, paid_total: int,
                     refunded_total: int) -> PaymentStanding:
    """The badge of an order: money owed back wins over any status; money still due on an
    order that was (partly) paid shows with its amount, so a grown paid order never reads
    as paid; otherwise the payment status alone (an unpaid order owes its whole total)."""
    if balance_due < 0:
        return PaymentStanding(OWED_TO_CUSTOMER, -balance_due)
    if balance_due > 0 and paid_total - refunded_total > 0:
        return PaymentStanding(BALANCE_DUE, balance_due)
    return PaymentStanding(payment_status)
