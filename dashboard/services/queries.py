"""Read-only queries behind the screens. No writes here, ever."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from datetime import datetime

from dashboard.db.tables import Order
from dashboard.domain.search import fold

PAGE_SIZE = 50


@dataclass(frozen=True)
class OrderFilter:
    """Every state of the orders list, round-tripped through the query string."""

    q: str = ""
    status: str = ""
    payment_status: str = ""
    fulfilment_status: str = ""
    payment_method: str = ""
    channel: str = ""
    cursor: str = ""

    def query_items(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v and k != "cursor"}


@dataclass
class OrderPage:
    rows: list[dict]
    next_cursor: str | None
    total: int
    extra: dict = field(default_factory=dict)


def _encode_cursor(placed_at: datetime, order_id: int) -> str:
    raw = json.dumps([placed_at.isoformat(), order_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, int] | None:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        placed_at, order_id = json.loads(raw)
        return datetime.fromisoformat(placed_at), int(order_id)
    except (ValueError, TypeError, json.JSONDecodeError):
        return None


def _where(f: OrderFilter):
    clauses = []
    for column, value in ((Order.status, f.status), (Order.payment_status, f.payment_status),
                          (Order.fulfilment_status, f.fulfilment_status),
                          (Order.payment_method, f.payment_method), (Order.channel, f.channel)):
        if value:
            clauses.append(column == value)
    if f.q.strip():
        term = fold(f.q)
        clauses.append((Order.number == f.q.strip()) | Order.search_text.like(f"%{term}%"))
    return clauses


async def list_orders(f: OrderFilter, page_size: int = PAGE_SIZE) -> OrderPage:
    """Newest orders first, keyset-paged on (placed_at, id) so deep pages stay fast."""
    clauses = _where(f)
    query = Order.select(
        Order.id, Order.number, Order.placed_at, Order.customer_name, Order.customer_email,
        Order.channel, Order.payment_method, Order.status, Order.payment_status,
        Order.fulfilment_status, Order.total, Order.balance_due, Order.currency,
    )
    count_query = Order.count()
    for clause in clauses:
        query = query.where(clause)
        count_query = count_query.where(clause)
    if f.cursor and (position := _decode_cursor(f.cursor)):
        placed_at, order_id = position
        query = query.where((Order.placed_at < placed_at)
                            | ((Order.placed_at == placed_at) & (Order.id < order_id)))
    rows = await query.order_by(Order.placed_at, Order.id, ascending=False).limit(page_size + 1)
    next_cursor = None
    if len(rows) > page_size:
        rows = rows[:page_size]
        next_cursor = _encode_cursor(rows[-1]["placed_at"], rows[-1]["id"])
    return OrderPage(rows=rows, next_cursor=next_cursor, total=await count_query)
