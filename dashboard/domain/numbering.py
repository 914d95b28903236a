"""How numbered documents are named.

Invoices, credit notes and return authorisations are numbered per calendar year without
gaps (French invoicing rules); the counter lives in ``DocumentSequence`` (kind, year).
Order numbers are one plain counter, kept under ``ORDER_SEQUENCE_YEAR`` since they do not
restart each year.
"""

from __future__ import annotations

ORDER_SEQUENCE_YEAR = 0
FIRST_ORDER_NUMBER = 100001

_PREFIXES = {"invoice": "FA", "credit_note": "AV", "rma": "RMA"}
_WIDTHS = {"invoice": 6, "credit_note": 6, "rma": 5}


def document_number(kind: str, year: int, value: int) -> str:
    """``FA-2025-000123`` for invoice 123 of 2025 (``AV`` credit notes, ``RMA`` returns)."""
    return f"{_PREFIXES[kind]}-{year}-{value:0{_WIDTHS[kind]}d}"


def order_number(value: int) -> str:
    return str(value)
