"""Changing an order's shipping method or price: the agreed price is kept unless the agent
chooses the list price or a price by hand with a reason; totals, balance and history follow
in one transaction; refusals write nothing."""

import json

import pytest

from dashboard.db.tables import Order, OrderEvent
from dashboard.domain.errors import StaleVersion, ValidationFailed
from dashboard.domain.orders.changes import NotChangeable
from dashboard.services.orders import changes as order_changes
from dashboard.services.payments import money as payments
from tests.factories import make_order, order

ACTOR = "agent"


async def change(number: str, **kwargs) -> dict:
    now = await order(number)
    values = {"seen_method": now["shipping_method"], "seen_price": now["shipping_total"],
              "method": now["shipping_method"], "actor": ACTOR} | kwargs
    return await order_changes.change_shipping(number, **values)


async def shipping_events(order_id: int) -> list[dict]:
    return await OrderEvent.select().where(
        (OrderEvent.order == order_id) & OrderEvent.kind.like("order.shipping_%")).order_by(
        OrderEvent.id)


async def test_away_and_back_keeps_the_agreed_free_shipping():
    o = await make_order(lines=[("MUG", 1, 1000)], shipping_total=0)
    assert (o["shipping_method"], o["shipping_total"], o["total"]) == ("carrier", 0, 1000)
    away = await change(o["number"], method="click_and_collect")
    assert (away["shipping_method"], away["shipping_total"], away["total"]) == (
        "click_and_collect", 0, 1000)
    back = await change(o["number"], method="carrier", choice="keep")
    assert (back["shipping_method"], back["shipping_total"], back["total"],
            back["balance_due"]) == ("carrier", 0, 1000, 1000)
    events = await shipping_events(o["id"])
    assert [e["kind"] for e in events] == ["order.shipping_method_changed"] * 2
    data = json.loads(events[1]["data"]) if isinstance(events[1]["data"], str) else events[1]["data"]
    assert (data["before"], data["after"], data["price_before"], data["price_after"],
            data["choice"]) == ("click_and_collect", "carrier", 0, 0, "keep")


async def test_apply_the_new_methods_price_moves_total_and_balance():
    o = await make_order(lines=[("MUG", 1, 1000)], shipping_total=0, payment_method="card")
    await payments.record_payment(o["number"], 1000, "EUR", "PSP-SHIP", method="card",
                                  source="manual", received_on=None, actor=ACTOR,
                                  send_receipt=False)
    await change(o["number"], method="click_and_collect")
    after = await change(o["number"], method="carrier", choice="list")
    assert (after["shipping_total"], after["total"], after["balance_due"],
            after["payment_status"]) == (590, 1590, 590, "partially_paid")
    assert after["tax_total"] > o["tax_total"]  # shipping VAT recomputed with the totals
    (_, event) = await shipping_events(o["id"])
    assert "0.00 EUR → 5.90 EUR" in event["summary"] and event["actor"] == ACTOR


async def test_a_manual_price_with_its_reason_goes_to_the_history():
    o = await make_order(lines=[("MUG", 1, 1000)], shipping_total=590)
    after = await change(o["number"], choice="manual", manual_price="3,50",
                         reason="geste commercial", locale="fr")
    assert (after["shipping_method"], after["shipping_total"], after["total"]) == (
        "carrier", 350, 1350)
    (event,) = await shipping_events(o["id"])
    assert event["kind"] == "order.shipping_price_changed"
    assert "5.90 EUR → 3.50 EUR" in event["summary"]
    assert "reason: geste commercial" in event["summary"]
    assert after["version"] == o["version"] + 1


async def test_a_paid_order_made_cheaper_owes_the_customer():
    o = await make_order(lines=[("MUG", 1, 1000)], shipping_total=590, paid=True)
    after = await change(o["number"], method="click_and_collect", choice="list")
    assert (after["total"], after["balance_due"]) == (1000, -590)


@pytest.mark.parametrize("typed, reason, fields", [
    ("3,50", "", {"shipping_reason"}),
    ("abc", "geste", {"shipping_price"}),
    ("1e9", "geste", {"shipping_price"}),
    ("-5", "geste", {"shipping_price"}),
    ("1000,01", "geste", {"shipping_price"}),
])
async def test_refused_manual_prices_write_nothing(typed, reason, fields):
    o = await make_order(lines=[("MUG", 1, 1000)], shipping_total=0)
    with pytest.raises(ValidationFailed) as refused:
        await change(o["number"], method="click_and_collect", choice="manual",
                     manual_price=typed, reason=reason)
    assert set(refused.value.fields) == fields
    now = await order(o["number"])
    assert (now["shipping_method"], now["shipping_total"], now["version"]) == (
        "carrier", 0, o["version"])
    assert await shipping_events(o["id"]) == []


async def test_a_price_someone_changed_meanwhile_is_stale():
    o = await make_order(lines=[("MUG", 1, 1000)], shipping_total=0)
    await change(o["number"], choice="manual", manual_price="2", reason="premier agent")
    with pytest.raises(StaleVersion) as stale:
        await order_changes.change_shipping(o["number"], seen_method="carrier", seen_price=0,
                                            method="click_and_collect", actor="second")
    assert [c.field for c in stale.value.details["conflicts"]] == ["Shipping price"]
    with pytest.raises(StaleVersion):
        await order_changes.change_shipping(o["number"], seen_method="click_and_collect",
                                            seen_price=200, method="carrier", actor="second")
    assert (await order(o["number"]))["shipping_total"] == 200


async def test_the_method_is_refused_once_goods_left_but_a_price_may_still_be_set():
    o = await make_order(lines=[("MUG", 2, 1000)], shipping_total=590)
    await Order.update({Order.fulfilment_status: "partially_shipped"}).where(
        Order.id == o["id"])
    with pytest.raises(NotChangeable):
        await change(o["number"], method="click_and_collect")
    after = await change(o["number"], choice="manual", manual_price="0", reason="retard")
    assert after["shipping_total"] == 0
    cash = await make_order(lines=[("MUG", 1, 1000)], payment_method="cash_on_pickup",
                            shipping_method="click_and_collect")
    with pytest.raises(ValidationFailed) as refused:
        await change(cash["number"], method="carrier")
    assert list(refused.value.fields) == ["shipping_method"]


async def test_keeping_everything_writes_nothing():
    o = await make_order(lines=[("MUG", 1, 1000)], shipping_total=0)
    same = await change(o["number"], choice="keep")
    assert same["shipping_total"] == 0 and await shipping_events(o["id"]) == []


async def test_the_preview_shows_the_change_without_writing():
    o = await make_order(lines=[("MUG", 1, 1000)], shipping_total=0)
    form = await order_changes.shipping_preview(o["number"], method="click_and_collect")
    assert (form.price_before, form.list_price, form.change.price, form.total_after) == (
        0, 0, 0, 1000)
    listed = await order_changes.shipping_preview(o["number"], choice="list")
    assert (listed.list_price, listed.total_after, listed.balance_after) == (590, 1590, 1590)
    assert (await order(o["number"]))["version"] == o["version"]
