"""Bulk actions on the orders list: an allow-list of actions, and what they apply to.

``BULK_ACTIONS`` maps the ``action`` a form may send to the use-case that runs it over
many orders in one transaction and returns a ``BulkResult``. Nothing outside this table
can be triggered from the bulk form. Each entry takes the selected order ids, the form's
other fields and the staff member, so actions with parameters (a note, a reason, tracking
numbers) validate their own fields and raise ``ValidationFailed``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from urllib.parse import parse_qsl

from datetime import date

from dashboard.db.tables import Order
from dashboard.db.transaction import retry_on_conflict, savepoint, write_transaction
from dashboard.domain.errors import DomainError, ValidationFailed
from dashboard.domain.numbers import N_, Message
from dashboard.domain.orders import OrderFilter
from dashboard.domain.fulfilment import parse_bulk_shipments
from dashboard.services import fulfilment, orders, payments, printing, stock
from dashboard.services.outbox import queue_email
from dashboard.services.staff import StaffIdentity
from dashboard.services.orders import matching_order_ids
from dashboard.services.results import BulkResult

MAX_BULK_ORDERS = 10_000

BulkAction = Callable[[Sequence[int], Mapping[str, str], StaffIdentity], Awaitable[BulkResult]]


async def _add_note(ids: Sequence[int], form: Mapping[str, str], who: StaffIdentity) -> BulkResult:
    return await orders.add_notes(ids, form.get("note", ""), who.id, who.display_name or who.actor)


async def _hold(ids: Sequence[int], form: Mapping[str, str], who: StaffIdentity) -> BulkResult:
    return await fulfilment.hold_orders(ids, form.get("reason", ""), who.actor)


async def _release_hold(ids: Sequence[int], form: Mapping[str, str],
                        who: StaffIdentity) -> BulkResult:
    return await fulfilment.release_holds(ids, who.actor)


async def _numbers(ids: Sequence[int]) -> list[str]:
    rows = await Order.select(Order.id, Order.number).where(Order.id.is_in(list(ids)))
    by_id = {row["id"]: row["number"] for row in rows}
    return [by_id[i] for i in ids if i in by_id]


async def _mark_paid(ids: Sequence[int], form: Mapping[str, str], who: StaffIdentity) -> BulkResult:
    """Record what each selected order still owes as received (e.g. a bank statement
    checked by hand); the reference is the one on the statement."""
    reference = form.get("reference", "").strip()
    raw_date = form.get("received_on", "").strip()
    try:
        received_on = date.fromisoformat(raw_date) if raw_date else date.today()
    except ValueError:
        raise ValidationFailed({"received_on": N_("A date like 2026-11-27.")}) from None
    if not reference:
        raise ValidationFailed({"reference": N_("The bank or cheque reference is required.")})
    entries = [(number, reference, received_on, None) for number in await _numbers(ids)]
    return await payments.mark_many_paid(entries, who.actor)


@retry_on_conflict
async def _cancel(ids: Sequence[int], form: Mapping[str, str], who: StaffIdentity) -> BulkResult:
    """Cancel every selected order that may be cancelled, in one transaction; the others
    are skipped with the rule that stopped them (paid, shipped, already cancelled).

    The stock rows of every product of the selection are taken first, by id, then the
    orders one by one (the global lock order): a count or another cancellation of the same
    products waits instead of deadlocking. A deadlock still reported re-runs it all once."""
    reason = form.get("cancel_reason", "").strip()
    if not reason:
        raise ValidationFailed({"cancel_reason": N_("A reason is required.")})
    result = BulkResult()
    async with write_transaction():
        await stock.lock_products_of_orders(ids)
        for number in await _numbers(ids):
            try:
                # Joins this transaction, each order behind its own savepoint: a refusal
                # raised after part of an order was written undoes that order alone.
                async with savepoint():
                    await orders.cancel_order(number, reason, actor=who.actor)
            except DomainError as exc:
                result.skip(number, exc.message)
            else:
                result.change(number)
    return result


async def _mark_shipped(ids: Sequence[int], form: Mapping[str, str],
                        who: StaffIdentity) -> BulkResult:
    """Ship the selected orders with the tracking numbers pasted for them: lines
    "order number, tracking number" (the chosen carrier) or "order number, carrier,
    tracking number". A selected order with no line is skipped; lines for orders that
    are not selected are ignored."""
    rows = parse_bulk_shipments(form.get("tracking", ""), form.get("carrier") or None)
    selected = await _numbers(ids)
    wanted = set(selected)
    result = await fulfilment.ship_many([r for r in rows if r.number in wanted],
                                        notify_customer=form.get("notify") == "on",
                                        actor=who.actor)
    listed = {r.number for r in rows}
    for number in selected:
        if number not in listed:
            result.skip(number, N_("no tracking number given"))
    return result


async def _print(ids: Sequence[int], form: Mapping[str, str], who: StaffIdentity) -> BulkResult:
    """One PDF of the chosen document for every selected order, built in the background."""
    numbers = await _numbers(ids)
    batch_id = await printing.start_batch(numbers, form.get("document", "invoice"),
                                               form.get("format", "a4"), actor=who.actor)
    return BulkResult(changed=numbers, follow_up_url=f"/print/batches/{batch_id}")


async def _email(ids: Sequence[int], form: Mapping[str, str], who: StaffIdentity) -> BulkResult:
    """The same message to the customer of every selected order (queued in the outbox)."""
    subject, message = form.get("subject", "").strip(), form.get("message", "").strip()
    errors = {k: Message(N_("Required.")) for k, v in (("subject", subject), ("message", message))
              if not v}
    if errors:
        raise ValidationFailed(errors)
    result = BulkResult()
    rows = await Order.select(Order.id, Order.number, Order.customer_email, Order.customer_name,
                              Order.locale).where(Order.id.is_in(list(ids)))
    async with write_transaction():
        position = {order_id: i for i, order_id in enumerate(ids)}
        for row in sorted(rows, key=lambda r: position[r["id"]]):
            if not row["customer_email"]:
                result.skip(row["number"], N_("no email address on the order"))
                continue
            await queue_email("staff_message", row["customer_email"],
                              {"order": row, "subject": subject, "message": message},
                              locale=row["locale"] or "fr", order_id=row["id"])
            result.change(row["number"])
    return result


BULK_ACTIONS: dict[str, BulkAction] = {
    "add_note": _add_note,
    "hold": _hold,
    "release_hold": _release_hold,
    "mark_paid": _mark_paid,
    "mark_shipped": _mark_shipped,
    "cancel": _cancel,
    "print": _print,
    "email": _email,
}


async def selected_order_ids(order_ids: Sequence[str], matching: str | None) -> list[int]:
    """The orders a bulk form points at: the ticked ids, or every order matching the view
    whose query string is ``matching`` ("select all N matching this filter").

    Raises ``ValidationFailed`` when nothing is selected or the selection is too large
    to run as one transaction.
    """
    if matching is not None:
        view = OrderFilter.from_query(dict(parse_qsl(matching.lstrip("?"))))
        ids = await matching_order_ids(view, limit=MAX_BULK_ORDERS + 1)
    else:
        ids = sorted({int(i) for i in order_ids if str(i).isdigit()})
    if not ids:
        raise ValidationFailed({"order_ids": N_("Select at least one order.")})
    if len(ids) > MAX_BULK_ORDERS:
        raise ValidationFailed({"order_ids": Message(
            "At most %(maximum)s orders at once: narrow the filter.", maximum=MAX_BULK_ORDERS)})
    return ids


async def run_bulk_action(action: str, ids: Sequence[int], form: Mapping[str, str],
                          who: StaffIdentity) -> BulkResult:
    """Run one allow-listed action; an unknown name is refused, never guessed."""
    handler = BULK_ACTIONS.get(action)
    if handler is None:
        raise ValidationFailed({"action": N_("Choose an action.")})
    return await handler(ids, form, who)
