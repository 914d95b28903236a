"""Saved views: a staff member's named orders-list queries ("unpaid bank transfers")."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode

from dashboard.db.tables import SavedView
from dashboard.db.transaction import write_transaction
from dashboard.domain.errors import NotFound, ValidationFailed
from dashboard.domain.numbers import N_, Message
from dashboard.domain.orders.listing import OrderFilter

MAX_NAME_LENGTH = 100


def normalise_query(query: str) -> str:
    """The canonical query string of a view: known filters only, no page position."""
    view = OrderFilter.from_query(dict(parse_qsl((query or "").lstrip("?"))))
    return urlencode(view.query_items())


async def list_views(user_id: int) -> list[dict]:
    return await SavedView.select(SavedView.id, SavedView.name, SavedView.query).where(
        SavedView.user == user_id).order_by(SavedView.name)


async def save_view(user_id: int, name: str, query: str) -> int:
    """Save the current view under ``name``; saving a name again replaces its query."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationFailed({"name": Message(N_("required"))})
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationFailed({"name": Message(N_("at most %(maximum)s characters"),
                                                  maximum=MAX_NAME_LENGTH)})
    query = normalise_query(query)
    async with write_transaction():
        existing = await SavedView.select(SavedView.id).where(
            (SavedView.user == user_id) & (SavedView.name == name)).first()
        if existing:
            await SavedView.update({SavedView.query: query}).where(SavedView.id == existing["id"])
            return existing["id"]
        rows = await SavedView.insert(SavedView(user=user_id, name=name, query=query)).returning(
            SavedView.id)
    return rows[0]["id"]


async def delete_view(user_id: int, view_id: int) -> None:
    """Delete one of the user's own views; someone else's is "not found"."""
    async with write_transaction():
        deleted = await SavedView.delete().where(
            (SavedView.id == view_id) & (SavedView.user == user_id)).returning(SavedView.id)
    if not deleted:
        raise NotFound("No such saved view")
