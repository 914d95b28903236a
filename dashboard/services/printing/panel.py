"""The documents and labels panel of the order screen: which documents the order has.

Only reads. An invoice is listed once issued (by the order's payment or shipment, per
``DASHBOARD_INVOICE_AT``); before that the panel says when it will be, instead of a link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

from dashboard.db.tables import CreditNote, Invoice, PrintJob
from dashboard.domain.errors import DomainError, NotFound
from dashboard.domain.printing.documents import (
    PAPERS, DocumentKind, check_delivery_note_allowed, check_order_form_allowed,
    check_receipt_allowed, invoice_pending_reason, paper,
)
from dashboard.services.printing.document_context import load_order
from dashboard.services.printing.labels import printers
from dashboard.settings import get_settings

# What the panel polls until the printer answered.
UNFINISHED_JOBS = frozenset({"pending", "sending"})
# What the panel shows of a print job.
JOB_COLUMNS = (PrintJob.id, PrintJob.printer, PrintJob.kind, PrintJob.status,
               PrintJob.attempts, PrintJob.last_error, PrintJob.created_at, PrintJob.printed_at)


@dataclass(frozen=True)
class PanelDocument:
    kind: str  # a DocumentKind value
    number: str = ""  # the invoice's or credit note's own number
    supplementary: bool = False
    query: dict = field(default_factory=dict)  # credit_note= / invoice= of the URL

    def url(self, order_number: str, suffix: str, format: str) -> str:
        query = urlencode({"format": format, **self.query})
        return f"/orders/{quote(order_number)}/documents/{self.kind}.{suffix}?{query}"


@dataclass(frozen=True)
class DocumentsPanel:
    order_number: str
    format: str
    formats: tuple[str, ...]
    documents: list[PanelDocument]
    invoice_pending: str  # why there is no invoice yet ("" when there is one)
    printers: list[str]
    default_printer: str  # for labels
    document_printer: str  # for documents
    label_job: dict | None  # the last shipping-label print job of this order
    document_job: dict | None  # the last document print job of this order


def _allowed(check, *args) -> bool:
    try:
        check(*args)
    except DomainError:
        return False
    return True


async def documents_panel(order_number: str, format: str | None = None) -> DocumentsPanel:
    """The panel of ``order_number`` in ``format`` (a4 by default). Raises ``NotFound``,
    ``ValidationFailed`` for an unknown format."""
    sheet = paper(format)
    settings = get_settings()
    order = await load_order(order_number)
    invoices = await Invoice.select(Invoice.number, Invoice.kind).where(
        Invoice.order == order["id"]).order_by(Invoice.issued_at, Invoice.id)
    notes = await CreditNote.select(CreditNote.number).where(
        CreditNote.order == order["id"]).order_by(CreditNote.issued_at, CreditNote.id)
    docs = [PanelDocument(DocumentKind.ORDER_CONFIRMATION.value)]
    if _allowed(check_order_form_allowed, order["status"]):
        docs.append(PanelDocument(DocumentKind.ORDER_FORM.value))
    for invoice in invoices:
        supplementary = invoice["kind"] == "supplementary"
        docs.append(PanelDocument(DocumentKind.INVOICE.value, invoice["number"], supplementary,
                                  {"invoice": invoice["number"]} if supplementary else {}))
    if _allowed(check_receipt_allowed, order["paid_total"]):
        docs.append(PanelDocument(DocumentKind.RECEIPT.value))
    if _allowed(check_delivery_note_allowed, order["status"], order["shipping_method"]):
        docs.append(PanelDocument(DocumentKind.DELIVERY_NOTE.value))
    docs += [PanelDocument(DocumentKind.CREDIT_NOTE.value, note["number"],
                           query={"credit_note": note["number"]}) for note in notes]
    has_invoice = any(i["kind"] == "invoice" for i in invoices)
    reason = "" if has_invoice else invoice_pending_reason(settings.invoice_at, order["status"])
    configured = list(printers())

    def default(name: str | None) -> str:
        return name if name in configured else (configured[0] if configured else "")

    return DocumentsPanel(
        order_number=order["number"], format=sheet.name, formats=tuple(PAPERS),
        documents=docs, invoice_pending=reason, printers=configured,
        default_printer=default(settings.label_printer),
        document_printer=default(settings.document_printer),
        label_job=await last_job(order["id"], "shipping_label"),
        document_job=await last_job(order["id"], "document"))


async def last_job(order_id: int, kind: str) -> dict | None:
    """The order's last print job of ``kind`` (shipping_label, document)."""
    return await PrintJob.select(*JOB_COLUMNS).where(
        (PrintJob.order == order_id) & (PrintJob.kind == kind)).order_by(
        PrintJob.id, ascending=False).first()


async def label_job(order_number: str, job_id: int) -> dict:
    """One print job of this order (the panel polls it). Raises ``NotFound``."""
    order = await load_order(order_number)
    job = await PrintJob.select(*JOB_COLUMNS).where(
        (PrintJob.id == job_id) & (PrintJob.order == order["id"])).first()
    if job is None:
        raise NotFound(f"Order {order_number} has no print job {job_id}")
    return job
