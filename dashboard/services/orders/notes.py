"""Notes on orders: added one at a time from the order screen or to many orders at once,
pinned to the top; ``Order.note_count`` stays in step for the "has notes" filter."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone

from dashboard.db.tables import Order, OrderNote
from dashboard.db.transaction import write_transaction
from dashboard.domain.errors import NotFound, ValidationFailed
from dashboard.domain.numbers import N_, Message
from dashboard.services.bulk_writes import (
    insert_for_each_order,
    orders_by_id,
    record_same_event,
    touch_orders,
)
from dashboard.services.results import BulkResult

MAX_NOTE_LENGTH = 5000


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationFailed({"body": Message(N_("Write the note first."))})
    if len(body) > MAX_NOTE_LENGTH:
        raise ValidationFailed({"body": Message(N_("At most %(maximum)s characters."),
                                                maximum=MAX_NOTE_LENGTH)})
    return body


async def add_notes(order_ids: Sequence[int], body: str, author_id: int | None,
                    author_name: str) -> BulkResult:
    """Add the same note to every order in one transaction (history written for each).

    Raises ``ValidationFailed`` for an empty or too long note; nothing is written then.
    """
    body = _clean_body(body)
    async with write_transaction():
        orders = await orders_by_id(order_ids)
        ids = [row["id"] for row in orders]
        await insert_for_each_order(
            "order_note", ("body", "pinned", "author", "author_name", "created_at"),
            (body, False, author_id, author_name, datetime.now(timezone.utc)), ids)
        await touch_orders(ids, {Order.note_count: Order.note_count + 1})
        summary = body if len(body) <= 120 else body[:119] + "…"
        await record_same_event(ids, "note.added", summary, author_name, {"body": summary})
    return BulkResult(changed=[row["number"] for row in orders])


async def add_note(number: str, body: str, author_id: int | None, author_name: str) -> None:
    order = await Order.select(Order.id).where(Order.number == number).first()
    if order is None:
        raise NotFound("No such order")
    await add_notes([order["id"]], body, author_id, author_name)


async def set_pinned(number: str, note_id: int, pinned: bool, actor: str) -> None:
    """Pin a note to the top of the order's notes, or unpin it."""
    async with write_transaction():
        order = await Order.select(Order.id).where(Order.number == number).first()
        if order is None:
            raise NotFound("No such order")
        updated = await OrderNote.update({OrderNote.pinned: pinned}).where(
            (OrderNote.id == note_id) & (OrderNote.order == order["id"])).returning(OrderNote.id)
        if not updated:
            raise NotFound("No such note")
        await touch_orders([order["id"]])
        await record_same_event([order["id"]], "note.pinned" if pinned else "note.unpinned",
                                "", actor)


async def notes_for(order_id: int) -> list[dict]:
    return await OrderNote.select().where(OrderNote.order == order_id).order_by(
        OrderNote.pinned, OrderNote.created_at, OrderNote.id, ascending=False)
