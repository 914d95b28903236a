"""Refunding what an order owes the customer (``domain.payments.refunds``).

``request_refund`` is the agent's action, one transaction: the refund row (sent to the
payment provider by the worker for a card, listed in the payment queue for a transfer),
the credit note when the order was invoiced at more than it charges now, history, and the
customer's email with the credit note attached. The money is recorded (a refund
``Payment``, the balance, the ``order.refunded`` webhook) only when the refund is done:
``complete_refund``, called by the worker with the provider's reference or by staff once
they made the transfer. Until then the refund holds its amount, so nobody refunds the
same money twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from dashboard.components.i18n import translations
from dashboard.db.tables import Order, Payment, Refund
from dashboard.db.transaction import write_transaction
from dashboard.domain.errors import DomainError, NotFound
from dashboard.domain.numbers import N_, Message
from dashboard.domain.payments.refunds import (
    OPEN_STATES,
    RefundRoute,
    RefundState,
    adjustment_lines,
    card_capture,
    check_completable,
    check_move,
    check_refund_request,
    clean_iban,
    first_state,
    invoice_gap,
    refundable_now,
)
from dashboard.services import printing
from dashboard.services.history import record_event
from dashboard.services.outbox import queue_email
from dashboard.services.payments.money import (
    format_minor,
    load_order,
    lock_order_row,
    record_refund,
)
from dashboard.settings import get_settings

OPEN = [state.value for state in OPEN_STATES]


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class RefundPanel:
    """What the order screen shows about money owed back."""

    owed: int  # what the order owes the customer (>= 0)
    refundable: int  # what may still be asked for: owed minus the open refunds
    open: list[dict] = field(default_factory=list)
    card_refundable: int | None = None  # None: not paid by card
    credit_note_amount: int = 0  # the credit note a refund would come with
    provider: bool = False  # card refunds go through the provider's API


async def _payments(order_id: int) -> list[dict]:
    return await Payment.select(
        Payment.kind, Payment.method, Payment.amount, Payment.status, Payment.transaction_ref,
    ).where(Payment.order == order_id).order_by(Payment.created_at, Payment.id)


async def _open_refunds(order_id: int) -> list[dict]:
    return await Refund.select().where(
        (Refund.order == order_id) & Refund.status.is_in(OPEN)).order_by(Refund.id)


async def _credit_gap(order: dict) -> tuple[int, dict | None]:
    invoiced = await printing.invoiced(order["id"])
    if invoiced is None:
        return 0, None
    charged = order["total"] + order["surcharge_total"] - order["credited_total"]
    return invoice_gap(invoiced["total"], invoiced["credit_notes"], charged), invoiced


async def refund_panel(order: dict, payments: list[dict] | None = None) -> RefundPanel:
    """The refund part of the payments panel: one indexed read for an order that owes
    nothing and has no refund on its way (almost all of them). A refund still open on an
    order that no longer owes it (the customer added to the order since) stays listed, to
    cancel or make."""
    owed = max(-order["balance_due"], 0)
    open_refunds = await _open_refunds(order["id"])
    if not owed and not open_refunds:
        return RefundPanel(0, 0)
    payments = payments if payments is not None else await _payments(order["id"])
    card = card_capture(payments)
    gap, _ = await _credit_gap(order) if owed else (0, None)
    refundable = refundable_now(order["balance_due"], sum(r["amount"] for r in open_refunds))
    return RefundPanel(owed, refundable, open_refunds,
                       card.refundable if card else None, min(gap, refundable),
                       bool(get_settings().payment_provider_url))


@dataclass(frozen=True)
class RefundRequested:
    refund_id: int
    amount: int
    route: str
    status: str
    credit_note: str  # its number, or ""
    email_queued: bool


async def request_refund(number: str, *, amount: int, route: str, iban: str = "",
                         reason: str = "", send_email: bool = True,
                         actor: str) -> RefundRequested:
    """Refund ``amount`` of what the order owes the customer, to the card or by transfer.

    Refused (``ValidationFailed`` on ``amount``, ``route``, ``iban``; ``DomainError`` when
    nothing is owed) before anything is written. ``NotFound`` for an unknown order.
    """
    reason = (reason or "").strip()[:500]
    iban = clean_iban(iban)
    async with write_transaction():
        order = await load_order(number)
        await lock_order_row(order["id"])
        order = await load_order(number)  # as it is now that we hold it
        open_refunds = await _open_refunds(order["id"])
        on_its_way = sum(r["amount"] for r in open_refunds)
        owed = refundable_now(order["balance_due"], on_its_way)
        card = card_capture(await _payments(order["id"]))
        chosen = check_refund_request(amount, route, iban, owed=owed, on_its_way=on_its_way,
                                      currency=order["currency"], card=card)
        status = first_state(chosen, bool(get_settings().payment_provider_url))
        note = await _credit_note(order, amount, reason, chosen, actor)
        to_card = chosen is RefundRoute.CARD
        rows = await Refund.insert(Refund(
            order=order["id"], route=chosen.value, amount=amount, currency=order["currency"],
            status=status.value, capture_ref=card.transaction_ref if to_card else "",
            iban="" if to_card else iban, reason=reason,
            credit_note=note["number"] if note else "", actor=actor,
        )).returning(Refund.id)
        refund_id = rows[0]["id"]
        await _order_moved(order["id"])
        await record_event(
            order["id"], "refund.requested",
            f"Refund of {format_minor(amount, order['currency'])} by {chosen.value} requested",
            {"refund": refund_id, "amount": amount, "currency": order["currency"],
             "route": chosen.value, "status": status.value,
             "credit_note": note["number"] if note else ""}, actor=actor)
        queued = bool(send_email and order["customer_email"])
        if queued:
            await queue_email(
                "refund", order["customer_email"],
                {"order": order, "refund": {"amount": amount, "route": chosen.value,
                                            "credit_note": note["number"] if note else ""}},
                locale=order["locale"] or "fr", order_id=order["id"],
                attachments=[{"document": "credit-note", "format": "a4",
                              "credit_note": note["number"]}] if note else [])
    return RefundRequested(refund_id, amount, chosen.value, status.value,
                           note["number"] if note else "", queued)


async def _credit_note(order: dict, amount: int, reason: str, route: RefundRoute,
                       actor: str) -> dict | None:
    """The credit note for what the invoice charged and the order no longer does, up to
    the amount refunded; None when the order was not invoiced above what it charges."""
    gap, invoiced = await _credit_gap(order)
    gap = min(gap, amount)
    if gap <= 0:
        return None
    # Document lines are printed as issued: named in the customer's language.
    _ = translations(order["locale"] or "fr").gettext
    lines = adjustment_lines(invoiced["lines"], invoiced["shipping_total"],
                             await printing.current_lines(order["id"]), order["shipping_total"],
                             gap, _("Order adjustment"), _("Shipping"))
    return await printing.issue_credit_note(
        order["number"], amount=gap, lines=lines,
        reason=reason or _("Order changed after invoicing"), refund_method=route.value,
        actor=actor)


async def _load_refund(refund_id: int) -> dict:
    row = await Refund.select(*Refund.all_columns(), Refund.order.number.as_alias("number")).where(
        Refund.id == refund_id).first()
    if row is None:
        raise NotFound(f"No refund {refund_id}")
    return row


async def _order_moved(order_id: int) -> None:
    """A refund asked or moved changes what the order screen shows: its version moves, so
    open screens (on any instance) re-read it."""
    await Order.update({Order.version: Order.version + 1, Order.updated_at: _now()}).where(
        Order.id == order_id)


async def complete_refund(refund_id: int, transaction_ref: str, *, source: str,
                          actor: str) -> dict:
    """Record an open refund as done: the refund payment on the order (balance, status,
    ``order.refunded`` webhook) and the row closed, in one transaction. Refused when it was
    already done or cancelled. A reference the order already has as a refund (the
    provider's webhook came first) is not recorded twice."""
    transaction_ref = (transaction_ref or "").strip()[:120]
    async with write_transaction():
        refund = await _load_refund(refund_id)
        check_completable(refund["status"])
        ref = transaction_ref or f"refund-{refund_id}"
        await record_refund(refund["number"], refund["amount"], refund["currency"], ref,
                            method=refund["route"], source=source, actor=actor)
        await Refund.update({Refund.status: RefundState.DONE.value, Refund.done_at: _now(),
                             Refund.done_by: actor, Refund.transaction_ref: ref,
                             Refund.last_error: ""}).where(Refund.id == refund_id)
    return refund | {"status": RefundState.DONE.value, "transaction_ref": ref}


# The history entry of each move of an open refund, by the state it moves to.
MOVE_EVENTS = {RefundState.PENDING: "refund.retried", RefundState.TO_MAKE: "refund.by_hand",
               RefundState.CANCELLED: "refund.cancelled"}


async def _move(refund_id: int, to: RefundState, actor: str, summary: str,
                order_number: str | None = None) -> dict:
    async with write_transaction():
        refund = await _load_refund(refund_id)
        if order_number is not None and refund["number"] != order_number:
            raise NotFound(f"No refund {refund_id} on order {order_number}")
        check_move(refund["status"], to)
        values = {Refund.status: to.value}
        if to is RefundState.PENDING:
            values |= {Refund.next_attempt_at: _now(), Refund.attempts: 0}
        await Refund.update(values).where(Refund.id == refund_id)
        await _order_moved(refund["order"])
        await record_event(refund["order"], MOVE_EVENTS[to], summary,
                           {"refund": refund_id, "amount": refund["amount"],
                            "currency": refund["currency"], "route": refund["route"]},
                           actor=actor)
    return refund | {"status": to.value}


async def retry_refund(refund_id: int, *, actor: str) -> dict:
    """Send a refund the provider refused to the provider again."""
    if not get_settings().payment_provider_url:
        raise DomainError(Message(
            N_("No payment provider is configured: make this refund by hand.")))
    return await _move(refund_id, RefundState.PENDING, actor,
                       "Refund sent to the payment provider again")


async def make_by_hand(refund_id: int, *, actor: str) -> dict:
    """Stop sending a refund to the provider: staff make it themselves."""
    return await _move(refund_id, RefundState.TO_MAKE, actor, "Refund to make by hand")


async def cancel_refund(refund_id: int, *, actor: str, order_number: str | None = None) -> dict:
    """Withdraw an open refund (asked by mistake); its amount is owed again. With
    ``order_number``, a refund of another order is ``NotFound``."""
    return await _move(refund_id, RefundState.CANCELLED, actor, "Refund cancelled",
                       order_number)


async def refunds_to_make(limit: int = 200) -> list[dict]:
    """The payment queue's refunds: those staff make by hand and those the provider
    refused, oldest first."""
    return await Refund.select(
        *Refund.all_columns(), Refund.order.number.as_alias("number"),
        Refund.order.customer_name.as_alias("customer_name"),
        Refund.order.customer_email.as_alias("customer_email"),
    ).where(Refund.status.is_in([RefundState.TO_MAKE.value, RefundState.FAILED.value])
            ).order_by(Refund.created_at, Refund.id).limit(limit)
