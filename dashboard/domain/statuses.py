"""The vocabulary of an order's state, and the allowed moves between states, as data.

Three independent axes describe an order (STYLE.md glossary): ``status`` (overall),
``payment_status`` and ``fulfilment_status``. Each axis has its transition table here;
``check_transition`` is the one function every service calls before changing a value.
"""

from __future__ import annotations

from enum import StrEnum

from dashboard.domain.errors import InvalidTransition


class OrderStatus(StrEnum):
    OPEN = "open"
    ON_HOLD = "on_hold"
    CANCELLED = "cancelled"
    CLOSED = "closed"


class PaymentStatus(StrEnum):
    UNPAID = "unpaid"
    PARTIALLY_PAID = "partially_paid"
    PAID = "paid"
    PARTIALLY_REFUNDED = "partially_refunded"
    REFUNDED = "refunded"


class FulfilmentStatus(StrEnum):
    UNFULFILLED = "unfulfilled"
    PARTIALLY_SHIPPED = "partially_shipped"
    SHIPPED = "shipped"
    READY_FOR_PICKUP = "ready_for_pickup"
    COLLECTED = "collected"
    DELIVERED = "delivered"
    PARTIALLY_RETURNED = "partially_returned"
    RETURNED = "returned"


class PaymentMethod(StrEnum):
    CARD = "card"
    BANK_TRANSFER = "bank_transfer"
    CHEQUE = "cheque"
    CASH_ON_PICKUP = "cash_on_pickup"


class ShippingMethod(StrEnum):
    CARRIER = "carrier"
    CLICK_AND_COLLECT = "click_and_collect"


class Channel(StrEnum):
    WEB = "web"
    PHONE = "phone"


ORDER_TRANSITIONS: dict[OrderStatus, frozenset[OrderStatus]] = {
    OrderStatus.OPEN: frozenset({OrderStatus.ON_HOLD, OrderStatus.CANCELLED, OrderStatus.CLOSED}),
    OrderStatus.ON_HOLD: frozenset({OrderStatus.OPEN, OrderStatus.CANCELLED}),
    OrderStatus.CANCELLED: frozenset(),
    # A closed order reopens when goods come back or money moves again.
    OrderStatus.CLOSED: frozenset({OrderStatus.OPEN}),
}

_F = FulfilmentStatus
FULFILMENT_TRANSITIONS: dict[FulfilmentStatus, frozenset[FulfilmentStatus]] = {
    _F.UNFULFILLED: frozenset({_F.PARTIALLY_SHIPPED, _F.SHIPPED, _F.READY_FOR_PICKUP}),
    _F.PARTIALLY_SHIPPED: frozenset({_F.SHIPPED, _F.PARTIALLY_RETURNED}),
    _F.SHIPPED: frozenset({_F.DELIVERED, _F.PARTIALLY_RETURNED, _F.RETURNED}),
    _F.READY_FOR_PICKUP: frozenset({_F.COLLECTED, _F.UNFULFILLED}),
    _F.COLLECTED: frozenset({_F.PARTIALLY_RETURNED, _F.RETURNED}),
    # An exchange's replacement may leave after the first parcel was delivered.
    _F.DELIVERED: frozenset({_F.PARTIALLY_RETURNED, _F.RETURNED, _F.PARTIALLY_SHIPPED, _F.SHIPPED}),
    _F.PARTIALLY_RETURNED: frozenset({_F.RETURNED, _F.PARTIALLY_SHIPPED, _F.SHIPPED}),
    _F.RETURNED: frozenset(),
}


def check_transition(axis: str, current: str, target: str) -> None:
    """Refuse a move that the axis' table does not allow.

    Raises ``InvalidTransition`` (a domain error the views show as a 422) naming the
    axis and both values. Staying in the same state is always allowed.
    """
    if current == target:
        return
    table: dict = {"status": ORDER_TRANSITIONS, "fulfilment_status": FULFILMENT_TRANSITIONS}[axis]
    # StrEnum members hash and compare as their string values.
    allowed = table.get(current, frozenset())
    if target not in allowed:
        raise InvalidTransition(axis, current, target)


def payment_status_for(total: int, paid: int, refunded: int) -> PaymentStatus:
    """Payment status derived from money, never set by hand.

    ``paid`` is everything received, ``refunded`` everything paid back (both >= 0).
    """
    if refunded > 0 and refunded >= paid and paid > 0:
        return PaymentStatus.REFUNDED
    if refunded > 0:
        return PaymentStatus.PARTIALLY_REFUNDED
    if paid <= 0:
        return PaymentStatus.UNPAID if total > 0 else PaymentStatus.PAID
    if paid < total:
        return PaymentStatus.PARTIALLY_PAID
    return PaymentStatus.PAID
