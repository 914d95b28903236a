"""Stock arithmetic: how much to reserve, what becomes a backorder, who gets received goods.

The invariant every service keeps (and the property tests check):
``0 <= reserved <= on_hand``, ``available = on_hand - reserved``, the product's
``backordered`` equals the backordered quantities of its open order lines, and while any
line waits for a product, that product has nothing available (waiting lines come first).
The services apply these plans with atomic conditional updates; here is only the arithmetic.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dashboard.domain.errors import ValidationFailed

MAX_STOCK_QUANTITY = 10_000_000


@dataclass(frozen=True)
class StockLevel:
    sku: str
    on_hand: int
    reserved: int
    backordered: int

    @property
    def available(self) -> int:
        return self.on_hand - self.reserved

    def as_dict(self) -> dict:
        return {"sku": self.sku, "on_hand": self.on_hand, "reserved": self.reserved,
                "available": self.available, "backordered": self.backordered}


@dataclass(frozen=True)
class Reservation:
    reserve: int
    backorder: int


def split_request(requested: int, available: int, allows_backorder: bool) -> Reservation | None:
    """How much of ``requested`` to reserve now and how much to backorder.

    None means the line is short and its product refuses backorders: the order must fail.
    """
    available = max(available, 0)
    if requested <= available:
        return Reservation(reserve=requested, backorder=0)
    if not allows_backorder:
        return None
    return Reservation(reserve=available, backorder=requested - available)


def _take_in_order(units: int, holdings: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Share ``units`` among ``(line_id, capacity)`` in the given order: each line takes
    what it can before the next gets anything. Returns ``(line_id, units)``."""
    plan: list[tuple[int, int]] = []
    for line_id, capacity in holdings:
        if units <= 0:
            break
        taken = min(units, capacity)
        if taken > 0:
            plan.append((line_id, taken))
            units -= taken
    return plan


def plan_allocation(available: int, waiting: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Give ``available`` units to waiting lines ``(line_id, backordered)``, oldest first.

    A line may be served partly; the next line only gets what the previous ones left.
    """
    return _take_in_order(available, waiting)


def plan_shortfall(new_on_hand: int, reserved: int,
                   reservations_newest_first: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """When a count finds fewer goods than are reserved, which reservations give way.

    The newest orders lose their reservation first (the oldest customers keep theirs);
    the units taken become backorders. Returns ``(line_id, units)``.
    """
    return _take_in_order(reserved - new_on_hand, reservations_newest_first)


def check_count(on_hand: object, reason: object) -> None:
    """A counted quantity is a whole number >= 0, with a reason for the ledger."""
    errors: dict[str, str] = {}
    if not isinstance(on_hand, int) or isinstance(on_hand, bool) or not (
        0 <= on_hand <= MAX_STOCK_QUANTITY
    ):
        errors["on_hand"] = f"a whole number from 0 to {MAX_STOCK_QUANTITY}"
    if not isinstance(reason, str) or not reason.strip():
        errors["reason"] = "required, e.g. inventory count"
    elif len(reason) > 500:
        errors["reason"] = "at most 500 characters"
    if errors:
        raise ValidationFailed(errors)


def check_receipt(quantity: object) -> None:
    """Received goods are a whole number > 0 (a correction is a count, not a receipt)."""
    if not isinstance(quantity, int) or isinstance(quantity, bool) or not (
        0 < quantity <= MAX_STOCK_QUANTITY
    ):
        raise ValidationFailed({"quantity": f"a whole number from 1 to {MAX_STOCK_QUANTITY}"})
