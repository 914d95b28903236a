"""Every order document in every format, rendered by the real Chromium and read back."""

from __future__ import annotations

import pytest

from dashboard.domain.printing.documents import ORDER_DOCUMENTS, PAPERS
from dashboard.services.printing.documents import (
    issue_credit_note, render_document_html, render_document_pdf,
)

MM = 72 / 25.4
PAGE_WIDTH_PT = {"a4": 210 * MM, "letter": 612.0, "80mm": 80 * MM, "58mm": 58 * MM}
PAGE_HEIGHT_PT = {"a4": 297 * MM, "letter": 792.0}

# Text each document must show (the shop's identity comes from settings' demo values).
EXPECTED = {
    "order-confirmation": ["Order confirmation", "Atlas des oiseaux"],
    "order-form": ["Order form", "Bon pour accord", "Signature", "Payment terms",
                   "Total excl. VAT"],
    "invoice": ["Invoice", "F2026-00001", "FR11123456782", "Total excl. VAT", "Sale date"],
    "receipt": ["Receipt", "Payments received", "PSP-8F2K1"],
    "delivery-note": ["Delivery note", "A-02-3", "B-10-1"],
    "credit-note": ["Credit note", "A2026-00001", "F2026-00001", "damaged"],
}


async def _prepared_order(order_factory) -> str:
    number = await order_factory(shipped=True, locale="en")  # the checks read English words
    await render_document_html(number, "invoice")  # issues F2026-00001 first
    await issue_credit_note(number, amount=1200, reason="Mug arrived damaged",
                            lines=[{"sku": "MUG-ENAMEL", "name": "Mug émaillé 35 cl",
                                    "quantity": 1, "unit_price": 1200, "vat_rate_bp": 2000}])
    return number


async def test_every_document_in_every_format(order_factory, pdf_renderer, pdf_text, pdf_pages):
    number = await _prepared_order(order_factory)
    for kind in ORDER_DOCUMENTS:
        for fmt in PAPERS:
            data = await render_document_pdf(number, kind.value, fmt)
            text = pdf_text(data)
            for expected in EXPECTED[kind.value]:
                assert expected.lower() in text.lower(), (kind, fmt, expected, text)
            assert number in text
            pages = pdf_pages(data)
            width, height = pages[0]
            assert width == pytest.approx(PAGE_WIDTH_PT[fmt], abs=1.0), (kind, fmt)
            if fmt in PAGE_HEIGHT_PT:
                assert height == pytest.approx(PAGE_HEIGHT_PT[fmt], abs=1.0), (kind, fmt)
                assert len(pages) == 1, (kind, fmt, len(pages))
            else:  # a thermal roll: one page exactly as long as the content
                assert len(pages) == 1, (kind, fmt)
                assert 150 < height < 2000, (kind, fmt, height)


async def test_delivery_note_lists_lines_by_bin(order_factory, pdf_renderer, pdf_text, pdf_pages):
    number = await order_factory(locale="en")
    text = pdf_text(await render_document_pdf(number, "delivery-note", "a4"))
    assert text.index("A-02-3") < text.index("A-10-1") < text.index("B-10-1")


async def test_a_customer_named_script_prints_as_text(order_factory, pdf_renderer, pdf_text, pdf_pages):
    number = await order_factory(name="<script>alert(1)</script> Évil")
    html = await render_document_html(number, "order-confirmation")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    text = pdf_text(await render_document_pdf(number, "order-confirmation", "a4"))
    assert "<script>alert(1)</script>" in text


async def test_the_order_form_changes_nothing_and_numbers_nothing(order_factory, pdf_renderer,
                                                                  pdf_text):
    """Opening the order form, in HTML or PDF, leaves the order, its history and the
    invoice series exactly as they were; a cancelled order has none."""
    from dashboard.db.tables import DocumentSequence, Invoice, Order, OrderEvent
    from dashboard.domain.printing.documents import DocumentRefused

    number = await order_factory(locale="fr")
    before = await Order.select().where(Order.number == number).first()
    events = await OrderEvent.count()
    invoices = await Invoice.count()  # the payment's
    sequences = await DocumentSequence.select().order_by(DocumentSequence.id)
    html = await render_document_html(number, "order-form", "a4")
    assert "Bon de commande" in html and "Bon pour accord" in html
    assert "Nom et qualité" in html
    text = pdf_text(await render_document_pdf(number, "order-form", "58mm"))
    assert "Bon de commande" in text and number in text
    after = await Order.select().where(Order.number == number).first()
    assert after == before
    assert await OrderEvent.count() == events
    assert await Invoice.count() == invoices
    assert await DocumentSequence.select().order_by(DocumentSequence.id) == sequences

    cancelled = await order_factory(paid=False, status="cancelled")
    with pytest.raises(DocumentRefused, match="cancelled"):
        await render_document_html(cancelled, "order-form")
