"""Money-moving edits of a placed order: stock follows, totals and balance stay true,
stale edits are refused, and the customer can be asked to pay the difference."""

import pytest

from dashboard.db.tables import Order, OrderEvent, OrderLine, OutboxEmail, PickTask, Product, Stock
from dashboard.domain.errors import InsufficientStock, StaleVersion, ValidationFailed
from dashboard.domain.orders.changes import NotChangeable
from dashboard.services.orders import changes as order_changes
from dashboard.services.payments import money as payments
from dashboard.services.fulfilment.picking import create_pick_list
from tests.factories import make_order, order, reserved

ACTOR = "agent"


async def lines_of(number: str) -> list[dict]:
    o = await order(number)
    return await OrderLine.select().where(OrderLine.order == o["id"]).order_by(OrderLine.position)


async def set_stock(sku: str, on_hand: int, backorder: bool = False) -> None:
    await Stock.update({Stock.on_hand: on_hand}).where(Stock.product.sku == sku)
    await Product.update({Product.backorder: backorder}).where(Product.sku == sku)


async def pay(number: str, amount: int) -> None:
    await payments.record_payment(number, amount, "EUR", f"REF-{number}-{amount}", method="card",
                                  source="manual", received_on=None, actor=ACTOR,
                                  send_receipt=False)


async def test_quantity_up_reserves_more_and_the_order_owes_more():
    o = await make_order(lines=[("MUG", 2, 1000)])
    line = (await lines_of(o["number"]))[0]
    after = await order_changes.change_line_quantity(o["number"], line["id"], 2, "5", actor=ACTOR)
    assert await reserved("MUG") == 5
    assert (after["total"], after["balance_due"], after["subtotal"]) == (5000, 5000, 5000)
    assert after["tax_total"] == 833 and after["version"] == o["version"] + 1
    (line,) = await lines_of(o["number"])
    assert (line["quantity"], line["reserved"], line["line_total"]) == (5, 5, 5000)
    event = await OrderEvent.select().where(OrderEvent.kind == "order.line_quantity_changed").first()
    assert "2 → 5" in event["summary"] and event["actor"] == ACTOR


async def test_short_product_refusing_backorders_is_refused_with_what_is_available():
    o = await make_order(lines=[("MUG", 2, 1000)])
    await set_stock("MUG", 3)
    line = (await lines_of(o["number"]))[0]
    with pytest.raises(InsufficientStock) as refused:
        await order_changes.change_line_quantity(o["number"], line["id"], 2, 5, actor=ACTOR)
    assert refused.value.short == [{"sku": "MUG", "requested": 3, "available": 1}]
    assert await reserved("MUG") == 2
    assert (await order(o["number"]))["total"] == 2000
    assert (await order(o["number"]))["version"] == o["version"]  # nothing written


async def test_backorder_product_backorders_the_rest():
    o = await make_order(lines=[("MUG", 2, 1000)])
    await set_stock("MUG", 3, backorder=True)
    line = (await lines_of(o["number"]))[0]
    after = await order_changes.change_line_quantity(o["number"], line["id"], 2, 5, actor=ACTOR)
    (line,) = await lines_of(o["number"])
    assert (line["reserved"], line["backordered"]) == (3, 2)
    level = await Stock.select().where(Stock.product.sku == "MUG").first()
    assert (level["reserved"], level["backordered"]) == (3, 2)
    assert after["backordered_quantity"] == 2
    # Going down gives back the waiting units first, then the held ones.
    await order_changes.change_line_quantity(o["number"], line["id"], 5, 2, actor=ACTOR)
    (line,) = await lines_of(o["number"])
    assert (line["reserved"], line["backordered"]) == (2, 0)
    level = await Stock.select().where(Stock.product.sku == "MUG").first()
    assert (level["reserved"], level["backordered"]) == (2, 0)


async def test_quantity_down_releases_stock():
    o = await make_order(lines=[("MUG", 3, 1000)])
    line = (await lines_of(o["number"]))[0]
    after = await order_changes.change_line_quantity(o["number"], line["id"], 3, 1, actor=ACTOR)
    assert await reserved("MUG") == 1 and after["total"] == 1000


async def test_add_line_by_barcode_and_remove_a_line():
    o = await make_order(lines=[("MUG", 1, 1000)])
    await make_order(lines=[("LAMP", 1, 4500)])  # creates the product and its stock
    await Product.update({Product.barcode: "3760000000017"}).where(Product.sku == "LAMP")
    after = await order_changes.add_line(o["number"], "3760000000017", 2, actor=ACTOR)
    assert after["total"] == 1000 + 9000 and await reserved("LAMP") == 3
    mug, lamp = await lines_of(o["number"])
    assert (lamp["sku"], lamp["position"], lamp["unit_price"]) == ("LAMP", 2, 4500)
    after = await order_changes.remove_line(o["number"], mug["id"], 1, actor=ACTOR)
    assert after["total"] == 9000 and await reserved("MUG") == 0
    assert [ln["sku"] for ln in await lines_of(o["number"])] == ["LAMP"]
    with pytest.raises(NotChangeable):  # the last line: cancel instead
        await order_changes.remove_line(o["number"], lamp["id"], 2, actor=ACTOR)
    with pytest.raises(ValidationFailed):
        await order_changes.add_line(o["number"], "NOPE", 1, actor=ACTOR)


async def test_balance_on_a_paid_order_follows_every_change():
    o = await make_order(lines=[("MUG", 2, 1000)])
    await pay(o["number"], 2000)
    assert (await order(o["number"]))["payment_status"] == "paid"
    line = (await lines_of(o["number"]))[0]
    up = await order_changes.change_line_quantity(o["number"], line["id"], 2, 3, actor=ACTOR)
    assert (up["balance_due"], up["payment_status"]) == (1000, "partially_paid")
    down = await order_changes.change_line_quantity(o["number"], line["id"], 3, 1, actor=ACTOR)
    assert (down["balance_due"], down["payment_status"]) == (-1000, "paid")


async def test_balance_on_an_unpaid_order_is_the_new_total():
    o = await make_order(lines=[("MUG", 2, 1000)])
    line = (await lines_of(o["number"]))[0]
    after = await order_changes.change_line_quantity(o["number"], line["id"], 2, 1, actor=ACTOR)
    assert (after["balance_due"], after["payment_status"]) == (1000, "unpaid")


async def test_stale_quantity_is_refused_and_another_line_still_changes():
    o = await make_order(lines=[("MUG", 2, 1000), ("LAMP", 1, 4500)])
    mug, lamp = await lines_of(o["number"])
    await order_changes.change_line_quantity(o["number"], mug["id"], 2, 3, actor="first")
    with pytest.raises(StaleVersion) as stale:
        await order_changes.change_line_quantity(o["number"], mug["id"], 2, 4, actor="second")
    (conflict,) = stale.value.details["conflicts"]
    assert (conflict.seen, conflict.now, conflict.wanted) == ("2", "3", "4")
    after = await order_changes.change_line_quantity(o["number"], lamp["id"], 1, 2, actor="second")
    assert after["total"] == 3000 + 9000


async def test_shipped_lines_and_cancelled_orders_do_not_change():
    o = await make_order(lines=[("MUG", 2, 1000)])
    line = (await lines_of(o["number"]))[0]
    await OrderLine.update({OrderLine.shipped: 1, OrderLine.reserved: 1}).where(
        OrderLine.id == line["id"])
    with pytest.raises(NotChangeable):
        await order_changes.change_line_quantity(o["number"], line["id"], 2, 3, actor=ACTOR)
    c = await make_order(lines=[("MUG", 1, 1000)], status="cancelled")
    with pytest.raises(NotChangeable):
        await order_changes.add_line(c["number"], "MUG", 1, actor=ACTOR)


async def test_a_change_while_picked_gives_the_picker_a_task():
    o = await make_order(lines=[("MUG", 2, 1000)])
    await create_pick_list([o["number"]], actor=ACTOR)
    line = (await lines_of(o["number"]))[0]
    await order_changes.change_line_quantity(o["number"], line["id"], 2, 4, actor=ACTOR)
    task = await PickTask.select().first()
    assert (task["kind"], task["quantity"]) == ("pick_more", 2)


async def test_pay_difference_email_is_queued_in_the_customers_language(configure):
    configure(DASHBOARD_PAYMENT_LINK_TEMPLATE=None)
    o = await make_order(lines=[("MUG", 2, 1000)], locale="fr")
    await pay(o["number"], 2000)
    with pytest.raises(NotChangeable):  # nothing owed yet
        await order_changes.email_pay_difference(o["number"], actor=ACTOR)
    line = (await lines_of(o["number"]))[0]
    await order_changes.change_line_quantity(o["number"], line["id"], 2, 3, actor=ACTOR)
    await order_changes.email_pay_difference(o["number"], actor=ACTOR)
    email = await OutboxEmail.select().where(OutboxEmail.template == "pay_difference").first()
    assert email["to_address"] == "anne.martin@example.fr"
    assert "Bonjour" in email["body_text"] and "10,00" in email["body_text"]
    assert o["number"] in email["body_text"] and "IBAN" in email["body_text"]


async def test_pay_difference_email_carries_the_payment_link(configure):
    configure(DASHBOARD_PAYMENT_LINK_TEMPLATE="https://pay.example/{number}?amount={amount}")
    o = await make_order(lines=[("MUG", 1, 1000)], locale="en")
    await pay(o["number"], 500)
    await order_changes.email_pay_difference(o["number"], actor=ACTOR)
    email = await OutboxEmail.select().first()
    assert f"https://pay.example/{o['number']}?amount=500" in email["body_text"]
    assert "Hello" in email["body_text"]
    assert await Order.count() == 1


async def test_removing_the_unshipped_rest_of_a_partly_shipped_order_makes_it_shipped():
    o = await make_order(lines=[("MUG", 1, 1000), ("LAMP", 1, 4500)])
    mug, lamp = await lines_of(o["number"])
    await OrderLine.update({OrderLine.shipped: 1, OrderLine.reserved: 0}).where(
        OrderLine.id == mug["id"])
    await Order.update({Order.fulfilment_status: "partially_shipped"}).where(Order.id == o["id"])
    after = await order_changes.remove_line(o["number"], lamp["id"], 1, actor=ACTOR)
    assert (after["fulfilment_status"], after["total"]) == ("shipped", 1000)
    with pytest.raises(NotChangeable):  # everything has left: a new line is a new order
        await order_changes.add_line(o["number"], "MUG", 1, actor=ACTOR)
