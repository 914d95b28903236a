"""The order's append-only history. Call it inside the use-case's write transaction."""

from __future__ import annotations

from dashboard.db.tables import OrderEvent


async def record_event(order_id: int, kind: str, summary: str = "", data: dict | None = None,
                       actor: str = "system") -> None:
    """Append one event (``kind`` like ``order.placed``, ``payment.recorded``) to an order."""
    await OrderEvent.insert(
        OrderEvent(order=order_id, kind=kind, summary=summary, data=data or {}, actor=actor)
    )


async def events_for(order_id: int) -> list[dict]:
    return await OrderEvent.select().where(OrderEvent.order == order_id).order_by(
        OrderEvent.occurred_at, OrderEvent.id
    )
