"""Refunding what an order owes the customer: the refund held until it is made, the money
recorded once, the credit note for what the invoice charged too much, the customer's
email, and every refusal writing nothing. Card refunds go to a real local HTTP listener
standing in for the payment provider."""

import asyncio
import json
from datetime import datetime, timedelta, timezone

import pytest

from dashboard.db.tables import (
    CreditNote,
    OrderEvent,
    OrderLine,
    OutboxEmail,
    OutboxWebhook,
    Payment,
    Refund,
    WebhookEndpoint,
)
from dashboard.domain.errors import DomainError, ValidationFailed
from dashboard.services import payments
from dashboard.services.orders import changes as order_changes
from dashboard.worker.refunds import ProviderRefundDeliverer
from tests.factories import make_order, order
from tests.http_listener import Listener

ACTOR = "agent"


async def _paid_order_with_a_line_removed(payment_method="card", **kwargs) -> dict:
    """A card order of 39,80 + 10,00, paid (invoiced at payment), the 10,00 line removed:
    it owes the customer 10,00."""
    o = await make_order(lines=[("TSHIRT", 2, 1990), ("MUG", 1, 1000)], paid=True,
                         payment_method=payment_method, email="anne@example.fr", **kwargs)
    mug = await OrderLine.select().where(
        (OrderLine.order == o["id"]) & (OrderLine.sku == "MUG")).first()
    await order_changes.remove_line(o["number"], mug["id"], 1, actor=ACTOR)
    after = await order(o["number"])
    assert after["balance_due"] == -1000
    return after


async def _nothing_written(o: dict) -> None:
    assert await Refund.count() == 0
    assert await CreditNote.count() == 0
    assert (await order(o["number"]))["version"] == o["version"]
    assert not await OrderEvent.exists().where(OrderEvent.kind == "refund.requested")


async def test_a_transfer_refund_waits_in_the_queue_then_records_the_money_once():
    o = await _paid_order_with_a_line_removed()
    asked = await payments.request_refund(o["number"], amount=1000, route="bank_transfer",
                                          iban="FR76 3000 6000 0112 3456 7890 189",
                                          reason="Mug out of stock", actor=ACTOR)
    assert (asked.status, asked.route, asked.email_queued) == ("to_make", "bank_transfer", True)
    # Nothing has gone back yet: the order still owes it, and the refund holds the amount.
    still = await order(o["number"])
    assert (still["balance_due"], still["refunded_total"]) == (-1000, 0)
    panel = await payments.refund_panel(still)
    assert (panel.owed, panel.refundable, len(panel.open)) == (1000, 0, 1)
    (queued,) = await payments.refunds_to_make()
    assert (queued["number"], queued["iban"], queued["amount"]) == (
        o["number"], "FR7630006000011234567890189", 1000)
    with pytest.raises(DomainError) as again:
        await payments.request_refund(o["number"], amount=1000, route="bank_transfer",
                                      actor=ACTOR)
    assert "already being refunded" in again.value.message

    await payments.complete_refund(asked.refund_id, "VIR-2026-118", source="manual",
                                   actor="compta")
    done = await order(o["number"])
    assert (done["balance_due"], done["refunded_total"]) == (0, 1000)
    refund = await Payment.select().where(Payment.kind == "refund").first()
    assert (refund["amount"], refund["method"], refund["transaction_ref"]) == (
        1000, "bank_transfer", "VIR-2026-118")
    assert await payments.refunds_to_make() == []
    with pytest.raises(DomainError):  # made once: a second "done" is refused
        await payments.complete_refund(asked.refund_id, "VIR-2026-119", source="manual",
                                       actor="compta")
    assert await Payment.count().where(Payment.kind == "refund") == 1


async def test_the_refund_comes_with_a_credit_note_for_what_the_invoice_charged_too_much():
    o = await _paid_order_with_a_line_removed()
    asked = await payments.request_refund(o["number"], amount=1000, route="bank_transfer",
                                          actor=ACTOR)
    note = await CreditNote.select().first()
    assert asked.credit_note == note["number"] and note["amount"] == 1000
    lines = note["lines"] if isinstance(note["lines"], list) else json.loads(note["lines"])
    assert [(line["sku"], line["quantity"], line["unit_price"]) for line in lines] == [
        ("MUG", 1, 1000)]
    # The credit note documents the order's new total: it does not credit it again.
    assert (await order(o["number"]))["credited_total"] == 0
    email = await OutboxEmail.select().where(OutboxEmail.template == "refund").first()
    assert email["to_address"] == "anne@example.fr"
    assert "10,00" in email["subject"] and o["number"] in email["subject"]
    attachments = email["attachments"] if isinstance(email["attachments"], list) else json.loads(
        email["attachments"])
    assert attachments == [{"document": "credit-note", "format": "a4",
                            "credit_note": note["number"]}]
    # A second refund of the same order finds no gap left: no second credit note.
    assert (await payments.refund_panel(await order(o["number"]))).credit_note_amount == 0


async def test_an_order_not_yet_invoiced_needs_no_credit_note(configure):
    configure(DASHBOARD_INVOICE_AT="shipment")
    o = await _paid_order_with_a_line_removed()
    asked = await payments.request_refund(o["number"], amount=1000, route="card", actor=ACTOR,
                                          send_email=False)
    assert asked.credit_note == "" and await CreditNote.count() == 0
    assert asked.status == "to_make"  # no payment provider configured: made by hand
    assert await OutboxEmail.count().where(OutboxEmail.template == "refund") == 0


@pytest.mark.parametrize("amount, route, iban, field", [
    (1001, "bank_transfer", "", "amount"),
    (0, "bank_transfer", "", "amount"),
    (500, "cash", "", "route"),
    (500, "bank_transfer", "FR76 3000 6000 0112 3456 7890 180", "iban"),
    (500, "bank_transfer", "not an iban", "iban"),
])
async def test_refusals_name_their_field_and_write_nothing(amount, route, iban, field):
    o = await _paid_order_with_a_line_removed()
    with pytest.raises(ValidationFailed) as refused:
        await payments.request_refund(o["number"], amount=amount, route=route, iban=iban,
                                      actor=ACTOR)
    assert set(refused.value.fields) == {field}
    await _nothing_written(o)


async def test_a_card_refund_of_an_order_paid_by_transfer_is_refused():
    o = await _paid_order_with_a_line_removed(payment_method="bank_transfer")
    with pytest.raises(ValidationFailed) as refused:
        await payments.request_refund(o["number"], amount=1000, route="card", actor=ACTOR)
    assert set(refused.value.fields) == {"route"}
    await _nothing_written(o)


async def test_nothing_owed_nothing_to_refund():
    o = await make_order(lines=[("MUG", 1, 1000)], paid=True, payment_method="card")
    with pytest.raises(DomainError) as refused:
        await payments.request_refund(o["number"], amount=100, route="card", actor=ACTOR)
    assert not isinstance(refused.value, ValidationFailed)
    await _nothing_written(o)


async def test_a_cancelled_refund_is_owed_again_and_cannot_be_made():
    o = await _paid_order_with_a_line_removed()
    asked = await payments.request_refund(o["number"], amount=600, route="bank_transfer",
                                          actor=ACTOR)
    assert (await payments.refund_panel(await order(o["number"]))).refundable == 400
    await payments.cancel_refund(asked.refund_id, actor=ACTOR)
    assert (await payments.refund_panel(await order(o["number"]))).refundable == 1000
    with pytest.raises(DomainError):
        await payments.complete_refund(asked.refund_id, "VIR-1", source="manual", actor=ACTOR)
    assert (await order(o["number"]))["refunded_total"] == 0
    kinds = [e["kind"] for e in await OrderEvent.select(OrderEvent.kind).where(
        OrderEvent.kind.like("refund.%")).order_by(OrderEvent.id)]
    assert kinds == ["refund.requested", "refund.cancelled"]


async def test_two_agents_refunding_at_once_refund_the_money_once():
    o = await _paid_order_with_a_line_removed()
    results = await asyncio.gather(*[
        payments.request_refund(o["number"], amount=1000, route="bank_transfer", actor=f"a{n}",
                                send_email=False) for n in range(4)], return_exceptions=True)
    assert sum(not isinstance(r, Exception) for r in results) == 1
    assert all(isinstance(r, DomainError) for r in results if isinstance(r, Exception))
    assert await Refund.count() == 1


async def test_a_card_refund_goes_through_the_provider_with_one_idempotency_key(configure):
    async with Listener([(503, {}), (200, {"id": "re_8KD2"})], path="/v1") as provider:
        configure(DASHBOARD_PAYMENT_PROVIDER_URL=provider.url,
                  DASHBOARD_PAYMENT_PROVIDER_KEY="sk_test_1")
        await WebhookEndpoint.insert(WebhookEndpoint(url="http://127.0.0.1:9/", secret="whsec_x"))
        o = await _paid_order_with_a_line_removed()
        asked = await payments.request_refund(o["number"], amount=1000, route="card",
                                              actor=ACTOR)
        assert asked.status == "pending"
        deliverer = ProviderRefundDeliverer()
        now = datetime.now(timezone.utc)
        await deliverer.run_once(now)  # 503: tried again later
        row = await Refund.select().first()
        assert (row["status"], row["attempts"]) == ("pending", 1)
        assert (await order(o["number"]))["refunded_total"] == 0
        await deliverer.run_once(now + timedelta(minutes=5))
        await deliverer.close()
    row = await Refund.select().first()
    assert (row["status"], row["transaction_ref"]) == ("done", "re_8KD2")
    done = await order(o["number"])
    assert (done["balance_due"], done["refunded_total"]) == (0, 1000)
    (first_headers, body), (second_headers, _) = provider.requests
    assert provider.lines[0].startswith("POST /v1/refunds ")
    body = json.loads(body)
    assert body == {"payment": "PSP-8F2K1", "amount": 1000, "currency": "EUR",
                    "reference": f"refund-{row['id']}", "metadata": {"order": o["number"]}}
    assert first_headers["idempotency-key"] == second_headers["idempotency-key"]
    assert first_headers["authorization"] == "Bearer sk_test_1"
    webhook = await OutboxWebhook.select().where(
        OutboxWebhook.event_type == "order.refunded").first()
    payload = webhook["payload"] if isinstance(webhook["payload"], dict) else json.loads(
        webhook["payload"])
    assert payload["data"]["refund"]["transaction_ref"] == "re_8KD2"
    # The provider's own webhook for that refund later is a known reference: no double.
    await payments.record_refund(o["number"], 1000, "EUR", "re_8KD2", source="webhook",
                                 actor="psp")
    assert (await order(o["number"]))["refunded_total"] == 1000


async def test_a_refund_the_provider_refuses_is_listed_to_retry_or_make_by_hand(configure):
    async with Listener([(402, {"error": "card expired"})], path="/v1") as provider:
        configure(DASHBOARD_PAYMENT_PROVIDER_URL=provider.url)
        o = await _paid_order_with_a_line_removed()
        asked = await payments.request_refund(o["number"], amount=1000, route="card",
                                              actor=ACTOR)
        await ProviderRefundDeliverer().run_once()
    (listed,) = await payments.refunds_to_make()
    assert listed["status"] == "failed" and "card expired" in listed["last_error"]
    assert (await order(o["number"]))["refunded_total"] == 0
    await payments.make_by_hand(asked.refund_id, actor="compta")
    (listed,) = await payments.refunds_to_make()
    assert listed["status"] == "to_make"
    with pytest.raises(DomainError):  # only a refused refund is sent again
        await payments.retry_refund(asked.refund_id, actor="compta")


async def test_a_refund_still_open_when_the_order_no_longer_owes_stays_listed():
    o = await _paid_order_with_a_line_removed()
    asked = await payments.request_refund(o["number"], amount=1000, route="bank_transfer",
                                          actor=ACTOR, send_email=False)
    tshirt = await OrderLine.select().where(OrderLine.sku == "TSHIRT").first()
    await order_changes.change_line_quantity(o["number"], tshirt["id"], 2, 3, actor=ACTOR)
    now = await order(o["number"])
    assert now["balance_due"] > 0  # the customer owes again
    panel = await payments.refund_panel(now)
    assert (panel.owed, panel.refundable) == (0, 0)
    assert [r["id"] for r in panel.open] == [asked.refund_id]
    await payments.cancel_refund(asked.refund_id, actor=ACTOR)
    assert (await payments.refund_panel(await order(o["number"]))).open == []
