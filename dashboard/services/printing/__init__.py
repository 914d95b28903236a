"""Printing: documents and their numbering, PDFs, batches, labels and print jobs.

The public module: other areas import only these names, from here.
"""

from dashboard.services.printing.backfill import issue_missing_invoices
from dashboard.services.printing.batches import start_batch
from dashboard.services.printing.document_context import load_order
from dashboard.services.printing.documents import (
    current_lines,
    fiscal_year,
    issue_credit_note,
    issue_invoice_if_due,
    issue_supplementary_invoice,
    invoiced,
)
from dashboard.services.printing.sequences import (
    last_order_value,
    next_order_value,
    next_value,
    set_last_order_value,
)

__all__ = [
    "current_lines",
    "fiscal_year",
    "issue_credit_note",
    "issue_invoice_if_due",
    "issue_missing_invoices",
    "issue_supplementary_invoice",
    "invoiced",
    "last_order_value",
    "load_order",
    "next_order_value",
    "next_value",
    "set_last_order_value",
    "start_batch",
]
