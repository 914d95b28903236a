"""The picker's and the dispatch desk's screens over HTTP: role limits, scans with their
result headers, the ship form, bulk CSV, scan-to-ship and undo, labels refused by a task."""

from dashboard.db.tables import OrderLine, OutboxEmail, Shipment
from dashboard.services.fulfilment import picking
from tests.factories import mark_picked
from tests.fulfilment.support import EANS, barcoded_order, lines_of, set_order

HX = {"HX-Request": "true"}


async def test_picker_sees_picking_only(login_as):
    client = await login_as("picker")
    assert (await client.get("/picking")).status_code == 200
    for path in ("/dispatch", "/orders", "/stock", "/payments", "/dispatch/scan"):
        assert (await client.get(path)).status_code == 403, path
    page = (await client.get("/picking")).text
    assert 'href="/dispatch"' not in page and 'rel="manifest"' in page
    assert (await client.get("/static/picking.webmanifest")).status_code == 200


async def test_dispatch_reaches_dispatch_and_sees_held_orders(login_as):
    held = await barcoded_order()
    await set_order(held["number"], status="on_hold", hold_reason="address_to_check")
    ready = await barcoded_order(paid=True)
    client = await login_as("dispatch")
    page = (await client.get("/dispatch")).text
    assert 'href="/dispatch"' in page
    held_part = page.split('id="held"')[1].split('id="waiting"')[0]
    assert held["number"] in held_part and "Address to check" in held_part
    assert ready["number"] in page.split('id="held"')[0]


async def test_the_dispatch_queue_holds_only_what_may_leave(login_as):
    from dashboard.services.payments import money as payments
    from datetime import date

    paid = await barcoded_order(paid=True)
    unpaid = await barcoded_order()
    partly = await barcoded_order()
    await payments.record_payment(partly["number"], 1000, "EUR", "PSP-PART", method=None,
                                  source="webhook", received_on=date.today(), actor="t",
                                  send_receipt=False)
    collect = await barcoded_order(payment_method="cash_on_pickup")
    backordered = await barcoded_order(paid=True)
    await OrderLine.update({OrderLine.backordered: 1, OrderLine.reserved: 0}).where(
        (OrderLine.order == backordered["id"]) & (OrderLine.sku == "MUG-RED"))
    client = await login_as("dispatch")
    page = (await client.get("/dispatch")).text
    ready_part = page.split('id="held"')[0]
    waiting_part = page.split('id="waiting"')[1]
    for order in (paid, collect):
        assert order["number"] in ready_part and order["number"] not in waiting_part
    for order in (unpaid, partly, backordered):
        assert order["number"] not in ready_part and order["number"] in waiting_part
    assert "units on backorder" in waiting_part and "Partially paid" in waiting_part


async def test_the_ship_form_shows_where_it_goes_and_proposes_the_last_carrier(login_as):
    order = await barcoded_order(paid=True)
    client = await login_as("dispatch")
    form = (await client.get(f"/dispatch/orders/{order['number']}/ship")).text
    assert 'id="address-unverified"' in form and "France" in form
    assert '<option value="colissimo" selected>' in form
    assert f'href="/orders/{order["number"]}/labels/shipping.zpl"' in form
    await set_order(order["number"], last_carrier="dpd")
    form = (await client.get(f"/dispatch/orders/{order['number']}/ship")).text
    assert '<option value="dpd" selected>' in form


async def test_scans_over_http_flag_results_and_replay(login_as):
    order = await barcoded_order()
    number = await picking.create_pick_list([order["number"]], actor="t")
    client = await login_as("picker")
    page = await client.get(f"/picking/{number}")
    assert 'id="scan"' in page.text and "autofocus" in page.text
    url = f"/picking/{number}/scans"
    first = await client.post(url, data={"client_scan_id": "c1", "code": EANS["MUG-RED"]},
                              headers=HX)
    assert first.headers["X-Scan-Result"] == "counted" and "<html" not in first.text
    again = await client.post(url, data={"client_scan_id": "c1", "code": EANS["MUG-RED"]},
                              headers=HX)
    assert again.headers["X-Scan-Result"] == "counted" and "already counted" in again.text
    over = await client.post(url, data={"client_scan_id": "c2", "code": EANS["MUG-RED"]},
                             headers=HX)
    assert over.headers["X-Scan-Result"] == "over_pick" and 'role="alert"' in over.text
    unknown = await client.post(url, data={"client_scan_id": "c3", "code": "0000"}, headers=HX)
    assert unknown.headers["X-Scan-Result"] == "unknown"
    other = await barcoded_order()
    note = await client.post(url, data={"client_scan_id": "c4", "code": other["number"]},
                             headers=HX)
    assert note.headers["X-Open-Pick-List"] != number
    assert (await lines_of(order["number"]))["MUG-RED"]["picked"] == 1


async def test_ship_form_refuses_then_ships(login_as):
    order = await barcoded_order()
    lines = await lines_of(order["number"])
    client = await login_as("dispatch")
    form = (await client.get(f"/dispatch/orders/{order['number']}/ship")).text
    assert f'name="line_{lines["MUG-RED"]["id"]}"' in form
    # Never picked: the form lists what is missing, dispatch may not override.
    assert "Not fully picked" in form and "1 × Mug-Red (MUG-RED)" in form
    assert 'name="without_picking"' not in form
    unpicked = await client.post(f"/dispatch/orders/{order['number']}/ship", headers=HX, data={
        "carrier": "ups", "tracking_number": "1Z999AA10123456784",
        f"line_{lines['MUG-RED']['id']}": "1", "without_picking": "1",
        "unpicked_reason": "customer waiting at the desk"})
    assert unpicked.status_code == 422
    assert "Only back office or an admin may ship without picking" in unpicked.text
    assert not await Shipment.exists()
    await mark_picked(order["number"])
    form = (await client.get(f"/dispatch/orders/{order['number']}/ship")).text
    assert "Not fully picked" not in form
    bad = await client.post(f"/dispatch/orders/{order['number']}/ship", headers=HX, data={
        "carrier": "ups", "tracking_number": "12", f"line_{lines['MUG-RED']['id']}": "1"})
    assert bad.status_code == 422 and "Not a UPS tracking number (expected like" in bad.text
    ok = await client.post(f"/dispatch/orders/{order['number']}/ship", data={
        "carrier": "ups", "tracking_number": "1Z999AA10123456784", "notify": "1",
        f"line_{lines['MUG-RED']['id']}": "1", f"line_{lines['TSHIRT-BLUE-M']['id']}": "0"})
    assert ok.status_code == 303 and ok.headers["location"] == f"/orders/{order['number']}"
    assert await OutboxEmail.count() == 1
    assert (await lines_of(order["number"]))["MUG-RED"]["shipped"] == 1


async def test_bulk_csv_reports_per_order(login_as):
    first = await barcoded_order()
    second = await barcoded_order()
    third = await barcoded_order()  # never picked
    await mark_picked(first["number"])
    await set_order(second["number"], status="cancelled")
    client = await login_as("dispatch")
    csv = (f"order number;carrier;tracking number\n{first['number']};dpd;09876543210123\n"
           f"{second['number']};dpd;09876543210124\n{third['number']};dpd;09876543210125\n")
    answer = await client.post("/dispatch/bulk", data={"csv": csv}, headers=HX)
    assert answer.status_code == 200
    assert "1 order shipped" in answer.text and "is cancelled" in answer.text
    assert f"Order {third['number']} is not fully picked" in answer.text
    assert (await lines_of(third["number"]))["MUG-RED"]["shipped"] == 0
    bad = await client.post("/dispatch/bulk", data={"csv": "just one cell"})
    assert bad.status_code == 422


async def test_scan_to_ship_then_undo(login_as):
    order = await barcoded_order()
    client = await login_as("dispatch")
    refused = await client.post("/dispatch/scan", data={"code": order["number"]})
    assert refused.status_code == 422 and "is not fully picked" in refused.text
    assert f'name="pending" value="{order["number"]}"' not in refused.text
    await mark_picked(order["number"])
    step = await client.post("/dispatch/scan", data={"code": order["number"]})
    assert f'value="{order["number"]}"' in step.text
    done = await client.post("/dispatch/scan", data={"pending": order["number"],
                                                     "code": "1Z999AA10123456784"})
    assert done.status_code == 200 and f"{order['number']} shipped" in done.text
    [shipment] = await Shipment.select()
    assert shipment["carrier"] == "ups"
    assert await OutboxEmail.count() == 1
    unknown = await client.post("/dispatch/scan", data={"pending": order["number"],
                                                        "code": "ZZZ"})
    assert unknown.status_code == 422
    undone = await client.post(f"/dispatch/shipments/{shipment['id']}/undo")
    assert "shipment undone" in undone.text
    assert (await Shipment.select().first())["status"] == "cancelled"
    assert await OutboxEmail.count() == 0


async def test_label_refused_until_the_picker_acknowledges(login_as):
    order = await barcoded_order()
    number = await picking.create_pick_list([order["number"]], actor="t")
    await picking.record_scan(number, "x", EANS["MUG-RED"], actor="t")
    mug = (await lines_of(order["number"]))["MUG-RED"]["id"]
    [task] = await picking.note_order_changed(order["id"], {mug: 0})
    client = await login_as("dispatch")
    label = await client.get(f"/orders/{order['number']}/labels/shipping.zpl")
    assert label.status_code == 422
    page = await client.get(f"/picking/{number}")
    assert "Put back" in page.text
    await client.post(f"/picking/{number}/tasks/{task}/acknowledge")
    label = await client.get(f"/orders/{order['number']}/labels/shipping.zpl")
    assert label.status_code == 200


async def test_collected_asks_for_confirmation_first(login_as):
    from dashboard.services.fulfilment import pickup

    order = await barcoded_order(payment_method="cash_on_pickup")
    await set_order(order["number"], shipping_method="click_and_collect")
    await pickup.ready_for_pickup(order["number"], "staff:shop")
    client = await login_as("dispatch", locale="fr")
    page = (await client.get("/dispatch")).text
    form = page.split(f'/dispatch/orders/{order["number"]}/collected"')[1].split(">")[0]
    assert 'onsubmit="return confirm(this.dataset.confirm)"' in form
    assert f"a-t-il bien retiré la commande {order['number']}" in form


async def test_ship_form_refusals_read_in_french_under_their_field(login_as):
    order = await barcoded_order(paid=True)
    await mark_picked(order["number"])
    lines = await lines_of(order["number"])
    client = await login_as("dispatch", username="dispatch-fr", locale="fr")
    url = f"/dispatch/orders/{order['number']}/ship"
    shirt, mug = lines["TSHIRT-BLUE-M"]["id"], lines["MUG-RED"]["id"]
    empty = await client.post(url, headers=HX, data={"carrier": "ups", "tracking_number": ""})
    assert empty.status_code == 422 and "Saisissez le numéro de suivi." in empty.text
    bad = await client.post(url, headers=HX, data={"carrier": "ups", "tracking_number": "12"})
    assert "Ce n’est pas un numéro de suivi UPS (attendu : comme 1Z999AA10123456784)." in bad.text
    unknown = await client.post(url, headers=HX, data={"carrier": "pigeon",
                                                       "tracking_number": "ABC-1"})
    assert "Choisissez un transporteur dans la liste." in unknown.text
    nothing = await client.post(url, headers=HX, data={
        "carrier": "other", "tracking_number": "ABC-1", f"line_{shirt}": "0", f"line_{mug}": "0"})
    assert "Choisissez au moins un article à expédier." in nothing.text
    for refused in (empty, bad, unknown, nothing):
        assert "required" not in refused.text and "tracking number" not in refused.text
    assert not await Shipment.exists()


async def test_the_ship_form_counts_items_in_the_masculine(login_as):
    # Quantity columns count items (des articles), unlike the order's status (la commande).
    order = await barcoded_order(paid=True)
    client = await login_as("dispatch", locale="fr")
    form = (await client.get(f"/dispatch/orders/{order['number']}/ship")).text
    assert '<th class="num">Expédié</th><th class="num">Retourné</th>' in form
