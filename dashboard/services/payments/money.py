"""Money received and paid back: payments, refunds, failures, and the provider's webhooks.

One way to change what an order has been paid, whoever calls (staff, bank reconciliation,
the payment provider): ``record_payment`` / ``record_refund``. Each recomputes the balance
(``domain.pricing.balance_due``) and the payment status (``domain.statuses.payment_status_for``)
from the totals, writes the history, and queues the outgoing webhook and receipt email in
the same transaction.

A ``transaction_ref`` is idempotent per order: a payment (or refund) whose reference is
already recorded on that order changes nothing, so a provider that sends the same success
twice under two webhook ids, or staff typing a cheque twice, never pays twice.

A refund never exceeds what was captured and not yet refunded, whoever records it
(``domain.payments.check_refund``). The provider's webhooks are checked further
(``domain.payments.provider_events``): a known reference with other content is refused
and the order put on "payment review" hold; an amount that does not settle the order is
recorded and flagged in the history (an overpayment also holds the order for review).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal

from babel.numbers import get_currency_precision

from dashboard.db.json_columns import json_value
from dashboard.db.tables import Order, Payment
from dashboard.db.transaction import is_sqlite, savepoint, write_transaction
from dashboard.db.tables import OrderEvent
from dashboard.domain.errors import DomainError, NotFound, StaleVersion, ValidationFailed
from dashboard.domain.fulfilment import HoldReason
from dashboard.domain.payments import (
    KnownTransaction,
    PaymentConflict,
    amount_mismatch,
    check_refund,
    receipt_refusal,
    same_transaction,
)
from dashboard.domain.pricing import balance_due
from dashboard.domain.printing import InvoiceEvent
from dashboard.domain.statuses import OrderStatus, PaymentMethod, PaymentStatus, payment_status_for
from dashboard.domain.numbers import MAX_PAYMENT, N_, Message
from dashboard.services import printing
from dashboard.services.history import record_event
from dashboard.services.outbox import queue_email, queue_webhook
from dashboard.services.results import BulkResult
from dashboard.services.webhook_receipts import process_once, retry_on_stale

log = logging.getLogger(__name__)

SOURCES = ("webhook", "manual", "bank_statement")
ORDER_COLUMNS = (
    Order.id, Order.number, Order.status, Order.payment_status, Order.payment_method,
    Order.currency, Order.total, Order.surcharge_total, Order.paid_total, Order.refunded_total,
    Order.credited_total, Order.balance_due, Order.version, Order.paid_at, Order.placed_at,
    Order.customer_email, Order.customer_name, Order.locale, Order.shipping_total,
)


@dataclass(frozen=True)
class PaymentOutcome:
    """What recording a payment or refund did to the order."""

    number: str
    payment_status: str
    balance_due: int
    became_paid: bool = False
    duplicate: bool = False
    receipt_queued: bool = False


def _now() -> datetime:
    return datetime.now(timezone.utc)


def format_minor(amount: int, currency: str) -> str:
    """"3980 EUR" -> "39.80 EUR": for history summaries (screens format with babel)."""
    digits = get_currency_precision(currency)
    return f"{Decimal(amount).scaleb(-digits):.{digits}f} {currency}"


async def lock_order_row(order_id: int) -> None:
    """Lock the order's row until the transaction ends (SQLite's writer lock already
    serialises every writer)."""
    if not is_sqlite():
        await Order.select(Order.id).where(Order.id == order_id).lock_rows()


async def load_order(number: str) -> dict:
    """The order's money and status columns; ``NotFound`` when no order has this number."""
    row = await Order.select(*ORDER_COLUMNS).where(Order.number == number).first()
    if row is None:
        raise NotFound(f"Order {number} does not exist", number=number)
    return row


def _check_amount(amount: int, currency: str, order: dict) -> None:
    errors = {}
    if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
        errors["amount"] = Message(N_("Enter a positive amount."))
    if (currency or "").upper() != order["currency"]:
        errors["currency"] = Message(N_("The order is in %(currency)s."),
                                     currency=order["currency"])
    if errors:
        raise ValidationFailed(errors)


async def _reference_known(order_id: int, kind: str, transaction_ref: str) -> bool:
    if not transaction_ref:
        return False
    return await Payment.exists().where(
        (Payment.order == order_id) & (Payment.kind == kind)
        & (Payment.transaction_ref == transaction_ref) & (Payment.status == "succeeded"))


async def write_money(order: dict, *, paid_delta: int = 0, refunded_delta: int = 0,
                       credited_delta: int = 0, surcharge_delta: int = 0,
                       total_delta: int = 0, actor: str = "system") -> dict:
    """Apply a money movement to the order with a version check; the new values.

    Every posting to the balance goes through here (payments, refunds, credit notes,
    surcharges, an exchange's replacement lines), so balance and payment status always
    follow ``domain.pricing.balance_due`` from the totals.
    An order that becomes fully paid here gets its invoice in the same transaction when
    the shop invoices at payment (``printing.issue_invoice_if_due``), whichever posting
    settled it. Raises ``StaleVersion`` when someone else wrote the order since it was read
    (nothing is written then).
    """
    paid = order["paid_total"] + paid_delta
    refunded = order["refunded_total"] + refunded_delta
    credited = order["credited_total"] + credited_delta
    surcharges = order["surcharge_total"] + surcharge_delta
    total = order["total"] + total_delta
    charged = total + surcharges - credited
    status = payment_status_for(charged, paid, refunded)
    balance = balance_due(total, surcharges, paid, refunded, credited,
                          cancelled=order["status"] == "cancelled")
    now = _now()
    became_paid = status == PaymentStatus.PAID and order["payment_status"] != PaymentStatus.PAID
    values = {
        Order.paid_total: paid, Order.refunded_total: refunded, Order.balance_due: balance,
        Order.credited_total: credited, Order.surcharge_total: surcharges, Order.total: total,
        Order.payment_status: status.value, Order.version: order["version"] + 1,
        Order.updated_at: now,
    }
    if became_paid and order["paid_at"] is None:
        values[Order.paid_at] = now
    rows = await Order.update(values).where(
        (Order.id == order["id"]) & (Order.version == order["version"])
    ).returning(Order.id)
    if not rows:
        raise StaleVersion(f"Order {order['number']} changed meanwhile", number=order["number"])
    if became_paid:
        await printing.issue_invoice_if_due(order["number"], InvoiceEvent.PAID, actor)
    return {**order, "paid_total": paid, "refunded_total": refunded, "balance_due": balance,
            "credited_total": credited, "surcharge_total": surcharges, "total": total,
            "payment_status": status.value, "version": order["version"] + 1,
            "paid_at": values.get(Order.paid_at, order["paid_at"]), "became_paid": became_paid}


def order_payload(order: dict) -> dict:
    """The order as outgoing payment webhooks describe it."""
    paid_at = order.get("paid_at")
    return {"number": order["number"], "currency": order["currency"], "total": order["total"],
            "paid_total": order["paid_total"], "refunded_total": order["refunded_total"],
            "balance_due": order["balance_due"], "payment_status": order["payment_status"],
            "paid_at": paid_at.isoformat() if paid_at else None}


async def _queue_receipt(order: dict, payment: dict | None) -> bool:
    if not order["customer_email"]:
        return False
    await queue_email("receipt", order["customer_email"], {"order": order, "payment": payment},
                      locale=order["locale"] or "fr", order_id=order["id"],
                      attachments=[{"document": "receipt", "format": "a4"}])
    return True


async def apply_payment(order: dict, amount: int, currency: str, transaction_ref: str, *,
                        method: str | None, source: str, received_on: date | None, actor: str,
                        send_receipt: bool | None = None) -> PaymentOutcome:
    """Record a payment on an order already read, inside the caller's transaction.

    For use-cases that pay several orders in one transaction (bulk, reconciliation).
    Raises ``ValidationFailed`` (amount, currency, method), ``DomainError`` for a cancelled
    order paid by hand, ``StaleVersion`` if the order changed since it was read.
    """
    from dashboard.settings import get_settings

    _check_amount(amount, currency, order)
    method = method or order["payment_method"]
    if method not in {m.value for m in PaymentMethod}:
        raise ValidationFailed({"method": Message(N_("Choose a payment method from the list."))})
    if source not in SOURCES:
        raise ValidationFailed({"source": f"one of {', '.join(SOURCES)}"})
    transaction_ref = (transaction_ref or "").strip()[:120]
    if await _reference_known(order["id"], "payment", transaction_ref):
        log.info("payment %s already recorded on %s: ignored", transaction_ref, order["number"])
        return PaymentOutcome(order["number"], order["payment_status"], order["balance_due"],
                              duplicate=True)
    cancelled = order["status"] == OrderStatus.CANCELLED
    if cancelled and source == "manual":
        raise DomainError(f"Order {order['number']} is cancelled: no payment can be recorded")
    # Take the order's row lock before writing the payment row: concurrent payers of one
    # order then queue on the order instead of deadlocking on each other's payment rows.
    await lock_order_row(order["id"])
    payment = {"amount": amount, "currency": order["currency"], "transaction_ref": transaction_ref,
               "method": method, "source": source,
               "received_on": received_on.isoformat() if received_on else None}
    await Payment.insert(Payment(
        order=order["id"], kind="payment", method=method, amount=amount,
        currency=order["currency"], status="succeeded", transaction_ref=transaction_ref,
        received_on=received_on, source=source, actor=actor))
    summary = f"Payment of {format_minor(amount, order['currency'])} recorded"
    if cancelled:
        # Money is real even when the order is not: staff must refund or reinstate.
        summary += " on a cancelled order: refund it or reinstate the order"
        log.warning("payment received on cancelled order %s", order["number"])
    await record_event(order["id"], "payment.recorded", summary, payment, actor=actor)
    # After the payment's own rows, so the history reads "payment, then invoice"; a stale
    # order raises here and the caller's transaction (or savepoint) drops those rows.
    after = await write_money(order, paid_delta=amount, actor=actor)
    receipt = False
    if after["became_paid"]:
        await queue_webhook("order.paid", order_payload(after))
        wanted = get_settings().send_receipts if send_receipt is None else send_receipt
        if wanted:
            receipt = await _queue_receipt(after, payment)
    elif send_receipt:
        receipt = await _queue_receipt(after, payment)
    return PaymentOutcome(order["number"], after["payment_status"], after["balance_due"],
                          became_paid=after["became_paid"], receipt_queued=receipt)


async def record_payment(number: str, amount: int, currency: str, transaction_ref: str, *,
                         method: str | None, source: str, received_on: date | None, actor: str,
                         send_receipt: bool | None = None) -> PaymentOutcome:
    """Record money received for an order (all of it, or part of it).

    ``send_receipt``: None follows the shop setting (``DASHBOARD_SEND_RECEIPTS``) when the
    order becomes paid; True queues a receipt now (staff asked); False never.
    Fails with ``NotFound`` (no such order), ``ValidationFailed`` (amount <= 0, another
    currency, unknown method) or ``DomainError`` (cancelled order, by hand). A reference
    already recorded on the order is acknowledged (``duplicate=True``) and changes nothing.
    """

    async def use_case() -> PaymentOutcome:
        order = await load_order(number)
        return await apply_payment(order, amount, currency, transaction_ref, method=method,
                                   source=source, received_on=received_on, actor=actor,
                                   send_receipt=send_receipt)

    return await retry_on_stale(use_case)


async def record_refund(number: str, amount: int, currency: str, transaction_ref: str, *,
                        method: str | None = None, source: str, actor: str) -> PaymentOutcome:
    """Record money paid back to the customer.

    Refused (``RefundExceedsCapture``, nothing recorded) when it would pay back more than
    was captured and not yet refunded, including a refund arriving before its payment (the
    provider retries it later). Same refusals as ``record_payment``; a known reference
    changes nothing.
    """

    async def use_case() -> PaymentOutcome:
        order = await load_order(number)
        _check_amount(amount, currency, order)
        ref = (transaction_ref or "").strip()[:120]
        if await _reference_known(order["id"], "refund", ref):
            return PaymentOutcome(order["number"], order["payment_status"], order["balance_due"],
                                  duplicate=True)
        check_refund(amount, order["paid_total"], order["refunded_total"], order["number"])
        after = await write_money(order, refunded_delta=amount, actor=actor)
        refund = {"amount": amount, "currency": order["currency"], "transaction_ref": ref,
                  "source": source}
        await Payment.insert(Payment(
            order=order["id"], kind="refund", method=method or order["payment_method"],
            amount=amount, currency=order["currency"], status="succeeded", transaction_ref=ref,
            received_on=_now().date(), source=source, actor=actor))
        await record_event(order["id"], "payment.refunded",
                           f"Refund of {format_minor(amount, order['currency'])} recorded",
                           refund, actor=actor)
        await queue_webhook("order.refunded", {**order_payload(after), "refund": refund})
        return PaymentOutcome(order["number"], after["payment_status"], after["balance_due"])

    return await retry_on_stale(use_case)


async def record_failure(number: str, amount: int | None, currency: str | None,
                         transaction_ref: str, *, source: str, actor: str,
                         reason: str = "") -> None:
    """A payment attempt that failed: history only, the money and statuses stay as they are."""
    async with write_transaction():
        order = await load_order(number)
        data = {"amount": amount, "currency": currency, "transaction_ref": transaction_ref,
                "source": source, "reason": reason}
        await record_event(order["id"], "payment.failed", "Payment attempt failed", data,
                           actor=actor)


async def queue_receipt(number: str, *, actor: str) -> None:
    """Staff asked for a receipt (again): queue it now. Refused for an unpaid order."""
    async with write_transaction():
        order = await load_order(number)
        refusal = receipt_refusal(order["number"], order["paid_total"], order["customer_email"])
        if refusal or not await _queue_receipt(order, None):
            raise DomainError(refusal or Message(
                "Order %(number)s has no customer email address.", number=order["number"]))
        await record_event(order["id"], "receipt.queued", "Receipt email queued", actor=actor)


BulkEntry = tuple[str, str, date | None, int | None]


async def mark_many_paid(entries: list[BulkEntry], actor: str) -> BulkResult:
    """Mark several orders paid in ONE transaction: (number, reference, date, amount or None).

    A missing amount means "what is still owed". Each order is checked on its own; one
    that cannot be paid is skipped with the reason, the others are paid.
    """
    result = BulkResult()
    async with write_transaction():
        for number, reference, received_on, amount in entries:
            number = (number or "").strip()
            order = await Order.select(*ORDER_COLUMNS).where(Order.number == number).first()
            if order is None:
                result.skip(number, "no such order")
                continue
            if order["status"] == OrderStatus.CANCELLED:
                result.skip(number, Message(N_("order is cancelled")))
                continue
            to_pay = order["balance_due"] if amount is None else amount
            if amount is None and to_pay <= 0:
                result.skip(number, "nothing left to pay")
                continue
            try:
                async with savepoint():  # a refusal undoes this order's writes only
                    outcome = await apply_payment(
                        order, to_pay, order["currency"], reference, method=None,
                        source="manual", received_on=received_on, actor=actor)
            except ValidationFailed as exc:
                result.skip(number, "; ".join(f"{k}: {v}" for k, v in exc.fields.items()))
                continue
            except StaleVersion:
                result.skip(number, "changed by someone else meanwhile; try again")
                continue
            if outcome.duplicate:
                result.skip(number, "reference already recorded for this order")
            else:
                result.change(number)
    return result


# --- the payment provider's webhooks -----------------------------------------------------

PROVIDER_EVENTS = ("payment.succeeded", "payment.failed", "payment.refunded")
MONEY_EVENTS = {"payment.succeeded": "payment", "payment.refunded": "refund"}
MAX_EVENT_AMOUNT = MAX_PAYMENT  # what staff may record by hand, the provider too
MAX_TRANSACTION_REF = 120  # Payment.transaction_ref
CURRENCY_CODE = re.compile(r"^[A-Za-z]{3}$")


def _event_fields(data: object) -> tuple[str, int, str, str]:
    """The event's ``data``, each field checked as the webhook's schema publishes it."""
    if not isinstance(data, dict):
        raise ValidationFailed({"data": "must be an object"})
    errors: dict[str, str] = {}
    number = data.get("order_number")
    amount = data.get("amount")
    currency = data.get("currency")
    ref = data.get("transaction_ref")
    if isinstance(amount, float) and amount.is_integer():
        amount = int(amount)  # JSON has one number type: 3980.0 is the integer 3980
    if not isinstance(number, str) or not number.strip():
        errors["data.order_number"] = "required"
    if not isinstance(amount, int) or isinstance(amount, bool) \
            or not 0 < amount <= MAX_EVENT_AMOUNT:
        errors["data.amount"] = f"a positive integer in minor units, at most {MAX_EVENT_AMOUNT}"
    if not isinstance(currency, str) or not CURRENCY_CODE.fullmatch(currency):
        errors["data.currency"] = "an ISO 4217 code"
    if not isinstance(ref, str) or not ref.strip():
        errors["data.transaction_ref"] = "required"
    elif len(ref) > MAX_TRANSACTION_REF:
        errors["data.transaction_ref"] = f"at most {MAX_TRANSACTION_REF} characters"
    if errors:
        raise ValidationFailed(errors)
    return number.strip(), amount, currency.upper(), ref.strip()


async def _known_under(order_id: int, transaction_ref: str) -> list[KnownTransaction]:
    rows = await Payment.select(Payment.kind, Payment.amount, Payment.currency).where(
        (Payment.order == order_id) & (Payment.transaction_ref == transaction_ref)
        & (Payment.status == "succeeded"))
    return [KnownTransaction(r["kind"], r["amount"], r["currency"]) for r in rows]


async def hold_for_payment_review(order_id: int, why: str, *, actor: str) -> bool:
    """Put the order on "payment review" hold and write why to its history, inside the
    caller's transaction. An order already on hold takes this reason (the previous one is
    in the history); a cancelled or closed order only gets the history line. True when the
    order is now held for review."""
    row = await Order.select(Order.id, Order.status, Order.hold_reason, Order.version).where(
        Order.id == order_id).first()
    held = False
    previous = row["hold_reason"]
    if row["status"] in (OrderStatus.OPEN, OrderStatus.ON_HOLD):
        if previous != HoldReason.PAYMENT_REVIEW:
            changed = await Order.update({
                Order.status: OrderStatus.ON_HOLD.value,
                Order.hold_reason: HoldReason.PAYMENT_REVIEW.value, Order.hold_until: None,
                Order.version: row["version"] + 1, Order.updated_at: _now(),
            }).where((Order.id == order_id) & (Order.version == row["version"])).returning(
                Order.id)
            if not changed:
                raise StaleVersion("Order changed meanwhile")
            await record_event(order_id, "order.held", f"On hold: payment review ({why})",
                               {"reason": HoldReason.PAYMENT_REVIEW.value, "until": None,
                                "previous_reason": previous}, actor=actor)
        held = True
    else:
        log.warning("payment review needed on %s order %s: %s", row["status"], order_id, why)
    return held


async def _flag_mismatch(order: dict, amount: int, mismatch: tuple[str, int], ref: str,
                         actor: str) -> None:
    kind, difference = mismatch
    money = format_minor(difference, order["currency"])
    if kind == "overpayment":
        summary = f"Overpayment: {money} more than the order owed"
    else:
        summary = f"Underpayment: {money} less than the order owed"
    data = {"mismatch": kind, "difference": difference, "amount": amount,
            "owed": max(order["balance_due"], 0), "currency": order["currency"],
            "transaction_ref": ref}
    await record_event(order["id"], f"payment.{kind}", summary, data, actor=actor)
    if kind == "overpayment":
        await hold_for_payment_review(order["id"], summary, actor=actor)


async def _record_conflict(number: str, webhook_id: str, event_type: str, ref: str,
                           exc: PaymentConflict, actor: str) -> None:
    """The refused conflicting event, written to the history and held for review, in its
    own transaction (the refusal stored nothing else). Redeliveries of the same webhook id
    are refused again without a second history line."""

    async def use_case() -> None:
        order = await load_order(number)
        seen = await OrderEvent.select(OrderEvent.data).where(
            (OrderEvent.order == order["id"]) & (OrderEvent.kind == "payment.conflict"))
        for row in seen:
            if json_value(row["data"], {}).get("webhook_id") == webhook_id:
                return
        data = {"webhook_id": webhook_id, "event_type": event_type, "transaction_ref": ref,
                **exc.details}
        summary = f"Refused {event_type} {ref}: {exc.message.lower()}"
        await record_event(order["id"], "payment.conflict", summary, data, actor=actor)
        await hold_for_payment_review(order["id"], f"conflicting {event_type} {ref}",
                                      actor=actor)

    await retry_on_stale(use_case)


async def handle_provider_event(webhook_id: str, event_type: str, data: object) -> str:
    """Apply one verified payment-provider event, exactly once per webhook id.

    Answers ``"processed"``, ``"duplicate"`` (this webhook id was already processed: nothing
    done) or ``"ignored"`` (an event type we do not act on). The webhook id is stored in the
    same transaction as the effect, so a refusal (``NotFound`` for an unknown order,
    ``ValidationFailed`` for bad data) stores nothing and changes nothing.
    """
    actor = "payment provider"

    async def apply() -> str:
        if event_type not in PROVIDER_EVENTS:
            log.info("payment webhook %s of type %r ignored", webhook_id, event_type)
            return "ignored"
        number, amount, currency, ref = _event_fields(data)
        order = await load_order(number)
        if event_type in MONEY_EVENTS:
            # Raises PaymentConflict (rolled back, then recorded below) on other content.
            if same_transaction(await _known_under(order["id"], ref), MONEY_EVENTS[event_type],
                                amount, currency):
                log.info("payment webhook %s repeats %s on %s: nothing new", webhook_id, ref,
                         number)
                return "duplicate"
        if event_type == "payment.succeeded":
            _check_amount(amount, currency, order)
            mismatch = amount_mismatch(amount, order["balance_due"])
            await apply_payment(order, amount, currency, ref, method=PaymentMethod.CARD.value,
                                source="webhook", received_on=_now().date(), actor=actor)
            if mismatch:
                await _flag_mismatch(order, amount, mismatch, ref, actor)
        elif event_type == "payment.refunded":
            await record_refund(number, amount, currency, ref, source="webhook", actor=actor)
        else:
            await record_failure(number, amount, currency, ref, source="webhook", actor=actor)
        return "processed"

    try:
        return await process_once("payments", webhook_id, event_type, apply)
    except PaymentConflict as exc:
        number, _amount, _currency, ref = _event_fields(data)
        await _record_conflict(number, webhook_id, event_type, ref, exc, actor)
        raise
