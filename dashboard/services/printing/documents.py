"""Issuing numbered documents (invoices, credit notes) and rendering any document.

Numbers come from ``DocumentSequence`` (one row per kind and year), taken in the same write
transaction as the document row: if the transaction rolls back, the number is given back
with it, so the yearly series never has a hole; once committed it never changes. An
invoice is issued once per order and re-rendered from its snapshot ever after.
"""

from __future__ import annotations

import asyncio
from dataclasses import asdict
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from dashboard.components.i18n import DEFAULT_LOCALE, translations
from dashboard.components.pdf import renderer
from dashboard.components.printing import render_documents_html
from dashboard.db.json_columns import json_value
from dashboard.db.tables import CreditNote, Invoice, Order, Surcharge
from dashboard.db.transaction import is_sqlite, write_transaction
from dashboard.domain.printing.documents import (
    EMAILED_DOCUMENTS, DocumentKind, Paper, SequenceKind, check_credit_note_exists,
    InvoiceEvent, check_delivery_note_allowed, check_invoice_allowed, check_invoice_issued,
    check_order_form_allowed, check_receipt_allowed, document_kind, document_number,
    invoice_due, issuing_event, paper,
)
from dashboard.domain.printing import einvoice
from dashboard.domain.errors import NotFound, ValidationFailed
from dashboard.domain.pricing import vat_included_tax
from dashboard.services.printing import document_context as ctx
from dashboard.services.history import record_event
from dashboard.services.printing.sequences import next_value
from dashboard.settings import get_settings


def _now() -> datetime:
    return datetime.now(timezone.utc)


def fiscal_year(moment: datetime) -> int:
    """The year of issue in the shop's own time zone (31 Dec 23:30 in Paris is still that year)."""
    return moment.astimezone(ZoneInfo(get_settings().timezone)).year


async def take_number(kind: SequenceKind, year: int) -> str:
    """The next number of the (kind, year) series. Call inside the issuing write transaction.

    Race-safe on both engines (``sequences.next_value``: one atomic upsert whose row stays
    locked until our transaction ends, so the next issuer waits for the following value).
    """
    return document_number(kind, year, await next_value(kind.value, year))


async def _lock_order(number: str) -> dict:
    """The order, locked for the rest of the transaction so two issuers of the same order
    queue (SQLite's IMMEDIATE transaction already serialises every writer)."""
    query = Order.select().where(Order.number == number)
    if not is_sqlite():
        query = query.lock_rows()
    rows = await query
    if not rows:
        raise NotFound(f"Order {number} does not exist", number=number)
    return rows[0]


async def issue_invoice(order_number: str, actor: str = "system", *,
                        issued_at: datetime | None = None) -> dict:
    """The order's invoice: issued now if it has none (next F-number of the year), else the
    one already issued, unchanged. Returns the Invoice row with its snapshot as a dict.

    Joins the caller's transaction: call it from the use-case whose event issues the
    invoice (``issue_invoice_if_due``), or from ``issue_missing_invoices``. Refused
    (``DocumentRefused``) for a cancelled order. Safe to call concurrently. ``issued_at``
    dates a demo shop's history; real invoices are dated when they are issued.
    """
    async with write_transaction():
        order = await _lock_order(order_number)
        return await _issue(order, actor, issued_at)


async def issue_invoice_if_due(order_number: str, event: InvoiceEvent,
                               actor: str = "system") -> dict | None:
    """Issue the order's invoice if ``event`` is the shop's moment of invoicing
    (``DASHBOARD_INVOICE_AT``, ``domain.printing.invoice_due``); the invoice, or None.

    Call it right after writing the event, inside the same write transaction (it joins
    it): the invoice commits or rolls back with the payment or shipment. An order already
    invoiced keeps its invoice.
    """
    policy = get_settings().invoice_at
    if issuing_event(policy) is not event:
        return None  # the other policy's event: not even a read
    async with write_transaction():
        order = await _lock_order(order_number)
        if not invoice_due(policy, event, status=order["status"],
                           payment_status=order["payment_status"],
                           fulfilment_status=order["fulfilment_status"]):
            return None
        return await _issue(order, actor)


async def _issued(order_id: int) -> dict | None:
    row = await Invoice.select().where(
        (Invoice.order == order_id) & (Invoice.kind == "invoice")).first()
    return row | {"snapshot": json_value(row["snapshot"])} if row else None


async def invoiced(order_id: int) -> dict | None:
    """What the order's documents charge, for the credit note a refund comes with: the
    invoices' total (supplementary ones included), the credit notes' total, and the lines
    and shipping the invoice shows. None when the order has no invoice."""
    invoice = await _issued(order_id)
    if invoice is None:
        return None
    totals = await Invoice.select(Invoice.total).where(Invoice.order == order_id)
    notes = await CreditNote.select(CreditNote.amount).where(CreditNote.order == order_id)
    snapshot = invoice["snapshot"]
    return {"total": sum(row["total"] for row in totals),
            "credit_notes": sum(row["amount"] for row in notes),
            "lines": snapshot.get("lines", []),
            "shipping_total": snapshot.get("order", {}).get("shipping_total", 0)}


async def current_lines(order_id: int) -> list[dict]:
    """The order's lines as documents price them now."""
    return await ctx.order_lines(order_id)


async def _issue(order: dict, actor: str, issued_at: datetime | None = None) -> dict:
    """Issue the invoice of a locked order, or give back the one it has."""
    existing = await _issued(order["id"])
    if existing:
        return existing
    check_invoice_allowed(order["status"])
    surcharges = await Surcharge.select().where(
        (Surcharge.order == order["id"]) & Surcharge.invoice_id.is_null())
    extra = _surcharge_lines(surcharges)
    issued_at = issued_at or _now()
    number = await take_number(SequenceKind.INVOICE, fiscal_year(issued_at))
    snapshot = await ctx.invoice_snapshot(order, extra)
    snapshot["invoice"] = {"number": number, "issued_at": issued_at.isoformat()}
    rows = await Invoice.insert(Invoice(
        order=order["id"], number=number, kind="invoice", issued_at=issued_at,
        total=snapshot["money"]["total"], tax_total=snapshot["money"]["tax_total"],
        currency=order["currency"], snapshot=snapshot,
    )).returning(*Invoice.all_columns())
    if surcharges:
        await Surcharge.update({Surcharge.invoice_id: rows[0]["id"]}).where(
            Surcharge.id.is_in([s["id"] for s in surcharges]))
    await record_event(order["id"], "invoice.issued", f"Invoice {number} issued",
                       {"number": number, "total": snapshot["money"]["total"]}, actor,
                       at=issued_at)
    return rows[0] | {"snapshot": snapshot}


def _surcharge_lines(surcharges: list[dict]) -> list[dict]:
    return [{"reason": s["reason"], "kind": s["kind"], "amount": s["amount"],
             "vat_rate_bp": s["vat_rate_bp"],
             "tax": vat_included_tax(s["amount"], s["vat_rate_bp"])} for s in surcharges]


async def issue_supplementary_invoice(order_number: str, surcharge_ids: list[int],
                                      actor: str = "system") -> dict:
    """A supplementary invoice (kind ``supplementary``, the next F-number of the same yearly
    series) for surcharges added after the order's invoice was issued: an issued invoice
    never changes. Joins the caller's transaction (the surcharge use-case).

    Raises ``ValidationFailed`` when none of ``surcharge_ids`` is still uninvoiced.
    """
    async with write_transaction():
        order = await _lock_order(order_number)
        original = await Invoice.select(Invoice.number).where(
            (Invoice.order == order["id"]) & (Invoice.kind == "invoice")).first()
        surcharges = await Surcharge.select().where(
            (Surcharge.order == order["id"]) & Surcharge.invoice_id.is_null()
            & Surcharge.id.is_in(surcharge_ids or [0]))
        if not surcharges:
            raise ValidationFailed({"surcharges": "nothing left to invoice"})
        extra = _surcharge_lines(surcharges)
        issued_at = _now()
        number = await take_number(SequenceKind.INVOICE, fiscal_year(issued_at))
        snapshot = await ctx.invoice_snapshot(order, extra)
        snapshot.update(lines=[], supplementary=True, title="Supplementary invoice",
                        money=ctx.money_summary({"shipping_total": 0}, [], extra))
        snapshot["invoice"] = {"number": number, "issued_at": issued_at.isoformat(),
                               "kind": "supplementary",
                               "original": original["number"] if original else None}
        rows = await Invoice.insert(Invoice(
            order=order["id"], number=number, kind="supplementary", issued_at=issued_at,
            total=snapshot["money"]["total"], tax_total=snapshot["money"]["tax_total"],
            currency=order["currency"], snapshot=snapshot,
        )).returning(*Invoice.all_columns())
        await Surcharge.update({Surcharge.invoice_id: rows[0]["id"]}).where(
            Surcharge.id.is_in([s["id"] for s in surcharges]))
        await record_event(order["id"], "invoice.issued",
                           f"Supplementary invoice {number} issued",
                           {"number": number, "total": snapshot["money"]["total"],
                            "kind": "supplementary"}, actor)
    return rows[0] | {"snapshot": snapshot}


async def _issued_invoice(order_number: str, number: str) -> dict:
    """An invoice already issued (e.g. a supplementary one), exactly as it was issued."""
    row = await Invoice.select(Invoice.snapshot).where(
        (Invoice.number == number) & (Invoice.order.number == order_number)).first()
    if row is None:
        raise NotFound(f"Order {order_number} has no invoice {number}")
    return json_value(row["snapshot"])


async def issue_credit_note(order_number: str, *, amount: int, lines: list[dict],
                            reason: str = "", return_request_id: int | None = None,
                            refund_method: str | None = None, refund_ref: str = "",
                            actor: str = "system") -> dict:
    """Issue a credit note (next A-number of the year) for money owed back on an order.

    ``lines``: ``[{"sku", "name", "quantity", "unit_price", "vat_rate_bp"}]`` (VAT-included
    prices, like order lines); their total must equal ``amount``. Call from the returns
    use-case, inside its transaction (it joins it), which also updates the order's
    ``credited_total`` and balance.
    """
    if amount <= 0:
        raise ValidationFailed({"amount": "must be positive"})
    priced = []
    for line in lines:
        total = line["unit_price"] * line["quantity"]
        priced.append(dict(line, line_total=total,
                           tax_amount=vat_included_tax(total, line["vat_rate_bp"])))
    if sum(line["line_total"] for line in priced) != amount:
        raise ValidationFailed({"lines": "the lines do not add up to the amount"})
    async with write_transaction():
        order = await _lock_order(order_number)
        issued_at = _now()
        number = await take_number(SequenceKind.CREDIT_NOTE, fiscal_year(issued_at))
        tax = sum(line["tax_amount"] for line in priced)
        rows = await CreditNote.insert(CreditNote(
            order=order["id"], return_request=return_request_id, number=number,
            issued_at=issued_at, amount=amount, tax_amount=tax, currency=order["currency"],
            reason=reason, refund_method=refund_method, refund_ref=refund_ref, lines=priced,
            actor=actor,
        )).returning(*CreditNote.all_columns())
        await record_event(order["id"], "credit_note.issued", f"Credit note {number} issued",
                           {"number": number, "amount": amount}, actor)
    return rows[0]


async def _credit_note(order: dict, number: str | None) -> dict:
    query = CreditNote.select().where(CreditNote.order == order["id"])
    if number:
        query = query.where(CreditNote.number == number)
    notes = await query.order_by(CreditNote.issued_at, ascending=False).limit(1)
    check_credit_note_exists(len(notes))
    note = notes[0]
    lines = json_value(note["lines"])
    for line in lines:
        line.setdefault("line_total", line["unit_price"] * line["quantity"])
        line.setdefault("tax_amount", vat_included_tax(line["line_total"], line["vat_rate_bp"]))
        line["base"] = line["line_total"] - line["tax_amount"]
    invoice = await Invoice.select(Invoice.number, Invoice.issued_at).where(
        Invoice.order == order["id"]).order_by(Invoice.issued_at).first()
    doc = {
        "kind": DocumentKind.CREDIT_NOTE.value, "title": "Credit note", "seller": ctx.seller(),
        "order": ctx.order_header(order), "customer": ctx.customer_block(order), "lines": lines,
        "money": ctx.money_summary({"shipping_total": 0}, lines),
        "credit_note": {"number": note["number"], "issued_at": note["issued_at"].isoformat(),
                        "reason": note["reason"], "refund_method": note["refund_method"]},
        "invoice": {"number": invoice["number"], "issued_at": invoice["issued_at"].isoformat()}
        if invoice else None,
    }
    return doc


async def order_document(order_number: str, kind: DocumentKind, *, actor: str = "system",
                         credit_note: str | None = None, invoice: str | None = None,
                         rma: str | None = None) -> dict:
    """What ``kind`` shows for this order. Only reads: an invoice is shown as it was
    issued (by payment or shipment, ``issue_invoice_if_due``), never issued by opening it.

    ``invoice`` names an issued invoice (a supplementary one), ``rma`` the return
    authorisation a return slip is for. Raises ``NotFound`` for an unknown order and
    ``DocumentRefused`` with the reason when the order cannot have this document.
    """
    if kind is DocumentKind.INVOICE and invoice:
        return await _issued_invoice(order_number, invoice)
    if kind is DocumentKind.RETURN_SLIP:
        return await ctx.return_slip(order_number, rma or "")
    order = await ctx.load_order(order_number)
    if kind is DocumentKind.INVOICE:
        issued = await _issued(order["id"])
        check_invoice_issued(issued is not None, get_settings().invoice_at, order["status"])
        return issued["snapshot"]
    if kind is DocumentKind.ORDER_CONFIRMATION:
        return await ctx.order_confirmation(order)
    if kind is DocumentKind.ORDER_FORM:
        check_order_form_allowed(order["status"])
        return await ctx.order_form(order)
    if kind is DocumentKind.RECEIPT:
        check_receipt_allowed(order["paid_total"])
        return await ctx.receipt(order)
    if kind is DocumentKind.DELIVERY_NOTE:
        check_delivery_note_allowed(order["status"], order["shipping_method"])
        return await ctx.delivery_note(order)
    if kind is DocumentKind.CREDIT_NOTE:
        return await _credit_note(order, credit_note)
    raise ValidationFailed({"kind": f"{kind} is not an order document"})


def render_html(documents: list[dict], sheet: Paper, locale: str | None = None) -> str:
    """HTML of one or more documents, in the first document's customer language."""
    locale = locale or (documents[0].get("order", {}).get("locale") if documents else None)
    return render_documents_html(documents, sheet, locale or DEFAULT_LOCALE)


async def render_document_html(order_number: str, kind: str, format: str = "a4", *,
                               actor: str = "system", credit_note: str | None = None,
                               invoice: str | None = None, rma: str | None = None) -> str:
    doc = await order_document(order_number, document_kind(kind, EMAILED_DOCUMENTS),
                               actor=actor, credit_note=credit_note, invoice=invoice, rma=rma)
    return render_html([doc], paper(format))


async def render_document_pdf(order_number: str, kind: str, format: str = "a4", *,
                              actor: str = "system", credit_note: str | None = None,
                              invoice: str | None = None, rma: str | None = None) -> bytes:
    """The PDF of one order document, e.g. for an email attachment (the worker calls this).

    Raises ``PdfUnavailable`` when Chromium is not installed, plus the refusals of
    ``order_document``.
    """
    doc = await order_document(order_number, document_kind(kind, EMAILED_DOCUMENTS),
                               actor=actor, credit_note=credit_note, invoice=invoice, rma=rma)
    return await document_pdf(doc, paper(format))


def seller_identity_problem() -> str | None:
    """Why the configured seller cannot issue EN 16931 invoices (each DASHBOARD_SHOP_
    variable to fix), or None. The app and the worker refuse to start on it, rather than
    fail at the first invoice a customer asks for."""
    try:
        einvoice.seller_from_identity(asdict(get_settings().shop))
    except einvoice.SellerIncomplete as exc:
        return str(exc)
    return None


E_INVOICED = frozenset({DocumentKind.INVOICE.value, DocumentKind.CREDIT_NOTE.value})


async def document_pdf(doc: dict, sheet: Paper) -> bytes:
    """The PDF of one document; an invoice (supplementary ones too) or a credit note is a
    Factur-X PDF/A-3 with its EN 16931 XML inside, built from the same dict as the page.

    Raises ``PdfUnavailable`` without Chromium, ``SellerIncomplete`` when the seller
    identity the document was issued with cannot make an EN 16931 invoice.
    """
    pdf = await renderer().pdf(render_html([doc], sheet), sheet)
    if doc.get("kind") not in E_INVOICED:
        return pdf
    return await asyncio.to_thread(_facturx, pdf, doc)


def _facturx(pdf: bytes, doc: dict) -> bytes:
    from dashboard.components.facturx import facturx_pdf

    seller = einvoice.seller_from_identity(doc.get("seller") or {})
    lang = (doc.get("order") or {}).get("locale") or DEFAULT_LOCALE
    # The customer's language, as the PDF around it (print_templates: ``_(doc.payment_terms)``).
    xml = einvoice.cii_xml(doc, seller, get_settings().timezone, translations(lang).gettext)
    number = (doc.get("credit_note") or doc.get("invoice") or {}).get("number", "")
    title = f"{seller.trading_name or seller.legal_name}: {doc.get('title', '')} {number}"
    return facturx_pdf(pdf, xml, lang=lang,
                       title=title.strip(), author=seller.legal_name,
                       subject=f"Factur-X {doc.get('title', '')} {number}".strip())
