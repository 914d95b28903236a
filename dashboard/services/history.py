"""The order's append-only history. Call it inside the use-case's write transaction."""

from __future__ import annotations

from datetime import datetime, timezone

from piccolo.utils.encoding import dump_json

from dashboard.db import sql
from dashboard.db.tables import OrderEvent

_INSERT = sql.insert("order_event", ("order", "kind", "summary", "data", "actor", "occurred_at"))


async def record_event(order_id: int, kind: str, summary: str = "", data: dict | None = None,
                       actor: str = "system") -> None:
    """Append one event (``kind`` like ``order.placed``, ``payment.recorded``) to an order."""
    await sql.execute_all([event_statement(order_id, kind, summary, data, actor)])


def event_statement(order_id: int, kind: str, summary: str = "", data: dict | None = None,
                    actor: str = "system") -> sql.Statement:
    """``record_event`` as a statement, to run with others (``sql.execute_all``)."""
    return _INSERT, (order_id, kind, summary, dump_json(data or {}), actor,
                     datetime.now(timezone.utc))

