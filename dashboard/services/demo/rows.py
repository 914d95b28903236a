"""Rows waiting to be written, the ids they will get, and the document counters they use.

Ids are given here rather than by the database so that a chunk of orders, their lines,
payments, parcels and history can be written in bulk without reading anything back.
"""

from __future__ import annotations

ORDER_COLUMNS = (
    "id", "number", "customer", "channel", "locale", "currency", "payment_method", "shipping_method",
    "status", "payment_status", "fulfilment_status", "hold_reason", "hold_until", "cancel_reason",
    "customer_email", "customer_name", "customer_phone",
    "ship_name", "ship_company", "ship_line1", "ship_line2", "ship_postal_code", "ship_city", "ship_region",
    "ship_country", "ship_phone", "ship_verified_at",
    "bill_name", "bill_company", "bill_line1", "bill_line2", "bill_postal_code", "bill_city", "bill_region",
    "bill_country",
    "subtotal", "shipping_total", "tax_total", "total", "surcharge_total", "paid_total", "refunded_total",
    "credited_total", "balance_due", "search_text", "note_count", "backordered_quantity", "last_carrier",
    "idempotency_key", "placed_at", "updated_at", "paid_at", "cancelled_at", "version",
)

# Per table, in the order foreign keys allow them to be written.
COLUMNS: dict[str, tuple[str, ...]] = {
    "orders": ORDER_COLUMNS,
    "order_line": ("id", "order", "position", "product", "sku", "name", "barcode", "bin_location", "unit_price",
                   "vat_rate_bp", "quantity", "reserved", "backordered", "picked", "shipped", "returned",
                   "line_total", "tax_amount"),
    "pick_list": ("id", "number", "status", "created_by", "assigned_to", "created_at", "completed_at"),
    "pick_list_line": ("id", "pick_list", "order_line", "product", "bin_location", "quantity", "picked", "short"),
    "payment": ("id", "order", "kind", "method", "amount", "currency", "status", "transaction_ref",
                "received_on", "source", "actor", "created_at"),
    "return_request": ("id", "order", "rma_number", "kind", "status", "actor", "created_at", "received_at"),
    "return_line": ("id", "return_request", "order_line", "quantity", "reason", "condition", "restocked",
                    "written_off", "write_off_reason", "replacement_product", "replacement_quantity",
                    "replacement_line"),
    "credit_note": ("id", "order", "return_request", "number", "issued_at", "amount", "tax_amount", "currency",
                    "reason", "refund_method", "refund_ref", "lines", "actor"),
    "shipment": ("id", "order", "carrier", "service", "tracking_number", "tracking_url", "status", "shipped_at",
                 "delivered_at", "label_printed_at", "actor", "created_at"),
    "shipment_line": ("id", "shipment", "order_line", "quantity"),
    "surcharge": ("id", "order", "kind", "reason", "amount", "vat_rate_bp", "invoice_id", "actor", "created_at"),
    "order_note": ("id", "order", "body", "pinned", "author", "author_name", "created_at"),
    "order_event": ("id", "order", "kind", "summary", "data", "actor", "occurred_at"),
}

ID_TABLES = ("customer", "address", "product", "stock", "stock_movement", *COLUMNS)


class Rows:
    """One list of tuples per order table, emptied after each chunk is written."""

    def __init__(self) -> None:
        for table in COLUMNS:
            setattr(self, table, [])

    def tables(self) -> list[tuple[str, tuple[str, ...], list[tuple]]]:
        return [(table, columns, getattr(self, table)) for table, columns in COLUMNS.items()]

    def clear(self) -> None:
        for table in COLUMNS:
            getattr(self, table).clear()


class Ids:
    """Next free id per table, starting after what the database already holds."""

    def __init__(self, first: dict[str, int]) -> None:
        self._next = dict(first)

    def next(self, table: str) -> int:
        value = self._next[table]
        self._next[table] = value + 1
        return value

    def peek(self, table: str) -> int:
        return self._next[table]


class Sequences:
    """Document counters per (kind, year), continuing from ``DocumentSequence``."""

    def __init__(self, last: dict[tuple[str, int], int]) -> None:
        self.last = dict(last)

    def next(self, kind: str, year: int) -> int:
        value = self.last.get((kind, year), 0) + 1
        self.last[(kind, year)] = value
        return value
