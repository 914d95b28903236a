"""Unpaid orders: reminder to the customer, then automatic cancellation.

The worker calls ``run_auto_cancel`` every minute. Selection (``due_actions``) and action
(``apply_action``) are separate steps, and the action re-checks everything in one
conditional update (``payment_status = 'unpaid' AND version = <as selected>``): an order
paid, edited or held between the two is left alone.

Cancelling goes through ``services.orders.cancel_order`` with the version as selected.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from dashboard.db.tables import Order, OrderEvent
from dashboard.db.transaction import write_transaction
from dashboard.domain.payments import deadlines as rules
from dashboard.domain.errors import InvalidTransition, StaleVersion
from dashboard.domain.numbers import N_
from dashboard.domain.orders import NotCancellable
from dashboard.domain.statuses import OrderStatus, PaymentMethod, PaymentStatus
from dashboard.services.history import record_event
from dashboard.services.orders import cancel_order
from dashboard.services.outbox import queue_email
from dashboard.settings import get_settings

log = logging.getLogger(__name__)

ACTOR = "auto-cancel"
REMINDER_EVENT = "payment.reminder_sent"
# Kept as written in the history; read back through the catalogue (history_text).
CANCEL_REASON = N_("Not paid in time")
COLUMNS = (Order.id, Order.number, Order.status, Order.payment_status, Order.payment_method,
           Order.placed_at, Order.version, Order.currency, Order.total, Order.balance_due,
           Order.customer_email, Order.customer_name, Order.locale)


def deadline_policy() -> rules.DeadlinePolicy:
    return rules.DeadlinePolicy.from_settings(get_settings())


def payment_deadline(order_row: dict) -> datetime | None:
    """When this order will be cancelled if still unpaid; None if it never will be."""
    return rules.order_deadline(order_row, deadline_policy())


@dataclass(frozen=True)
class DueAction:
    kind: str  # "remind" | "cancel"
    order: dict
    deadline: datetime
    cancel_at: datetime


@dataclass
class AutoCancelReport:
    reminded: list[str] = field(default_factory=list)
    cancelled: list[str] = field(default_factory=list)
    left_alone: list[str] = field(default_factory=list)


def _earliest_candidates(policy: rules.DeadlinePolicy, now: datetime):
    """A WHERE clause no later than the earliest possible reminder, per method: a reminder
    never comes before half the delay, and N business days last at least N days."""
    clauses = []
    if policy.card_minutes > 0:
        clauses.append((Order.payment_method == PaymentMethod.CARD.value)
                       & (Order.placed_at <= now - timedelta(minutes=policy.card_minutes) / 2))
    for method, days in ((PaymentMethod.BANK_TRANSFER, policy.bank_transfer_days),
                         (PaymentMethod.CHEQUE, policy.cheque_days)):
        if days > 0:
            clauses.append((Order.payment_method == method.value)
                           & (Order.placed_at <= now - timedelta(days=days) / 2))
    if not clauses:
        return None
    where = clauses[0]
    for clause in clauses[1:]:
        where = where | clause
    return where


async def due_actions(now: datetime | None = None, limit: int = 500) -> list[DueAction]:
    """Orders whose reminder or cancellation is due at ``now``, oldest first."""
    now = now or datetime.now(timezone.utc)
    policy = deadline_policy()
    methods_clause = _earliest_candidates(policy, now)
    if methods_clause is None:
        return []
    candidates = await Order.select(*COLUMNS).where(
        (Order.status == OrderStatus.OPEN.value)
        & (Order.payment_status == PaymentStatus.UNPAID.value) & methods_clause
    ).order_by(Order.placed_at).limit(limit)
    if not candidates:
        return []
    reminders = await OrderEvent.select(OrderEvent.order, OrderEvent.occurred_at).where(
        (OrderEvent.kind == REMINDER_EVENT)
        & OrderEvent.order.is_in([c["id"] for c in candidates]))
    reminded_at = {r["order"]: r["occurred_at"] for r in reminders}
    actions = []
    for order in candidates:
        deadline = rules.payment_deadline(order["payment_method"], order["placed_at"], policy)
        if deadline is None:
            continue
        sent = reminded_at.get(order["id"])
        if sent is None:
            if now >= rules.reminder_due_at(order["placed_at"], deadline, policy.reminder_lead):
                actions.append(DueAction("remind", order, deadline, deadline))
            continue
        cancel_at = rules.cancellation_due_at(order["placed_at"], deadline,
                                              policy.reminder_lead, sent)
        if cancel_at is not None and now >= cancel_at:
            actions.append(DueAction("cancel", order, deadline, cancel_at))
    return actions


async def _claim_unpaid(order: dict, values: dict) -> bool:
    """The one conditional update that makes remind/cancel safe against a payment or an
    edit made since selection."""
    rows = await Order.update({**values, Order.version: order["version"] + 1}).where(
        (Order.id == order["id"]) & (Order.version == order["version"])
        & (Order.payment_status == PaymentStatus.UNPAID.value)
        & (Order.status == OrderStatus.OPEN.value)
    ).returning(Order.id)
    return bool(rows)


async def send_reminder(action: DueAction) -> bool:
    """Queue the reminder email once (the version bump stops a second worker)."""
    order = action.order
    async with write_transaction():
        if not await _claim_unpaid(order, {}):
            return False
        if order["customer_email"]:
            await queue_email("payment_reminder", order["customer_email"],
                              {"order": order, "cancel_at": action.cancel_at},
                              locale=order["locale"] or "fr", order_id=order["id"])
        await record_event(order["id"], REMINDER_EVENT, "Payment reminder sent to the customer",
                           {"cancel_at": action.cancel_at.isoformat()}, actor=ACTOR)
    return True


async def cancel_unpaid(order: dict, reason: str, *, actor: str = ACTOR) -> bool:
    """Cancel an order only if it is still open, unpaid and at the version selected.

    The cancellation itself is the one every caller uses (``services.orders.cancel_order``:
    reservations released and handed to waiting orders, history, webhook). Returns False
    (and changes nothing) when the order got paid, edited or held meanwhile.
    """
    if order["status"] != OrderStatus.OPEN or order["payment_status"] != PaymentStatus.UNPAID:
        return False
    try:
        await cancel_order(order["number"], reason, actor=actor,
                           expected_version=order["version"])
    except (StaleVersion, NotCancellable, InvalidTransition):
        return False
    return True


async def apply_action(action: DueAction) -> bool:
    if action.kind == "remind":
        return await send_reminder(action)
    return await cancel_unpaid(action.order, CANCEL_REASON)


async def run_auto_cancel(now: datetime | None = None) -> AutoCancelReport:
    """One pass: remind what is due, cancel what is due. Each order in its own transaction."""
    report = AutoCancelReport()
    for action in await due_actions(now):
        number = action.order["number"]
        try:
            done = await apply_action(action)
        except Exception:  # noqa: BLE001 - one bad order must not stop the others
            log.exception("auto-cancel: %s of %s failed", action.kind, number)
            done = False
        if not done:
            report.left_alone.append(number)
        elif action.kind == "remind":
            report.reminded.append(number)
        else:
            report.cancelled.append(number)
    if report.reminded or report.cancelled:
        log.info("auto-cancel: reminded %s, cancelled %s", report.reminded, report.cancelled)
    return report
