"""What a refund request writes, field by field: the refund row, its history line, the
credit note and the customer's email (mutation testing showed these values unread;
docs/testing.md)."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from dashboard.db.tables import CreditNote, OrderEvent, OutboxEmail, Refund
from dashboard.domain.errors import DomainError, NotFound
from dashboard.services import payments
from tests.factories import order
from tests.services.test_refunds import ACTOR, _paid_order_with_a_line_removed


def _json(value):
    return value if isinstance(value, (dict, list)) else json.loads(value)


async def test_a_transfer_refund_stores_what_was_asked_and_says_it_in_the_history():
    o = await _paid_order_with_a_line_removed(locale="en")
    asked = await payments.request_refund(o["number"], amount=600, route="bank_transfer",
                                          iban="FR76 3000 6000 0112 3456 7890 189",
                                          reason="  " + "r" * 600 + "  ", actor=ACTOR)
    assert asked.amount == 600
    row = await Refund.select().first()
    assert (row["order"], row["route"], row["amount"], row["currency"], row["status"]) == (
        o["id"], "bank_transfer", 600, "EUR", "to_make")
    assert (row["capture_ref"], row["iban"], row["actor"]) == (
        "", "FR7630006000011234567890189", ACTOR)
    assert row["reason"] == "r" * 500
    note = await CreditNote.select().first()
    assert row["credit_note"] == asked.credit_note == note["number"]
    assert note["reason"] == "r" * 500 and note["amount"] == 600
    # The order's version moved, so open screens re-read it.
    assert (await order(o["number"]))["version"] == o["version"] + 1

    event = await OrderEvent.select().where(OrderEvent.kind == "refund.requested").first()
    assert event["summary"] == "Refund of 6.00 EUR by bank_transfer requested"
    assert event["actor"] == ACTOR
    assert _json(event["data"]) == {"refund": asked.refund_id, "amount": 600, "currency": "EUR",
                                    "route": "bank_transfer", "status": "to_make",
                                    "credit_note": note["number"]}
    email = await OutboxEmail.select().where(OutboxEmail.template == "refund").first()
    assert email["order"] == o["id"]
    assert "Order" in email["subject"] or "order" in email["subject"]  # the order's language
    assert note["number"] in email["body_text"]


async def test_a_card_refund_goes_back_to_the_captured_payment_without_an_iban(configure):
    configure(DASHBOARD_INVOICE_AT="shipment")  # not invoiced: no credit note
    o = await _paid_order_with_a_line_removed()
    asked = await payments.request_refund(o["number"], amount=1000, route="card",
                                          iban="FR76 3000 6000 0112 3456 7890 189", actor=ACTOR)
    row = await Refund.select().first()
    assert (row["capture_ref"], row["iban"], row["reason"], row["credit_note"]) == (
        "PSP-8F2K1", "", "", "")
    event = await OrderEvent.select().where(OrderEvent.kind == "refund.requested").first()
    assert _json(event["data"])["credit_note"] == ""
    email = await OutboxEmail.select().where(OutboxEmail.template == "refund").first()
    assert _json(email["attachments"]) == []
    assert asked.credit_note == ""


async def test_the_refund_panel_of_a_card_order(configure):
    o = await _paid_order_with_a_line_removed()
    panel = await payments.refund_panel(o)
    assert (panel.owed, panel.refundable, panel.open) == (1000, 1000, [])
    assert panel.card_refundable == 4980  # the whole capture can still go back
    assert panel.credit_note_amount == 1000  # invoiced at payment, 10,00 above what it charges
    assert panel.provider is False
    configure(DASHBOARD_PAYMENT_PROVIDER_URL="http://127.0.0.1:9/v1")
    assert (await payments.refund_panel(o)).provider is True
    transfer = await _paid_order_with_a_line_removed(payment_method="bank_transfer")
    assert (await payments.refund_panel(transfer)).card_refundable is None
    paid = await order(o["number"])
    nothing = await payments.refund_panel({**paid, "balance_due": 0})
    assert (nothing.owed, nothing.refundable, nothing.card_refundable) == (0, 0, None)


async def _history(kind: str) -> list[tuple]:
    rows = await OrderEvent.select().where(OrderEvent.kind == kind).order_by(OrderEvent.id)
    return [(e["order"], e["summary"], _json(e["data"]), e["actor"]) for e in rows]


async def test_each_move_of_an_open_refund_writes_its_history_line(configure):
    configure(DASHBOARD_PAYMENT_PROVIDER_URL="http://127.0.0.1:9/v1")
    o = await _paid_order_with_a_line_removed()
    asked = await payments.request_refund(o["number"], amount=1000, route="card", actor=ACTOR,
                                          send_email=False)
    long_ago = datetime(2026, 1, 1, tzinfo=timezone.utc)
    await Refund.update({Refund.status: "failed", Refund.attempts: 5,
                         Refund.next_attempt_at: long_ago}).where(Refund.id == asked.refund_id)
    before = (await order(o["number"]))["version"]
    moved = await payments.retry_refund(asked.refund_id, actor="compta")
    assert moved["status"] == "pending"
    row = await Refund.select().where(Refund.id == asked.refund_id).first()
    assert (row["status"], row["attempts"]) == ("pending", 0)
    assert row["next_attempt_at"] > long_ago
    data = {"refund": asked.refund_id, "amount": 1000, "currency": "EUR", "route": "card"}
    assert await _history("refund.retried") == [
        (o["id"], "Refund sent to the payment provider again", data, "compta")]
    assert (await order(o["number"]))["version"] == before + 1
    await Refund.update({Refund.status: "failed"}).where(Refund.id == asked.refund_id)
    await payments.make_by_hand(asked.refund_id, actor="compta")
    assert await _history("refund.by_hand") == [
        (o["id"], "Refund to make by hand", data, "compta")]
    with pytest.raises(NotFound):
        await payments.cancel_refund(asked.refund_id, actor="compta", order_number="NOPE")
    assert (await Refund.select(Refund.status).where(Refund.id == asked.refund_id).first()) == {
        "status": "to_make"}
    await payments.cancel_refund(asked.refund_id, actor="compta", order_number=o["number"])
    assert await _history("refund.cancelled") == [
        (o["id"], "Refund cancelled", data, "compta")]
    with pytest.raises(NotFound):
        await payments.cancel_refund(10 ** 6, actor="compta")


async def test_without_a_provider_a_refund_cannot_be_sent_again():
    o = await _paid_order_with_a_line_removed()
    asked = await payments.request_refund(o["number"], amount=1000, route="card", actor=ACTOR,
                                          send_email=False)
    with pytest.raises(DomainError) as refused:
        await payments.retry_refund(asked.refund_id, actor="compta")
    assert refused.value.message == \
        "No payment provider is configured: make this refund by hand."


async def test_the_payment_queue_lists_refunds_to_make_oldest_first_with_their_customer():
    first = await _paid_order_with_a_line_removed(name="Anne Martin")
    second = await _paid_order_with_a_line_removed(name="Paul Durand")
    a = await payments.request_refund(first["number"], amount=1000, route="bank_transfer",
                                      actor=ACTOR, send_email=False)
    b = await payments.request_refund(second["number"], amount=1000, route="bank_transfer",
                                      actor=ACTOR, send_email=False)
    same = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
    await Refund.update({Refund.created_at: same}).where(Refund.id.is_in([a.refund_id,
                                                                          b.refund_id]))
    listed = await payments.refunds_to_make()
    assert [(r["id"], r["number"], r["customer_name"], r["customer_email"]) for r in listed] == [
        (a.refund_id, first["number"], "Anne Martin", "anne@example.fr"),
        (b.refund_id, second["number"], "Paul Durand", "anne@example.fr")]
    await Refund.update({Refund.created_at: same - timedelta(days=1)}).where(
        Refund.id == b.refund_id)
    assert [r["id"] for r in await payments.refunds_to_make()] == [b.refund_id, a.refund_id]
    assert [r["id"] for r in await payments.refunds_to_make(limit=1)] == [b.refund_id]


async def test_a_partial_refund_credits_an_adjustment_named_in_the_customers_language():
    o = await _paid_order_with_a_line_removed()  # French
    await payments.request_refund(o["number"], amount=600, route="bank_transfer", actor=ACTOR,
                                  send_email=False)
    note = await CreditNote.select().first()
    assert (note["reason"], note["refund_method"], note["actor"], note["amount"]) == (
        "Commande modifiée après facturation", "bank_transfer", ACTOR, 600)
    assert [(line["sku"], line["name"], line["quantity"], line["unit_price"])
            for line in _json(note["lines"])] == [("", "Ajustement de la commande", 1, 600)]


async def test_a_one_cent_refund_still_comes_with_its_credit_note():
    o = await _paid_order_with_a_line_removed()
    asked = await payments.request_refund(o["number"], amount=1, route="bank_transfer",
                                          actor=ACTOR, send_email=False)
    note = await CreditNote.select().first()
    assert note is not None and (note["number"], note["amount"]) == (asked.credit_note, 1)
