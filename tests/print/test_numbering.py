"""Gap-free yearly numbering of invoices and credit notes, on both engines."""

from __future__ import annotations

import asyncio
import dataclasses

import pytest

from dashboard.db.tables import DocumentSequence, Invoice, OrderEvent
from dashboard.domain.printing.documents import DocumentRefused
from dashboard.services.printing import document_context
from dashboard.services.printing import documents
from dashboard.services.printing.documents import issue_credit_note, issue_invoice, order_document
from dashboard.domain.printing.documents import DocumentKind
from dashboard.domain.printing.numbering import ORDER_SEQUENCE_KIND
from dashboard.services.payments.money import record_payment
from dashboard.settings import get_settings


def _year() -> int:
    from datetime import datetime, timezone

    return documents.fiscal_year(datetime.now(timezone.utc))


def _settings(monkeypatch, **changes):
    changed = dataclasses.replace(get_settings(), **changes)
    monkeypatch.setattr(documents, "get_settings", lambda: changed)
    monkeypatch.setattr(document_context, "get_settings", lambda: changed)
    return changed


async def test_thirty_simultaneous_payments_get_invoices_1_to_30_without_gap(order_factory):
    numbers = [await order_factory(lines=[("SKU-1", 1, 1000)], paid=False)
               for _ in range(30)]
    await asyncio.gather(*(record_payment(
        n, 1490, "EUR", f"pay-{n}", method=None, source="webhook", received_on=None,
        actor="tester", send_receipt=False) for n in numbers))
    issued = await Invoice.select(Invoice.number)
    assert len(issued) == 30
    values = sorted(int(i["number"].split("-")[1]) for i in issued)
    assert values == list(range(1, 31))
    assert all(i["number"].startswith(f"F{_year()}-") for i in issued)
    sequence = await DocumentSequence.select().where(DocumentSequence.kind == "invoice")
    assert [(s["year"], s["last_value"]) for s in sequence] == [(_year(), 30)]


@pytest.mark.postgres_only
async def test_fifty_simultaneous_issues_on_postgresql(order_factory):
    numbers = [await order_factory(lines=[("SKU-1", 1, 1000)], paid=False)
               for _ in range(50)]
    issued = await asyncio.gather(*(issue_invoice(n) for n in numbers))
    assert sorted(int(i["number"].split("-")[1]) for i in issued) == list(range(1, 51))


async def test_an_order_is_invoiced_once_even_when_issued_concurrently(order_factory):
    number = await order_factory(paid=False)
    issued = await asyncio.gather(*(issue_invoice(number) for _ in range(8)))
    assert {i["number"] for i in issued} == {f"F{_year()}-00001"}
    assert await Invoice.count() == 1
    assert await OrderEvent.count().where(OrderEvent.kind == "invoice.issued") == 1


async def test_a_reprint_shows_the_invoice_as_issued(order_factory, monkeypatch):
    number = await order_factory()
    first = await order_document(number, DocumentKind.INVOICE)
    shop = dataclasses.replace(get_settings().shop, name="Renamed Shop SARL")
    _settings(monkeypatch, shop=shop)
    again = await order_document(number, DocumentKind.INVOICE)
    assert again == first
    assert again["seller"]["name"] == "Maison Lumière SAS"


async def test_a_rolled_back_issue_gives_its_number_back(order_factory, monkeypatch):
    number = await order_factory(paid=False)
    real = document_context.invoice_snapshot

    async def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(document_context, "invoice_snapshot", broken)
    with pytest.raises(RuntimeError):
        await issue_invoice(number)
    monkeypatch.setattr(document_context, "invoice_snapshot", real)
    assert (await issue_invoice(number))["number"] == f"F{_year()}-00001"


async def test_invoice_and_credit_note_series_are_separate(order_factory):
    number = await order_factory()
    await issue_invoice(number)
    line = {"sku": "MUG-ENAMEL", "name": "Mug", "quantity": 1, "unit_price": 1200,
            "vat_rate_bp": 2000}
    first = await issue_credit_note(number, amount=1200, lines=[line])
    second = await issue_credit_note(number, amount=1200, lines=[line])
    assert (first["number"], second["number"]) == (f"A{_year()}-00001", f"A{_year()}-00002")
    assert first["tax_amount"] == 200


async def test_refusals_say_why(order_factory, monkeypatch):
    unpaid = await order_factory(paid=False, payment_method="bank_transfer")
    with pytest.raises(DocumentRefused, match="not issued yet: it will be at payment"):
        await order_document(unpaid, DocumentKind.INVOICE)
    with pytest.raises(DocumentRefused, match="No payment"):
        await order_document(unpaid, DocumentKind.RECEIPT)
    with pytest.raises(DocumentRefused, match="no credit note"):
        await order_document(unpaid, DocumentKind.CREDIT_NOTE)
    assert await Invoice.count() == 0
    # A refusal takes no number (on SQLite, intake's order counter is a row of this table).
    assert await DocumentSequence.count().where(
        DocumentSequence.kind != ORDER_SEQUENCE_KIND) == 0

    _settings(monkeypatch, invoice_at="shipment")
    with pytest.raises(DocumentRefused, match="not issued yet: it will be at shipment"):
        await order_document(unpaid, DocumentKind.INVOICE)

    cancelled = await order_factory(paid=False, status="cancelled")
    with pytest.raises(DocumentRefused, match="cancelled"):
        await issue_invoice(cancelled)
    with pytest.raises(DocumentRefused, match="cancelled"):
        await order_document(cancelled, DocumentKind.DELIVERY_NOTE)


async def test_credit_note_lines_must_add_up(order_factory):
    from dashboard.domain.errors import ValidationFailed

    number = await order_factory()
    with pytest.raises(ValidationFailed):
        await issue_credit_note(number, amount=999, lines=[
            {"sku": "X", "name": "X", "quantity": 1, "unit_price": 1000, "vat_rate_bp": 2000}])
