"""Bulk actions on the orders list: an allow-list of actions, and what they apply to.

``BULK_ACTIONS`` maps the ``action`` a form may send to the use-case that runs it over
many orders in one transaction and returns a ``BulkResult``. Nothing outside this table
can be triggered from the bulk form. Each entry takes the selected order ids, the form's
other fields and the staff member, so actions with parameters (a note, a reason, tracking
numbers) validate their own fields and raise ``ValidationFailed``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from urllib.parse import parse_qsl

from dashboard.domain.errors import ValidationFailed
from dashboard.domain.listing import OrderFilter
from dashboard.services import holds, notes
from dashboard.services.auth import StaffIdentity
from dashboard.services.queries import matching_order_ids
from dashboard.services.results import BulkResult

MAX_BULK_ORDERS = 10_000

BulkAction = Callable[[Sequence[int], Mapping[str, str], StaffIdentity], Awaitable[BulkResult]]


async def _add_note(ids: Sequence[int], form: Mapping[str, str], who: StaffIdentity) -> BulkResult:
    return await notes.add_notes(ids, form.get("note", ""), who.id, who.display_name or who.actor)


async def _hold(ids: Sequence[int], form: Mapping[str, str], who: StaffIdentity) -> BulkResult:
    return await holds.hold_orders(ids, form.get("reason", ""), who.actor)


async def _release_hold(ids: Sequence[int], form: Mapping[str, str],
                        who: StaffIdentity) -> BulkResult:
    return await holds.release_holds(ids, who.actor)


BULK_ACTIONS: dict[str, BulkAction] = {
    "add_note": _add_note,
    "hold": _hold,
    "release_hold": _release_hold,
}


async def selected_order_ids(order_ids: Sequence[str], matching: str | None) -> list[int]:
    """The orders a bulk form points at: the ticked ids, or every order matching the view
    whose query string is ``matching`` ("select all N matching this filter").

    Raises ``ValidationFailed`` when nothing is selected or the selection is too large
    to run as one transaction.
    """
    if matching is not None:
        view = OrderFilter.from_query(dict(parse_qsl(matching.lstrip("?"))))
        ids = await matching_order_ids(view, limit=MAX_BULK_ORDERS + 1)
    else:
        ids = sorted({int(i) for i in order_ids if str(i).isdigit()})
    if not ids:
        raise ValidationFailed({"order_ids": "select at least one order"})
    if len(ids) > MAX_BULK_ORDERS:
        raise ValidationFailed({"order_ids": f"at most {MAX_BULK_ORDERS} orders at once; "
                                             "narrow the filter"})
    return ids


async def run_bulk_action(action: str, ids: Sequence[int], form: Mapping[str, str],
                          who: StaffIdentity) -> BulkResult:
    """Run one allow-listed action; an unknown name is refused, never guessed."""
    handler = BULK_ACTIONS.get(action)
    if handler is None:
        raise ValidationFailed({"action": "unknown action"})
    return await handler(ids, form, who)
