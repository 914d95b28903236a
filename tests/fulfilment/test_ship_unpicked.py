"""Nothing ships unpicked, through the service and the ship form; the back-office override."""

from __future__ import annotations

import pytest

from dashboard.db.tables import OrderEvent, Shipment
from dashboard.domain.fulfilment.rules import PickIncomplete
from dashboard.services.fulfilment import picking
from dashboard.services.fulfilment import shipping as fulfilment
from tests.fulfilment.support import EANS, barcoded_order, lines_of

HX = {"HX-Request": "true"}
ACTOR = "staff:test"


async def test_an_order_being_picked_cannot_ship_until_its_pick_list_is_complete():
    order = await barcoded_order()
    number = await picking.create_pick_list([order["number"]], actor=ACTOR)
    await picking.record_scan(number, "s1", EANS["MUG-RED"], actor=ACTOR)
    with pytest.raises(PickIncomplete) as refused:
        await fulfilment.ship_order(order["number"], carrier="other", tracking_number="ABC-1",
                                    actor=ACTOR)
    assert refused.value.missing == [("TSHIRT-BLUE-M", "Tshirt-Blue-M", 2)]
    assert not await Shipment.exists()
    await picking.record_scan(number, "s2", f"2*{EANS['TSHIRT-BLUE-M']}", actor=ACTOR)
    result = await fulfilment.ship_order(order["number"], carrier="other",
                                         tracking_number="ABC-1", actor=ACTOR)
    assert result.fulfilment_status == "shipped"


async def test_back_office_ships_without_picking_with_a_reason_in_the_history(login_as):
    order = await barcoded_order()
    lines = await lines_of(order["number"])
    client = await login_as("back_office")
    form = (await client.get(f"/dispatch/orders/{order['number']}/ship")).text
    assert 'name="without_picking"' in form and "2 × Tshirt-Blue-M (TSHIRT-BLUE-M)" in form
    url = f"/dispatch/orders/{order['number']}/ship"
    fields = {"carrier": "ups", "tracking_number": "1Z999AA10123456784",
              f"line_{lines['MUG-RED']['id']}": "1",
              f"line_{lines['TSHIRT-BLUE-M']['id']}": "2"}
    not_ticked = await client.post(url, headers=HX, data=fields)
    assert not_ticked.status_code == 422 and "is not fully picked" in not_ticked.text
    no_reason = await client.post(url, headers=HX, data={**fields, "without_picking": "1",
                                                         "unpicked_reason": "  "})
    assert no_reason.status_code == 422 and "Say why it ships without picking" in no_reason.text
    assert not await Shipment.exists()
    shipped = await client.post(url, data={**fields, "without_picking": "1",
                                           "unpicked_reason": "customer waiting at the desk"})
    assert shipped.status_code == 303
    assert (await lines_of(order["number"]))["TSHIRT-BLUE-M"]["shipped"] == 2
    [event] = await OrderEvent.select().where((OrderEvent.order == order["id"])
                                              & (OrderEvent.kind == "shipment.unpicked"))
    assert "customer waiting at the desk" in event["summary"]
    assert event["actor"] != "system"


async def test_the_ship_form_says_a_held_order_cannot_ship_before_anything_is_typed(login_as):
    from tests.fulfilment.support import set_order

    order = await barcoded_order()
    await set_order(order["number"], status="on_hold", hold_reason="suspected_fraud")
    client = await login_as("dispatch")
    form = (await client.get(f"/dispatch/orders/{order['number']}/ship")).text
    assert 'id="ship-refusal"' in form and "is on hold" in form
    assert '<button class="primary" disabled>' in form


@pytest.mark.parametrize("role, shown", [("dispatch", True), ("back_office", True),
                                         ("admin", True), ("call_centre", False)])
async def test_the_order_screen_links_to_the_ship_form_for_those_who_may_ship(login_as, role,
                                                                              shown):
    order = await barcoded_order()
    client = await login_as(role)
    page = (await client.get(f"/orders/{order['number']}")).text
    assert ('id="ship-order"' in page) is shown
