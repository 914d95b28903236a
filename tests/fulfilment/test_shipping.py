"""Shipping whole and partial: statuses, stock, history, webhooks, refusals, undo, tracking."""

import json
from datetime import datetime, timedelta, timezone

import pytest

from dashboard.db.tables import OrderEvent, OutboxEmail, OutboxWebhook, Shipment, WebhookEndpoint
from dashboard.domain.errors import NotFound, ValidationFailed
from dashboard.domain.fulfilment.rules import NotAllowed
from dashboard.services.fulfilment import bulk_shipping
from dashboard.services.fulfilment import shipping as fulfilment
from dashboard.domain.fulfilment.rules import BulkShipRow
from tests.fulfilment.support import barcoded_order, lines_of, set_order, stock_of
from tests.factories import order as order_row, mark_picked

ACTOR = "staff:dispatch"


async def _endpoint():
    await WebhookEndpoint.insert(WebhookEndpoint(url="http://127.0.0.1:9/hook", secret="whsec_x"))


async def test_partial_then_full_shipment_statuses_and_stock():
    await _endpoint()
    order = await barcoded_order()
    lines = await lines_of(order["number"])
    shirt = lines["TSHIRT-BLUE-M"]["id"]
    assert await stock_of("TSHIRT-BLUE-M") == (100, 2)

    await mark_picked(order["number"])
    first = await fulfilment.ship_order(order["number"], carrier="colissimo",
                                        tracking_number="6a12345678901", lines={shirt: 1},
                                        actor=ACTOR)
    assert first.fulfilment_status == "partially_shipped"
    assert await stock_of("TSHIRT-BLUE-M") == (99, 1)
    row = await order_row(order["number"])
    assert row["last_carrier"] == "colissimo" and row["version"] == order["version"] + 1
    assert not await OutboxWebhook.exists().where(OutboxWebhook.event_type == "order.shipped")

    second = await fulfilment.ship_order(order["number"], carrier="ups",
                                         tracking_number="1Z999AA10123456784", actor=ACTOR)
    assert second.fulfilment_status == "shipped"
    lines = await lines_of(order["number"])
    assert [(ln["shipped"], ln["reserved"]) for ln in lines.values()] == [(2, 0), (1, 0)]
    assert await stock_of("TSHIRT-BLUE-M") == (98, 0) and await stock_of("MUG-RED") == (99, 0)
    shipments = await Shipment.select().order_by(Shipment.id)
    assert shipments[0]["tracking_number"] == "6A12345678901"
    assert shipments[1]["tracking_url"].endswith("1Z999AA10123456784")
    events = await OrderEvent.select(OrderEvent.kind).where(OrderEvent.order == order["id"])
    assert [e["kind"] for e in events].count("shipment.created") == 2
    [hook] = await OutboxWebhook.select().where(OutboxWebhook.event_type == "order.shipped")
    payload = hook["payload"] if isinstance(hook["payload"], dict) else json.loads(hook["payload"])
    assert payload["data"]["fulfilment_status"] == "shipped"


async def test_refusals_change_nothing():
    order = await barcoded_order()
    shirt = (await lines_of(order["number"]))["TSHIRT-BLUE-M"]["id"]
    with pytest.raises(ValidationFailed) as exc:
        await mark_picked(order["number"])
        await fulfilment.ship_order(order["number"], carrier="dpd", tracking_number="123",
                                    actor=ACTOR)
    assert "tracking_number" in exc.value.fields
    with pytest.raises(ValidationFailed):
        await fulfilment.ship_order(order["number"], carrier="pigeon", tracking_number="X1234",
                                    actor=ACTOR)
    with pytest.raises(ValidationFailed) as exc:
        await fulfilment.ship_order(order["number"], carrier="other", tracking_number="ABC-1",
                                    lines={shirt: 3}, actor=ACTOR)
    assert "at most 2" in exc.value.fields[f"line_{shirt}"]
    await set_order(order["number"], status="on_hold", hold_reason="manual")
    with pytest.raises(NotAllowed):
        await fulfilment.ship_order(order["number"], carrier="other", tracking_number="ABC-1",
                                    actor=ACTOR)
    await set_order(order["number"], status="cancelled", hold_reason=None)
    with pytest.raises(NotAllowed):
        await fulfilment.ship_order(order["number"], carrier="other", tracking_number="ABC-1",
                                    actor=ACTOR)
    with pytest.raises(NotFound):
        await fulfilment.ship_order("nope", carrier="other", tracking_number="ABC-1", actor=ACTOR)
    assert await Shipment.count() == 0
    assert await stock_of("TSHIRT-BLUE-M") == (100, 2)


async def test_backordered_units_cannot_ship():
    order = await barcoded_order(lines=[("CAP-GREEN", 3, 1000)])
    from dashboard.db.tables import OrderLine

    await OrderLine.update({OrderLine.reserved: 1, OrderLine.backordered: 2}).where(
        OrderLine.order == order["id"])
    line = (await lines_of(order["number"]))["CAP-GREEN"]["id"]
    with pytest.raises(ValidationFailed):
        await mark_picked(order["number"])
        await fulfilment.ship_order(order["number"], carrier="other", tracking_number="ABC-1",
                                    lines={line: 2}, actor=ACTOR)


async def test_tracking_updates_then_delivered_when_every_parcel_arrived():
    await _endpoint()
    order = await barcoded_order()
    shirt = (await lines_of(order["number"]))["TSHIRT-BLUE-M"]["id"]
    await mark_picked(order["number"])
    await fulfilment.ship_order(order["number"], carrier="dhl", tracking_number="1234567890",
                                lines={shirt: 2}, actor=ACTOR)
    await fulfilment.ship_order(order["number"], carrier="gls", tracking_number="12345678901",
                                actor=ACTOR)
    now = datetime.now(timezone.utc)
    status = await fulfilment.record_tracking_event(order["number"], "dhl", "1234567890",
                                                    "delivered", now, "carrier:dhl")
    assert status == "shipped"
    status = await fulfilment.record_tracking_event(order["number"], "gls", "12345678901",
                                                    "in_transit", now, "carrier:gls")
    assert status == "shipped"
    # A late "in transit" never sets a delivered parcel back.
    await fulfilment.record_tracking_event(order["number"], "dhl", "1234567890", "in_transit",
                                           now, "carrier:dhl")
    status = await fulfilment.mark_delivered(order["number"], actor=ACTOR)
    assert status == "delivered"
    assert (await order_row(order["number"]))["fulfilment_status"] == "delivered"
    assert await OutboxWebhook.count().where(OutboxWebhook.event_type == "order.delivered") == 1
    kinds = [e["kind"] for e in await OrderEvent.select(OrderEvent.kind)]
    assert kinds.count("shipment.tracking") == 4
    with pytest.raises(NotFound):
        await fulfilment.record_tracking_event(order["number"], "dhl", "999", "delivered", now,
                                               "carrier:dhl")
    with pytest.raises(ValidationFailed):
        await fulfilment.record_tracking_event(order["number"], "dhl", "1234567890", "lost",
                                               now, "carrier:dhl")


async def test_undo_within_five_minutes_puts_everything_back():
    await _endpoint()
    order = await barcoded_order()
    await mark_picked(order["number"])
    result = await fulfilment.ship_order(order["number"], carrier="other",
                                         tracking_number="ABC-1", notify_customer=True,
                                         actor=ACTOR)
    assert await OutboxEmail.count() == 1
    assert await fulfilment.undo_shipment(result.shipment_id, actor=ACTOR) == order["number"]
    row = await order_row(order["number"])
    assert row["fulfilment_status"] == "unfulfilled"
    assert await stock_of("TSHIRT-BLUE-M") == (100, 2)
    assert [ln["shipped"] for ln in (await lines_of(order["number"])).values()] == [0, 0]
    assert await OutboxEmail.count() == 0
    assert await OutboxWebhook.count().where(OutboxWebhook.event_type == "order.shipped") == 0
    with pytest.raises(NotAllowed):
        await fulfilment.undo_shipment(result.shipment_id, actor=ACTOR)
    again = await fulfilment.ship_order(order["number"], carrier="other",
                                        tracking_number="ABC-2", actor=ACTOR)
    with pytest.raises(NotAllowed, match="Too late"):
        await fulfilment.undo_shipment(again.shipment_id, actor=ACTOR,
                                       now=datetime.now(timezone.utc) + timedelta(minutes=6))


async def test_bulk_ships_what_it_can_and_reports_the_rest():
    good = await barcoded_order()
    held = await barcoded_order()
    await mark_picked(good["number"])
    await set_order(held["number"], status="on_hold", hold_reason="suspected_fraud")
    result = await bulk_shipping.ship_many([
        BulkShipRow(good["number"], "ups", "1Z999AA10123456784"),
        BulkShipRow(held["number"], "other", "ABC-9"),
        BulkShipRow("404", "other", "ABC-9"),
        BulkShipRow(good["number"], "other", "bad tracking!"),
    ], notify_customer=False, actor=ACTOR)
    assert result.changed == [good["number"]]
    assert set(result.skipped) == {held["number"], "404"}
    assert "on hold" in result.skipped[held["number"]]
    assert (await order_row(good["number"]))["fulfilment_status"] == "shipped"
