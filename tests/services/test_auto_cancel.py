"""Auto-cancel: a reminder first (once), then cancellation that releases stock; never a paid order."""

import asyncio
from datetime import date, datetime, timedelta, timezone

from dashboard.db.tables import (
    OrderEvent, OutboxEmail, OutboxWebhook, StockMovement, WebhookEndpoint,
)
from dashboard.services.payments import auto_cancel
from dashboard.services.payments import money as payments
from tests.factories import make_order, order, reserved

NOW = datetime.now(timezone.utc)


async def _overdue_card_order(**kwargs):
    return await make_order(payment_method="card", placed_at=NOW - timedelta(hours=2), **kwargs)


async def test_reminder_first_then_cancellation_with_stock_released():
    placed = await _overdue_card_order(locale="en")
    # Listening from now on: what auto-cancel sends, not the placement.
    await WebhookEndpoint.insert(WebhookEndpoint(url="http://127.0.0.1:1/", secret="whsec_eA=="))
    # The reminder is stamped with the real clock: measure from now, not from import time
    # (a long suite run would otherwise push the reminder past NOW + 31 minutes).
    now = datetime.now(timezone.utc)
    assert await reserved("TSHIRT-BLUE-M") == 2

    first = await auto_cancel.run_auto_cancel(now)
    assert first.reminded == [placed["number"]] and first.cancelled == []
    email = await OutboxEmail.select().first()
    assert email["template"] == "payment_reminder" and "awaiting payment" in email["subject"]
    # Reminded late (the order was already past its deadline): the customer keeps the notice.
    second = await auto_cancel.run_auto_cancel(now + timedelta(minutes=10))
    assert second.reminded == [] and second.cancelled == []
    assert await OutboxEmail.count() == 1

    third = await auto_cancel.run_auto_cancel(now + timedelta(minutes=31))
    assert third.cancelled == [placed["number"]]
    row = await order(placed["number"])
    assert row["status"] == "cancelled" and row["cancel_reason"] and row["cancelled_at"]
    assert await reserved("TSHIRT-BLUE-M") == 0
    movement = await StockMovement.select().order_by(StockMovement.id, ascending=False).first()
    assert (movement["reserved_delta"], movement["reason"]) == (-2, "release")
    assert [w["event_type"] for w in await OutboxWebhook.select(OutboxWebhook.event_type)] == [
        "order.cancelled"]
    kinds = [e["kind"] for e in await OrderEvent.select(OrderEvent.kind).order_by(OrderEvent.id)]
    assert kinds == ["order.placed", "payment.reminder_sent", "order.cancelled"]


async def test_not_due_cash_partially_paid_and_held_orders_are_left_alone():
    await make_order(payment_method="bank_transfer", placed_at=NOW - timedelta(days=1))
    await make_order(payment_method="cash_on_pickup", placed_at=NOW - timedelta(days=60))
    await make_order(payment_method="card", placed_at=NOW - timedelta(days=1), status="on_hold")
    partial = await _overdue_card_order()
    await payments.record_payment(partial["number"], 100, "EUR", "P1", method=None,
                                  source="manual", received_on=date.today(), actor="t")
    report = await auto_cancel.run_auto_cancel(NOW + timedelta(days=1))
    assert report.reminded == [] and report.cancelled == []


async def test_an_order_paid_between_selection_and_cancellation_is_not_cancelled():
    placed = await _overdue_card_order()
    await auto_cancel.run_auto_cancel(NOW)  # reminder
    [action] = await auto_cancel.due_actions(NOW + timedelta(hours=1))
    assert action.kind == "cancel"
    await payments.record_payment(placed["number"], 3980, "EUR", "PSP-LATE", method=None,
                                  source="webhook", received_on=date.today(), actor="psp")
    assert await auto_cancel.apply_action(action) is False
    row = await order(placed["number"])
    assert (row["status"], row["payment_status"]) == ("open", "paid")
    assert await reserved("TSHIRT-BLUE-M") == 2


async def test_two_workers_racing_send_one_reminder():
    await _overdue_card_order()
    actions = await auto_cancel.due_actions(NOW)
    results = await asyncio.gather(*[auto_cancel.apply_action(a) for a in actions * 3])
    assert sorted(results) == [False, False, True]
    assert await OutboxEmail.count() == 1


async def test_delays_come_from_the_settings(configure):
    configure(DASHBOARD_CARD_PAYMENT_MINUTES="0")
    await _overdue_card_order()
    assert await auto_cancel.due_actions(NOW + timedelta(days=3)) == []
    configure(DASHBOARD_CARD_PAYMENT_MINUTES="600")
    assert await auto_cancel.due_actions(NOW) == []


async def test_payment_deadline_for_screens(configure):
    configure(DASHBOARD_BANK_TRANSFER_PAYMENT_DAYS="3", DASHBOARD_HOLIDAYS_COUNTRY="FR",
              DASHBOARD_TIMEZONE="Europe/Paris")
    row = {"status": "open", "payment_status": "unpaid", "payment_method": "bank_transfer",
           "placed_at": datetime(2026, 11, 10, 9, 0, tzinfo=timezone.utc)}
    assert auto_cancel.payment_deadline(row) == datetime(2026, 11, 16, 23, 0, tzinfo=timezone.utc)
    assert auto_cancel.payment_deadline({**row, "payment_status": "paid"}) is None
    assert auto_cancel.payment_deadline({**row, "payment_method": "cash_on_pickup"}) is None
