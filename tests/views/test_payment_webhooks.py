"""POST /webhooks/payments: Standard Webhooks signatures, replays, staleness, unknown orders."""

import asyncio
import base64
import json
from datetime import datetime, timedelta, timezone

import pytest
from standardwebhooks.webhooks import Webhook

from dashboard.db.tables import OrderEvent, Payment, ReceivedWebhook
from tests.factories import make_order, order

SECRET = "whsec_" + base64.b64encode(b"k" * 32).decode()


@pytest.fixture
def provider(configure, client):
    """Sends signed events the way the payment provider does."""
    configure(DASHBOARD_PAYMENT_WEBHOOK_SECRET=SECRET)

    async def send(event_type, data, *, webhook_id="msg_1", secret=SECRET, sent_at=None):
        body = json.dumps({"type": event_type, "data": data})
        sent_at = sent_at or datetime.now(timezone.utc)
        signature = Webhook(secret).sign(webhook_id, sent_at, body)
        headers = {"webhook-id": webhook_id, "webhook-signature": signature,
                   "webhook-timestamp": str(int(sent_at.timestamp())),
                   "content-type": "application/json"}
        return await client.post("/webhooks/payments", content=body, headers=headers)

    return send


def _paid(number, amount=3980, ref="PSP-8F2K1"):
    return {"order_number": number, "amount": amount, "currency": "EUR", "transaction_ref": ref}


async def test_signed_success_marks_the_order_paid(provider):
    placed = await make_order(payment_method="card")
    response = await provider("payment.succeeded", _paid(placed["number"]))
    assert response.status_code == 200 and response.json() == {"status": "processed"}
    row = await order(placed["number"])
    assert row["payment_status"] == "paid" and row["balance_due"] == 0
    payment = await Payment.select().first()
    assert (payment["transaction_ref"], payment["source"]) == ("PSP-8F2K1", "webhook")


async def _unchanged(number):
    row = await order(number)
    assert row["payment_status"] == "unpaid" and row["version"] == 1
    assert await Payment.count() == 0 and await ReceivedWebhook.count() == 0
    assert [e["kind"] for e in await OrderEvent.select(OrderEvent.kind)] == ["order.placed"]


async def test_bad_signature_is_refused_and_changes_nothing(provider):
    placed = await make_order(payment_method="card")
    other_secret = "whsec_" + base64.b64encode(b"z" * 32).decode()
    response = await provider("payment.succeeded", _paid(placed["number"]), secret=other_secret)
    assert response.status_code == 401
    await _unchanged(placed["number"])


async def test_missing_headers_are_refused(provider, client):
    placed = await make_order(payment_method="card")
    response = await client.post("/webhooks/payments", json={"type": "payment.succeeded",
                                                              "data": _paid(placed["number"])})
    assert response.status_code == 401
    response = await client.post("/webhooks/payments", content=b"{}", headers={
        "webhook-id": "x", "webhook-timestamp": "now", "webhook-signature": "garbage"})
    assert response.status_code == 401
    await _unchanged(placed["number"])


async def test_stale_timestamp_is_refused(provider):
    placed = await make_order(payment_method="card")
    old = datetime.now(timezone.utc) - timedelta(minutes=6)
    response = await provider("payment.succeeded", _paid(placed["number"]), sent_at=old)
    assert response.status_code == 401 and "old" in response.json()["detail"]
    await _unchanged(placed["number"])


async def test_without_a_configured_secret_everything_is_refused(provider, configure):
    configure(DASHBOARD_PAYMENT_WEBHOOK_SECRET=None)
    placed = await make_order(payment_method="card")
    response = await provider("payment.succeeded", _paid(placed["number"]))
    assert response.status_code == 401
    await _unchanged(placed["number"])


async def test_unknown_order_is_refused_logged_and_not_remembered(provider, caplog):
    response = await provider("payment.succeeded", _paid("2099-00000"))
    assert response.status_code == 404
    assert await ReceivedWebhook.count() == 0
    assert "refused" in caplog.text


async def test_malformed_data_is_refused(provider):
    placed = await make_order(payment_method="card")
    response = await provider("payment.succeeded", {"order_number": placed["number"], "amount": -1,
                                                    "currency": "EUR", "transaction_ref": "X"})
    assert response.status_code == 422 and "data.amount" in response.json()["errors"]
    await _unchanged(placed["number"])


async def test_replayed_webhook_id_is_acknowledged_and_ignored(provider):
    placed = await make_order(payment_method="card")
    data = _paid(placed["number"], amount=1000)
    assert (await provider("payment.succeeded", data)).json() == {"status": "processed"}
    again = await provider("payment.succeeded", data)
    assert again.status_code == 200 and again.json() == {"status": "duplicate"}
    assert (await order(placed["number"]))["paid_total"] == 1000


async def test_same_transaction_under_another_webhook_id_does_not_pay_twice(provider):
    placed = await make_order(payment_method="card")
    await provider("payment.succeeded", _paid(placed["number"]), webhook_id="msg_a")
    response = await provider("payment.succeeded", _paid(placed["number"]), webhook_id="msg_b")
    assert response.status_code == 200
    assert (await order(placed["number"]))["paid_total"] == 3980
    assert await Payment.count() == 1


async def test_simultaneous_deliveries_of_one_event_pay_once(provider):
    placed = await make_order(payment_method="card")
    answers = await asyncio.gather(*[provider("payment.succeeded", _paid(placed["number"]),
                                              webhook_id=f"msg_{i % 2}") for i in range(6)])
    assert all(a.status_code == 200 for a in answers)
    assert (await order(placed["number"]))["paid_total"] == 3980
    assert await Payment.count() == 1


async def test_refund_arriving_before_the_success_is_handled(provider):
    placed = await make_order(payment_method="card")
    number = placed["number"]
    assert (await provider("payment.refunded", _paid(number), webhook_id="r1")).status_code == 200
    assert (await provider("payment.succeeded", _paid(number), webhook_id="s1")).status_code == 200
    row = await order(number)
    assert (row["paid_total"], row["refunded_total"], row["payment_status"]) == (3980, 3980, "refunded")


async def test_failed_payment_is_recorded_in_history_only(provider):
    placed = await make_order(payment_method="card")
    response = await provider("payment.failed", _paid(placed["number"]))
    assert response.status_code == 200
    assert [e["kind"] for e in await OrderEvent.select(OrderEvent.kind)] == [
        "order.placed", "payment.failed"]
    assert (await order(placed["number"]))["payment_status"] == "unpaid"


async def test_unknown_event_types_are_acknowledged(provider):
    response = await provider("payment.disputed", {"order_number": "x"})
    assert response.json() == {"status": "ignored"}
