"""Staff roles and what each may reach.

Areas are the navigation sections; guards on controllers name the area they belong to,
and this table decides who may enter. A picker reaches the picking screens only.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    ADMIN = "admin"
    BACK_OFFICE = "back_office"
    CALL_CENTRE = "call_centre"
    DISPATCH = "dispatch"
    PICKER = "picker"


class Area(StrEnum):
    ORDERS = "orders"
    CUSTOMERS = "customers"
    STOCK = "stock"
    PAYMENTS = "payments"
    DISPATCH = "dispatch"
    PICKING = "picking"
    SETTINGS = "settings"


AREA_ACCESS: dict[Area, frozenset[Role]] = {
    Area.ORDERS: frozenset({Role.ADMIN, Role.BACK_OFFICE, Role.CALL_CENTRE, Role.DISPATCH}),
    Area.CUSTOMERS: frozenset({Role.ADMIN, Role.BACK_OFFICE, Role.CALL_CENTRE}),
    Area.STOCK: frozenset({Role.ADMIN, Role.BACK_OFFICE, Role.DISPATCH}),
    Area.PAYMENTS: frozenset({Role.ADMIN, Role.BACK_OFFICE}),
    Area.DISPATCH: frozenset({Role.ADMIN, Role.BACK_OFFICE, Role.DISPATCH}),
    Area.PICKING: frozenset({Role.ADMIN, Role.DISPATCH, Role.PICKER}),
    Area.SETTINGS: frozenset({Role.ADMIN}),
}

class Action(StrEnum):
    """What some roles of an area may do and others may not."""

    REFUND = "refund"  # refund what an order owes the customer, from the order screen


ACTION_ACCESS: dict[Action, frozenset[Role]] = {
    Action.REFUND: frozenset({Role.ADMIN, Role.BACK_OFFICE, Role.CALL_CENTRE}),
}

# Where each role lands after signing in.
HOME_AREA: dict[Role, Area] = {
    Role.ADMIN: Area.ORDERS,
    Role.BACK_OFFICE: Area.ORDERS,
    Role.CALL_CENTRE: Area.ORDERS,
    Role.DISPATCH: Area.ORDERS,
    Role.PICKER: Area.PICKING,
}


def can_access(role: str, area: Area) -> bool:
    try:
        return Role(role) in AREA_ACCESS[area]
    except ValueError:
        return False


def can_do(role: str, action: Action) -> bool:
    try:
        return Role(role) in ACTION_ACCESS[action]
    except ValueError:
        return False


def areas_for(role: str) -> list[Area]:
    """The navigation a role sees, in menu order."""
    return [area for area in Area if can_access(role, area)]
