"""Read-only queries behind the payments screens. No writes here."""

from __future__ import annotations

from dashboard.db.tables import Order
from dashboard.domain.statuses import OrderStatus, PaymentStatus

QUEUE_LIMIT = 200


async def payment_queue(payment_method: str = "", limit: int = QUEUE_LIMIT) -> list[dict]:
    """Open or held orders still owing money, oldest first (those closest to cancellation)."""
    query = Order.select(
        Order.id, Order.number, Order.placed_at, Order.customer_name, Order.customer_email,
        Order.payment_method, Order.status, Order.payment_status, Order.total,
        Order.paid_total, Order.balance_due, Order.currency,
    ).where(
        Order.status.is_in([OrderStatus.OPEN.value, OrderStatus.ON_HOLD.value])
        & Order.payment_status.is_in([PaymentStatus.UNPAID.value,
                                      PaymentStatus.PARTIALLY_PAID.value])
    )
    if payment_method:
        query = query.where(Order.payment_method == payment_method)
    return await query.order_by(Order.placed_at, Order.id).limit(limit)
