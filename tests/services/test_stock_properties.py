"""Property: whatever sequence of place / cancel / receive / count happens, stock adds up.

After every step: 0 <= reserved <= on_hand, reserved and backordered equal the open lines',
nothing is available while a line waits, every live line is fully reserved or backordered,
on hand follows counts and receipts, and a refused order changes nothing.
"""

from __future__ import annotations

import itertools

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboard.db.tables import Order, OrderLine
from dashboard.domain.errors import InsufficientStock
from dashboard.services.orders import intake as order_service
from dashboard.services.stock import inventory as stock
from tests.factories import add_product, assert_stock_invariant, make_draft

KINDS = ("REFUSES", "WAITS")  # the first refuses backorders, the second accepts them
_examples = itertools.count()

place = st.tuples(st.just("place"), st.sampled_from(KINDS), st.integers(1, 6))
cancel = st.tuples(st.just("cancel"), st.integers(0, 9), st.just(0))  # which placed order
receive = st.tuples(st.just("receive"), st.sampled_from(KINDS), st.integers(1, 6))
count = st.tuples(st.just("count"), st.sampled_from(KINDS), st.integers(0, 8))
steps = st.lists(st.one_of(place, cancel, receive, count), min_size=1, max_size=8)


async def _levels(skus: dict[str, str]) -> dict[str, dict]:
    return {kind: (await stock.stock_level(sku)).as_dict() for kind, sku in skus.items()}


async def _assert_lines_complete(skus: dict[str, str]) -> None:
    """A live line's quantity is all reserved or backordered (nothing ships in this test)."""
    lines = await OrderLine.select(OrderLine.quantity, OrderLine.reserved,
                                   OrderLine.backordered, OrderLine.order.status).where(
        OrderLine.sku.is_in(list(skus.values())))
    for line in lines:
        held = line["reserved"] + line["backordered"]
        assert held == (0 if line["order.status"] == "cancelled" else line["quantity"]), line


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps, initial=st.tuples(st.integers(0, 5), st.integers(0, 5)))
async def test_stock_invariant_holds_over_any_sequence(steps, initial):
    # Fresh products per example instead of emptying every table (much faster).
    example = next(_examples)
    skus = {kind: f"{kind}-{example}" for kind in KINDS}
    on_hand = dict(zip(KINDS, initial))
    await add_product(skus["REFUSES"], on_hand["REFUSES"])
    await add_product(skus["WAITS"], on_hand["WAITS"], backorder=True)
    numbers: list[str] = []
    for op, kind, quantity in steps:
        target = skus.get(kind, "")
        before = await _levels(skus)
        if op == "place":
            try:
                placed = await order_service.place_order(make_draft((target, quantity)),
                                                         actor="t")
                numbers.append(placed.number)
                assert kind == "WAITS" or before[kind]["available"] >= quantity
            except InsufficientStock:
                assert kind == "REFUSES" and before[kind]["available"] < quantity
                assert await _levels(skus) == before
        elif op == "cancel" and numbers:
            number = numbers[kind % len(numbers)]
            status = (await Order.select(Order.status).where(Order.number == number).first())
            if status["status"] != "cancelled":
                await order_service.cancel_order(number, "property test", actor="t")
        elif op == "receive":
            await stock.receive_stock(target, quantity, "t")
            on_hand[kind] += quantity
        elif op == "count":
            await stock.set_counted_stock(target, quantity, "recount", "t")
            on_hand[kind] = quantity
        after = await _levels(skus)
        assert {kind: after[kind]["on_hand"] for kind in KINDS} == on_hand
        assert all(level["available"] >= 0 for level in after.values())
        await assert_stock_invariant(list(skus.values()))
        await _assert_lines_complete(skus)
