"""Yearly counters (``DocumentSequence``) behind order, invoice and credit-note numbers."""

from __future__ import annotations

from dashboard.db.tables import DocumentSequence


async def next_value(kind: str, year: int, first: int = 1) -> int:
    """The next value of the (kind, year) counter. Call inside the caller's write transaction.

    One atomic upsert on both engines: the row is created at ``first`` or incremented; it stays
    locked until the transaction ends, so the next caller waits and gets the following
    value; a rollback gives the value back (no holes). Counting continues from whatever
    row already exists (demo data, an import).
    """
    rows = await DocumentSequence.raw(
        "INSERT INTO document_sequence (kind, year, last_value) VALUES ({}, {}, {}) "
        "ON CONFLICT (kind, year) DO UPDATE SET last_value = document_sequence.last_value + 1 "
        "RETURNING last_value", kind, year, first)
    return rows[0]["last_value"]
