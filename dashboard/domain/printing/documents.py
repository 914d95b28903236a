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


def document_kind(value: str, allowed: Iterable[DocumentKind] = ORDER_DOCUMENTS) -> DocumentKind:
    allowed = tuple(allowed)
    try:
        kind = DocumentKind(value)
    except ValueError:
        kind = None
    if kind not in allowed:
        raise ValidationFailed({"kind": "one of " + ", ".join(k.value for k in allowed)})
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
    value = (value or "a4").lower()
    allowed = tuple(allowed)
    if value not in allowed:
        raise ValidationFailed({"format": "one of " + ", ".join(allowed)})
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
    AT_PAYMENT = "payment"  # the invoice exists once the order is paid (card shops)
    AT_ORDER = "order"  # invoice first, payment after (bank transfer, business customers)


SETTLED = frozenset({"paid", "partially_refunded", "refunded"})


def check_invoice_allowed(status: str, payment_status: str, policy: str) -> None:
    """Refuse to issue an invoice the shop's policy does not allow yet.

    A cancelled order never gets a first invoice. Under the "at payment" policy an order
    is invoiced once fully paid; under "at order" any order still alive can be.
    """
    if status == "cancelled":
        raise DocumentRefused("A cancelled order gets no invoice.")
    if InvoicePolicy(policy) is InvoicePolicy.AT_PAYMENT and payment_status not in SETTLED:
        raise DocumentRefused("The shop invoices at payment: this order is not paid yet.")


def check_receipt_allowed(paid_total: int) -> None:
    if paid_total <= 0:
        raise DocumentRefused("No payment was received for this order: there is nothing to receipt.")


def check_order_form_allowed(status: str) -> None:
    """An order form is the order as agreed, for the customer to sign: a cancelled order
    is no longer on offer. Printing one changes nothing and numbers nothing."""
    if status == "cancelled":
        raise DocumentRefused("A cancelled order has no order form to sign.")


def check_delivery_note_allowed(status: str, shipping_method: str) -> None:
    if status == "cancelled":
        raise DocumentRefused("A cancelled order is not delivered.")


def check_credit_note_exists(count: int) -> None:
    if count == 0:
        raise DocumentRefused("This order has no credit note: issue one from a return first.")


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
