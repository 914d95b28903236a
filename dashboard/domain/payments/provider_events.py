"""What the payment provider's events may do to an order: pure rules, no storage.

A signed webhook proves who sent it, not that its content makes sense for the order. So:
- A refund never takes back more than was captured: refunded + this refund <= paid.
  Otherwise ``RefundExceedsCapture`` (nothing is recorded; the webhook answers 409). A
  refund that arrives before its payment is refused the same way: the provider retries it
  and it goes through once the payment is known.
- A ``transaction_ref`` already recorded on the order is compared with the new event:
  same kind, amount and currency is the same event delivered again (idempotent, nothing
  new); anything else is a ``PaymentConflict`` (409, the order goes on a "payment review"
  hold for staff, written to the history).
- An amount that does not match what the order still owes is recorded as it is, and named:
  ``overpayment`` (more than owed: the order goes on "payment review" hold, staff decide on
  the refund) or ``underpayment`` (less than owed: the order stays in the payment queue).
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.domain.errors import DomainError
from dashboard.domain.numbers import Message

OVERPAYMENT = "overpayment"
UNDERPAYMENT = "underpayment"


class RefundExceedsCapture(DomainError):
    """A refund larger than what was captured and not yet refunded."""

    code = "refund_exceeds_capture"


class PaymentConflict(DomainError):
    """A transaction reference already recorded on the order, with other content."""

    code = "payment_conflict"


@dataclass(frozen=True)
class KnownTransaction:
    """A payment or refund already recorded under a reference."""

    kind: str       # payment | refund
    amount: int
    currency: str


def check_refund(amount: int, paid_total: int, refunded_total: int, number: str = "") -> None:
    """Refuse a refund that would pay back more than was captured (net paid)."""
    refundable = max(paid_total - refunded_total, 0)
    if amount > refundable:
        raise RefundExceedsCapture(
            Message("This refund is more than what order %(number)s was paid and has not "
                    "had refunded yet.", number=number), amount=amount, refundable=refundable)


def same_transaction(known: list[KnownTransaction], kind: str, amount: int,
                     currency: str) -> bool:
    """True when ``known`` (the rows under this reference) is this very event again;
    ``False`` when the reference is new. Raises ``PaymentConflict`` when the reference is
    known with another kind, amount or currency."""
    if not known:
        return False
    incoming = KnownTransaction(kind, amount, currency.upper())
    if all(row == incoming for row in known):
        return True
    first = next(row for row in known if row != incoming)
    differs = [name for name in ("kind", "amount", "currency")
               if getattr(first, name) != getattr(incoming, name)]
    raise PaymentConflict(
        "Transaction reference already recorded on this order with another "
        + ", ".join(differs), differs=differs, known={"kind": first.kind, "amount": first.amount,
                                                      "currency": first.currency},
        incoming={"kind": kind, "amount": amount, "currency": currency.upper()})


def amount_mismatch(amount: int, balance_due: int) -> tuple[str, int] | None:
    """(``overpayment`` | ``underpayment``, difference) when a payment of ``amount`` does
    not settle ``balance_due`` (what the order owes before it) exactly; None when it does."""
    owed = max(balance_due, 0)
    if amount > owed:
        return OVERPAYMENT, amount - owed
    if amount < owed:
        return UNDERPAYMENT, owed - amount
    return None


__all__ = ["OVERPAYMENT", "UNDERPAYMENT", "KnownTransaction", "PaymentConflict",
           "RefundExceedsCapture", "amount_mismatch", "check_refund", "same_transaction"]
