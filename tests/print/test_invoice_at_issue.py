"""An invoice is numbered and dated by the event that issues it (payment, or shipment per
DASHBOARD_INVOICE_AT), in that event's transaction; opening a document never changes it."""

from __future__ import annotations

import pytest

from dashboard.db.tables import DocumentSequence, Invoice, Order, OrderEvent
from dashboard.db.transaction import write_transaction
from dashboard.domain.fulfilment.rules import BulkShipRow
from dashboard.domain.printing.documents import DocumentKind, DocumentRefused
from dashboard.services.fulfilment import bulk_shipping, pickup, shipping
from dashboard.services.payments.money import mark_many_paid, record_payment
from dashboard.services.printing import issue_missing_invoices
from dashboard.services.printing.batches import start_batch, wait_for
from dashboard.services.printing.documents import order_document, render_document_html
from dashboard.settings import load_settings
from tests.factories import TRACKING, mark_picked

TOTAL = 2 * 1990 + 2450 + 3 * 1200 + 490  # tests/print/conftest.py LINES + shipping


async def invoices_of(number: str) -> list[dict]:
    return await Invoice.select().where(Invoice.order.number == number)


async def pay(number: str, amount: int = TOTAL, ref: str = "PAY-1") -> None:
    await record_payment(number, amount, "EUR", ref, method=None, source="manual",
                         received_on=None, actor="agent", send_receipt=False)


async def ship(number: str) -> None:
    await mark_picked(number)
    await shipping.ship_order(number, carrier=TRACKING[0], tracking_number=TRACKING[1],
                              actor="agent")


async def test_the_payment_that_settles_the_order_issues_its_invoice(order_factory):
    number = await order_factory(paid=False)
    await pay(number, 1000, "PART-1")
    assert await invoices_of(number) == []  # part-paid: not yet
    await pay(number, TOTAL - 1000, "PART-2")
    [invoice] = await invoices_of(number)
    assert invoice["number"].startswith("F") and invoice["number"].endswith("-00001")
    event = await OrderEvent.select().where(OrderEvent.kind == "invoice.issued").first()
    assert event["actor"] == "agent"
    await ship(number)  # a shipment later changes nothing
    assert [i["number"] for i in await invoices_of(number)] == [invoice["number"]]


async def test_a_payment_rolled_back_takes_its_invoice_and_number_with_it(order_factory):
    number = await order_factory(paid=False)
    with pytest.raises(RuntimeError):
        async with write_transaction():
            await pay(number)
            assert len(await invoices_of(number)) == 1  # in the payment's transaction
            raise RuntimeError("the payment's use-case failed after the money was written")
    assert await Invoice.count() == 0
    assert await DocumentSequence.count().where(DocumentSequence.kind == "invoice") == 0
    await pay(number)
    assert (await invoices_of(number))[0]["number"].endswith("-00001")


async def test_bulk_mark_paid_issues_one_invoice_per_paid_order(order_factory):
    first, second = await order_factory(paid=False), await order_factory(paid=False)
    result = await mark_many_paid([(first, "CHQ-1", None, None), (second, "CHQ-2", None, 100)],
                                  "agent")
    assert sorted(result.changed) == sorted([first, second])
    assert len(await invoices_of(first)) == 1
    assert await invoices_of(second) == []  # 1.00 paid of the total


async def test_at_shipment_the_last_parcel_issues_it_not_the_payment(order_factory, configure):
    configure(DASHBOARD_INVOICE_AT="shipment")
    number = await order_factory()  # paid
    assert await invoices_of(number) == []
    order = await Order.select(Order.id).where(Order.number == number).first()
    await mark_picked(number)
    from dashboard.db.tables import OrderLine

    first_line = (await OrderLine.select(OrderLine.id).where(
        OrderLine.order == order["id"]).order_by(OrderLine.position).first())["id"]
    await shipping.ship_order(number, carrier=TRACKING[0], tracking_number=TRACKING[1],
                              lines={first_line: 1}, actor="agent")
    assert await invoices_of(number) == []  # partially shipped: waits for the last parcel
    await shipping.ship_order(number, carrier=TRACKING[0], tracking_number="6A12345678902",
                              actor="agent")
    assert len(await invoices_of(number)) == 1

    unpaid = await order_factory(paid=False, payment_method="bank_transfer")
    await ship(unpaid)
    assert len(await invoices_of(unpaid)) == 1  # shipped on account: invoiced all the same


async def test_at_shipment_bulk_shipping_and_collection_issue_it(order_factory, configure):
    configure(DASHBOARD_INVOICE_AT="shipment")
    numbers = [await order_factory() for _ in range(2)]
    for number in numbers:
        await mark_picked(number)
    result = await bulk_shipping.ship_many(
        [BulkShipRow(n, TRACKING[0], TRACKING[1]) for n in numbers], notify_customer=False,
        actor="agent")
    assert sorted(result.changed) == sorted(numbers)
    assert all([len(await invoices_of(n)) == 1 for n in numbers])

    collect = await order_factory(payment_method="cash_on_pickup", paid=False)
    await pickup.ready_for_pickup(collect, "agent")
    assert await invoices_of(collect) == []
    await pickup.collected(collect, "agent")
    assert len(await invoices_of(collect)) == 1


async def test_opening_never_issues_and_says_when_it_will_be(order_factory, configure):
    unpaid = await order_factory(paid=False)
    with pytest.raises(DocumentRefused) as refused:
        await order_document(unpaid, DocumentKind.INVOICE)
    assert refused.value.message.template == "Invoice not issued yet: it will be at payment."
    batch = await wait_for(await start_batch([unpaid], "invoice", "a4", "agent"))
    assert batch.skipped == {unpaid: "Invoice not issued yet: it will be at payment."}
    assert await Invoice.count() == 0
    assert await DocumentSequence.count().where(DocumentSequence.kind == "invoice") == 0

    configure(DASHBOARD_INVOICE_AT="shipment")
    paid = await order_factory()
    with pytest.raises(DocumentRefused, match="at shipment"):
        await order_document(paid, DocumentKind.INVOICE)


async def test_opening_twice_shows_the_same_number_and_date(order_factory):
    number = await order_factory()
    [issued] = await invoices_of(number)
    events = await OrderEvent.count()
    first = await order_document(number, DocumentKind.INVOICE)
    html = await render_document_html(number, "invoice")
    second = await order_document(number, DocumentKind.INVOICE)
    assert first == second
    assert first["invoice"] == {"number": issued["number"],
                                "issued_at": issued["issued_at"].isoformat()}
    assert await render_document_html(number, "invoice") == html
    [after] = await invoices_of(number)
    assert after == issued and await OrderEvent.count() == events


async def test_missing_invoices_are_issued_in_order_of_payment(order_factory):
    later, earlier = await order_factory(), await order_factory()
    unpaid = await order_factory(paid=False)
    # As a database of the issue-on-first-print days: paid, and no invoice.
    await OrderEvent.delete().where(OrderEvent.kind == "invoice.issued")
    await Invoice.delete(force=True)
    await DocumentSequence.delete().where(DocumentSequence.kind == "invoice")
    from datetime import datetime, timezone

    for number, day in ((later, 20), (earlier, 10)):
        await Order.update({Order.paid_at: datetime(2026, 11, day, tzinfo=timezone.utc)}).where(
            Order.number == number)
    assert await issue_missing_invoices("cli") == 2
    assert (await invoices_of(earlier))[0]["number"].endswith("-00001")
    assert (await invoices_of(later))[0]["number"].endswith("-00002")
    assert await invoices_of(unpaid) == []
    assert await issue_missing_invoices("cli") == 0  # running again issues nothing


def test_the_setting_takes_payment_or_shipment_only(configure):
    configure(DASHBOARD_INVOICE_AT="shipment")
    assert load_settings().invoice_at == "shipment"
    configure(DASHBOARD_INVOICE_AT="order")
    with pytest.raises(SystemExit, match="payment or shipment"):
        load_settings()


async def test_the_refusal_reads_in_french_on_the_invoice_url(login_as, order_factory):
    client = await login_as("back_office", locale="fr")
    unpaid = await order_factory(paid=False)
    for suffix in ("html", "pdf"):
        refused = await client.get(f"/orders/{unpaid}/documents/invoice.{suffix}")
        assert refused.status_code == 422
        assert "Facture pas encore émise : elle le sera au paiement." in refused.text
    panel = await client.get(f"/orders/{unpaid}/documents-panel")
    assert "Facture pas encore émise : elle le sera au paiement." in panel.text
    assert "invoice.html" not in panel.text
    assert await Invoice.count() == 0
