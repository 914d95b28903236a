"""Changes that move money on a placed order: quantities, lines, shipping method.

The rules here are pure arithmetic and checks; ``services/orders/changes.py`` applies them in
one write transaction each. A line can change only while nothing of it has left and the
order is still open or on hold; a quantity going down gives back what waits first
(backordered units), then what is held (reserved units), so the shelf gets back exactly
what the line no longer needs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dashboard.domain.orders.edits import Conflict
from dashboard.domain.errors import DomainError, StaleVersion, ValidationFailed
from dashboard.domain.numbers import N_, Message, parse_count
from dashboard.domain.orders.intake import MAX_QUANTITY
from dashboard.domain.pricing import OrderTotals, balance_due, line_amounts, order_totals
from dashboard.domain.statuses import OrderStatus, PaymentStatus, ShippingMethod, payment_status_for

EDITABLE_STATUSES = (OrderStatus.OPEN.value, OrderStatus.ON_HOLD.value)

# What a shipping method costs the customer, VAT included, minor units. Click and collect is
# free; the carrier price is the shop's flat rate.
SHIPPING_PRICES: dict[str, int] = {
    ShippingMethod.CARRIER.value: 590,
    ShippingMethod.CLICK_AND_COLLECT.value: 0,
}


class NotChangeable(DomainError):
    """The order or line has gone too far to be changed; ``message`` says why."""

    code = "not_changeable"


def check_order_changeable(status: str) -> None:
    """Only open or held orders change; a cancelled or closed one is history."""
    if status not in EDITABLE_STATUSES:
        raise NotChangeable(f"A {status.replace('_', ' ')} order cannot be changed.")


# Lines change while the goods are still (partly) in the warehouse; once everything has
# left, is waiting in store, or came back, a change is a return or a new order instead.
LINE_EDIT_FULFILMENT = ("unfulfilled", "partially_shipped")


def check_lines_changeable(status: str, fulfilment_status: str) -> None:
    """The order's lines may change (quantities, new or removed lines)."""
    check_order_changeable(status)
    if fulfilment_status not in LINE_EDIT_FULFILMENT:
        raise NotChangeable("The goods of this order have left or wait in store: record a "
                            "return or place a new order instead.")


def check_line_changeable(status: str, shipped: int,
                          fulfilment_status: str = "unfulfilled") -> None:
    """A line changes only while none of it has left the warehouse."""
    check_lines_changeable(status, fulfilment_status)
    if shipped > 0:
        raise NotChangeable("Part of this line has already been shipped: record a return instead.")


def parse_quantity(raw: object, *, allow_zero: bool = False) -> int:
    """A wanted quantity from a form (ASCII digits only). Raises ``ValidationFailed`` on
    ``quantity``."""
    return parse_count(raw, field="quantity", minimum=0 if allow_zero else 1,
                       maximum=MAX_QUANTITY)


def check_line_not_stale(label: str, seen: int, now: int, wanted: int) -> None:
    """Refuse a quantity change based on a quantity someone else has changed meanwhile."""
    if seen != now:
        raise StaleVersion("Someone else changed this line since you opened it",
                           conflicts=[Conflict(label, str(seen), str(now), str(wanted))])


@dataclass(frozen=True)
class Release:
    """Units a smaller quantity gives back: waiting ones first, then held ones."""

    backordered: int
    reserved: int


def plan_decrease(reserved: int, backordered: int, old_quantity: int, new_quantity: int) -> Release:
    """What to give back when a line goes from ``old_quantity`` down to ``new_quantity``."""
    fewer = old_quantity - new_quantity
    from_backorder = min(fewer, backordered)
    return Release(backordered=from_backorder, reserved=min(fewer - from_backorder, reserved))


def shipping_price(method: str) -> int:
    """The price of a shipping method. Raises ``ValidationFailed`` for an unknown one."""
    if method not in SHIPPING_PRICES:
        raise ValidationFailed({"shipping_method": "one of " + ", ".join(sorted(SHIPPING_PRICES))})
    return SHIPPING_PRICES[method]


@dataclass(frozen=True)
class Money:
    """An order's money after a change: totals, balance and the payment status they imply."""

    totals: OrderTotals
    balance_due: int
    payment_status: PaymentStatus


def money_after_change(lines: Iterable[tuple[int, int, int]], shipping_total: int,
                       order: Mapping[str, int | str]) -> Money:
    """Totals from ``(unit_price, quantity, vat_rate_bp)`` lines, and what is owed either way.

    Charged = total + surcharges - credited, so a bigger order on a paid one owes the
    difference (``partially_paid``) and a smaller one owes money back (negative balance).
    """
    totals = order_totals([line_amounts(p, q, v) for p, q, v in lines], shipping_total)
    surcharges = int(order["surcharge_total"])
    paid, refunded = int(order["paid_total"]), int(order["refunded_total"])
    credited = int(order["credited_total"])
    return Money(
        totals=totals,
        balance_due=balance_due(totals.total, surcharges, paid, refunded, credited),
        payment_status=payment_status_for(totals.total + surcharges - credited, paid, refunded),
    )


def pay_difference_refusal(balance_due: int, paid_total: int, customer_email: str) -> str | None:
    """Why the customer cannot be emailed to pay the difference, or None when they can: the
    email is for an order that was paid and then grew; an unpaid one gets the payment
    reminder instead."""
    if balance_due <= 0:
        return Message(N_("The customer owes nothing on this order."))
    if paid_total <= 0:
        return Message(N_("Nothing has been paid yet: the payment reminder covers it."))
    if not customer_email:
        return Message(N_("This order has no email address."))
    return None


def payment_link(template: str, number: str, amount: int, currency: str) -> str:
    """The "pay the difference" link text: ``template`` with ``{number}``, ``{amount}`` (minor
    units) and ``{currency}``; empty when no template is configured (bank transfer then)."""
    if not template:
        return ""
    try:
        return template.format(number=number, amount=amount, currency=currency)
    except (KeyError, IndexError, ValueError):
        return ""


# --- taking a line off, and putting it back -----------------------------------------------

def removal_needs_confirmation(paid_total: int) -> bool:
    """Taking a line off an order the customer has paid something on moves money back to
    them: the agent confirms first. An unpaid order's line goes at once (and can still be
    put back from the history)."""
    return paid_total > 0


RESTORE_NEEDS_PRICE = N_("This removal is too old to be undone here: add the product again.")
RESTORE_DONE = N_("This line was already put back.")


def restore_refusal(removal: Mapping, restored_removals: Iterable[int]) -> str | None:
    """Why a removed line cannot be put back from its history entry, or None when it can:
    once only, and only when the removal kept the price it was sold at (older entries
    did not)."""
    data = removal.get("data") or {}
    if removal["id"] in set(restored_removals):
        return RESTORE_DONE
    if not all(key in data for key in ("sku", "quantity", "unit_price", "vat_rate_bp")):
        return RESTORE_NEEDS_PRICE
    return None


def restorable_removals(events: Iterable[Mapping], *, status: str,
                        fulfilment_status: str) -> set[int]:
    """Ids of the "line removed" history entries the order screen offers to put back
    (``events`` as rows with ``id``, ``kind`` and decoded ``data``): none once the lines
    can no longer change."""
    if status not in EDITABLE_STATUSES or fulfilment_status not in LINE_EDIT_FULFILMENT:
        return set()
    events = list(events)
    restored = [(e.get("data") or {}).get("removal_event") for e in events
                if e["kind"] == "order.line_restored"]
    return {e["id"] for e in events
            if e["kind"] == "order.line_removed" and restore_refusal(e, restored) is None}
