"""Every panel of the order screen that shows money or status follows an edit made on it:
the edit answers with the ``orderChanged`` event, each panel listens for it and re-reads
its own fragment, which is the same partial the page includes."""

import re

import pytest

from dashboard.db.tables import Order, OrderLine
from dashboard.services.payments import money as payments
from tests.factories import make_order

HX = {"HX-Request": "true"}
LISTENS = 'hx-trigger="orderChanged from:body"'


async def paid_order(quantity: int = 2, price: int = 1000) -> dict:
    o = await make_order(lines=[("MUG", quantity, price)], payment_method="card")
    await payments.record_payment(o["number"], quantity * price, "EUR", "PSP-1", method="card",
                                  source="manual", received_on=None, actor="t",
                                  send_receipt=False)
    return o


async def set_quantity(http, o: dict, seen: int, quantity: int):
    line = await OrderLine.select().where(OrderLine.order == o["id"]).first()
    return await http.post(f"/orders/{o['number']}/changes/lines/{line['id']}/quantity",
                           headers=HX, data={"before__quantity": str(seen),
                                             "quantity": str(quantity)})


def payment_badge(html: str) -> str:
    found = re.search(r'<span class="badge pay-([a-z_]+)" id="payment-badge">([^<]*)</span>', html)
    assert found, html
    return f"{found[1]}: {found[2]}".replace("\u202f", " ").replace("\xa0", " ")


def panel_urls(o: dict) -> dict[str, str]:
    n = o["number"]
    return {"order-head": f"/orders/{n}/panels/order-head", "lines": f"/orders/{n}/panels/lines",
            "payments": f"/orders/{n}/panels/payments", "history": f"/orders/{n}/panels/history",
            "returns-panel": f"/orders/{n}/returns/panel",
            "documents": f"/orders/{n}/documents-panel?format=a4"}


async def test_every_money_and_status_panel_listens_and_its_fragment_is_the_page_markup(
        login_as):
    http = await login_as("call_centre")
    o = await paid_order()
    page = (await http.get(f"/orders/{o['number']}")).text
    for element_id, url in panel_urls(o).items():
        fragment = await http.get(url, headers=HX)
        assert fragment.status_code == 200, url
        opening = re.search(rf'<(section|div)[^>]*id="{element_id}"[^>]*>', fragment.text)[0]
        assert f'hx-get="{url}"' in opening and LISTENS in opening, opening
        if element_id != "returns-panel":  # the page has the self-loading placeholder
            assert opening in page, element_id
    assert "<html" not in fragment.text


async def test_raising_a_quantity_on_a_paid_order_refreshes_badge_and_balances(login_as):
    http = await login_as("call_centre", locale="fr")
    o = await paid_order()
    urls = panel_urls(o)
    before = await http.get(urls["order-head"], headers=HX)
    assert payment_badge(before.text) == "paid: Payée"
    events_before = (await http.get(urls["history"], headers=HX)).text.count("<li>")
    answer = await set_quantity(http, o, 2, 3)
    assert answer.status_code == 200
    assert "orderChanged" in answer.headers["HX-Trigger"]
    head = await http.get(urls["order-head"], headers=HX)
    assert payment_badge(head.text) == "partially_paid: Partiellement payée, reste dû 10,00 €"
    # The live check carries the new version: this edit is not taken for a colleague's.
    version = (await Order.select(Order.version).where(Order.id == o["id"]).first())["version"]
    assert f"/live?version={version}" in head.text
    lines = (await http.get(urls["lines"], headers=HX)).text
    assert "Reste à payer" in lines and "30,00" in lines and "10,00" in lines
    returns = (await http.get(urls["returns-panel"], headers=HX)).text
    assert 'data-balance="1000"' in returns
    history = (await http.get(urls["history"], headers=HX)).text
    assert history.count("<li>") == events_before + 1


async def test_lowering_a_quantity_on_a_paid_order_says_owed_to_the_customer(login_as):
    http = await login_as("call_centre", locale="fr")
    o = await paid_order(quantity=3)
    answer = await set_quantity(http, o, 3, 2)
    assert answer.status_code == 200 and "orderChanged" in answer.headers["HX-Trigger"]
    head = (await http.get(f"/orders/{o['number']}/panels/order-head", headers=HX)).text
    assert payment_badge(head) == "owed_to_customer: Dû au client : 10,00 €"
    returns = (await http.get(f"/orders/{o['number']}/returns/panel", headers=HX)).text
    assert 'data-balance="-1000"' in returns and "Dû au client" in returns
    page = (await http.get(f"/orders/{o['number']}")).text  # a reload says the same
    assert payment_badge(page) == "owed_to_customer: Dû au client : 10,00 €"


async def test_refusals_do_not_fire_the_event(login_as):
    http = await login_as("call_centre")
    o = await paid_order()
    refused = await set_quantity(http, o, 5, 1)  # stale: someone else's quantity
    assert refused.status_code == 422 and "orderChanged" not in refused.headers.get(
        "HX-Trigger", "")


async def test_other_edits_on_the_screen_fire_the_event_too(login_as):
    http = await login_as("call_centre")
    o = await paid_order()
    n = o["number"]
    held = await http.post(f"/orders/{n}/hold", headers=HX, data={"reason": "manual"})
    assert held.status_code == 200 and "orderChanged" in held.headers["HX-Trigger"]
    head = (await http.get(f"/orders/{n}/panels/order-head", headers=HX)).text
    assert "status-on_hold" in head
    released = await http.post(f"/orders/{n}/hold/release", data={}, follow_redirects=False)
    assert released.status_code == 303 and released.headers["location"] == f"/orders/{n}"
    shipping = await http.post(f"/orders/{n}/changes/shipping", headers=HX,
                               data={"before__shipping_method": "carrier",
                                     "before__shipping_total": str(o["shipping_total"]),
                                     "shipping_method": "click_and_collect",
                                     "price_choice": "keep"})
    assert shipping.status_code == 200 and "orderChanged" in shipping.headers["HX-Trigger"]
    note = await http.post(f"/orders/{n}/notes", headers=HX, data={"body": "called back"})
    assert "orderChanged" in note.headers["HX-Trigger"]


@pytest.mark.parametrize("panel", ["order-head", "lines", "payments", "history",
                                   "returns-panel", "documents"])
async def test_the_fragments_are_refused_to_roles_without_the_orders_area(login_as, panel):
    o = await paid_order()
    http = await login_as("picker")
    answer = await http.get(panel_urls(o)[panel], headers=HX, follow_redirects=False)
    assert answer.status_code == 403, answer.status_code


async def test_unknown_panels_and_orders_are_not_found(login_as):
    http = await login_as("call_centre")
    o = await paid_order()
    assert (await http.get(f"/orders/{o['number']}/panels/notes", headers=HX)).status_code == 404
    assert (await http.get("/orders/999999/panels/lines", headers=HX)).status_code == 404
