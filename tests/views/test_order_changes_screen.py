"""The "change the order" panel: the page comes back whole (htmx picks the panel, lines and
history from it), refusals come back as 422 with the reason in the panel, and without htmx
a success redirects to the order screen."""

from dashboard.db.tables import OrderLine, OutboxEmail, Stock
from tests.factories import make_order

HX = {"HX-Request": "true"}


async def first_line(order: dict) -> dict:
    return await OrderLine.select().where(OrderLine.order == order["id"]).first()


async def test_order_screen_shows_the_change_panel_and_the_balance(login_as):
    http = await login_as("call_centre")
    o = await make_order(lines=[("MUG", 2, 1000)])
    page = await http.get(f"/orders/{o['number']}")
    assert 'id="order-changes"' in page.text and "Customer owes" in page.text
    assert f'hx-post="/orders/{o["number"]}/changes/lines"' in page.text


async def test_quantity_change_with_and_without_htmx(login_as):
    http = await login_as("call_centre")
    o = await make_order(lines=[("MUG", 2, 1000)])
    line = await first_line(o)
    url = f"/orders/{o['number']}/changes/lines/{line['id']}/quantity"
    answer = await http.post(url, headers=HX, data={"before__quantity": "2", "quantity": "3"})
    assert answer.status_code == 200 and 'id="order-changes"' in answer.text
    assert 'id="lines"' in answer.text and "Quantity changed" in answer.text
    assert "ordersChanged" in answer.headers["HX-Trigger"]
    plain = await http.post(url, data={"before__quantity": "3", "quantity": "4"},
                            follow_redirects=False)
    assert plain.status_code == 303 and plain.headers["location"] == f"/orders/{o['number']}"
    assert (await first_line(o))["quantity"] == 4


async def test_refusals_come_back_in_the_panel_as_422(login_as):
    http = await login_as("call_centre")
    o = await make_order(lines=[("MUG", 2, 1000)])
    await Stock.update({Stock.on_hand: 3}).where(Stock.product.sku == "MUG")
    line = await first_line(o)
    url = f"/orders/{o['number']}/changes/lines/{line['id']}/quantity"
    short = await http.post(url, headers=HX, data={"before__quantity": "2", "quantity": "9"})
    assert short.status_code == 422 and "7 more wanted, 1 available" in short.text
    stale = await http.post(url, headers=HX, data={"before__quantity": "5", "quantity": "1"})
    assert stale.status_code == 422 and "Someone else changed this" in stale.text
    assert "Reload the current values" in stale.text
    bad = await http.post(url, data={"before__quantity": "2", "quantity": "many"})
    assert bad.status_code == 422 and "<html" in bad.text  # without htmx: the whole page
    assert (await first_line(o))["quantity"] == 2


async def test_add_line_search_shows_live_stock_and_adds_the_product(login_as):
    http = await login_as("call_centre")
    o = await make_order(lines=[("MUG", 1, 1000)])
    await make_order(lines=[("LAMP-BRASS", 1, 4500)])
    hits = await http.get(f"/orders/{o['number']}/changes/products", params={"q": "lamp"},
                          headers=HX)
    assert 'value="LAMP-BRASS"' in hits.text and "99 available" in hits.text
    added = await http.post(f"/orders/{o['number']}/changes/lines", headers=HX,
                            data={"q": "lamp", "code": "LAMP-BRASS", "quantity": "2"})
    assert added.status_code == 200 and "Line added" in added.text
    unknown = await http.post(f"/orders/{o['number']}/changes/lines", headers=HX,
                              data={"q": "NOPE", "quantity": "1"})
    assert unknown.status_code == 422
    assert "No product has the SKU or barcode NOPE." in unknown.text


async def test_product_search_ignores_accents_and_refuses_in_french(login_as):
    from tests.factories import add_product

    await add_product("MARIN-RAY-M", 20, name="Marinière rayée M")
    await add_product("MARIN-OLD", 20, name="Marinière d’hier")
    from dashboard.db.tables import Product

    await Product.update({Product.active: False}).where(Product.sku == "MARIN-OLD")
    http = await login_as("call_centre", locale="fr")
    o = await make_order(lines=[("MUG", 1, 1000)])
    for typed in ("mariniere", "MARINIÈRE rayee", "rayée"):
        hits = await http.get(f"/orders/{o['number']}/changes/products", params={"q": typed},
                              headers=HX)
        assert 'value="MARIN-RAY-M"' in hits.text, typed
        assert 'value="MARIN-OLD"' not in hits.text  # withdrawn: not offered
    added = await http.post(f"/orders/{o['number']}/changes/lines", headers=HX,
                            data={"q": "mariniere", "quantity": "1"})
    assert added.status_code == 200, added.text
    unknown = await http.post(f"/orders/{o['number']}/changes/lines", headers=HX,
                              data={"q": "NOPE", "quantity": "1"})
    assert unknown.status_code == 422
    assert "Aucun produit n’a la référence ou le code-barres NOPE." in unknown.text
    withdrawn = await http.post(f"/orders/{o['number']}/changes/lines", headers=HX,
                                data={"code": "MARIN-OLD", "quantity": "1"})
    assert withdrawn.status_code == 422 and "MARIN-OLD n’est plus en vente." in withdrawn.text


async def test_shipping_method_and_pay_difference_buttons(login_as):
    http = await login_as("back_office")
    o = await make_order(lines=[("MUG", 1, 1000)], payment_method="card")
    base = f"/orders/{o['number']}/changes"
    changed = await http.post(f"{base}/shipping", headers=HX,
                              data={"before__shipping_method": "carrier",
                                    "before__shipping_total": "0",
                                    "shipping_method": "click_and_collect"})
    assert changed.status_code == 200
    refused = await http.post(f"{base}/pay-difference", headers=HX)
    assert refused.status_code == 422  # unpaid order: the button is not even shown
    assert "Email the customer the difference" not in refused.text
    assert await OutboxEmail.count() == 0


async def test_a_paid_order_that_grows_owes_the_difference_in_the_payment_queue(login_as):
    from dashboard.services.payments import money as payments

    http = await login_as("back_office")
    o = await make_order(lines=[("MUG", 2, 1000)], payment_method="card")
    await payments.record_payment(o["number"], 2000, "EUR", "PSP-1", method="card",
                                  source="manual", received_on=None, actor="t",
                                  send_receipt=False)
    assert o["number"] not in (await http.get("/payments")).text
    line = await first_line(o)
    await http.post(f"/orders/{o['number']}/changes/lines/{line['id']}/quantity", headers=HX,
                    data={"before__quantity": "2", "quantity": "3"})
    queue = await http.get("/payments")
    assert o["number"] in queue.text and "€10.00" in queue.text
    screen = await http.get(f"/orders/{o['number']}")
    assert "Email the customer the difference (€10.00)" in screen.text
    sent = await http.post(f"/orders/{o['number']}/changes/pay-difference", headers=HX)
    assert sent.status_code == 200 and await OutboxEmail.count() == 1
