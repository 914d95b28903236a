"""Verifying an order's shipping address before it ships, and applying the normal form."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timezone

from dashboard.db.tables import Order
from dashboard.db.transaction import write_transaction
from dashboard.domain.orders.addresses import PARTS, AddressCheck, check_address
from dashboard.domain.orders.edits import ORDER_FIELD_GROUPS
from dashboard.domain.errors import NotFound, ValidationFailed
from dashboard.services.history import record_event
from dashboard.services.orders.edits import edit_order_fields
from dashboard.services.orders.postcodes import town_match


def shipping_parts(order: Mapping) -> dict[str, str]:
    return {part: str(order.get(f"ship_{part}") or "") for part in PARTS}


def check_parts(parts: Mapping[str, str]) -> AddressCheck:
    """The postal rules of one address, its town checked against its postcode's towns."""
    return check_address(parts, town_match(parts.get("country", ""), parts.get("postal_code", ""),
                                           parts.get("city", "")))


def check_order_address(order: Mapping) -> AddressCheck:
    return check_parts(shipping_parts(order))


async def verify_shipping_address(number: str, actor: str) -> dict:
    """Mark the shipping address verified if it passes the country's postal rules.

    Raises ``ValidationFailed`` with the problems (per ``ship_*`` field) otherwise, and
    ``NotFound`` for an unknown order. Returns the order as it is now.
    """
    async with write_transaction():
        order = await Order.select().where(Order.number == number).first()
        if order is None:
            raise NotFound("No such order")
        check = check_order_address(order)
        if not check.valid:
            raise ValidationFailed({f"ship_{k}": v for k, v in check.problems.items()},
                                   message="The address does not pass the postal rules")
        await Order.update({Order.ship_verified_at: datetime.now(timezone.utc),
                            Order.version: Order.version + 1}).where(Order.id == order["id"])
        await record_event(order["id"], "address.verified", summary="Shipping address verified",
                           actor=actor)
    return await Order.select().where(Order.number == number).first()


async def apply_normalised_address(number: str, before: Mapping[str, str], actor: str) -> dict:
    """Write the normalised form of the address the editor saw, then mark it verified.

    ``before`` holds the ``ship_*`` values shown to the editor: if someone changed the
    address meanwhile, this is refused as any stale edit (``StaleVersion``).
    """
    fields = ORDER_FIELD_GROUPS["shipping"]
    check = check_parts({part: before.get(f"ship_{part}", "") for part in PARTS})
    if not check.valid or check.normalised is None:
        raise ValidationFailed({f"ship_{k}": v for k, v in check.problems.items()})
    after = {f: before.get(f, "") for f in fields}
    after.update({f"ship_{part}": value for part, value in check.normalised.items()})
    async with write_transaction():
        await edit_order_fields(number, "shipping", before, after, actor)
        return await verify_shipping_address(number, actor)
