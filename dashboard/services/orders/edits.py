"""Inline edits of an order's addresses and customer contact details.

Money-moving edits (lines, quantities, shipping method) go through the stock and pricing
use-cases instead; the edits here change who and where, never how much.
"""

from __future__ import annotations

from collections.abc import Mapping

from dashboard.db.tables import Order
from dashboard.db.transaction import write_transaction
from dashboard.domain.orders.edits import (
    ORDER_FIELD_GROUPS,
    changed_fields,
    check_complete,
    clean,
    validate_order_fields,
    with_e164_phone,
)
from dashboard.domain.errors import NotFound, ValidationFailed
from dashboard.domain.orders.towns import TownMatch
from dashboard.domain.search import order_search_text as fold_search_text
from dashboard.services.orders.field_edits import write_changed_fields
from dashboard.services.orders.postcodes import town_match
from dashboard.services.history import record_event
from dashboard.settings import get_settings

EVENT_KINDS = {"shipping": "order.shipping_address_changed",
               "billing": "order.billing_address_changed",
               "contact": "order.contact_changed"}


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
