"""Inline edits of an order's addresses and customer contact details, and the conditional
write they share with the customer's account (``write_changed_fields``).

Money-moving edits (lines, quantities, shipping method) are "changes" (``changes.py``); the
edits here change who and where, never how much.

One conditional UPDATE writes the changed fields only where they still hold what the
editor saw, and bumps ``version``; an empty RETURNING means someone got there first, and
the current row tells which fields (see ``domain/orders/edits.py``). No read-modify-write
window.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone

from piccolo.table import Table

from dashboard.db.tables import Order
from dashboard.db.transaction import write_transaction
from dashboard.domain.orders.edits import (
    ORDER_FIELD_GROUPS,
    changed_fields,
    check_no_conflict,
    check_complete,
    clean,
    validate_order_fields,
    with_e164_phone,
)
from dashboard.domain.errors import NotFound, ValidationFailed
from dashboard.domain.orders.towns import TownMatch
from dashboard.domain.search import order_search_text as fold_search_text
from dashboard.services.orders.postcodes import town_match
from dashboard.services.history import record_event
from dashboard.settings import get_settings

EVENT_KINDS = {"shipping": "order.shipping_address_changed",
               "billing": "order.billing_address_changed",
               "contact": "order.contact_changed"}


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


def order_search_text(order: Mapping) -> str:
    """The searchable text of an order: number, customer name, email, phone (also as bare
    digits, so any spacing of the number finds it) and both postcodes."""
    return fold_search_text(order.get("number"), order.get("customer_name"),
                            order.get("customer_email"), order.get("customer_phone"),
                            order.get("ship_postal_code"), order.get("bill_postal_code"))


async def edit_order_fields(number: str, group: str, before: Mapping[str, str],
                            after: Mapping[str, str], actor: str) -> dict:
    """Change one group of fields ("shipping", "billing", "contact") of an order.

    Writes only the fields the editor changed, if they still hold what the editor saw;
    bumps the version; a changed shipping address loses its "verified" mark; the search
    text and the history follow. Returns the order as it is now.
    Raises ``ValidationFailed`` (per field), ``StaleVersion`` (with ``conflicts``) or ``NotFound``.
    """
    fields = ORDER_FIELD_GROUPS.get(group)
    if fields is None:
        raise ValidationFailed({"group": "unknown"})
    check_complete(fields, after)
    after = clean(fields, after)
    before = {f: str(before.get(f, "")) for f in fields}
    validate_order_fields(group, after, _town(group, after))
    if group == "shipping":
        after = with_e164_phone(after, "ship_phone", after["ship_country"])
    elif group == "contact":
        after = with_e164_phone(after, "customer_phone", await _country(number))
    changes = changed_fields(fields, before, after)
    async with write_transaction():
        if not changes:
            return await _current(number)
        extra = {Order.ship_verified_at: None} if group == "shipping" else {}
        previous = await write_changed_fields(Order, Order.number, number, changes, before, extra)
        current = await _current(number)
        await Order.update({Order.search_text: order_search_text(current)}).where(
            Order.id == current["id"])
        await record_event(current["id"], EVENT_KINDS[group], summary=_summary(group, changes),
                           data={"changes": {f: [previous[f], v] for f, v in changes.items()}},
                           actor=actor)
    return await _current(number)


def _town(group: str, values: Mapping[str, str]) -> TownMatch | None:
    """How the city of an address group goes with its postcode (None for "contact")."""
    prefix = {"shipping": "ship_", "billing": "bill_"}.get(group)
    if prefix is None:
        return None
    return town_match(values[prefix + "country"], values[prefix + "postal_code"],
                      values[prefix + "city"])


def _summary(group: str, changes: Mapping[str, str]) -> str:
    return f"{group} changed: " + ", ".join(sorted(changes))


async def _country(number: str) -> str:
    """The country a contact phone of the order is read as of: its billing address's."""
    row = await Order.select(Order.bill_country, Order.ship_country).where(
        Order.number == number).first()
    return (row and (row["bill_country"] or row["ship_country"])) or get_settings().shop.country


async def _current(number: str) -> dict:
    row = await Order.select().where(Order.number == number).first()
    if row is None:
        raise NotFound("No such order")
    return row
