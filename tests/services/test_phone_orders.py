"""Phone orders: caller search, server-side drafts that survive a dropped call, placement
through the intake rules, and repeat orders checked against today's catalogue."""

import pytest

from dashboard.db.tables import Address, Order, OrderLine, PhoneDraft, Product
from dashboard.domain.errors import InsufficientStock, ValidationFailed
from dashboard.domain.orders.changes import NotChangeable
from dashboard.services.orders import phone as phone_orders
from dashboard.services.stock import inventory as stock
from dashboard.services.orders.intake import place_order
from tests.factories import add_product, assert_stock_invariant, make_draft

AGENT = "agent:claire"


async def known_customer() -> int:
    placed = await place_order(make_draft(("LAMP", 1)), actor="shop")
    return (await Order.select(Order.customer).where(Order.number == placed.number).first())[
        "customer"]


async def test_caller_found_by_name_email_phone_or_order_number():
    await add_product("LAMP", 10)
    placed = await place_order(make_draft(("LAMP", 1)), actor="shop")
    for q in ("martin", "anne@example.fr", "0612345678", placed.number):
        callers = await phone_orders.find_callers(q)
        assert [c["email"] for c in callers] == ["anne@example.fr"], q
    assert await phone_orders.find_callers("nobody-like-this") == []


async def test_phone_order_from_draft_to_placed():
    await add_product("LAMP", 10, price=4500, barcode="3760000000017")
    await add_product("MUG", 10, price=1200)
    customer_id = await known_customer()
    draft_id = await phone_orders.start_draft(customer_id, actor=AGENT)
    draft = await phone_orders.load_draft(draft_id)
    assert draft["data"]["customer"]["email"] == "anne@example.fr"
    assert draft["data"]["shipping_address"]["city"] == "Lyon"  # from the address book
    await phone_orders.add_line(draft_id, "3760000000017", 2, actor=AGENT)
    await phone_orders.add_line(draft_id, "MUG", 1, actor=AGENT)
    await phone_orders.add_line(draft_id, "LAMP", 1, actor=AGENT)  # merges into its line
    view = await phone_orders.draft_view(draft_id)
    assert [(ln["sku"], ln["quantity"]) for ln in view.lines] == [("LAMP", 3), ("MUG", 1)]
    assert (view.subtotal, view.shipping_total, view.total) == (14700, 590, 15290)
    assert view.lines[0]["available"] == 9
    await phone_orders.set_line_quantity(draft_id, 1, 0, actor=AGENT)  # 0 removes the line
    placed = await phone_orders.place(draft_id, actor=AGENT)
    order = await Order.select().where(Order.number == placed.number).first()
    assert (order["channel"], order["total"], order["shipping_total"]) == ("phone", 14090, 590)
    assert (await phone_orders.load_draft(draft_id))["status"] == "placed"
    with pytest.raises(NotChangeable):
        await phone_orders.place(draft_id, actor=AGENT)
    await assert_stock_invariant()


async def test_the_order_and_the_placed_draft_commit_together(monkeypatch):
    await add_product("LAMP", 10)
    await add_product("MUG", 10, price=1200)
    draft_id = await phone_orders.start_draft(await known_customer(), actor=AGENT)
    await phone_orders.add_line(draft_id, "MUG", 2, actor=AGENT)
    orders_before = await Order.count()

    def crash():  # marking the draft placed fails, after the order was written
        raise RuntimeError("connection lost")

    monkeypatch.setattr(phone_orders, "_now", crash)
    with pytest.raises(RuntimeError):
        await phone_orders.place(draft_id, actor=AGENT)
    assert await Order.count() == orders_before  # no order without its draft marked placed
    assert (await stock.stock_level("MUG")).reserved == 0
    monkeypatch.undo()
    placed = await phone_orders.place(draft_id, actor=AGENT)
    assert (await phone_orders.load_draft(draft_id))["order_number"] == placed.number
    await assert_stock_invariant()


async def test_placement_refusals_keep_the_draft_open():
    await add_product("LAMP", 1)
    draft_id = await phone_orders.start_draft(None, actor=AGENT)
    with pytest.raises(ValidationFailed) as invalid:
        await phone_orders.place(draft_id, actor=AGENT)
    assert {"customer.email", "lines", "shipping_address.line1"} <= set(invalid.value.fields)
    await phone_orders.save_details(draft_id, {
        "customer.email": "Bob@Example.fr", "customer.last_name": "Durand",
        "shipping_address.name": "Bob Durand", "shipping_address.line1": "3 place Bellecour",
        "shipping_address.postal_code": "69002", "shipping_address.city": "Lyon",
        "shipping_address.country": "fr", "same_billing": "1", "payment_method": "bank_transfer",
        "shipping_method": "click_and_collect"}, actor=AGENT)
    await phone_orders.add_line(draft_id, "LAMP", 3, actor=AGENT)
    with pytest.raises(InsufficientStock) as short:
        await phone_orders.place(draft_id, actor=AGENT)
    assert short.value.short == [{"sku": "LAMP", "requested": 3, "available": 1}]
    assert (await phone_orders.load_draft(draft_id))["status"] == "open"
    await phone_orders.set_line_quantity(draft_id, 0, 1, actor=AGENT)
    placed = await phone_orders.place(draft_id, actor=AGENT)
    order = await Order.select().where(Order.number == placed.number).first()
    assert (order["customer_email"], order["shipping_total"], order["payment_method"]) == (
        "bob@example.fr", 0, "bank_transfer")


async def test_a_dropped_call_is_resumed_by_another_agent():
    await add_product("LAMP", 5)
    customer_id = await known_customer()
    draft_id = await phone_orders.start_draft(customer_id, actor="agent:one")
    await phone_orders.add_line(draft_id, "LAMP", 2, actor="agent:one")
    drafts = await phone_orders.open_drafts()
    assert [(d["id"], d["caller"], d["line_count"]) for d in drafts] == [
        (draft_id, "Anne Martin", 1)]
    assert [d["id"] for d in await phone_orders.open_drafts(customer_id)] == [draft_id]
    await phone_orders.add_line(draft_id, "LAMP", 1, actor="agent:two")
    placed = await phone_orders.place(draft_id, actor="agent:two")
    assert placed.number and await phone_orders.open_drafts() == []


async def test_use_an_address_from_the_book():
    await add_product("LAMP", 5)
    customer_id = await known_customer()
    other = (await Address.insert(Address(
        customer=customer_id, name="Anne Martin", line1="1 quai Perrache", postal_code="69002",
        city="Lyon", country="FR")).returning(Address.id))[0]["id"]
    draft_id = await phone_orders.start_draft(customer_id, actor=AGENT)
    draft = await phone_orders.use_address(draft_id, other, "billing", actor=AGENT)
    assert draft["data"]["billing_address"]["line1"] == "1 quai Perrache"


async def test_repeat_order_uses_current_prices_and_flags_what_is_no_longer_sold():
    await add_product("LAMP", 10, price=4500)
    await add_product("MUG", 10, price=1200)
    await add_product("VASE", 1, price=3000)
    placed = await place_order(make_draft(("LAMP", 1), ("MUG", 2), ("VASE", 1)), actor="shop")
    await Product.update({Product.price: 4900}).where(Product.sku == "LAMP")
    await Product.update({Product.active: False}).where(Product.sku == "MUG")
    draft_id = await phone_orders.repeat_order(placed.number, actor=AGENT)
    draft = await phone_orders.load_draft(draft_id)
    assert draft["source_order"] == placed.number
    lamp, mug, vase = draft["data"]["lines"]
    assert lamp["was"] == 4500 and "flag" not in lamp
    assert mug["flag"] == "not_sold"  # kept and flagged, not silently dropped
    assert vase["flag"] == "short" and vase["available"] == 0
    view = await phone_orders.draft_view(draft_id)
    assert view.lines[0]["price"] == 4900
    with pytest.raises(ValidationFailed) as flagged:
        await phone_orders.place(draft_id, actor=AGENT)
    assert "lines[1].sku" in flagged.value.fields
    await phone_orders.set_line_quantity(draft_id, 1, 0, actor=AGENT)
    with pytest.raises(InsufficientStock):  # the vase sold out meanwhile
        await phone_orders.place(draft_id, actor=AGENT)
    await phone_orders.set_line_quantity(draft_id, 1, 0, actor=AGENT)
    again = await phone_orders.place(draft_id, actor=AGENT)
    lines = await OrderLine.select(OrderLine.sku, OrderLine.unit_price).where(
        OrderLine.order == again.id)
    assert lines == [{"sku": "LAMP", "unit_price": 4900}]
    assert (await Order.select(Order.channel).where(Order.id == again.id).first())[
        "channel"] == "phone"
    assert await PhoneDraft.count() == 1


async def test_autosaves_and_added_lines_at_once_never_undo_each_other():
    """Each change reads and writes the draft in one locked transaction: ten lines added
    while the agent's typing autosaves ten times, and all of both are there."""
    import asyncio

    for i in range(10):
        await add_product(f"RACE-{i}", 5)
    draft_id = await phone_orders.start_draft(None, actor="agent")

    async def autosave(i: int) -> None:
        await phone_orders.save_details(draft_id, {
            "customer.last_name": f"Typed{i}", "shipping_address.city": "Lyon",
            "payment_method": "card", "shipping_method": "carrier", "same_billing": "1"},
            actor="agent")

    await asyncio.gather(*(phone_orders.add_line(draft_id, f"RACE-{i}", "1", actor="agent")
                           for i in range(10)), *(autosave(i) for i in range(10)))
    draft = await phone_orders.load_draft(draft_id)
    assert sorted(line["sku"] for line in draft["data"]["lines"]) == [f"RACE-{i}" for i in range(10)]
    assert draft["data"]["customer"]["last_name"].startswith("Typed")
    assert draft["data"]["shipping_address"]["city"] == "Lyon"
