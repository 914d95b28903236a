"""The currency of orders, for views that parse typed amounts with the right decimals."""

from __future__ import annotations

from dashboard.db.tables import Order
from dashboard.domain.errors import NotFound


async def currency_of(number: str) -> str:
    """The order's ISO 4217 currency. Raises ``NotFound`` for an unknown order."""
    row = await Order.select(Order.currency).where(Order.number == number).first()
    if row is None:
        raise NotFound(f"No order {number}")
    return row["currency"]


async def currencies_of(numbers: list[str]) -> dict[str, str]:
    """Currency by order number, for the numbers that exist."""
    if not numbers:
        return {}
    rows = await Order.select(Order.number, Order.currency).where(Order.number.is_in(numbers))
    return {row["number"]: row["currency"] for row in rows}
