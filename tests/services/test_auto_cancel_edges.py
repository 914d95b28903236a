"""Auto-cancel boundaries and what it writes (mutation survivors, docs/testing.md): every
payment method selected, the exact half-delay reminder, each due order acted on, the
reminder's history line, and a cancellation refused for a paid or changed order."""

import json
import logging
from datetime import datetime, timedelta, timezone

from dashboard.db.tables import Order, OrderEvent, OutboxEmail
from dashboard.services.payments import auto_cancel
from tests.factories import make_order, order

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)  # a Tuesday


async def test_card_transfer_and_cheque_orders_are_all_reminded_oldest_first():
    cheque = await make_order(payment_method="cheque", placed_at=NOW - timedelta(days=30))
    transfer = await make_order(payment_method="bank_transfer", placed_at=NOW - timedelta(days=15))
    card = await make_order(payment_method="card", placed_at=NOW - timedelta(minutes=45))
    actions = await auto_cancel.due_actions(NOW)
    assert [(a.kind, a.order["number"]) for a in actions] == [
        ("remind", cheque["number"]), ("remind", transfer["number"]), ("remind", card["number"])]
    card_action = actions[2]
    assert card_action.deadline == card_action.cancel_at == NOW + timedelta(minutes=15)


async def test_the_card_reminder_is_due_at_exactly_half_the_delay(configure):
    placed = await make_order(payment_method="card", placed_at=NOW - timedelta(minutes=30))
    assert [a.order["number"] for a in await auto_cancel.due_actions(NOW)] == [placed["number"]]
    assert await auto_cancel.due_actions(NOW - timedelta(seconds=1)) == []
    configure(DASHBOARD_CARD_PAYMENT_MINUTES="1")
    assert [a.kind for a in await auto_cancel.due_actions(NOW)] == ["remind"]
    # Selection is not the order's own deadline doubled: 45 of 60 minutes is due.
    configure(DASHBOARD_CARD_PAYMENT_MINUTES="90")
    assert [a.kind for a in await auto_cancel.due_actions(NOW + timedelta(minutes=15))] == [
        "remind"]


async def test_paid_held_or_cancelled_orders_are_never_selected():
    await make_order(payment_method="card", placed_at=NOW - timedelta(hours=2), paid=True)
    await make_order(payment_method="card", placed_at=NOW - timedelta(hours=2), status="on_hold")
    await make_order(payment_method="card", placed_at=NOW - timedelta(hours=2),
                     status="cancelled")
    assert await auto_cancel.due_actions(NOW) == []


async def test_without_a_clock_it_uses_now():
    placed = await make_order(payment_method="card",
                              placed_at=datetime.now(timezone.utc) - timedelta(hours=2))
    assert [a.order["number"] for a in await auto_cancel.due_actions()] == [placed["number"]]


async def test_the_reminder_is_written_once_with_the_cancellation_time():
    placed = await make_order(payment_method="card", placed_at=NOW - timedelta(minutes=45))
    await Order.update({Order.locale: ""}).where(Order.id == placed["id"])  # an old import
    before = await order(placed["number"])
    [action] = await auto_cancel.due_actions(NOW)
    assert await auto_cancel.apply_action(action) is True
    assert (await order(placed["number"]))["version"] == before["version"] + 1
    event = await OrderEvent.select().where(
        OrderEvent.kind == auto_cancel.REMINDER_EVENT).first()
    assert event["summary"] == "Payment reminder sent to the customer"
    assert event["actor"] == "auto-cancel"
    data = event["data"] if isinstance(event["data"], dict) else json.loads(event["data"])
    assert data == {"cancel_at": (NOW + timedelta(minutes=15)).isoformat()}
    email = await OutboxEmail.select().first()
    assert email["order"] == placed["id"]
    assert "paiement" in email["subject"]  # no locale: French


async def test_cancel_unpaid_refuses_a_paid_or_changed_order():
    paid = await make_order(payment_method="card", placed_at=NOW - timedelta(hours=2), paid=True)
    row = await order(paid["number"])
    assert await auto_cancel.cancel_unpaid({**row, "payment_status": "paid"}, "late") is False
    assert (await order(paid["number"]))["status"] == "open"

    unpaid = await make_order(payment_method="card", placed_at=NOW - timedelta(hours=2))
    seen = await order(unpaid["number"])
    await Order.update({Order.version: Order.version + 1}).where(Order.id == seen["id"])
    assert await auto_cancel.cancel_unpaid(seen, "late") is False  # edited since selection
    assert (await order(unpaid["number"]))["status"] == "open"


async def test_one_failing_order_is_left_alone_and_logged(monkeypatch, caplog):
    placed = await make_order(payment_method="card", placed_at=NOW - timedelta(minutes=45))

    async def broken(action):
        raise RuntimeError("boom")

    monkeypatch.setattr(auto_cancel, "apply_action", broken)
    with caplog.at_level(logging.INFO, logger=auto_cancel.log.name):
        report = await auto_cancel.run_auto_cancel(NOW)
    assert (report.reminded, report.cancelled, report.left_alone) == ([], [], [placed["number"]])
    assert [r.getMessage() for r in caplog.records] == [
        f"auto-cancel: remind of {placed['number']} failed"]


async def test_a_pass_that_reminds_says_so_in_the_log(caplog):
    placed = await make_order(payment_method="card", placed_at=NOW - timedelta(minutes=45))
    with caplog.at_level(logging.INFO, logger=auto_cancel.log.name):
        report = await auto_cancel.run_auto_cancel(NOW)
    assert report.reminded == [placed["number"]]
    assert [r.getMessage() for r in caplog.records if r.name == auto_cancel.log.name] == [
        f"auto-cancel: reminded ['{placed['number']}'], cancelled []"]
