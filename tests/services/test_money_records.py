"""What the money service writes that mutation testing showed nobody read back
(docs/testing.md): a refund's payment row, history line and ``order.refunded`` payload,
the over- and underpayment history lines, a conflicting webhook's history line and its
redeliveries, and the receipt email's row."""

from datetime import date, datetime, timezone

import pytest

from dashboard.db.tables import OrderEvent, OutboxEmail, OutboxWebhook, Payment, WebhookEndpoint
from dashboard.domain.payments import PaymentConflict
from dashboard.services.payments import money
from tests.factories import make_order, order, set_columns

TODAY = date(2026, 12, 1)


async def _events(number: str, kind: str) -> list[dict]:
    row = await order(number)
    return await OrderEvent.select(OrderEvent.summary, OrderEvent.data, OrderEvent.actor).where(
        (OrderEvent.order == row["id"]) & (OrderEvent.kind == kind)).order_by(
        OrderEvent.id).output(load_json=True)


def _paid(number, amount=3980, ref="PSP-8F2K1"):
    return {"order_number": number, "amount": amount, "currency": "EUR", "transaction_ref": ref}


async def test_a_refund_writes_its_payment_row_history_line_and_webhook():
    await WebhookEndpoint.insert(WebhookEndpoint(url="http://127.0.0.1:1/hook", secret="whsec_x"))
    placed = await make_order(payment_method="card")
    number = placed["number"]
    await money.record_payment(number, 3980, "EUR", "PSP-1", method=None, source="webhook",
                               received_on=TODAY, actor="psp")
    outcome = await money.record_refund(number, 1000, "eur", "  RF-1  ", source="manual",
                                        actor="anne")
    assert (outcome.number, outcome.payment_status, outcome.balance_due) == (
        number, "partially_refunded", 1000)
    [refund] = await Payment.select().where(Payment.kind == "refund")
    assert (refund["order"], refund["method"], refund["amount"], refund["currency"],
            refund["status"], refund["transaction_ref"], refund["source"], refund["actor"]) == (
        placed["id"], "card", 1000, "EUR", "succeeded", "RF-1", "manual", "anne")
    assert refund["received_on"] == datetime.now(timezone.utc).date()
    assert await _events(number, "payment.refunded") == [{
        "summary": "Refund of 10.00 EUR recorded", "actor": "anne",
        "data": {"amount": 1000, "currency": "EUR", "transaction_ref": "RF-1",
                 "source": "manual"}}]
    hook = await OutboxWebhook.select(OutboxWebhook.payload).where(
        OutboxWebhook.event_type == "order.refunded").output(load_json=True).first()
    row = await order(number)
    assert hook["payload"]["data"] == {
        "number": number, "currency": "EUR", "total": 3980, "paid_total": 3980,
        "refunded_total": 1000, "balance_due": 1000, "payment_status": "partially_refunded",
        "paid_at": row["paid_at"].isoformat(),
        "refund": {"amount": 1000, "currency": "EUR", "transaction_ref": "RF-1",
                   "source": "manual"}}
    by_hand = await money.record_refund(number, 500, "EUR", "RF-2", method="bank_transfer",
                                        source="manual", actor="anne")
    assert by_hand.balance_due == 1500
    assert await Payment.select(Payment.method).where(Payment.transaction_ref == "RF-2").first() \
        == {"method": "bank_transfer"}


async def test_an_underpayment_and_an_overpayment_each_write_what_they_were():
    short = await make_order(payment_method="card")
    assert await money.handle_provider_event("s1", "payment.succeeded",
                                             _paid(short["number"], 1000)) == "processed"
    assert await _events(short["number"], "payment.underpayment") == [{
        "summary": "Underpayment: 29.80 EUR less than the order owed",
        "actor": "payment provider",
        "data": {"mismatch": "underpayment", "difference": 2980, "amount": 1000, "owed": 3980,
                 "currency": "EUR", "transaction_ref": "PSP-8F2K1"}}]
    assert (await order(short["number"]))["status"] == "open"
    over = await make_order(payment_method="card")
    await money.handle_provider_event("s2", "payment.succeeded", _paid(over["number"], 5000))
    summary = "Overpayment: 10.20 EUR more than the order owed"
    assert await _events(over["number"], "payment.overpayment") == [{
        "summary": summary, "actor": "payment provider",
        "data": {"mismatch": "overpayment", "difference": 1020, "amount": 5000, "owed": 3980,
                 "currency": "EUR", "transaction_ref": "PSP-8F2K1"}}]
    [held] = await _events(over["number"], "order.held")
    assert held["summary"] == f"On hold: payment review ({summary})"


async def test_each_conflicting_webhook_is_written_once_however_often_it_comes_back():
    placed = await make_order(payment_method="card")
    number = placed["number"]
    await money.handle_provider_event("s1", "payment.succeeded", _paid(number))
    for webhook_id in ("s2", "s2", "s3"):
        with pytest.raises(PaymentConflict):
            await money.handle_provider_event(webhook_id, "payment.succeeded",
                                              _paid(number, 1000))
    conflicts = await _events(number, "payment.conflict")
    assert [(c["data"]["webhook_id"], c["data"]["event_type"], c["data"]["transaction_ref"],
             c["actor"]) for c in conflicts] == [
        ("s2", "payment.succeeded", "PSP-8F2K1", "payment provider"),
        ("s3", "payment.succeeded", "PSP-8F2K1", "payment provider")]
    assert conflicts[0]["summary"].startswith("Refused payment.succeeded PSP-8F2K1: ")
    [held] = await _events(number, "order.held")
    assert held["summary"] == (
        "On hold: payment review (conflicting payment.succeeded PSP-8F2K1)")


async def test_a_receipt_is_queued_for_the_order_with_its_document(configure):
    configure(DASHBOARD_SEND_RECEIPTS=None)
    placed = await make_order(locale="en")
    await set_columns(placed["id"], locale="")  # an order imported without a language
    await money.record_payment(placed["number"], 3980, "EUR", "PSP-1", method=None,
                               source="manual", received_on=TODAY, actor="anne")
    [email] = await OutboxEmail.select().output(load_json=True)
    assert (email["order"], email["template"], email["attachments"]) == (
        placed["id"], "receipt", [{"document": "receipt", "format": "a4"}])
    assert "Reçu" in email["subject"]  # no locale on the order: French
