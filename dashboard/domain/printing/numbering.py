"""How orders and return authorisations are numbered (invoices and credit notes: domain/printing/documents.py).

Order numbers are one plain counter that does not restart each year: a PostgreSQL
SEQUENCE ``ORDER_NUMBER_SEQUENCE``, or on SQLite the ``DocumentSequence`` row of kind
``order`` and year ``ORDER_SEQUENCE_YEAR`` (services/printing/sequences.py); return
authorisations are numbered per year (kind ``rma``).
"""

from __future__ import annotations

ORDER_SEQUENCE_KIND = "order"
ORDER_SEQUENCE_YEAR = 0
FIRST_ORDER_NUMBER = 100001
ORDER_NUMBER_SEQUENCE = "order_number_seq"


def order_number(value: int) -> str:
    """The human order number: the counter's value, e.g. ``100123`` (easy to read out on
    the phone and to type in the search box)."""
    return str(value)


def rma_number(year: int, value: int) -> str:
    """``RMA-2025-00012`` for the 12th return authorised in 2025."""
    return f"RMA-{year}-{value:05d}"
