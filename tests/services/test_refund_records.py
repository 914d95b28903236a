"""What a refund request writes, field by field: the refund row, its history line, the
credit note and the customer's email (mutation testing showed these values unread;
docs/testing.md)."""

import json

from dashboard.db.tables import CreditNote, OrderEvent, OutboxEmail, Refund
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
