"""The write half of concurrent inline edits, shared by orders and customers.

One conditional UPDATE writes the changed fields only where they still hold what the
editor saw, and bumps ``version``; an empty RETURNING means someone got there first, and
the current row tells which fields (see ``domain/orders/edits.py``). No read-modify-write window.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone

from piccolo.table import Table

from dashboard.domain.orders.edits import check_no_conflict
from dashboard.domain.errors import NotFound


async def write_changed_fields(table: type[Table], key_column, key: object,
                               changes: Mapping[str, str], before: Mapping[str, str],
                               extra: Mapping | None = None) -> dict:
    """Apply ``changes`` to the row whose ``key_column`` equals ``key``; return the row as it was.

    Call inside the use-case's write transaction. Raises ``NotFound`` for an unknown row and
    ``StaleVersion`` (with the conflicting fields) when a changed field moved meanwhile.
    """
    previous = await table.select().where(key_column == key).first()
    if previous is None:
        raise NotFound("No such record")
    check_no_conflict(changes, before, previous)
    values = {getattr(table, f): v for f, v in changes.items()}
    values[table.version] = table.version + 1
    if hasattr(table, "updated_at"):
        values[table.updated_at] = datetime.now(timezone.utc)
    values.update(extra or {})
    query = table.update(values).where(key_column == key)
    for f in changes:
        query = query.where(getattr(table, f) == before.get(f, ""))
    if not await query.returning(table.id):
        # Changed between our read and our write: report it as any other conflict.
        current = await table.select().where(key_column == key).first()
        check_no_conflict(changes, before, current or {})
        raise NotFound("No such record")
    return previous
