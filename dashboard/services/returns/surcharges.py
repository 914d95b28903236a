"""Surcharges: extra labour, a change of shipping method, a restocking fee... charged on top
of an order, with a reason and a VAT rate.

One transaction: the surcharge, the order's ``surcharge_total``, balance and payment status
(a paid order owing more goes back to ``partially_paid``, i.e. into the payment queue), the
history, and - when the order's invoice was already issued - a supplementary invoice with
its own number (an issued invoice never changes). Without an invoice yet, the surcharge
appears on the invoice when it is issued.
"""

from __future__ import annotations

from dataclasses import dataclass

from dashboard.db.tables import Invoice, Surcharge
from dashboard.db.transaction import write_transaction
from dashboard.domain.numbers import N_, Message
from dashboard.domain.returns.rules import ReturnRefused, check_surcharge
from dashboard.domain.statuses import OrderStatus
from dashboard.services import printing
from dashboard.services import payments
from dashboard.services.history import record_event
from dashboard.services.payments import format_minor
from dashboard.services import outbox


@dataclass(frozen=True)
class SurchargeOutcome:
    id: int
    amount: int
    balance_due: int
    payment_status: str
    supplementary_invoice: str | None  # its number, when the invoice was already issued


async def add_surcharge(number: str, *, kind: str, amount: int, reason: str,
                        vat_rate_bp: int = 2000, actor: str) -> SurchargeOutcome:
    """Charge ``amount`` (VAT included, minor units) on top of the order.

    Refused with ``ValidationFailed`` (kind, amount not positive or absurd, no reason,
    unknown VAT rate), ``ReturnRefused`` for a cancelled order, ``NotFound``,
    ``StaleVersion``; nothing is written then.
    """
    reason = (reason or "").strip()[:500]
    async with write_transaction():
        order = await payments.load_order(number)
        kind = check_surcharge(kind, amount, reason, vat_rate_bp, order_total=order["total"])
        if order["status"] == OrderStatus.CANCELLED:
            raise ReturnRefused(Message(
                N_("Order %(number)s is cancelled: nothing can be charged on it."),
                number=number))
        rows = await Surcharge.insert(Surcharge(
            order=order["id"], kind=kind, reason=reason, amount=amount,
            vat_rate_bp=vat_rate_bp, actor=actor)).returning(Surcharge.id)
        surcharge_id = rows[0]["id"]
        after = await payments.write_money(order, surcharge_delta=amount, actor=actor)
        supplementary = None
        if await Invoice.exists().where((Invoice.order == order["id"])
                                        & (Invoice.kind == "invoice")):
            invoice = await printing.issue_supplementary_invoice(number, [surcharge_id], actor)
            supplementary = invoice["number"]
        if order["customer_email"]:
            # The customer learns of the charge, with its invoice when one was issued.
            await outbox.queue_email("surcharge", order["customer_email"], {
                "order": order, "amount": amount, "reason": reason,
                "balance_due": after["balance_due"], "supplementary_invoice": supplementary,
            }, locale=order["locale"], order_id=order["id"], attachments=[
                {"document": "invoice", "invoice": supplementary}] if supplementary else None)
        await record_event(order["id"], "surcharge.added",
                           f"Surcharge of {format_minor(amount, order['currency'])}: {reason}",
                           {"kind": kind, "amount": amount, "vat_rate_bp": vat_rate_bp,
                            "reason": reason, "supplementary_invoice": supplementary},
                           actor=actor)
    return SurchargeOutcome(surcharge_id, amount, after["balance_due"], after["payment_status"],
                            supplementary)


async def surcharges_of(order_id: int) -> list[dict]:
    return await Surcharge.select(
        Surcharge.id, Surcharge.kind, Surcharge.reason, Surcharge.amount, Surcharge.vat_rate_bp,
        Surcharge.invoice_id, Surcharge.actor, Surcharge.created_at,
    ).where(Surcharge.order == order_id).order_by(Surcharge.created_at, Surcharge.id)
