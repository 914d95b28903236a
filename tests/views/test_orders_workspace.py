"""The orders workspace over HTTP: one URL, full page or fragment; saved views; bulk
actions with their per-order report; who may enter."""

from dashboard.db.tables import Order, OrderEvent, OrderNote
from tests.factories import make_order

HX = {"HX-Request": "true", "HX-Target": "results"}


async def test_same_url_gives_the_page_or_only_the_results_fragment(login_as):
    http = await login_as("back_office")
    await make_order(name="Hélène Dupré", number="WS-1")
    await make_order(name="Paul Durand", number="WS-2")
    page = await http.get("/orders?q=HELENE")
    assert page.status_code == 200
    assert "<html" in page.text and 'id="results"' in page.text and "WS-1" in page.text
    assert "WS-2" not in page.text and 'value="HELENE"' in page.text
    fragment = await http.get("/orders?q=HELENE", headers=HX)
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and "WS-1" in fragment.text and "WS-2" not in fragment.text
    assert 'id="status-tabs" class="tabs"' in fragment.text and 'hx-swap-oob="true"' in fragment.text
    # Back button after the history cache is gone: htmx asks for the whole page again.
    restore = await http.get("/orders?q=HELENE",
                             headers={**HX, "HX-History-Restore-Request": "true"})
    assert "<html" in restore.text and 'value="HELENE"' in restore.text


async def test_filters_round_trip_and_tabs_count_per_status(login_as):
    http = await login_as("dispatch")
    await make_order(status="on_hold", payment_method="bank_transfer", number="WS-H")
    await make_order(payment_method="bank_transfer", number="WS-O")
    await make_order(payment_method="card", number="WS-C")
    page = await http.get("/orders?payment_method=bank_transfer&status=on_hold&month=bogus")
    assert "WS-H" in page.text and "WS-O" not in page.text and "WS-C" not in page.text
    assert '<option value="bank_transfer" selected>' in page.text
    # Tabs count every status under the other filters: 2 bank transfers, 1 of them on hold.
    tabs = page.text.split('id="status-tabs"')[1].split("</div>")[0]
    assert 'value="on_hold" checked' in tabs
    counts = [part.split("</span>")[0] for part in tabs.split('class="tab-count">')[1:]]
    assert counts[:3] == ["2", "1", "1"]  # all, open, on hold


async def test_saved_views_are_per_user_and_deletable(login_as, client):
    http = await login_as("back_office")
    response = await http.post("/orders/views", data={
        "name": "Unpaid transfers", "payment_method": "bank_transfer",
        "payment_status": "unpaid", "cursor": "abc", "junk": "x"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert 'href="/orders?payment_status=unpaid&amp;payment_method=bank_transfer"' in response.text
    empty = await http.post("/orders/views", data={"name": " "}, headers={"HX-Request": "true"})
    assert empty.status_code == 422 and "required" in empty.text
    page = await http.get("/orders")
    assert "Unpaid transfers" in page.text
    view_id = page.text.split('hx-post="/orders/views/')[1].split("/")[0]
    # Another user neither sees nor deletes it.
    client.cookies.clear()
    client.headers.pop("x-csrftoken")
    other = await login_as("call_centre")
    assert "Unpaid transfers" not in (await other.get("/orders")).text
    assert (await other.post(f"/orders/views/{view_id}/delete")).status_code == 404


async def test_bulk_note_and_hold_report_each_order_and_trigger_a_refresh(login_as):
    http = await login_as("back_office")
    open_order = await make_order(number="WS-A")
    held = await make_order(number="WS-B", status="on_hold", hold_reason="fraud check")
    cancelled = await make_order(number="WS-C", status="cancelled")
    ids = [open_order["id"], held["id"], cancelled["id"]]
    response = await http.post("/orders/bulk", data={"action": "hold", "reason": "address check",
                                                     "order_ids": ids})
    assert response.status_code == 200
    assert "ordersChanged" in response.headers["HX-Trigger"]
    assert "WS-A" in response.text and "already on hold" in response.text
    assert "order is cancelled" in response.text
    row = await Order.select(Order.status, Order.hold_reason, Order.version).where(
        Order.id == open_order["id"]).first()
    assert row == {"status": "on_hold", "hold_reason": "address check", "version": 2}

    response = await http.post("/orders/bulk", data={"action": "add_note", "note": "Called the bank",
                                                     "scope": "matching", "matching": "status=on_hold"})
    assert response.status_code == 200 and "2 orders changed" in response.text
    assert await OrderNote.count().where(OrderNote.body == "Called the bank") == 2
    counts = await Order.select(Order.number, Order.note_count).order_by(Order.number)
    assert [r["note_count"] for r in counts] == [1, 1, 0]
    assert await OrderEvent.count().where(OrderEvent.kind == "note.added") == 2

    response = await http.post("/orders/bulk", data={"action": "release_hold", "order_ids": ids})
    assert "2 orders changed" in response.text and "not on hold" not in response.text


async def test_bulk_refuses_unknown_actions_and_empty_input_without_changing_anything(login_as):
    http = await login_as("back_office")
    order = await make_order()
    for data in ({"action": "drop_tables", "order_ids": [order["id"]]},
                 {"action": "add_note", "note": "  ", "order_ids": [order["id"]]},
                 {"action": "hold", "reason": "x"}):
        response = await http.post("/orders/bulk", data=data)
        assert response.status_code == 422, data
        assert "HX-Trigger" not in response.headers
    assert (await Order.select(Order.status, Order.note_count).first()) == {
        "status": "open", "note_count": 0}


async def test_picker_cannot_open_the_orders_workspace(login_as):
    http = await login_as("picker")
    assert (await http.get("/orders")).status_code == 403
    assert (await http.post("/orders/bulk", data={"action": "hold"})).status_code == 403


async def test_enter_on_a_whole_order_number_opens_it_typing_only_filters(login_as):
    http = await login_as("call_centre")
    await make_order(number="123456")
    await make_order(number="1234567")
    jump = await http.get("/orders?q=123456&jump=1", follow_redirects=False)
    assert jump.status_code == 303 and jump.headers["location"] == "/orders/123456"
    # Live typing (htmx) never jumps, even with the form's jump field sent along.
    typing = await http.get("/orders?q=123456&jump=1", headers=HX)
    assert typing.status_code == 200 and "123456" in typing.text and "1234567" in typing.text
    # No order has that number, or it is not a number: the list, filtered.
    for q in ("999999", "12345", "Anne"):
        listed = await http.get(f"/orders?q={q}&jump=1", follow_redirects=False)
        assert listed.status_code == 200, q
        assert 'name="jump"' in listed.text and "jump=" not in listed.headers.get("hx-push-url", "")


async def test_the_search_box_says_in_french_that_it_finds_products(login_as):
    http = await login_as("back_office", locale="fr")
    page = await http.get("/orders")
    assert 'placeholder="Rechercher n°, nom, e-mail, téléphone, code postal, produit"' in page.text
    empty = await http.get("/orders?q=introuvable", headers=HX)
    assert "produits commandés (SKU, code-barres ou nom)" in empty.text


async def test_capped_counts_are_followed_by_the_exact_ones(login_as, monkeypatch):
    from dashboard.services.orders import listing

    monkeypatch.setattr(listing, "COUNT_CAP", 2)
    http = await login_as("back_office")
    for _ in range(4):
        await make_order()
    await make_order(status="on_hold")
    page = await http.get("/orders?status=open", headers=HX)
    assert "More than 2 orders" in page.text
    assert 'hx-get="/orders/counts?status=open" hx-trigger="load"' in page.text
    counts = await http.get("/orders/counts?status=open", headers=HX)
    assert counts.status_code == 200
    head = counts.text.split('id="results-head"')[1].split("</div>")[0]
    assert 'data-total="4"' in head and 'data-total-text="4"' in head
    assert 'data-capped="false"' in head and "4 orders" in head
    tabs = counts.text.split('id="status-tabs"')[1].split("</div>")[0]
    assert 'hx-swap-oob="true"' in tabs
    assert [part.split("</span>")[0] for part in tabs.split('class="tab-count">')[1:]][:3] == [
        "5", "4", "1"]
    # A small view is exact already: no second request.
    monkeypatch.setattr(listing, "COUNT_CAP", 1000)
    assert "/orders/counts" not in (await http.get("/orders", headers=HX)).text
    picker = await login_as("picker")
    assert (await picker.get("/orders/counts")).status_code == 403
