"""Printing: documents and their numbering, PDFs, batches, labels and print jobs.

The public module: other areas import only these names, from here.
"""

from dashboard.domain.printing.documents import (
    InvoiceEvent,
    SequenceKind,
    document_number,
    invoice_policy,
)
from dashboard.domain.printing.numbering import FIRST_ORDER_NUMBER, order_number, rma_number

__all__ = [
    "FIRST_ORDER_NUMBER",
    "InvoiceEvent",
    "SequenceKind",
    "document_number",
    "invoice_policy",
    "order_number",
    "rma_number",
]
