"""The payment queue: open or held orders still owing money, oldest first, by method."""

from datetime import datetime, timedelta, timezone

from dashboard.services.payments import money
from dashboard.services.payments.queue import payment_queue
from tests.factories import make_order

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=timezone.utc)


async def test_the_queue_lists_what_is_owed_oldest_first():
    newest = await make_order(payment_method="card", placed_at=NOW)
    held = await make_order(payment_method="bank_transfer", placed_at=NOW - timedelta(days=2),
                            status="on_hold")
    partial = await make_order(payment_method="bank_transfer", placed_at=NOW - timedelta(days=1))
    await money.record_payment(partial["number"], 100, "EUR", "P1", method=None, source="manual",
                               received_on=None, actor="t")
    await make_order(placed_at=NOW - timedelta(days=3), paid=True)
    await make_order(placed_at=NOW - timedelta(days=4), status="cancelled")
    await make_order(placed_at=NOW - timedelta(days=5), status="shipped")
    rows = await payment_queue()
    assert [r["number"] for r in rows] == [held["number"], partial["number"], newest["number"]]
    assert [(r["status"], r["payment_status"], r["balance_due"]) for r in rows] == [
        ("on_hold", "unpaid", 3980), ("open", "partially_paid", 3880), ("open", "unpaid", 3980)]
    assert set(rows[0]) == {"id", "number", "placed_at", "customer_name", "customer_email",
                            "payment_method", "status", "payment_status", "total", "paid_total",
                            "balance_due", "currency"}
    assert [r["number"] for r in await payment_queue("bank_transfer")] == [
        held["number"], partial["number"]]
    assert [r["number"] for r in await payment_queue(limit=1)] == [held["number"]]
