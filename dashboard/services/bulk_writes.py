"""Set-based writes for use-cases over many orders: a few statements per thousand orders,
never a round trip per order. Call inside the use-case's write transaction."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime, timezone

from piccolo.utils.encoding import dump_json

from dashboard.db.tables import Order, OrderEvent

# Well under SQLite's and asyncpg's bound-parameter limits (32766 / 32767) per statement.
CHUNK = 500


def chunks(items: Sequence, size: int = CHUNK) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


async def orders_by_id(order_ids: Sequence[int], *columns) -> list[dict]:
    rows: list[dict] = []
    for part in chunks(list(order_ids)):
        rows += await Order.select(Order.id, Order.number, *columns).where(Order.id.is_in(list(part)))
    return sorted(rows, key=lambda row: row["id"])


async def insert_for_each_order(table: str, columns: Sequence[str], values: Sequence,
                                order_ids: Sequence[int]) -> None:
    """Insert one row per order (``order`` = the order's id, then ``values``) with
    INSERT ... SELECT: no Python object per row, one statement per chunk of orders."""
    names = ", ".join(f'"{c}"' for c in ("order", *columns))
    constants = ", ".join("{}" for _ in values)
    for part in chunks(list(order_ids)):
        ids = ", ".join("{}" for _ in part)
        await OrderEvent.raw(
            f'INSERT INTO "{table}" ({names}) SELECT "id", {constants} FROM "orders" '
            f'WHERE "id" IN ({ids})', *values, *part)


async def record_same_event(order_ids: Sequence[int], kind: str, summary: str,
                            actor: str, data: dict | None = None) -> None:
    """The same history event on many orders (a bulk action), set-based; ``data`` is
    what the order screen retells it from (components/history_text)."""
    await insert_for_each_order(
        "order_event", ("kind", "summary", "data", "actor", "occurred_at"),
        (kind, summary, dump_json(data or {}), actor, datetime.now(timezone.utc)), order_ids)


async def touch_orders(order_ids: Sequence[int], values: dict | None = None, where=None) -> list[dict]:
    """Bump version and updated_at (and set ``values``) on many orders; returns the rows
    actually updated (id, number), which ``where`` may narrow as a guard."""
    updated: list[dict] = []
    now = datetime.now(timezone.utc)
    for part in chunks(list(order_ids)):
        query = Order.update({Order.version: Order.version + 1, Order.updated_at: now,
                              **(values or {})}).where(Order.id.is_in(list(part)))
        if where is not None:
            query = query.where(where)
        updated += await query.returning(Order.id, Order.number)
    return updated
