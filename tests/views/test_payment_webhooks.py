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


@pytest.mark.parametrize("changes, field", [
    ({"amount": 1_000_000_01}, "data.amount"),       # beyond what anyone records by hand
    ({"amount": 39.8}, "data.amount"),
    ({"currency": "EU1"}, "data.currency"),
    ({"transaction_ref": "R" * 121}, "data.transaction_ref"),  # longer than its column
])
async def test_data_outside_the_published_schema_is_refused(provider, changes, field):
    placed = await make_order(payment_method="card")
    response = await provider("payment.succeeded", {**_paid(placed["number"]), **changes})
    assert response.status_code == 422 and list(response.json()["errors"]) == [field]
    await _unchanged(placed["number"])


async def test_an_integral_json_number_is_an_amount(provider):
    placed = await make_order(payment_method="card")
    response = await provider("payment.succeeded", _paid(placed["number"], amount=3980.0))
    assert response.status_code == 200 and (await order(placed["number"]))["balance_due"] == 0
    assert (await Payment.select(Payment.amount).first())["amount"] == 3980


async def test_a_webhook_id_too_long_to_remember_is_refused(provider):
    placed = await make_order(payment_method="card")
    response = await provider("payment.succeeded", _paid(placed["number"]), webhook_id="m" * 201)
    assert response.status_code == 422 and "webhook-id" in response.json()["detail"]
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
    events = await OrderEvent.count()
    response = await provider("payment.succeeded", _paid(placed["number"]), webhook_id="msg_b")
    assert response.status_code == 200 and response.json() == {"status": "duplicate"}
    row = await order(placed["number"])
    assert row["paid_total"] == 3980 and row["status"] == "open"
    assert await Payment.count() == 1 and await OrderEvent.count() == events


async def test_simultaneous_deliveries_of_one_event_pay_once(provider):
    placed = await make_order(payment_method="card")
    answers = await asyncio.gather(*[provider("payment.succeeded", _paid(placed["number"]),
                                              webhook_id=f"msg_{i % 2}") for i in range(6)])
    assert all(a.status_code == 200 for a in answers)
    assert (await order(placed["number"]))["paid_total"] == 3980
    assert await Payment.count() == 1


async def test_refund_arriving_before_the_success_is_refused_then_retried(provider):
    placed = await make_order(payment_method="card")
    number = placed["number"]
    early = await provider("payment.refunded", _paid(number, ref="RF-1"), webhook_id="r1")
    assert early.status_code == 409 and early.json()["code"] == "refund_exceeds_capture"
    await _unchanged(number)
    assert (await provider("payment.succeeded", _paid(number), webhook_id="s1")).status_code == 200
    # The provider retries the refused delivery (same webhook id): it now goes through.
    retried = await provider("payment.refunded", _paid(number, ref="RF-1"), webhook_id="r1")
    assert retried.status_code == 200 and retried.json() == {"status": "processed"}
    row = await order(number)
    assert (row["paid_total"], row["refunded_total"], row["payment_status"]) == (3980, 3980, "refunded")


async def _kinds(number):
    row = await order(number)
    return [e["kind"] for e in await OrderEvent.select(OrderEvent.kind).where(
        OrderEvent.order == row["id"]).order_by(OrderEvent.id)]


async def test_refund_larger_than_what_was_captured_is_refused_and_records_nothing(provider):
    placed = await make_order(payment_method="card", lines=[("SKU-1", 1, 5001)])
    number = placed["number"]
    paid = await provider("payment.succeeded", _paid(number, amount=5001), webhook_id="s1")
    assert paid.json() == {"status": "processed"}
    before = await order(number)
    payments, events, receipts = (await Payment.count(), await OrderEvent.count(),
                                  await ReceivedWebhook.count())
    response = await provider("payment.refunded", _paid(number, amount=100_000, ref="RF-BIG"),
                              webhook_id="r1")
    assert response.status_code == 409
    assert response.json()["code"] == "refund_exceeds_capture"
    after = await order(number)
    assert (after["refunded_total"], after["version"], after["payment_status"]) == (
        0, before["version"], "paid")
    assert (await Payment.count(), await OrderEvent.count(), await ReceivedWebhook.count()) == (
        payments, events, receipts)


async def test_refunds_add_up_to_the_capture_and_no_further(provider):
    placed = await make_order(payment_method="card")
    number = placed["number"]
    await provider("payment.succeeded", _paid(number), webhook_id="s1")
    first = await provider("payment.refunded", _paid(number, amount=3000, ref="RF-1"),
                           webhook_id="r1")
    assert first.status_code == 200
    second = await provider("payment.refunded", _paid(number, amount=981, ref="RF-2"),
                            webhook_id="r2")
    assert second.status_code == 409
    last = await provider("payment.refunded", _paid(number, amount=980, ref="RF-3"),
                          webhook_id="r3")
    assert last.status_code == 200
    row = await order(number)
    assert (row["refunded_total"], row["payment_status"]) == (3980, "refunded")


@pytest.mark.parametrize("change", [
    {"amount": 1000}, {"currency": "USD"}, {"kind": "payment.refunded"}])
async def test_conflicting_duplicate_is_refused_and_held_for_payment_review(provider, change):
    placed = await make_order(payment_method="card")
    number = placed["number"]
    assert (await provider("payment.succeeded", _paid(number), webhook_id="s1")).status_code == 200
    data = {**_paid(number), **{k: v for k, v in change.items() if k != "kind"}}
    kind = change.get("kind", "payment.succeeded")
    response = await provider(kind, data, webhook_id="s2")
    assert response.status_code == 409 and response.json()["code"] == "payment_conflict"
    row = await order(number)
    assert (row["status"], row["hold_reason"]) == ("on_hold", "payment_review")
    assert (row["paid_total"], row["refunded_total"]) == (3980, 0)
    assert await Payment.count() == 1
    assert (await _kinds(number))[-2:] == ["payment.conflict", "order.held"]
    conflict = await OrderEvent.select(OrderEvent.data).where(
        OrderEvent.kind == "payment.conflict").output(load_json=True).first()
    assert conflict["data"]["webhook_id"] == "s2"
    assert conflict["data"]["transaction_ref"] == "PSP-8F2K1"
    # The provider retries the refused delivery: refused again, no second history line.
    again = await provider(kind, data, webhook_id="s2")
    assert again.status_code == 409
    assert [k for k in await _kinds(number) if k == "payment.conflict"] == ["payment.conflict"]
    assert await ReceivedWebhook.count() == 1


async def test_conflict_shows_as_a_payment_review_hold_on_the_order_screen(provider, login_as):
    signed_in = await login_as("back_office", locale="fr")
    placed = await make_order(payment_method="card")
    number = placed["number"]
    await provider("payment.succeeded", _paid(number), webhook_id="s1")
    await provider("payment.succeeded", _paid(number, amount=1), webhook_id="s2")
    page = await signed_in.get(f"/orders/{number}")
    assert "Paiement à vérifier" in page.text


async def test_exact_duplicate_of_a_refund_is_idempotent(provider):
    placed = await make_order(payment_method="card")
    number = placed["number"]
    await provider("payment.succeeded", _paid(number), webhook_id="s1")
    refund = _paid(number, amount=500, ref="RF-1")
    assert (await provider("payment.refunded", refund, webhook_id="r1")).status_code == 200
    events = await OrderEvent.count()
    again = await provider("payment.refunded", refund, webhook_id="r2")
    assert again.status_code == 200 and again.json() == {"status": "duplicate"}
    row = await order(number)
    assert (row["refunded_total"], row["status"]) == (500, "open")
    assert await OrderEvent.count() == events


async def test_underpayment_is_recorded_and_flagged(provider):
    placed = await make_order(payment_method="card")
    number = placed["number"]
    response = await provider("payment.succeeded", _paid(number, amount=1000))
    assert response.status_code == 200
    row = await order(number)
    assert (row["paid_total"], row["balance_due"], row["payment_status"], row["status"]) == (
        1000, 2980, "partially_paid", "open")
    assert (await _kinds(number))[-2:] == ["payment.recorded", "payment.underpayment"]
    flag = await OrderEvent.select(OrderEvent.summary, OrderEvent.data).where(
        OrderEvent.kind == "payment.underpayment").output(load_json=True).first()
    assert flag["data"]["difference"] == 2980 and "29.80 EUR" in flag["summary"]


async def test_overpayment_is_recorded_flagged_and_held_for_review(provider):
    placed = await make_order(payment_method="card")
    number = placed["number"]
    response = await provider("payment.succeeded", _paid(number, amount=5000))
    assert response.status_code == 200
    row = await order(number)
    assert (row["paid_total"], row["balance_due"], row["payment_status"]) == (5000, -1020, "paid")
    assert (row["status"], row["hold_reason"]) == ("on_hold", "payment_review")
    # Settled (over): the payment issues the invoice, then the excess is flagged and held.
    assert (await _kinds(number))[-4:] == ["payment.recorded", "invoice.issued",
                                           "payment.overpayment", "order.held"]


async def test_second_payment_under_another_reference_is_an_overpayment(provider):
    placed = await make_order(payment_method="card")
    number = placed["number"]
    await provider("payment.succeeded", _paid(number), webhook_id="s1")
    await provider("payment.succeeded", _paid(number, ref="PSP-OTHER"), webhook_id="s2")
    row = await order(number)
    assert (row["paid_total"], row["balance_due"]) == (7960, -3980)
    assert row["hold_reason"] == "payment_review"
    assert "payment.overpayment" in await _kinds(number)


async def test_exact_payment_is_not_flagged(provider):
    placed = await make_order(payment_method="card")
    await provider("payment.succeeded", _paid(placed["number"]))
    kinds = await _kinds(placed["number"])
    assert "payment.overpayment" not in kinds and "payment.underpayment" not in kinds
    assert (await order(placed["number"]))["status"] == "open"


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
