"""Credit limits, surcharges on payment status and documents, and the one balance."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.db.tables import CreditNote, Invoice, Order, Payment, Surcharge
from dashboard.domain.errors import ValidationFailed
from dashboard.domain.payments import RefundExceedsCapture
from dashboard.domain.pricing import balance_due
from dashboard.domain.returns.rules import ReturnRefused
from dashboard.services.returns import credits
from dashboard.services.returns import surcharges
from dashboard.services.printing.documents import issue_invoice, order_document
from dashboard.domain.printing.documents import DocumentKind
from dashboard.services.payments.money import record_payment, record_refund
from dashboard.services.fulfilment.shipping import ship_order
from tests.factories import TRACKING, make_order, mark_picked
from tests.returns.conftest import make_shipped_order


async def _reload(order):
    return await Order.select().where(Order.id == order["id"]).first()


def _formula(order):
    return balance_due(order["total"], order["surcharge_total"], order["paid_total"],
                       order["refunded_total"], order["credited_total"],
                       cancelled=order["status"] == "cancelled")


async def test_never_credit_more_than_paid_minus_already_credited():
    order = await make_shipped_order()  # 2 x 19.90 + 12.00 = 51.80 paid
    with pytest.raises(ValidationFailed) as refused:
        await credits.issue_credit(order["number"], amount=order["total"] + 1,
                                   refund_method="bank_transfer", actor="agent")
    assert "amount" in refused.value.fields
    await credits.issue_credit(order["number"], amount=5000, reason="Goodwill",
                               refund_method="store_credit", actor="agent")
    with pytest.raises(ValidationFailed):
        await credits.issue_credit(order["number"], amount=181, refund_method="store_credit",
                                   actor="agent")
    outcome = await credits.issue_credit(order["number"], amount=180,
                                         refund_method="bank_transfer", actor="agent")
    after = await _reload(order)
    assert after["credited_total"] == order["total"]
    assert outcome.balance_due == after["balance_due"] == _formula(after)
    assert await CreditNote.count() == 2
    for bad in (0, -5):
        with pytest.raises(ValidationFailed):
            await credits.issue_credit(order["number"], amount=bad, refund_method="card",
                                       refund_ref="R", actor="agent")
    assert await CreditNote.count() == 2


async def test_unpaid_order_has_nothing_to_credit():
    order = await make_shipped_order(paid=False)
    with pytest.raises(ValidationFailed):
        await credits.issue_credit(order["number"], amount=100, refund_method="store_credit",
                                   actor="agent")


async def test_surcharge_puts_a_paid_order_back_in_the_payment_queue_and_on_the_invoice(
        configure):
    configure(DASHBOARD_INVOICE_AT="shipment")  # paid, not shipped yet: no invoice so far
    order = await make_order(lines=[("TSHIRT-BLUE-M", 2, 1990)], paid=True)
    assert order["payment_status"] == "paid"
    outcome = await surcharges.add_surcharge(order["number"], kind="shipping_change",
                                             amount=900, reason="Express delivery",
                                             actor="agent")
    after = await _reload(order)
    assert outcome.supplementary_invoice is None  # no invoice yet: it goes on the invoice
    assert (after["surcharge_total"], after["balance_due"], after["payment_status"]) == (
        900, 900, "partially_paid")
    await mark_picked(order["number"])
    await ship_order(order["number"], carrier=TRACKING[0], tracking_number=TRACKING[1],
                     actor="agent")
    invoice = await Invoice.select().where(Invoice.order == order["id"]).first()
    assert invoice["total"] == order["total"] + 900
    snapshot = invoice["snapshot"]
    snapshot = json.loads(snapshot) if isinstance(snapshot, str) else snapshot
    assert any(s["reason"] == "Express delivery" for s in snapshot["surcharges"])
    await record_payment(order["number"], 900, "EUR", "PSP-extra", method="card",
                         source="webhook", received_on=None, actor="test", send_receipt=False)
    assert (await _reload(order))["payment_status"] == "paid"
    assert await Invoice.count() == 1  # paid again: the shipment's invoice stays the one


async def test_surcharge_after_the_invoice_gets_a_supplementary_invoice_numbered_in_series():
    order = await make_shipped_order()
    first = await issue_invoice(order["number"])
    outcome = await surcharges.add_surcharge(order["number"], kind="labour", amount=1500,
                                             reason="Gift wrapping", vat_rate_bp=2000,
                                             actor="agent")
    year, value = first["number"][1:5], int(first["number"][-5:])
    assert outcome.supplementary_invoice == f"F{year}-{value + 1:05d}"
    row = await Invoice.select().where(Invoice.number == outcome.supplementary_invoice).first()
    assert row["kind"] == "supplementary" and row["total"] == 1500
    doc = await order_document(order["number"], DocumentKind.INVOICE,
                               invoice=outcome.supplementary_invoice)
    assert doc["lines"] == [] and doc["surcharges"][0]["reason"] == "Gift wrapping"
    assert doc["invoice"]["original"] == first["number"]
    again = await issue_invoice(order["number"])  # the first invoice never changes
    assert again["number"] == first["number"] and again["total"] == first["total"]
    [surcharge] = await Surcharge.select()
    assert surcharge["invoice_id"] == row["id"]


@pytest.mark.parametrize("amount", [0, -100, 100_001, 10**9])
async def test_bad_surcharge_amounts_are_refused_and_nothing_is_written(amount):
    order = await make_shipped_order()
    with pytest.raises(ValidationFailed) as refused:
        await surcharges.add_surcharge(order["number"], kind="labour", amount=amount,
                                       reason="x", actor="agent")
    assert "amount" in refused.value.fields
    assert await Surcharge.count() == 0
    assert await _reload(order) == order


async def test_surcharge_over_ten_times_a_small_order_is_refused():
    order = await make_shipped_order(lines=[("PEN", 1, 100)])
    with pytest.raises(ValidationFailed):
        await surcharges.add_surcharge(order["number"], kind="labour", amount=1001,
                                       reason="x", actor="agent")
    with pytest.raises(ValidationFailed):  # no reason, unknown VAT rate
        await surcharges.add_surcharge(order["number"], kind="labour", amount=100, reason=" ",
                                       vat_rate_bp=1234, actor="agent")


async def test_cancelled_order_takes_no_surcharge():
    from tests.factories import make_order
    from dashboard.services.orders.intake import cancel_order

    order = await make_order()
    await cancel_order(order["number"], "customer asked", actor="agent")
    with pytest.raises(ReturnRefused):
        await surcharges.add_surcharge(order["number"], kind="labour", amount=100,
                                       reason="x", actor="agent")


# --- the one balance, over random sequences of postings ------------------------------------

STEPS = st.lists(st.tuples(
    st.sampled_from(["pay", "refund", "credit_card", "credit_store", "surcharge"]),
    st.integers(min_value=1, max_value=6000)), min_size=1, max_size=6)


@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
async def test_balance_always_equals_charged_minus_settled(steps):
    from tests.conftest import truncate_all

    await truncate_all()
    order = await make_shipped_order(paid=False)
    number = order["number"]
    for i, (step, amount) in enumerate(steps):
        try:
            if step == "pay":
                await record_payment(number, amount, "EUR", f"P{i}", method="card",
                                     source="manual", received_on=None, actor="t",
                                     send_receipt=False)
            elif step == "refund":
                await record_refund(number, amount, "EUR", f"R{i}", source="manual", actor="t")
            elif step == "credit_card":
                await credits.issue_credit(number, amount=amount, refund_method="card",
                                           refund_ref=f"C{i}", actor="t", send_email=False)
            elif step == "credit_store":
                await credits.issue_credit(number, amount=amount, refund_method="store_credit",
                                           actor="t", send_email=False)
            else:
                await surcharges.add_surcharge(number, kind="other", amount=amount,
                                               reason="extra", actor="t")
        except (ValidationFailed, ReturnRefused, RefundExceedsCapture):
            pass  # refused postings write nothing; the invariant must still hold
        after = await _reload(order)
        assert after["balance_due"] == _formula(after)
        money = await Payment.select(Payment.kind, Payment.amount).where(
            Payment.order == order["id"])
        assert after["paid_total"] == sum(p["amount"] for p in money if p["kind"] == "payment")
        assert after["refunded_total"] == sum(p["amount"] for p in money if p["kind"] == "refund")
        assert after["refunded_total"] <= after["paid_total"]  # never more back than captured
        notes = await CreditNote.select(CreditNote.amount).where(CreditNote.order == order["id"])
        assert after["credited_total"] == sum(n["amount"] for n in notes)
        assert after["credited_total"] <= after["paid_total"]
        extra = await Surcharge.select(Surcharge.amount).where(Surcharge.order == order["id"])
        assert after["surcharge_total"] == sum(s["amount"] for s in extra)


async def test_a_surcharge_emails_the_customer_with_its_supplementary_invoice(smtp_server):  # noqa: F811
    from dashboard.db.tables import OutboxEmail
    from dashboard.worker.smtp import EmailDeliverer

    order = await make_shipped_order(locale="fr")
    await issue_invoice(order["number"])
    outcome = await surcharges.add_surcharge(order["number"], kind="labour", amount=1500,
                                             reason="Emballage cadeau", actor="agent")
    [queued] = await OutboxEmail.select().where(OutboxEmail.template == "surcharge")
    assert "Emballage cadeau" in queued["body_text"] and "15,00" in queued["body_text"]
    assert outcome.supplementary_invoice in queued["body_text"]
    assert await EmailDeliverer(smtp_server.url, "shop@example.fr").run_once() == 1
    [message] = smtp_server.inbox.messages
    names = [part.get_filename() for part in message.walk() if part.get_filename()]
    assert names == [f"invoice-{order['number']}-{outcome.supplementary_invoice}.pdf"]


@pytest.mark.parametrize("locale, name", [("fr", "Livraison"), ("en", "Shipping")])
async def test_a_shipping_credit_note_names_its_line_in_the_customer_s_language(locale, name):
    from dashboard.domain.pricing import SHIPPING_VAT_BP
    from dashboard.services.printing.documents import render_document_html

    order = await make_shipped_order(shipping_total=490, locale=locale)
    outcome = await credits.issue_credit(order["number"], amount=490,
                                         lines=credits.shipping_lines(490),
                                         refund_method="store_credit", actor="agent")
    [note] = await CreditNote.select()
    lines = note["lines"] if isinstance(note["lines"], list) else json.loads(note["lines"])
    assert [(ln["sku"], ln["name"], ln["vat_rate_bp"]) for ln in lines] == [
        ("SHIPPING", name, SHIPPING_VAT_BP)]
    html = await render_document_html(order["number"], "credit-note",
                                      credit_note=outcome.number)
    assert f"<td>{name}<br>" in html


@pytest.mark.parametrize("locale, reason, name", [
    ("fr", "", "Geste commercial"), ("en", "", "Goodwill credit"),
    ("fr", "Colis arrivé en retard", "Colis arrivé en retard")])
async def test_a_credit_of_an_amount_is_named_by_its_reason_or_in_the_customer_s_language(
        locale, reason, name):
    order = await make_shipped_order(locale=locale)
    await credits.issue_credit(order["number"], amount=300, reason=reason,
                               refund_method="store_credit", actor="agent")
    [note] = await CreditNote.select()
    lines = note["lines"] if isinstance(note["lines"], list) else json.loads(note["lines"])
    assert [(ln["name"], ln["unit_price"]) for ln in lines] == [(name, 300)]
