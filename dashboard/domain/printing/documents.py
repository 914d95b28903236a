"""Documents: which ones exist, on what paper, how they are numbered, and who may have one.

French law (art. 242 nonies A, annexe II CGI) wants invoice and credit-note numbers to form
one continuous series per year with no gap and no reuse: the number is taken at the moment
of issue, in the same transaction as the document row, and never changes afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from dashboard.domain.errors import DomainError, ValidationFailed
from dashboard.domain.numbers import Message, N_


class DocumentKind(StrEnum):
    ORDER_CONFIRMATION = "order-confirmation"
    ORDER_FORM = "order-form"  # "bon de commande": the order as agreed, to sign
    INVOICE = "invoice"
    RECEIPT = "receipt"
    DELIVERY_NOTE = "delivery-note"
    CREDIT_NOTE = "credit-note"
    PICK_LIST = "pick-list"
    RETURN_SLIP = "return-slip"


# The documents one order has, as named in the URL /orders/{number}/documents/{kind}.pdf.
ORDER_DOCUMENTS = (
    DocumentKind.ORDER_CONFIRMATION,
    DocumentKind.ORDER_FORM,
    DocumentKind.INVOICE,
    DocumentKind.RECEIPT,
    DocumentKind.DELIVERY_NOTE,
    DocumentKind.CREDIT_NOTE,
)
# What may be rendered one by one (screens, email attachments): the return slip is reached
# through its return authorisation, /orders/{number}/returns/{rma}/slip.pdf.
EMAILED_DOCUMENTS = (*ORDER_DOCUMENTS, DocumentKind.RETURN_SLIP)
# What a batch may print as one PDF (a pick list groups the orders into one document).
BATCH_DOCUMENTS = (
    DocumentKind.INVOICE,
    DocumentKind.DELIVERY_NOTE,
    DocumentKind.ORDER_CONFIRMATION,
    DocumentKind.ORDER_FORM,
    DocumentKind.RECEIPT,
    DocumentKind.PICK_LIST,
)


class DocumentRefused(DomainError):
    """The order cannot have this document (yet); ``message`` says why."""

    code = "document_refused"


# Refusals of the parsers below, read by staff (print form, batch form, document page).
UNKNOWN_DOCUMENT = N_("Choose a document from the list.")
UNKNOWN_PAPER = N_("Choose a paper format from the list.")


def _refuse(field: str, message: str) -> ValidationFailed:
    return ValidationFailed({field: Message(message)}, Message(message))


def document_kind(value: str, allowed: Iterable[DocumentKind] = ORDER_DOCUMENTS) -> DocumentKind:
    """The document ``value`` names, when it is one of ``allowed``; ``ValidationFailed`` on
    ``kind`` otherwise."""
    allowed = tuple(allowed)
    try:
        kind = DocumentKind(value)
    except ValueError:
        kind = None
    if kind not in allowed:
        raise _refuse("kind", UNKNOWN_DOCUMENT)
    return kind


# --- Paper -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Paper:
    """A page format. Thermal rolls have no fixed height: the renderer measures the content."""

    name: str
    width: str  # CSS length
    height: str | None  # None: as long as the content (thermal roll)
    viewport_px: int  # CSS pixels across the paper width, at 96 px per inch
    margins: str = "12mm 14mm 14mm 14mm"  # top right bottom left, as in CSS


    @property
    def thermal(self) -> bool:
        return self.height is None


PAPERS: dict[str, Paper] = {
    "a4": Paper("a4", "210mm", "297mm", 794),
    "letter": Paper("letter", "8.5in", "11in", 816),
    "80mm": Paper("80mm", "80mm", None, 302, "0 0 0 0"),
    "58mm": Paper("58mm", "58mm", None, 219, "0 0 0 0"),
}
BATCH_PAPERS = ("a4", "letter")


def paper(value: str | None, allowed: Iterable[str] = PAPERS) -> Paper:
    """The paper ``value`` names (a4 when empty), when it is one of ``allowed``;
    ``ValidationFailed`` on ``format`` otherwise."""
    value = (value or "a4").lower()
    allowed = tuple(allowed)
    if value not in allowed:
        raise _refuse("format", UNKNOWN_PAPER)
    return PAPERS[value]


# --- Numbering ---------------------------------------------------------------------------

class SequenceKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_NOTE = "credit_note"


NUMBER_PREFIX = {SequenceKind.INVOICE: "F", SequenceKind.CREDIT_NOTE: "A"}


def document_number(kind: SequenceKind, year: int, value: int) -> str:
    """The printed number: ``F2026-00001`` for invoices, ``A2026-00001`` for credit notes."""
    if value < 1:
        raise ValueError("sequence values start at 1")
    return f"{NUMBER_PREFIX[kind]}{year:04d}-{value:05d}"


# --- Who may have which document ---------------------------------------------------------

class InvoicePolicy(StrEnum):
    """When an order's invoice is issued (``DASHBOARD_INVOICE_AT``)."""

    AT_PAYMENT = "payment"  # when the order becomes fully paid (card shops)
    AT_SHIPMENT = "shipment"  # when the goods leave: shipped, or collected in store


class InvoiceEvent(StrEnum):
    """What happened to an order that may be the moment of its invoice."""

    PAID = "paid"  # the order became fully paid
    SHIPPED = "shipped"  # goods left (a parcel, or collected in store)


SETTLED = frozenset({"paid", "partially_refunded", "refunded"})
# Fulfilment statuses once every unit has left (returns come after leaving).
GOODS_LEFT = frozenset({"shipped", "collected", "delivered", "partially_returned", "returned"})
_ISSUING_EVENT = {InvoicePolicy.AT_PAYMENT: InvoiceEvent.PAID,
                  InvoicePolicy.AT_SHIPMENT: InvoiceEvent.SHIPPED}


def invoice_policy(value: str) -> InvoicePolicy:
    """The policy a setting names. Raises ``ValueError`` saying what is accepted, also for
    the former ``order`` value (issuing at placement was replaced by ``shipment``)."""
    try:
        return InvoicePolicy((value or "").strip().lower())
    except ValueError:
        raise ValueError(f"DASHBOARD_INVOICE_AT must be payment or shipment, got {value!r}"
                         ) from None


def issuing_event(policy: str) -> InvoiceEvent:
    """The one event that issues invoices under ``policy``."""
    return _ISSUING_EVENT[invoice_policy(policy)]


def invoice_due(policy: str, event: InvoiceEvent, *, status: str, payment_status: str,
                fulfilment_status: str) -> bool:
    """Whether ``event`` (just written, in the same transaction) issues the order's invoice.

    Only the policy's own event does: at payment, the order must now be fully paid; at
    shipment, every unit must have left (a partial parcel waits for the last one, so the
    invoice bills what was delivered). A cancelled order never gets a first invoice. An
    order that already has its invoice keeps it: the caller issues only once.
    """
    if status == "cancelled" or issuing_event(policy) is not event:
        return False
    if event is InvoiceEvent.PAID:
        return payment_status in SETTLED
    return fulfilment_status in GOODS_LEFT


NOT_ISSUED_YET = {
    InvoicePolicy.AT_PAYMENT: N_("Invoice not issued yet: it will be at payment."),
    InvoicePolicy.AT_SHIPMENT: N_("Invoice not issued yet: it will be at shipment."),
}
CANCELLED_NO_INVOICE = N_("A cancelled order gets no invoice.")


def invoice_pending_reason(policy: str, status: str) -> Message:
    """Why an order has no invoice to open: it is issued by payment or shipment, never by
    whoever opens the document first."""
    if status == "cancelled":
        return Message(CANCELLED_NO_INVOICE)
    return Message(NOT_ISSUED_YET[invoice_policy(policy)])


def check_invoice_issued(has_invoice: bool, policy: str, status: str) -> None:
    """Refuse to show an invoice that was never issued (opening one never issues it)."""
    if not has_invoice:
        raise DocumentRefused(invoice_pending_reason(policy, status))


# What invoices and order forms say of payment when the shop configured nothing
# (``DASHBOARD_SHOP_PAYMENT_TERMS``); kept in English in the snapshot and translated when
# printed, so a French customer reads it in French.
DEFAULT_PAYMENT_TERMS = N_(
    "Payment due on receipt; no discount for early payment. Late payment: penalties at three "
    "times the French legal interest rate, and a fixed recovery fee of 40 EUR for business "
    "customers (art. L441-10 Code de commerce).")


def check_invoice_allowed(status: str) -> None:
    """Refuse to issue a first invoice for a cancelled order."""
    if status == "cancelled":
        raise DocumentRefused(Message(CANCELLED_NO_INVOICE))


def check_receipt_allowed(paid_total: int) -> None:
    if paid_total <= 0:
        raise DocumentRefused(Message(N_(
            "No payment was received for this order: there is nothing to receipt.")))


def check_order_form_allowed(status: str) -> None:
    """An order form is the order as agreed, for the customer to sign: a cancelled order
    is no longer on offer. Printing one changes nothing and numbers nothing."""
    if status == "cancelled":
        raise DocumentRefused(Message(N_("A cancelled order has no order form to sign.")))


def check_delivery_note_allowed(status: str, shipping_method: str) -> None:
    if status == "cancelled":
        raise DocumentRefused(Message(N_("A cancelled order is not delivered.")))


def check_credit_note_exists(count: int) -> None:
    if count == 0:
        raise DocumentRefused(Message(N_(
            "This order has no credit note: issue one from a return first.")))


# --- Amounts shown on documents ------------------------------------------------------------

@dataclass(frozen=True)
class VatRow:
    rate_bp: int
    base: int  # excluding VAT
    tax: int
    total: int  # including VAT


def vat_breakdown(amounts: Iterable[tuple[int, int, int]]) -> list[VatRow]:
    """One row per VAT rate from (amount incl. VAT, VAT inside it, rate) triples.

    The taxes are the lines' own rounded taxes, so the breakdown adds up exactly to the
    totals printed under it (prices are VAT-included: see domain/pricing.py).
    """
    totals: dict[int, list[int]] = {}
    for amount, tax, rate_bp in amounts:
        row = totals.setdefault(rate_bp, [0, 0])
        row[0] += amount
        row[1] += tax
    return [VatRow(rate_bp=rate, base=amount - tax, tax=tax, total=amount)
            for rate, (amount, tax) in sorted(totals.items())]


def bin_sort_key(bin_location: str | None) -> tuple:
    """Natural order of bin codes (A-2 before A-10); lines without a bin come last."""
    if not bin_location:
        return (1, ())
    parts = re.split(r"(\d+)", bin_location.upper())
    return (0, tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in parts if p))


def vat_rate_label(rate_bp: int) -> str:
    """2000 -> "20", 550 -> "5.5", 210 -> "2.1" (the decimal mark is the template's business)."""
    whole, rest = divmod(rate_bp, 100)
    return f"{whole}" if rest == 0 else f"{whole}.{rest:02d}".rstrip("0")
