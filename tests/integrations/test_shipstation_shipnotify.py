"""ShipStation's ``shipnotify``: the ``<ShipNotice>`` creates the shipment (whole or the
items it lists), a replayed notice ships nothing twice, refusals say why and change nothing."""

import pytest

from dashboard.db.tables import OrderEvent, OutboxEmail, ReceivedWebhook, Shipment, ShipmentLine
from tests.fulfilment.support import lines_of
from tests.factories import make_order, order

TRACKING = "6A12345678901"  # fits Colissimo


def notice(number, *, carrier="Colissimo", tracking=TRACKING, items="", notify="true"):
    return f"""<?xml version="1.0" encoding="utf-8"?>
<ShipNotice>
  <OrderNumber>{number}</OrderNumber>
  <OrderID>1</OrderID>
  <CustomerCode>anne.martin@example.fr</CustomerCode>
  <NotifyCustomer>{notify}</NotifyCustomer>
  <LabelCreateDate>07/14/2026 10:30</LabelCreateDate>
  <ShipDate>07/14/2026</ShipDate>
  <Carrier>{carrier}</Carrier>
  <Service>Expert France</Service>
  <TrackingNumber>{tracking}</TrackingNumber>
  <ShippingCost>6.90</ShippingCost>
  {items}
</ShipNotice>""".encode()


def params(number, tracking=TRACKING):
    return {"action": "shipnotify", "order_number": number, "carrier": "Colissimo",
            "service": "Expert France", "tracking_number": tracking}


async def test_a_notice_ships_everything_and_a_replay_ships_nothing(shipstation):
    placed = await make_order(lines=[("TSHIRT-BLUE-M", 2, 1990), ("MUG-RED", 1, 1250)])
    response = await shipstation.post(params(placed["number"]), notice(placed["number"]))
    assert response.status_code == 200 and response.text.strip() == "shipped"
    shipment = await Shipment.select().first()
    assert (shipment["carrier"], shipment["tracking_number"], shipment["actor"]) == (
        "colissimo", TRACKING, "ShipStation")
    assert (await order(placed["number"]))["fulfilment_status"] == "shipped"
    assert {sku: line["shipped"] for sku, line in (await lines_of(placed["number"])).items()} == {
        "TSHIRT-BLUE-M": 2, "MUG-RED": 1}
    assert await OrderEvent.exists().where(OrderEvent.kind == "shipment.created")
    assert await OutboxEmail.count() == 0  # the shop did not ask to notify (default off)

    again = await shipstation.post(params(placed["number"]), notice(placed["number"]))
    assert again.status_code == 200 and again.text.strip() == "duplicate"
    assert await Shipment.count() == 1 and await ShipmentLine.count() == 2


async def test_listed_items_make_a_partial_shipment(shipstation):
    placed = await make_order(lines=[("TSHIRT-BLUE-M", 2, 1990), ("MUG-RED", 1, 1250)])
    items = "<Items><Item><SKU>TSHIRT-BLUE-M</SKU><Name>Tee</Name><Quantity>1</Quantity></Item></Items>"
    response = await shipstation.post(params(placed["number"]),
                                      notice(placed["number"], items=items))
    assert response.status_code == 200
    lines = await lines_of(placed["number"])
    assert (lines["TSHIRT-BLUE-M"]["shipped"], lines["MUG-RED"]["shipped"]) == (1, 0)
    assert (await order(placed["number"]))["fulfilment_status"] == "partially_shipped"
    second = await shipstation.post(params(placed["number"], "6A12345678902"),
                                    notice(placed["number"], tracking="6A12345678902"))
    assert second.status_code == 200
    assert (await order(placed["number"]))["fulfilment_status"] == "shipped"


async def test_customer_notified_when_the_shop_asks_unless_shipstation_did(shipstation, configure):
    configure(DASHBOARD_SHIPSTATION_NOTIFY_CUSTOMER="on")
    first = await make_order()
    await shipstation.post(params(first["number"]), notice(first["number"], notify="true"))
    assert await OutboxEmail.count().where(OutboxEmail.template == "shipping_notification") == 1
    second = await make_order()
    await shipstation.post(params(second["number"], "6A12345678902"),
                           notice(second["number"], notify="false", tracking="6A12345678902"))
    assert await OutboxEmail.count().where(OutboxEmail.template == "shipping_notification") == 1


async def test_a_carrier_we_do_not_list_is_recorded_as_other(shipstation):
    placed = await make_order()
    response = await shipstation.post(params(placed["number"], "9400111899223197428490"),
                                      notice(placed["number"], carrier="USPS",
                                             tracking="9400111899223197428490"))
    assert response.status_code == 200
    shipment = await Shipment.select().first()
    assert (shipment["carrier"], shipment["service"]) == ("other", "USPS Expert France")


async def test_unknown_order_is_404_with_reason(shipstation):
    response = await shipstation.post(params("999999"), notice("999999"))
    assert response.status_code == 404 and "999999" in response.text
    assert await ReceivedWebhook.count() == 0


@pytest.mark.parametrize("body, reason", [
    (b"<ShipNotice><OrderNumber>", "well-formed"),
    ("<ShipNotice><Items><Item><SKU>NOPE</SKU><Quantity>1</Quantity></Item></Items>"
     "</ShipNotice>", "not on this order"),
    ("<ShipNotice><TrackingNumber>12</TrackingNumber></ShipNotice>", "tracking"),
])
async def test_bad_notices_are_400_and_change_nothing(shipstation, body, reason):
    placed = await make_order()
    body = body.encode() if isinstance(body, str) else body
    response = await shipstation.post(params(placed["number"]), body)
    assert response.status_code == 400 and reason in response.text
    assert await Shipment.count() == 0 and await ReceivedWebhook.count() == 0
    assert (await order(placed["number"]))["fulfilment_status"] == "unfulfilled"


async def test_a_cancelled_order_is_refused(shipstation):
    placed = await make_order(status="cancelled")
    response = await shipstation.post(params(placed["number"]), notice(placed["number"]))
    assert response.status_code == 409
    assert await Shipment.count() == 0


async def test_shipnotify_needs_credentials(shipstation):
    placed = await make_order()
    response = await shipstation.post(params(placed["number"]), notice(placed["number"]),
                                      headers={})
    assert response.status_code == 401 and await Shipment.count() == 0


async def test_the_export_lists_what_is_left_to_ship(shipstation):
    from lxml import etree

    from tests.integrations.test_shipstation_export import _range

    placed = await make_order(lines=[("TSHIRT-BLUE-M", 2, 1990), ("MUG-RED", 1, 1250)])
    items = "<Items><Item><SKU>TSHIRT-BLUE-M</SKU><Quantity>1</Quantity></Item></Items>"
    await shipstation.post(params(placed["number"]), notice(placed["number"], items=items))
    root = etree.fromstring((await shipstation.get(_range())).content)
    listed = [(i.findtext("SKU"), i.findtext("Quantity")) for i in root.iter("Item")]
    assert listed == [("TSHIRT-BLUE-M", "1"), ("MUG-RED", "1")]
    assert root.findtext("Order/OrderStatus") == "unpaid"
    await shipstation.post(params(placed["number"], "6A12345678902"),
                           notice(placed["number"], tracking="6A12345678902"))
    root = etree.fromstring((await shipstation.get(_range())).content)
    assert root.findtext("Order/OrderStatus") == "shipped"
    assert [(i.findtext("SKU"), i.findtext("Quantity")) for i in root.iter("Item")] == [
        ("TSHIRT-BLUE-M", "2"), ("MUG-RED", "1")]  # all gone: what was ordered


@pytest.mark.parametrize("action", ["SHIPNOTIFY", "export", ""])
async def test_a_notice_needs_the_shipnotify_action_as_shipstation_spells_it(shipstation, action):
    placed = await make_order()
    response = await shipstation.post({**params(placed["number"]), "action": action},
                                      notice(placed["number"]))
    assert response.status_code == 400 and "action must be" in response.text
    assert not await Shipment.exists()
