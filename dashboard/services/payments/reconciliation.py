"""Bank reconciliation: import a statement, propose matches, staff confirm one by one.

Import never pays anything: it stores the credit lines and proposes, for each, the order
whose number appears in the reference (or, failing that, the one unpaid order of that
amount from that counterparty). Staff confirm each proposal; each confirmation is one
transaction that records the payment. An amount that differs from what the order still
owes is shown and must be accepted explicitly.

Re-importing a statement (or an overlapping one) stores only the lines not seen before,
by (date, amount, reference), counting repeats: a re-import never pays twice.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from dashboard.db.tables import BankStatement, BankStatementLine, Order, Payment
from dashboard.db.transaction import is_sqlite, write_transaction
from dashboard.domain.payments.bank_statements import (
    StatementEntry, new_entries, parse_statement, reference_tokens,
)
from dashboard.domain.errors import DomainError, NotFound, ValidationFailed
from dashboard.domain.numbers import N_, Amount, Message
from dashboard.domain.search import fold
from dashboard.domain.statuses import OrderStatus, PaymentStatus
from dashboard.services.payments.money import apply_payment, load_order

log = logging.getLogger(__name__)
# Serialises imports on PostgreSQL (SQLite's BEGIN IMMEDIATE already does).
_IMPORT_LOCK_KEY = 7_305_301


@dataclass(frozen=True)
class ImportResult:
    statement_id: int
    format: str
    imported: int
    already_imported: int
    proposed: int


async def _already_imported(entries: list[StatementEntry]) -> list[tuple]:
    if not entries:
        return []
    first = min(e.booked_on for e in entries)
    last = max(e.booked_on for e in entries)
    rows = await BankStatementLine.select(
        BankStatementLine.booked_on, BankStatementLine.amount, BankStatementLine.reference
    ).where((BankStatementLine.booked_on >= first) & (BankStatementLine.booked_on <= last))
    return [(r["booked_on"], r["amount"], " ".join(r["reference"].split())) for r in rows]


async def propose_order(entry: StatementEntry) -> int | None:
    """The order this credit most likely pays, or None when unsure.

    By order number in the reference first (preferring an open order owing exactly this
    amount); else the single open, unpaid order owing this amount whose customer's last
    name appears in the counterparty.
    """
    tokens = sorted(reference_tokens(entry.reference))
    if tokens:
        found = await Order.select(Order.id, Order.status, Order.balance_due).where(
            Order.number.is_in(tokens))
        if found:
            found.sort(key=lambda o: (o["status"] == OrderStatus.CANCELLED,
                                      o["balance_due"] != entry.amount, o["id"]))
            return found[0]["id"]
    payer = fold(entry.counterparty)
    if not payer:
        return None
    same_amount = await Order.select(Order.id, Order.customer_name).where(
        (Order.balance_due == entry.amount) & (Order.currency == entry.currency)
        & (Order.status == OrderStatus.OPEN.value)
        & Order.payment_status.is_in([PaymentStatus.UNPAID.value,
                                      PaymentStatus.PARTIALLY_PAID.value])
    ).limit(20)
    named = [o for o in same_amount
             if (last := fold(o["customer_name"]).split()[-1:]) and last[0] in payer.split()]
    return named[0]["id"] if len(named) == 1 else None


async def import_statement(filename: str, data: bytes, *, actor: str) -> ImportResult:
    """Store a statement's new credit lines with their proposals; pays nothing.

    Fails with ``ValidationFailed`` (field ``file``) when the file cannot be read whole.
    """
    fmt, entries = parse_statement(filename, data)
    async with write_transaction():
        if not is_sqlite():
            await Order.raw("SELECT pg_advisory_xact_lock({})", _IMPORT_LOCK_KEY)
        fresh = new_entries(entries, await _already_imported(entries))
        statement_id = (await BankStatement.insert(BankStatement(
            filename=filename[:255], format=fmt, actor=actor)).returning(BankStatement.id))[0]["id"]
        proposed = 0
        for entry in fresh:
            order_id = await propose_order(entry)
            proposed += order_id is not None
            await BankStatementLine.insert(BankStatementLine(
                statement=statement_id, booked_on=entry.booked_on, amount=entry.amount,
                currency=entry.currency, reference=entry.reference,
                counterparty=entry.counterparty, proposed_order=order_id,
                status="proposed" if order_id else "unmatched"))
    log.info("statement %s imported by %s: %d new lines, %d already imported, %d proposed",
             filename, actor, len(fresh), len(entries) - len(fresh), proposed)
    return ImportResult(statement_id, fmt, len(fresh), len(entries) - len(fresh), proposed)


LINE_COLUMNS = (
    BankStatementLine.id, BankStatementLine.statement, BankStatementLine.booked_on,
    BankStatementLine.amount, BankStatementLine.currency, BankStatementLine.reference,
    BankStatementLine.counterparty, BankStatementLine.status, BankStatementLine.proposed_order,
    BankStatementLine.proposed_order.number.as_alias("order_number"),
    BankStatementLine.proposed_order.status.as_alias("order_status"),
    BankStatementLine.proposed_order.payment_status.as_alias("order_payment_status"),
    BankStatementLine.proposed_order.balance_due.as_alias("order_balance_due"),
    BankStatementLine.proposed_order.customer_name.as_alias("order_customer_name"),
)


def _with_mismatch(line: dict) -> dict:
    """Add ``mismatch``: what the line pays minus what the proposed order owes (0 = exact)."""
    owed = line.get("order_balance_due")
    line["mismatch"] = None if owed is None else line["amount"] - owed
    return line


async def statement_line(line_id: int) -> dict:
    row = await BankStatementLine.select(*LINE_COLUMNS).where(
        BankStatementLine.id == line_id).first()
    if row is None:
        raise NotFound("This statement line does not exist")
    return _with_mismatch(row)


async def statement_lines(statement_id: int) -> list[dict]:
    rows = await BankStatementLine.select(*LINE_COLUMNS).where(
        BankStatementLine.statement == statement_id).order_by(BankStatementLine.booked_on,
                                                              BankStatementLine.id)
    return [_with_mismatch(r) for r in rows]


async def list_statements(limit: int = 50) -> list[dict]:
    return await BankStatement.select().order_by(BankStatement.id, ascending=False).limit(limit)


async def get_statement(statement_id: int) -> dict:
    row = await BankStatement.select().where(BankStatement.id == statement_id).first()
    if row is None:
        raise NotFound("This statement does not exist")
    return row


async def confirm_line(line_id: int, *, actor: str, order_number: str | None = None,
                       accept_mismatch: bool = False) -> dict:
    """Record the line's money as a payment of the proposed (or given) order.

    One transaction. Refused: an already confirmed or ignored line (``DomainError``), no
    order (``ValidationFailed`` on ``order_number``), another currency, or an amount that
    differs from what the order owes unless ``accept_mismatch`` (``ValidationFailed`` on
    ``amount``, saying by how much). Returns the line as it is now.
    """
    async with write_transaction():
        line = await statement_line(line_id)
        if line["status"] in ("confirmed", "ignored"):
            raise DomainError(Message(N_("This line is already confirmed"))
                              if line["status"] == "confirmed"
                              else Message(N_("This line is already set aside")))
        number = (order_number or "").strip() or line["order_number"]
        if not number:
            raise ValidationFailed({"order_number": Message(N_(
                "Type the order number: none was proposed."))})
        order = await load_order(number)
        if line["currency"] != order["currency"]:
            raise ValidationFailed({"amount": Message(N_("The order is in %(currency)s."),
                                                      currency=order["currency"])})
        difference = line["amount"] - order["balance_due"]
        if difference and not accept_mismatch:
            raise ValidationFailed(
                {"amount": Message(N_("%(received)s received, %(owed)s owed"),
                                   received=Amount(line["amount"], line["currency"]),
                                   owed=Amount(order["balance_due"], order["currency"]))},
                message=Message(N_("The amount differs from what the order owes")))
        claimed = await BankStatementLine.update({
            BankStatementLine.status: "confirmed", BankStatementLine.proposed_order: order["id"],
        }).where((BankStatementLine.id == line_id)
                 & BankStatementLine.status.not_in(["confirmed", "ignored"])
                 ).returning(BankStatementLine.id)
        if not claimed:
            raise DomainError(Message(N_("This line was confirmed meanwhile")))
        ref = f"{line['reference'][:100]} #L{line_id}".strip()
        await apply_payment(order, line["amount"], line["currency"], ref, method=None,
                            source="bank_statement", received_on=line["booked_on"], actor=actor)
        payment = await Payment.select(Payment.id).where(
            (Payment.order == order["id"]) & (Payment.transaction_ref == ref)).first()
        await BankStatementLine.update({BankStatementLine.payment: payment["id"]}).where(
            BankStatementLine.id == line_id)
        return await statement_line(line_id)


async def ignore_line(line_id: int, *, actor: str) -> dict:
    """Not a payment for an order (bank interest, a supplier refund...): set aside."""
    async with write_transaction():
        rows = await BankStatementLine.update({BankStatementLine.status: "ignored"}).where(
            (BankStatementLine.id == line_id) & (BankStatementLine.status != "confirmed")
        ).returning(BankStatementLine.id)
        if not rows:
            raise DomainError(Message(N_("Only an unconfirmed line can be set aside")))
        log.info("statement line %s set aside by %s", line_id, actor)
        return await statement_line(line_id)
