"""Refunding what is owed: when an edit leaves an order owing money back to the customer
("Dû au client"), staff refund it to the card (the payment provider's refund, sent by the
worker) or by bank transfer (a refund to make by hand, listed in the payment queue).

A refund is *open* from the request until it is recorded as done (or cancelled); open
refunds hold their amount, so two agents never refund the same money twice. When the
order was already invoiced at a higher amount, the refund comes with a credit note for
the difference, its lines taken from what the invoice shows and the order no longer has.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum

from dashboard.domain.errors import DomainError, ValidationFailed
from dashboard.domain.numbers import N_, Amount, Message
from dashboard.domain.pricing import SHIPPING_VAT_BP


class RefundRoute(StrEnum):
    """How the money goes back (the same values as a credit's ``RefundMethod``)."""

    CARD = "card"
    BANK_TRANSFER = "bank_transfer"


class RefundState(StrEnum):
    PENDING = "pending"  # a card refund waiting for the payment provider (the worker sends it)
    TO_MAKE = "to_make"  # a refund staff make by hand (transfer, or card without a provider)
    FAILED = "failed"  # the provider refused it: retry, or make it by hand
    DONE = "done"  # recorded as a refund payment on the order
    CANCELLED = "cancelled"


OPEN_STATES = frozenset({RefundState.PENDING, RefundState.TO_MAKE, RefundState.FAILED})
# The states each move of an open refund starts from, by the state it moves to: sent to
# the provider again (only once it refused), made by hand, or withdrawn.
MOVES_FROM = {
    RefundState.PENDING: frozenset({RefundState.FAILED}),
    RefundState.TO_MAKE: frozenset({RefundState.PENDING, RefundState.FAILED}),
    RefundState.CANCELLED: OPEN_STATES,
}
REFUND_DONE = N_("This refund is already recorded.")
REFUND_CLOSED = N_("This refund was cancelled.")


def first_state(route: RefundRoute, provider_configured: bool) -> RefundState:
    """A card refund goes to the payment provider when there is one; every other refund
    is made by hand."""
    if route is RefundRoute.CARD and provider_configured:
        return RefundState.PENDING
    return RefundState.TO_MAKE


def check_move(current: str, to: RefundState) -> None:
    """Refuse a move the refund's state does not allow (``DomainError``)."""
    if RefundState(current) not in MOVES_FROM[to]:
        raise DomainError(Message(REFUND_DONE if current == RefundState.DONE
                                  else N_("This refund cannot change any more.")))


def check_completable(current: str) -> None:
    """Refuse to record as made a refund already made or withdrawn (``DomainError``)."""
    if current == RefundState.DONE:
        raise DomainError(Message(REFUND_DONE))
    if current == RefundState.CANCELLED:
        raise DomainError(Message(REFUND_CLOSED))


def refundable_now(balance_due: int, open_total: int) -> int:
    """What may still be asked back for the customer: what the order owes them minus the
    refunds already on their way."""
    return max(-balance_due - open_total, 0)


@dataclass(frozen=True)
class CardCapture:
    """One card payment the provider can refund: its reference and what is left of it."""

    transaction_ref: str
    refundable: int


def card_capture(payments: list[dict]) -> CardCapture | None:
    """The card payment a refund goes back to: the latest succeeded card payment with a
    provider reference, with what the card refunds have not yet taken back of all card
    payments (the provider refunds per payment; one order rarely has two)."""
    captured = sum(p["amount"] for p in payments
                   if p["kind"] == "payment" and p["method"] == RefundRoute.CARD
                   and p["status"] == "succeeded")
    refunded = sum(p["amount"] for p in payments
                   if p["kind"] == "refund" and p["method"] == RefundRoute.CARD
                   and p["status"] == "succeeded")
    refs = [p for p in payments if p["kind"] == "payment" and p["method"] == RefundRoute.CARD
            and p["status"] == "succeeded" and p["transaction_ref"]]
    if not refs:
        return None
    return CardCapture(refs[-1]["transaction_ref"], max(captured - refunded, 0))


_IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")


def clean_iban(text: str) -> str:
    """The IBAN without spaces, upper case; "" when none was typed."""
    return re.sub(r"[\s\-]", "", text or "").upper()


def iban_valid(iban: str) -> bool:
    """ISO 13616: shape, then the mod-97 check digits."""
    if not _IBAN.fullmatch(iban):
        return False
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(ch, 36)) for ch in moved)) % 97 == 1


def check_refund_request(amount: int, route: str, iban: str, *, owed: int, currency: str,
                         card: CardCapture | None, on_its_way: int = 0) -> RefundRoute:
    """Refuse a refund of nothing, of more than is owed, to a card that did not pay, or to
    a malformed IBAN. Returns the route. ``owed`` is what may still be asked for, after
    the ``on_its_way`` refunds. ``DomainError`` when nothing more is owed."""
    if owed <= 0 and on_its_way > 0:
        raise DomainError(Message(N_("All that is owed to the customer is already being "
                                     "refunded: see the refunds on their way.")))
    if owed <= 0:
        raise DomainError(Message(N_("Nothing is owed to the customer on this order.")))
    errors: dict[str, Message] = {}
    try:
        chosen = RefundRoute(route)
    except ValueError:
        chosen = None
        errors["route"] = Message(N_("Choose how the money goes back."))
    if amount <= 0:
        errors["amount"] = Message(N_("The amount must be more than zero."))
    elif amount > owed:
        errors["amount"] = Message(N_("At most %(amount)s is owed to the customer."),
                                   amount=Amount(owed, currency))
    if chosen is RefundRoute.CARD:
        if card is None:
            errors["route"] = Message(
                N_("This order was not paid by card: refund it by bank transfer."))
        elif "amount" not in errors and amount > card.refundable:
            errors["amount"] = Message(N_("At most %(amount)s can go back to the card."),
                                       amount=Amount(card.refundable, currency))
    if chosen is RefundRoute.BANK_TRANSFER and iban and not iban_valid(iban):
        errors["iban"] = Message(N_("This IBAN is not valid: check it with the customer."))
    if errors:
        raise ValidationFailed(errors, N_("This refund cannot be made."))
    return chosen


# --- the credit note that comes with a refund ----------------------------------------------

def invoice_gap(invoiced: int, credit_notes: int, charged: int) -> int:
    """How much more the documents charge than the order does now: what the invoices say
    minus the credit notes already issued, minus what the order charges (total, plus
    surcharges, minus credits). A refund comes with a credit note of this much (if > 0)."""
    return max(invoiced - credit_notes - charged, 0)


def adjustment_lines(invoiced_lines: list[dict], invoiced_shipping: int,
                     current_lines: list[dict], current_shipping: int, gap: int,
                     adjustment_label: str, shipping_label: str) -> list[dict]:
    """Credit-note lines for ``gap``: each product the invoice shows more of than the
    order now has (at the invoiced price and rate), and shipping cut since. When those do
    not add up to the gap (a price changed), one line for the gap at the invoice's main
    VAT rate instead, so the credit note always totals what it credits."""
    def key(line: dict) -> tuple:
        return (line["sku"], line["name"], line["unit_price"], line["vat_rate_bp"])

    now: dict[tuple, int] = defaultdict(int)
    for line in current_lines:
        now[key(line)] += line["quantity"]
    lines = []
    for line in invoiced_lines:
        k = key(line)
        taken = min(now[k], line["quantity"])
        now[k] -= taken
        if line["quantity"] > taken:
            lines.append({"sku": line["sku"], "name": line["name"],
                          "quantity": line["quantity"] - taken,
                          "unit_price": line["unit_price"], "vat_rate_bp": line["vat_rate_bp"]})
    if invoiced_shipping > current_shipping:
        lines.append({"sku": "SHIPPING", "name": shipping_label, "quantity": 1,
                      "unit_price": invoiced_shipping - current_shipping,
                      "vat_rate_bp": SHIPPING_VAT_BP})
    if sum(line["unit_price"] * line["quantity"] for line in lines) == gap:
        return lines
    bases: dict[int, int] = defaultdict(int)
    for line in invoiced_lines:
        bases[line["vat_rate_bp"]] += line["unit_price"] * line["quantity"]
    rate = max(bases, key=lambda r: (bases[r], r)) if bases else SHIPPING_VAT_BP
    return [{"sku": "", "name": adjustment_label, "quantity": 1, "unit_price": gap,
             "vat_rate_bp": rate}]
