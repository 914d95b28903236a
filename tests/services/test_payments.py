"""Payments: partial and full, refunds, failures, receipts, bulk mark-paid, idempotency."""

from datetime import date

import pytest

from dashboard.db.tables import OrderEvent, OutboxEmail, OutboxWebhook, Payment, WebhookEndpoint
from dashboard.domain.errors import DomainError, NotFound, StaleVersion, ValidationFailed
from dashboard.domain.payments import RefundExceedsCapture
from dashboard.services.payments import money as payments
from tests.factories import make_order, order

TODAY = date(2026, 11, 27)


async def _pay(number, amount, ref, **kwargs):
    return await payments.record_payment(number, amount, "EUR", ref, method=None,
                                         source=kwargs.pop("source", "manual"),
                                         received_on=TODAY, actor="tester", **kwargs)


async def _endpoint():
    await WebhookEndpoint.insert(WebhookEndpoint(url="http://127.0.0.1:1/hook", secret="whsec_x"))


async def test_partial_then_full_payment_updates_status_balance_and_history():
    placed = await make_order()  # 2 x 19.90 = 39.80
    await _endpoint()  # after placing: only what payments send is queued
    first = await _pay(placed["number"], 1000, "CHQ-1")
    assert (first.payment_status, first.balance_due, first.became_paid) == ("partially_paid", 2980, False)
    assert await OutboxWebhook.count() == 0
    second = await _pay(placed["number"], 2980, "CHQ-2")
    assert (second.payment_status, second.balance_due, second.became_paid) == ("paid", 0, True)
    row = await order(placed["number"])
    assert row["paid_total"] == 3980 and row["paid_at"] is not None and row["version"] == 3
    kinds = [e["kind"] for e in await OrderEvent.select(OrderEvent.kind)]
    # The payment that settles the order issues its invoice (DASHBOARD_INVOICE_AT=payment).
    assert kinds == ["order.placed", "payment.recorded", "payment.recorded", "invoice.issued"]
    hooks = await OutboxWebhook.select(OutboxWebhook.event_type, OutboxWebhook.payload).output(
        load_json=True)
    assert [h["event_type"] for h in hooks] == ["order.paid"]
    assert hooks[0]["payload"]["data"]["number"] == placed["number"]


async def test_receipt_is_queued_when_paid_by_default_in_the_customer_language(configure):
    configure(DASHBOARD_SEND_RECEIPTS=None)
    placed = await make_order(locale="en")
    await _pay(placed["number"], 3980, "PSP-1")
    emails = await OutboxEmail.select()
    assert len(emails) == 1
    assert emails[0]["template"] == "receipt" and emails[0]["to_address"] == "anne.martin@example.fr"
    assert placed["number"] in emails[0]["subject"] and "Receipt" in emails[0]["subject"]
    assert "€39.80" in emails[0]["body_text"] and "<html" in emails[0]["body_html"]


async def test_receipts_follow_the_setting_unless_staff_ask(configure):
    configure(DASHBOARD_SEND_RECEIPTS="off")
    placed = await make_order()
    await _pay(placed["number"], 3980, "PSP-1")
    assert await OutboxEmail.count() == 0
    other = await make_order()
    outcome = await _pay(other["number"], 1000, "PSP-2", send_receipt=True)
    assert outcome.receipt_queued and await OutboxEmail.count() == 1
    await payments.queue_receipt(placed["number"], actor="tester")
    assert await OutboxEmail.count() == 2


async def test_same_reference_never_pays_twice():
    placed = await make_order()
    await _pay(placed["number"], 1000, "CHQ-1")
    again = await _pay(placed["number"], 1000, "CHQ-1")
    assert again.duplicate
    assert (await order(placed["number"]))["paid_total"] == 1000
    assert await Payment.count() == 1


@pytest.mark.parametrize("amount, currency, field", [(0, "EUR", "amount"), (-5, "EUR", "amount"),
                                                     (100, "USD", "currency")])
async def test_bad_amount_or_currency_is_refused_and_nothing_changes(amount, currency, field):
    placed = await make_order()
    with pytest.raises(ValidationFailed) as caught:
        await payments.record_payment(placed["number"], amount, currency, "X", method=None,
                                      source="manual", received_on=TODAY, actor="tester")
    assert field in caught.value.fields
    assert (await order(placed["number"]))["version"] == 1
    assert await Payment.count() == 0
    assert [e["kind"] for e in await OrderEvent.select(OrderEvent.kind)] == ["order.placed"]


async def test_unknown_order_and_manual_payment_on_cancelled_order_are_refused():
    with pytest.raises(NotFound):
        await _pay("NOPE", 100, "X")
    cancelled = await make_order(status="cancelled")
    with pytest.raises(DomainError):
        await _pay(cancelled["number"], 100, "X")


async def test_refund_before_the_payment_it_refunds_is_refused_until_the_payment_is_known():
    await _endpoint()
    placed = await make_order()
    number = placed["number"]
    with pytest.raises(RefundExceedsCapture):
        await payments.record_refund(number, 3980, "EUR", "RF-9", source="webhook", actor="psp")
    early = await order(number)
    assert (early["refunded_total"], early["paid_total"], early["version"]) == (0, 0, 1)
    assert await Payment.count() == 0
    await _pay(number, 3980, "PSP-9", source="webhook")
    await payments.record_refund(number, 3980, "EUR", "RF-9", source="webhook", actor="psp")
    final = await order(number)
    assert (final["payment_status"], final["balance_due"]) == ("refunded", 3980)
    again = await payments.record_refund(number, 3980, "EUR", "RF-9", source="webhook", actor="psp")
    assert again.duplicate and (await order(number))["refunded_total"] == 3980


async def test_refund_beyond_the_net_capture_is_refused_whoever_records_it():
    placed = await make_order()
    number = placed["number"]
    await _pay(number, 3980, "PSP-1", source="manual")
    await payments.record_refund(number, 3000, "EUR", "RF-1", source="manual", actor="staff")
    with pytest.raises(RefundExceedsCapture):
        await payments.record_refund(number, 981, "EUR", "RF-2", source="manual", actor="staff")
    assert (await order(number))["refunded_total"] == 3000 and await Payment.count() == 2


async def test_failure_is_history_only():
    placed = await make_order()
    await payments.record_failure(placed["number"], 3980, "EUR", "PSP-1", source="webhook",
                                  actor="psp", reason="card declined")
    row = await order(placed["number"])
    assert row["payment_status"] == "unpaid" and row["version"] == 1
    event = await OrderEvent.select().order_by(OrderEvent.id, ascending=False).output(
        load_json=True).first()
    assert event["kind"] == "payment.failed" and event["data"]["reason"] == "card declined"


async def test_mark_many_paid_reports_changed_and_skipped_in_one_transaction():
    first = await make_order()
    second = await make_order(lines=[("MUG", 1, 1200)])
    cancelled = await make_order(status="cancelled")
    await _pay(second["number"], 1200, "VIR-OLD")  # already paid
    third = await make_order()
    await _pay(third["number"], 500, "VIR-3")
    result = await payments.mark_many_paid([
        (first["number"], "VIR-1", TODAY, None),
        (second["number"], "VIR-2", TODAY, None),
        (cancelled["number"], "VIR-X", TODAY, None),
        ("2099-99999", "VIR-Y", TODAY, None),
        (third["number"], "VIR-3", TODAY, 3480),
    ], actor="tester")
    assert result.changed == [first["number"]]
    assert result.skipped == {
        second["number"]: "nothing left to pay",
        cancelled["number"]: "order is cancelled",
        "2099-99999": "no such order",
        third["number"]: "reference already recorded for this order",
    }
    assert (await order(first["number"]))["payment_status"] == "paid"
    assert (await order(third["number"]))["paid_total"] == 500


async def test_mark_many_paid_undoes_only_the_order_refused_after_its_first_write(monkeypatch):
    first, second, third = [await make_order() for _ in range(3)]
    record_event = payments.record_event

    async def record_then_refuse(order_id, kind, *args, **kwargs):
        await record_event(order_id, kind, *args, **kwargs)
        if order_id == second["id"]:  # the money and the payment row are written by now
            raise StaleVersion("changed meanwhile")

    monkeypatch.setattr(payments, "record_event", record_then_refuse)
    result = await payments.mark_many_paid(
        [(o["number"], f"VIR-{n}", TODAY, None) for n, o in enumerate((first, second, third))],
        actor="tester")
    assert result.changed == [first["number"], third["number"]]
    assert result.skipped == {second["number"]: "changed by someone else meanwhile; try again"}
    untouched = await order(second["number"])
    assert (untouched["paid_total"], untouched["payment_status"], untouched["version"]) == (
        0, "unpaid", second["version"])
    assert await Payment.count().where(Payment.order == second["id"]) == 0
    assert await OrderEvent.count().where((OrderEvent.order == second["id"])
                                          & (OrderEvent.kind == "payment.recorded")) == 0
    assert (await order(third["number"]))["payment_status"] == "paid"
