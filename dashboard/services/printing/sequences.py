"""Counters behind order, invoice, credit-note and return numbers.

Invoices, credit notes and returns: yearly ``DocumentSequence`` rows, gap-free (see
``next_value``). Orders: one counter that need not be gap-free (no law numbers orders),
kept where concurrent orders do not queue on it (see ``next_order_value``).
"""

from __future__ import annotations

from dashboard.db import sql
from dashboard.db.transaction import is_sqlite
from dashboard.domain.printing.numbering import (
    FIRST_ORDER_NUMBER, ORDER_NUMBER_SEQUENCE, ORDER_SEQUENCE_KIND, ORDER_SEQUENCE_YEAR,
)


async def next_value(kind: str, year: int, first: int = 1) -> int:
    """The next value of the (kind, year) counter. Call inside the caller's write transaction.

    One atomic upsert on both engines: the row is created at ``first`` or incremented; it stays
    locked until the transaction ends, so the next caller waits and gets the following
    value; a rollback gives the value back (no holes). Counting continues from whatever
    row already exists (demo data, an import).
    """
    rows = await sql.fetch(
        "INSERT INTO document_sequence (kind, year, last_value) VALUES ({}, {}, {}) "
        "ON CONFLICT (kind, year) DO UPDATE SET last_value = document_sequence.last_value + 1 "
        "RETURNING last_value", kind, year, first)
    return rows[0]["last_value"]


async def next_order_value() -> int:
    """The next order number's counter value. Call inside the caller's write transaction.

    PostgreSQL: ``nextval`` of a SEQUENCE, which holds no lock until commit, so concurrent
    orders do not wait for each other's commit there (with a counter row, they did, and
    intake could not pass ~220 orders/s). An order rolled back after taking its number
    leaves a hole; intake takes it only once the stock is reserved, so that is a crash, a
    lost connection or the loser of two simultaneous retries with one Idempotency-Key,
    never a refused order. SQLite: the ``DocumentSequence`` row (writes
    are serialised by BEGIN IMMEDIATE anyway), no hole.
    """
    if is_sqlite():
        return await next_value(ORDER_SEQUENCE_KIND, ORDER_SEQUENCE_YEAR, FIRST_ORDER_NUMBER)
    return (await sql.fetch(f"SELECT nextval('{ORDER_NUMBER_SEQUENCE}') AS value"))[0]["value"]


async def last_order_value() -> int:
    """The last order number's counter value handed out (FIRST_ORDER_NUMBER - 1 if none)."""
    if is_sqlite():
        row = await sql.fetch_one(
            "SELECT last_value FROM document_sequence WHERE kind = {} AND year = {}",
            ORDER_SEQUENCE_KIND, ORDER_SEQUENCE_YEAR)
        return row["last_value"] if row else FIRST_ORDER_NUMBER - 1
    row = await sql.fetch_one(
        f"SELECT last_value, is_called FROM {ORDER_NUMBER_SEQUENCE}")
    return row["last_value"] if row["is_called"] else row["last_value"] - 1


async def set_last_order_value(value: int) -> None:
    """Continue order numbers after ``value`` (demo data, an import from another system)."""
    if is_sqlite():
        await sql.execute(
            "INSERT INTO document_sequence (kind, year, last_value) VALUES ({}, {}, {}) "
            "ON CONFLICT (kind, year) DO UPDATE SET last_value = excluded.last_value",
            ORDER_SEQUENCE_KIND, ORDER_SEQUENCE_YEAR, value)
    else:
        await sql.fetch(f"SELECT setval('{ORDER_NUMBER_SEQUENCE}', {{}})", value)
