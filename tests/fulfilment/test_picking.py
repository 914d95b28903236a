"""Scan-to-pick: counted once per client scan id, wrong/over/unknown flagged, short lines,
completion, holds, late edits that block the shipment until acknowledged."""

from datetime import datetime, timedelta, timezone

import pytest

from dashboard.db.tables import OrderLine, PickList, Scan
from dashboard.domain.errors import ValidationFailed
from dashboard.domain.fulfilment.rules import NotAllowed
from dashboard.services.fulfilment import shipping as fulfilment
from dashboard.services.fulfilment import holds
from dashboard.services.fulfilment import picking
from tests.factories import mark_picked
from tests.fulfilment.support import EANS, barcoded_order, lines_of, set_order

ACTOR = "staff:picker"
SHIRT, MUG = EANS["TSHIRT-BLUE-M"], EANS["MUG-RED"]


async def test_scans_count_once_flag_mistakes_and_complete():
    order = await barcoded_order()
    number = await picking.create_pick_list([order["number"]], actor=ACTOR)
    scan = picking.record_scan
    assert (await scan(number, "s1", SHIRT, actor=ACTOR)).result == "counted"
    replay = await scan(number, "s1", SHIRT, actor=ACTOR)  # the handheld retried
    assert replay.replayed and replay.result == "counted"
    assert (await lines_of(order["number"]))["TSHIRT-BLUE-M"]["picked"] == 1
    assert (await scan(number, "s2", "3*" + SHIRT, actor=ACTOR)).result == "over_pick"
    assert (await scan(number, "s3", EANS["CAP-GREEN"], actor=ACTOR)).result == "unknown"
    await barcoded_order(lines=[("CAP-GREEN", 1, 500)])  # now a known product, not on the list
    assert (await scan(number, "s4", EANS["CAP-GREEN"], actor=ACTOR)).result == "wrong_product"
    assert (await scan(number, "s5", "tshirt-blue-m", actor=ACTOR)).result == "counted"
    view = await picking.pick_list_view(number)
    assert (view["done"], view["total"]) == (2, 3)
    done = await scan(number, "s6", "1*" + MUG, actor=ACTOR)
    assert done.completed
    assert (await PickList.select().first())["status"] == "completed"
    assert {s: ln["picked"] for s, ln in (await lines_of(order["number"])).items()} == {
        "TSHIRT-BLUE-M": 2, "MUG-RED": 1}
    assert await Scan.count() == 6
    with pytest.raises(ValidationFailed):
        await scan(number, "s7", "", actor=ACTOR)


async def test_short_line_completes_and_limits_the_shipment():
    order = await barcoded_order()
    number = await picking.create_pick_list([order["number"]], actor=ACTOR)
    await picking.record_scan(number, "a", SHIRT, actor=ACTOR)
    await picking.record_scan(number, "b", MUG, actor=ACTOR)
    view = await picking.pick_list_view(number)
    shirt_line = next(ln for ln in view["lines"] if ln["sku"] == "TSHIRT-BLUE-M")
    assert await picking.mark_short(number, shirt_line["id"], actor=ACTOR) is True
    lines = await lines_of(order["number"])
    with pytest.raises(ValidationFailed, match="Some quantities"):
        await fulfilment.ship_order(order["number"], carrier="other", tracking_number="ABC-1",
                                    lines={lines["TSHIRT-BLUE-M"]["id"]: 2}, actor=ACTOR)
    result = await fulfilment.ship_order(order["number"], carrier="other",
                                         tracking_number="ABC-1", actor=ACTOR)
    assert result.fulfilment_status == "partially_shipped"  # what was picked: 1 shirt, 1 mug


async def test_batch_of_paid_orders_and_delivery_note_scan():
    first = await barcoded_order()
    second = await barcoded_order(lines=[("MUG-RED", 2, 900)])
    unpaid = await barcoded_order()
    for o in (first, second):
        await set_order(o["number"], payment_status="paid")
    number = await picking.create_batch_pick_list(actor=ACTOR)
    view = await picking.pick_list_view(number)
    assert {ln["order_number"] for ln in view["lines"]} == {first["number"], second["number"]}
    # Scanning another order's delivery note opens (creates) that order's pick list.
    outcome = await picking.record_scan(number, "n1", unpaid["number"], actor=ACTOR)
    assert outcome.result == "order" and outcome.open_pick_list not in (None, number)
    with pytest.raises(NotAllowed):
        await picking.create_pick_list([first["number"]], actor=ACTOR)
    # A 3-unit scan spreads over the same product's lines of both orders.
    assert (await picking.record_scan(number, "n2", "3*" + MUG, actor=ACTOR)).result == "counted"


async def test_held_orders_cannot_be_picked_or_shipped():
    order = await barcoded_order()
    until = datetime.now(timezone.utc) + timedelta(days=2)
    await holds.hold_order(order["number"], "until_date", until, "staff:bo")
    with pytest.raises(NotAllowed, match="on hold"):
        await picking.create_pick_list([order["number"]], actor=ACTOR)
    with pytest.raises(NotAllowed, match="already on hold"):
        await holds.hold_order(order["number"], "manual", None, "staff:bo")
    await holds.release_hold(order["number"], "staff:bo")
    await holds.hold_order(order["number"], "suspected_fraud", None, "staff:bo")
    with pytest.raises(NotAllowed):
        await fulfilment.ship_order(order["number"], carrier="other", tracking_number="ABC-1",
                                    actor=ACTOR)
    with pytest.raises(ValidationFailed):
        await holds.hold_order(order["number"], "because", None, "staff:bo")
    await holds.release_hold(order["number"], "staff:bo")
    assert await picking.create_pick_list([order["number"]], actor=ACTOR)


async def test_late_edit_put_back_blocks_shipping_until_acknowledged():
    order = await barcoded_order()
    number = await picking.create_pick_list([order["number"]], actor=ACTOR)
    await picking.record_scan(number, "p1", "2*" + SHIRT, actor=ACTOR)
    lines = await lines_of(order["number"])
    shirt = lines["TSHIRT-BLUE-M"]["id"]
    # The customer now wants one shirt (the order edit lowers the line), and two mugs.
    await OrderLine.update({OrderLine.quantity: 1, OrderLine.reserved: 1}).where(
        OrderLine.id == shirt)
    tasks = await picking.note_order_changed(order["id"], {shirt: 1, lines["MUG-RED"]["id"]: 2},
                                             actor="staff:cc")
    assert len(tasks) == 2
    view = await picking.pick_list_view(number)
    assert sorted(t["kind"] for t in view["tasks"]) == ["pick_more", "put_back"]
    with pytest.raises(NotAllowed, match="picker must confirm"):
        await fulfilment.ship_order(order["number"], carrier="other", tracking_number="ABC-1",
                                    actor=ACTOR)
    with pytest.raises(NotAllowed):
        await picking.check_label_allowed(order["number"])
    for task in view["tasks"]:
        await picking.acknowledge_task(task["id"], actor=ACTOR)
    assert (await lines_of(order["number"]))["TSHIRT-BLUE-M"]["picked"] == 1
    view = await picking.pick_list_view(number)
    assert view["tasks"] == [] and (view["done"], view["total"]) == (1, 3)
    await picking.check_label_allowed(order["number"])


async def test_a_lapsed_dated_hold_no_longer_holds():
    order = await barcoded_order()
    await set_order(order["number"], status="on_hold", hold_reason="until_date",
                    hold_until=datetime.now(timezone.utc) - timedelta(hours=1))
    await mark_picked(order["number"])
    result = await fulfilment.ship_order(order["number"], carrier="other",
                                         tracking_number="ABC-1", actor=ACTOR)
    assert result.fulfilment_status == "shipped"
