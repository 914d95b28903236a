"""When a receipt can be emailed to the customer (again, at staff's request)."""

from __future__ import annotations

from dashboard.domain.numbers import Message


def receipt_refusal(number: str, paid_total: int, customer_email: str | None) -> Message | None:
    """Why no receipt can be sent for this order, or None when it can: something was paid
    and the customer has an email address."""
    if paid_total <= 0:
        return Message("Order %(number)s has no payment to give a receipt for.", number=number)
    if not customer_email:
        return Message("Order %(number)s has no customer email address.", number=number)
    return None
