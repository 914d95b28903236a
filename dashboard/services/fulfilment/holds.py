"""Holds: a reason that stops picking and shipping an order, and its release.

The status table in ``domain/statuses.py`` decides which orders may go on hold (open
ones) or come off it (on_hold ones); others are skipped with the reason. The bulk actions
of the orders workspace (``hold_orders`` / ``release_holds``) take free-text reasons; the
one-order use-cases (``hold_order`` / ``release_hold``) take one of the fulfilment hold
reasons of ``domain.fulfilment.HoldReason``, including "until a date". Either way, a held
order is neither picked nor shipped (``domain.fulfilment.check_workable``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from dashboard.db.tables import Order
from dashboard.db.transaction import write_transaction
from dashboard.domain.errors import InvalidTransition, ValidationFailed
from dashboard.domain.numbers import N_, Message
from dashboard.domain.statuses import OrderStatus, check_transition
from dashboard.domain.fulfilment.rules import NotAllowed, check_hold, check_hold_note
from dashboard.services.bulk_writes import orders_by_id, record_same_event, touch_orders
from dashboard.services.fulfilment.shipping import bump_version, load_order
from dashboard.services.history import record_event
from dashboard.services.results import BulkResult

MAX_REASON_LENGTH = 40


async def _move(order_ids: Sequence[int], source: OrderStatus, target: OrderStatus,
                values: dict, kind: str, summary: str, actor: str, same_state: str,
                data: dict | None = None) -> BulkResult:
    result = BulkResult()
    async with write_transaction():
        eligible = []
        for row in await orders_by_id(order_ids, Order.status):
            try:
                if row["status"] == target:
                    raise InvalidTransition("status", row["status"], target)
                check_transition("status", row["status"], target)
                eligible.append(row["id"])
            except InvalidTransition:
                result.skipped[row["number"]] = (
                    same_state if row["status"] == target else f"order is {row['status']}")
        # The status guard makes the move atomic: an order changed since we read it is skipped.
        updated = await touch_orders(eligible, {Order.status: target, **values},
                                     where=Order.status == source)
        changed_ids = {row["id"] for row in updated}
        await record_same_event(sorted(changed_ids), kind, summary, actor, data)
        result.changed = [row["number"] for row in sorted(updated, key=lambda r: r["id"])]
        for row in await orders_by_id([i for i in eligible if i not in changed_ids]):
            result.skipped[row["number"]] = "changed meanwhile"
    return result


async def hold_orders(order_ids: Sequence[int], reason: str, actor: str) -> BulkResult:
    """Put open orders on hold with ``reason``; other orders are skipped with why."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationFailed({"reason": "required"})
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed({"reason": f"at most {MAX_REASON_LENGTH} characters"})
    return await _move(order_ids, OrderStatus.OPEN, OrderStatus.ON_HOLD,
                       {Order.hold_reason: reason}, "order.held", f"On hold: {reason}", actor,
                       "already on hold", {"reason": reason, "until": None, "note": ""})


async def release_holds(order_ids: Sequence[int], actor: str) -> BulkResult:
    """Take orders off hold (back to open); orders not on hold are skipped."""
    return await _move(order_ids, OrderStatus.ON_HOLD, OrderStatus.OPEN,
                       {Order.hold_reason: None, Order.hold_until: None}, "order.released",
                       "Hold released", actor, "not on hold")


async def hold_order(number: str, reason: str, until: datetime | None, actor: str,
                     note: str = "") -> None:
    """Put the order on hold. Raises ``ValidationFailed`` (reason, date), ``NotFound``,
    ``NotAllowed`` (already held), ``InvalidTransition`` (cancelled or closed) or
    ``StaleVersion``."""
    async with write_transaction():
        order = await load_order(number)
        check_hold(order["status"], reason, until)
        await bump_version(order, {Order.status: OrderStatus.ON_HOLD.value,
                                   Order.hold_reason: reason, Order.hold_until: until})
        summary = f"On hold: {reason.replace('_', ' ')}"
        if until is not None:
            summary += f" until {until.date().isoformat()}"
        note = check_hold_note(note)
        if note:
            summary += f" ({note})"
        await record_event(order["id"], "order.held", summary,
                           {"reason": reason, "until": until.isoformat() if until else None,
                            "note": note}, actor=actor)


async def release_hold(number: str, actor: str, note: str = "") -> None:
    """Take the order off hold. Raises ``NotFound``, ``NotAllowed`` (not held) or
    ``StaleVersion``."""
    async with write_transaction():
        order = await load_order(number)
        if order["status"] != OrderStatus.ON_HOLD:
            raise NotAllowed(Message(N_("Order %(number)s is not on hold."), number=number))
        check_transition("status", order["status"], OrderStatus.OPEN)
        await bump_version(order, {Order.status: OrderStatus.OPEN.value, Order.hold_reason: None,
                                   Order.hold_until: None})
        note = check_hold_note(note)
        summary = f"Hold released ({(order['hold_reason'] or '').replace('_', ' ')})"
        await record_event(order["id"], "order.released",
                           f"{summary}: {note}" if note else summary,
                           {"reason": order["hold_reason"], "note": note}, actor=actor)
