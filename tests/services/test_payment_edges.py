"""Money service edges that mutation testing showed unread (docs/testing.md): the
provider event's field checks and their boundaries, the payment-review hold, a failed
attempt's history line, and bulk payment refusals."""

import json
import logging
from datetime import date

import pytest

from dashboard.db.tables import Order, OrderEvent, Payment
from dashboard.domain.errors import ValidationFailed
from dashboard.services.payments import money
from tests.factories import make_order, order

TODAY = date(2026, 12, 1)


def _json(value):
    return value if isinstance(value, dict) else json.loads(value)


def _fields(data):
    with pytest.raises(ValidationFailed) as caught:
        money._event_fields(data)
    return caught.value.fields


def test_provider_event_fields_are_each_checked_and_named():
    assert _fields(["not", "an", "object"]) == {"data": "must be an object"}
    assert _fields({}) == {
        "data.order_number": "required",
        "data.amount": f"a positive integer in minor units, at most {money.MAX_EVENT_AMOUNT}",
        "data.currency": "an ISO 4217 code",
        "data.transaction_ref": "required"}
    good = {"order_number": " 100001 ", "amount": 1, "currency": "eur",
            "transaction_ref": " PSP-1 "}
    assert money._event_fields(good) == ("100001", 1, "EUR", "PSP-1")
    assert set(_fields({**good, "order_number": "  "})) == {"data.order_number"}
    assert set(_fields({**good, "amount": 0})) == {"data.amount"}
    top = money.MAX_EVENT_AMOUNT
    assert money._event_fields({**good, "amount": top})[1] == top
    assert set(_fields({**good, "amount": top + 1})) == {"data.amount"}
    assert set(_fields({**good, "transaction_ref": "   "})) == {"data.transaction_ref"}
    longest = "R" * money.MAX_TRANSACTION_REF
    assert money._event_fields({**good, "transaction_ref": longest})[3] == longest
    assert _fields({**good, "transaction_ref": longest + "R"}) == {
        "data.transaction_ref": f"at most {money.MAX_TRANSACTION_REF} characters"}


async def test_payment_review_holds_an_open_order_and_says_why():
    o = await make_order(status="on_hold")  # held for another reason first
    before = await order(o["number"])
    assert await money.hold_for_payment_review(o["id"], "overpaid", actor="psp") is True
    after = await order(o["number"])
    assert (after["status"], after["hold_reason"], after["hold_until"]) == (
        "on_hold", "payment_review", None)
    assert after["version"] == before["version"] + 1
    event = await OrderEvent.select().where(OrderEvent.kind == "order.held").order_by(
        OrderEvent.id, ascending=False).first()
    assert (event["summary"], event["actor"]) == ("On hold: payment review (overpaid)", "psp")
    assert _json(event["data"]) == {"reason": "payment_review", "until": None,
                                    "previous_reason": before["hold_reason"]}
    # Already held for review: nothing new written, still held.
    assert await money.hold_for_payment_review(o["id"], "again", actor="psp") is True
    assert (await order(o["number"]))["version"] == after["version"]


async def test_payment_review_of_a_cancelled_order_only_logs(caplog):
    o = await make_order(status="cancelled")
    before = await order(o["number"])
    with caplog.at_level(logging.WARNING, logger=money.log.name):
        assert await money.hold_for_payment_review(o["id"], "paid late", actor="psp") is False
    assert (await order(o["number"]))["version"] == before["version"]
    assert [r.getMessage() for r in caplog.records if r.name == money.log.name] == [
        f"payment review needed on cancelled order {o['id']}: paid late"]


async def test_a_failed_attempt_is_history_only():
    o = await make_order()
    await money.record_failure(o["number"], 3980, "EUR", "PSP-F", source="webhook", actor="psp")
    event = await OrderEvent.select().where(OrderEvent.kind == "payment.failed").first()
    assert (event["summary"], event["actor"]) == ("Payment attempt failed", "psp")
    assert _json(event["data"]) == {"amount": 3980, "currency": "EUR", "transaction_ref": "PSP-F",
                                    "source": "webhook", "reason": ""}
    assert (await order(o["number"]))["paid_total"] == 0


async def test_bulk_payment_keeps_the_date_and_names_a_refused_field():
    first = await make_order()
    second = await make_order()
    await Order.update({Order.payment_method: "unknown"}).where(Order.id == second["id"])
    result = await money.mark_many_paid([
        (f"  {first['number']} ", "VIR-1", TODAY, None),
        (second["number"], "VIR-2", TODAY, 100),
        (None, "VIR-3", TODAY, None),
    ], actor="tester")
    assert result.changed == [first["number"]]
    assert result.skipped == {second["number"]: "method: Choose a payment method from the list.",
                              "": "no such order"}
    payment = await Payment.select().where(Payment.order == first["id"]).first()
    assert (payment["received_on"], payment["amount"]) == (TODAY, 3980)
