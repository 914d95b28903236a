"""Order intake and cancellation (services/orders/intake.py) on the real engine."""

from __future__ import annotations

import dataclasses
import pytest

from dashboard.db.tables import (
    Address,
    Customer,
    Order,
    OrderEvent,
    OrderLine,
    OutboxEmail,
    OutboxWebhook,
    StockMovement,
    WebhookEndpoint,
)
from dashboard.domain.errors import InsufficientStock, NotFound, StaleVersion, ValidationFailed
from dashboard.domain.orders.intake import AddressDetails, NotCancellable
from dashboard.domain.search import customer_search_text
from dashboard.services.orders import intake as order_service
from dashboard.services.printing import sequences
from dashboard.services.stock import inventory as stock
from dashboard.settings import get_settings
from tests.factories import add_product, assert_stock_invariant, make_draft


async def test_a_placed_order_reserves_stock_and_waits_for_payment():
    await add_product("TSHIRT-BLUE-M", 10, price=1990)
    await add_product("MUG", 5, price=850)
    placed = await order_service.place_order(
        make_draft(("TSHIRT-BLUE-M", 2, None), ("MUG", 1, 900), shipping_total=490),
        actor="api:shop")

    assert placed.number == "100001"  # the first number of the shop's series
    assert placed.total == 2 * 1990 + 900 + 490 and not placed.backordered
    order = await Order.select().where(Order.id == placed.id).first()
    assert (order["status"], order["payment_status"], order["fulfilment_status"]) == (
        "open", "unpaid", "unfulfilled")
    assert order["balance_due"] == order["total"] == placed.total
    assert order["subtotal"] == 2 * 1990 + 900 and order["shipping_total"] == 490
    assert order["tax_total"] == 663 + 150 + 82  # VAT inside 39.80, 9.00 and 4.90 at 20 %
    assert order["customer_name"] == "Anne Martin" and order["ship_city"] == "Lyon"
    assert order["bill_line1"] == "12 rue des Lilas"  # billing null: the shipping address
    assert "martin" in order["search_text"] and "69003" in order["search_text"]
    assert (await stock.stock_level("TSHIRT-BLUE-M")).as_dict() == {
        "sku": "TSHIRT-BLUE-M", "on_hand": 10, "reserved": 2, "available": 8, "backordered": 0}
    lines = await OrderLine.select().where(OrderLine.order == placed.id).order_by(OrderLine.position)
    assert [(ln["sku"], ln["quantity"], ln["unit_price"], ln["reserved"]) for ln in lines] == [
        ("TSHIRT-BLUE-M", 2, 1990, 2), ("MUG", 1, 900, 1)]
    moves = await StockMovement.select().where(StockMovement.reason == "reservation")
    assert sorted(m["reserved_delta"] for m in moves) == [1, 2]
    events = await OrderEvent.select().where(OrderEvent.order == placed.id)
    assert [(e["kind"], e["actor"]) for e in events] == [("order.placed", "api:shop")]
    assert await OutboxEmail.count() == 0  # no merchant address configured
    await assert_stock_invariant()


async def test_order_numbers_start_at_the_first_number_and_continue_after_existing_ones():
    await add_product("MUG", 5)
    assert await sequences.last_order_value() == 100000
    first = await order_service.place_order(make_draft(("MUG", 1)), actor="t")
    assert first.number == "100001" and await sequences.last_order_value() == 100001
    await sequences.set_last_order_value(104041)  # e.g. left by the demo data or an import
    second = await order_service.place_order(make_draft(("MUG", 1)), actor="t")
    third = await order_service.place_order(make_draft(("MUG", 1)), actor="t")
    assert (second.number, third.number) == ("104042", "104043")
    assert await sequences.last_order_value() == 104043


async def test_customers_are_found_by_email_and_addresses_kept_once():
    await add_product("MUG", 5)
    billing = AddressDetails(name="ACME", line1="1 place Bellecour", postal_code="69002",
                             city="Lyon", country="FR")
    await order_service.place_order(make_draft(("MUG", 1), email="Anne@Example.fr"), actor="t")
    await order_service.place_order(make_draft(("MUG", 1), billing_address=billing), actor="t")
    customers = await Customer.select()
    assert [c["email"] for c in customers] == ["anne@example.fr"]
    assert "anne martin" in customers[0]["search_text"]
    # the same search text as an edit of the customer would write (phone digits included)
    assert customers[0]["search_text"] == customer_search_text(customers[0], ["69003"])
    addresses = await Address.select(Address.line1, Address.is_default).order_by(Address.id)
    assert addresses == [{"line1": "12 rue des Lilas", "is_default": "shipping"},
                         {"line1": "1 place Bellecour", "is_default": "billing"}]
    orders = await Order.select(Order.customer, Order.bill_name).order_by(Order.id)
    assert orders[0]["customer"] == orders[1]["customer"] and orders[1]["bill_name"] == "ACME"


async def test_unknown_sku_and_bad_lines_are_refused_field_by_field_and_nothing_written():
    await add_product("MUG", 5)
    with pytest.raises(ValidationFailed) as refused:
        await order_service.place_order(make_draft(("MUG", 1), ("NOPE", 1)), actor="t")
    assert refused.value.fields == {"lines[1].sku": "unknown SKU NOPE"}
    with pytest.raises(ValidationFailed) as refused:
        await order_service.place_order(make_draft(("MUG", 0), payment_method="bitcoin"),
                                        actor="t")
    assert set(refused.value.fields) == {"lines[0].quantity", "payment_method"}
    assert await Order.count() == 0 and await Customer.count() == 0
    assert (await stock.stock_level("MUG")).reserved == 0


async def test_catalogue_price_in_another_currency_must_be_given():
    await add_product("MUG", 5, currency="CHF")
    with pytest.raises(ValidationFailed) as refused:
        await order_service.place_order(make_draft(("MUG", 1)), actor="t")
    assert "lines[0].unit_price" in refused.value.fields
    placed = await order_service.place_order(make_draft(("MUG", 1, 700)), actor="t")
    assert placed.total == 700


async def test_a_short_line_refusing_backorders_fails_the_whole_order_and_leaves_stock_as_it_was():
    await add_product("MUG", 5)
    await add_product("LAMP", 1)
    await add_product("BOOK", 0, backorder=True)
    before = [(await stock.stock_level(s)).as_dict() for s in ("MUG", "LAMP", "BOOK")]
    with pytest.raises(InsufficientStock) as refused:
        await order_service.place_order(
            make_draft(("MUG", 2), ("LAMP", 3), ("BOOK", 4)), actor="t")
    assert refused.value.short == [{"sku": "LAMP", "requested": 3, "available": 1}]
    assert [(await stock.stock_level(s)).as_dict() for s in ("MUG", "LAMP", "BOOK")] == before
    assert await Order.count() == 0 and await StockMovement.count(
    ) == await StockMovement.count().where(StockMovement.reason == "count")
    assert await sequences.last_order_value() == 100000  # the number was never taken


async def test_a_product_allowing_backorders_reserves_what_is_there_and_records_the_rest():
    await add_product("BOOK", 3, backorder=True)
    placed = await order_service.place_order(make_draft(("BOOK", 5)), actor="t")
    assert placed.backordered == {"BOOK": 2}
    line = await OrderLine.select().first()
    assert (line["reserved"], line["backordered"]) == (3, 2)
    assert (await stock.stock_level("BOOK")).as_dict() == {
        "sku": "BOOK", "on_hand": 3, "reserved": 3, "available": 0, "backordered": 2}
    assert (await Order.select(Order.backordered_quantity).first())["backordered_quantity"] == 2
    await assert_stock_invariant()


async def test_merchant_email_and_webhook_are_queued_with_the_order(monkeypatch):
    settings = dataclasses.replace(get_settings(), merchant_email="shop@example.fr")
    monkeypatch.setattr(order_service, "get_settings", lambda: settings)
    await WebhookEndpoint.insert(WebhookEndpoint(url="http://127.0.0.1:9/hook",
                                                 secret="whsec_dGVzdA==", events=[]))
    await add_product("MUG", 5)
    placed = await order_service.place_order(make_draft(("MUG", 2)), actor="t")
    email = await OutboxEmail.select().first()
    assert email["to_address"] == "shop@example.fr" and email["template"] == "merchant_new_order"
    assert placed.number in email["subject"] and "MUG" in email["body_text"]
    assert "Anne Martin" in email["body_html"] and email["order"] == placed.id
    hook = await OutboxWebhook.select().first()
    assert hook["event_type"] == "order.placed"
    payload = hook["payload"] if isinstance(hook["payload"], dict) else __import__("json").loads(
        hook["payload"])
    assert payload["data"]["number"] == placed.number
    assert payload["data"]["lines"][0]["reserved"] == 2


async def test_a_retried_request_with_the_same_idempotency_key_returns_the_first_order():
    await add_product("MUG", 5)
    first = await order_service.place_order(make_draft(("MUG", 2)), actor="api:shop",
                                            idempotency_key="k-1")
    again = await order_service.place_order(make_draft(("MUG", 2)), actor="api:shop",
                                            idempotency_key="k-1")
    other_client = await order_service.place_order(make_draft(("MUG", 1)), actor="api:pos",
                                                   idempotency_key="k-1")
    assert again.number == first.number and again.replayed and not first.replayed
    assert other_client.number != first.number
    assert await Order.count() == 2 and (await stock.stock_level("MUG")).reserved == 3


async def test_get_order_answers_the_contract_shape():
    await add_product("MUG", 5, price=850)
    placed = await order_service.place_order(make_draft(("MUG", 2)), actor="t")
    order = await order_service.get_order(placed.number)
    assert {"number", "placed_at", "currency", "total", "balance_due", "payment_method",
            "status", "payment_status", "fulfilment_status", "lines"} <= set(order)
    assert order["lines"] == [{"sku": "MUG", "name": "Product MUG", "quantity": 2,
                               "unit_price": 850, "line_total": 1700, "reserved": 2,
                               "backordered": 0, "picked": 0, "shipped": 0, "returned": 0}]
    assert order["placed_at"].endswith("Z")
    with pytest.raises(NotFound):
        await order_service.get_order("999")


async def test_cancelling_releases_every_reservation_and_records_why():
    await add_product("MUG", 5)
    await add_product("BOOK", 1, backorder=True)
    placed = await order_service.place_order(make_draft(("MUG", 2), ("BOOK", 3)), actor="t")
    await order_service.cancel_order(placed.number, "customer changed their mind",
                                     actor="anne", expected_version=1)
    order = await Order.select().where(Order.id == placed.id).first()
    assert order["status"] == "cancelled" and order["cancelled_at"] is not None
    assert order["cancel_reason"] == "customer changed their mind" and order["version"] == 2
    assert order["backordered_quantity"] == 0
    assert order["balance_due"] == 0, "a cancelled unpaid order owes nothing"
    for sku, on_hand in (("MUG", 5), ("BOOK", 1)):
        assert (await stock.stock_level(sku)).as_dict() == {
            "sku": sku, "on_hand": on_hand, "reserved": 0, "available": on_hand,
            "backordered": 0}
    kinds = [e["kind"] for e in await OrderEvent.select().order_by(OrderEvent.id)]
    assert kinds == ["order.placed", "order.cancelled"]
    releases = await StockMovement.select().where(StockMovement.reason == "release")
    assert sorted(m["reserved_delta"] for m in releases) == [-2, -1]
    await assert_stock_invariant()
    with pytest.raises(NotCancellable, match="already cancelled"):
        await order_service.cancel_order(placed.number, "again", actor="anne")


async def test_cancelling_gives_the_released_units_to_orders_waiting_for_them():
    await add_product("BOOK", 2, backorder=True)
    first = await order_service.place_order(make_draft(("BOOK", 2)), actor="t")
    second = await order_service.place_order(make_draft(("BOOK", 3)), actor="t")
    await order_service.cancel_order(first.number, "duplicate", actor="anne")
    line = await OrderLine.select().where(OrderLine.order == second.id).first()
    assert (line["reserved"], line["backordered"]) == (2, 1)
    await assert_stock_invariant()


async def test_paid_shipped_or_stale_orders_are_not_cancelled():
    await add_product("MUG", 9)
    paid = await order_service.place_order(make_draft(("MUG", 1)), actor="t")
    await Order.update({Order.paid_total: 2000, Order.payment_status: "paid"}).where(
        Order.id == paid.id)
    with pytest.raises(NotCancellable, match="refund the payment first"):
        await order_service.cancel_order(paid.number, "too late", actor="anne")
    shipped = await order_service.place_order(make_draft(("MUG", 1)), actor="t")
    await Order.update({Order.fulfilment_status: "shipped"}).where(Order.id == shipped.id)
    with pytest.raises(NotCancellable, match="return"):
        await order_service.cancel_order(shipped.number, "too late", actor="anne")
    fresh = await order_service.place_order(make_draft(("MUG", 1)), actor="t")
    with pytest.raises(StaleVersion):
        await order_service.cancel_order(fresh.number, "x", actor="anne", expected_version=7)
    with pytest.raises(ValidationFailed):
        await order_service.cancel_order(fresh.number, "  ", actor="anne")
    with pytest.raises(NotFound):
        await order_service.cancel_order("999", "x", actor="anne")
    assert (await stock.stock_level("MUG")).reserved == 3
