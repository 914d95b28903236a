"""Credits: a numbered credit note for returned items, shipping or any amount, and how the
money goes back (card refund, bank transfer, store credit).

One use-case, one transaction: the credit note (its gap-free number), the order's
``credited_total`` and balance, the refund (``payments.record_refund``, joined into this
transaction), history, the ``order.refunded`` webhook when money goes back, and the
customer's email with the credit note PDF attached. A refusal writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.components.i18n import translations
from dashboard.db.transaction import write_transaction
from dashboard.domain.errors import ValidationFailed
from dashboard.domain.numbers import N_, Message
from dashboard.domain.pricing import SHIPPING_VAT_BP
from dashboard.domain.returns.rules import MONEY_BACK, RefundMethod, check_credit
from dashboard.services import printing
from dashboard.services import payments
from dashboard.services.history import record_event
from dashboard.services.outbox import queue_email, queue_webhook

# The shipping line's name: the word invoices and refund credit notes print for shipping.
SHIPPING_LINE = N_("Shipping")
CREDIT_LINE = N_("Goodwill credit")  # a credit of an amount given no reason


@dataclass(frozen=True)
class CreditOutcome:
    number: str  # the credit note's number, e.g. A2026-00003
    amount: int
    refund_method: str
    balance_due: int
    payment_status: str


def amount_lines(amount: int, label: str, vat_rate_bp: int = 2000, sku: str = "") -> list[dict]:
    """One credit-note line for a plain amount (shipping, goodwill). A ``Message`` label
    is written in the customer's language when the note is issued."""
    return [{"sku": sku, "name": label, "quantity": 1, "unit_price": amount,
             "vat_rate_bp": vat_rate_bp}]


def shipping_lines(amount: int) -> list[dict]:
    """The line crediting ``amount`` of shipping, at the one shipping VAT rate."""
    return amount_lines(amount, Message(SHIPPING_LINE), SHIPPING_VAT_BP, "SHIPPING")


def _named(lines: list[dict], locale: str) -> list[dict]:
    """Document lines are printed as issued: the names this module gives (``Message``s)
    are written in the customer's language; product names stay as they are."""
    gettext = translations(locale).gettext
    return [{**line, "name": line["name"].translate(gettext)}
            if isinstance(line["name"], Message) else line for line in lines]


async def issue_credit(number: str, *, amount: int, lines: list[dict] | None = None,
                       reason: str = "", refund_method: str, refund_ref: str = "",
                       return_request_id: int | None = None, actor: str,
                       send_email: bool = True) -> CreditOutcome:
    """Credit ``amount`` on an order and record how it goes back to the customer.

    ``lines`` (as ``printing.issue_credit_note`` takes them) default to one line named by
    ``reason``. Refused (``ValidationFailed``) when the amount is not positive or more than
    paid minus already credited, the method is unknown, a card refund has no reference, or
    that reference was already recorded; ``NotFound`` for an unknown order;
    ``StaleVersion`` if the order changed meanwhile.
    """
    reason = (reason or "").strip()[:500]
    refund_ref = (refund_ref or "").strip()[:120]
    async with write_transaction():
        order = await payments.load_order(number)
        method = check_credit(amount, refund_method, refund_ref, currency=order["currency"],
                              paid_total=order["paid_total"],
                              credited_total=order["credited_total"])
        note = await printing.issue_credit_note(
            number, amount=amount,
            lines=_named(lines or amount_lines(amount, reason or Message(CREDIT_LINE)),
                         order["locale"] or "fr"),
            reason=reason, return_request_id=return_request_id, refund_method=method,
            refund_ref=refund_ref, actor=actor)
        after = await payments.write_money(order, credited_delta=amount, actor=actor)
        if method in MONEY_BACK:
            outcome = await payments.record_refund(
                number, amount, order["currency"], refund_ref, method=method, source="manual",
                actor=actor)
            if outcome.duplicate:
                raise ValidationFailed({"refund_ref": Message(
                    N_("This refund reference is already recorded."))})
            status, balance = outcome.payment_status, outcome.balance_due
        else:
            await record_event(order["id"], "credit.store_credit",
                               f"Credit note {note['number']} kept as store credit",
                               {"number": note["number"], "amount": amount}, actor=actor)
            status, balance = after["payment_status"], after["balance_due"]
            if after["became_paid"]:
                await queue_webhook("order.paid", payments.order_payload(after))
        if send_email and order["customer_email"]:
            await queue_email(
                "credit_note", order["customer_email"],
                {"order": {**after, "balance_due": balance}, "credit_note": {
                    "number": note["number"], "amount": amount, "refund_method": method,
                    "reason": reason}},
                locale=order["locale"] or "fr", order_id=order["id"],
                attachments=[{"document": "credit-note", "format": "a4",
                              "credit_note": note["number"]}])
    return CreditOutcome(note["number"], amount, method, balance, status)


__all__ = ["CreditOutcome", "RefundMethod", "amount_lines", "issue_credit", "shipping_lines"]
