"""The order's append-only history. Call it inside the use-case's write transaction."""

from __future__ import annotations

from datetime import datetime, timezone

from piccolo.utils.encoding import dump_json

from dashboard.db import sql
from dashboard.db.tables import OrderEvent

_INSERT = sql.insert("order_event", ("order", "kind", "summary", "data", "actor", "occurred_at"))


async def record_event(order_id: int, kind: str, summary: str = "", data: dict | None = None,
                       actor: str = "system", *, at: datetime | None = None) -> None:
    """Append one event (``kind`` like ``order.placed``, ``payment.recorded``) to an order;
    ``at`` only for history written after the fact (a demo shop), else now."""
    await sql.execute_all([event_statement(order_id, kind, summary, data, actor, at=at)])


def event_statement(order_id: int, kind: str, summary: str = "", data: dict | None = None,
                    actor: str = "system", *, at: datetime | None = None) -> sql.Statement:
    """``record_event`` as a statement, to run with others (``sql.execute_all``)."""
    return _INSERT, (order_id, kind, summary, dump_json(data or {}), actor,
                     at or datetime.now(timezone.utc))

