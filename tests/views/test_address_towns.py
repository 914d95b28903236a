"""Postcode and town must agree, with the committed Base Adresse Nationale list: the order
screen warns (web orders are not refused for it), the address edit form and the phone
draft refuse, in French under the city field; the screen offers the post's spelling."""

import pytest

from dashboard.db.tables import Order
from dashboard.domain.orders.intake import AddressDetails
from dashboard.services.orders.intake import place_order
from dashboard.services.orders.postcodes import postcode_book, town_match
from tests.factories import ADDRESS, add_product, make_draft, make_order
from tests.views.test_order_screen import address_form, current
from tests.views.test_phone_order_screens import DETAILS, new_draft

HX = {"HX-Request": "true"}
VILLEURBANNE_FR = "Le code postal 69003 dessert Lyon 3e, pas Villeurbanne."


@pytest.mark.parametrize("postcode, city, written", [
    ("75011", "Paris", "PARIS"),
    ("75 011", "paris 11e", "PARIS"),
    ("69100", "Villeurbanne", "VILLEURBANNE"),
    ("13001", "Marseille", "MARSEILLE"),
    ("97400", "Saint-Denis", "SAINT DENIS"),
    ("20000", "Ajaccio", "AJACCIO"),
    ("69441", "Lyon Cedex 03", "LYON CEDEX 03"),  # a CEDEX postcode: its département's towns
    ("05330", "Saint-Chaffrey", "SAINT CHAFFREY"),  # the label loses its own postcode
])
def test_the_committed_list_knows_real_pairs(postcode, city, written):
    assert town_match("FR", postcode, city).city == written


def test_the_committed_list_refuses_real_mismatches_and_checks_only_france():
    assert town_match("FR", "69003", "Villeurbanne").problem == (
        "Postcode 69003 is for Lyon 3e, not Villeurbanne.")
    assert "Ajaccio" in town_match("FR", "20000", "Bastia").problem
    assert town_match("FR", "00000", "Paris").problem == "No town has the postcode 00000."
    assert town_match("BE", "1000", "Paris") is None
    book = postcode_book()
    assert postcode_book() is book  # read once
    assert len(book.towns) > 6000 and len(book.towns["01400"]) > 6


async def test_the_order_screen_warns_about_a_web_orders_town_and_refuses_to_verify(login_as):
    http = await login_as("dispatch", locale="fr")
    # The web shop's order is taken as it came: the town is checked on the screen.
    await make_order(number="WS-TOWN", city="Villeurbanne")
    page = await http.get("/orders/WS-TOWN")
    assert page.status_code == 200
    warning = page.text.split('class="check-result bad" role="alert"')[1].split("</div>")[0]
    assert "Impossible d'expédier en l'état" in warning and VILLEURBANNE_FR in warning
    assert "/orders/WS-TOWN/verify-address" not in page.text
    refused = await http.post("/orders/WS-TOWN/verify-address", headers=HX)
    assert refused.status_code == 422 and VILLEURBANNE_FR in refused.text
    assert (await current("WS-TOWN"))["ship_verified_at"] is None


async def test_the_order_screen_offers_the_posts_spelling_of_town_and_postcode(login_as):
    http = await login_as("dispatch")
    order = await make_order(number="WS-974", postal_code="97 400", city="St-Denis")
    page = await http.get("/orders/WS-974")
    assert "“St-Denis” → <strong>“SAINT DENIS”</strong>" in page.text
    assert "“97 400” → <strong>“97400”</strong>" in page.text
    data = {f"before__ship_{p}": order[f"ship_{p}"] or "" for p in
            ("name", "company", "line1", "line2", "postal_code", "city", "region", "country",
             "phone")}
    applied = await http.post("/orders/WS-974/normalise-address", headers=HX, data=data)
    assert applied.status_code == 200, applied.text
    row = await current("WS-974")
    assert (row["ship_postal_code"], row["ship_city"]) == ("97400", "SAINT DENIS")
    assert row["ship_verified_at"] is not None


async def test_the_address_edit_form_refuses_a_town_of_another_postcode_in_french(login_as):
    http = await login_as("call_centre", locale="fr")
    order = await make_order(number="WS-EDIT")
    refused = await http.post("/orders/WS-EDIT/addresses/shipping", headers=HX,
                              data=address_form(order, ship_city="Villeurbanne"))
    assert refused.status_code == 422
    assert f'<p class="field-error" id="e-ship_city">{VILLEURBANNE_FR}</p>' in refused.text
    assert 'name="ship_city" value="Villeurbanne"' in refused.text  # what was typed is kept
    assert (await current("WS-EDIT"))["ship_city"] == "Lyon"
    billing = await http.post("/orders/WS-EDIT/addresses/billing", headers=HX, data={
        "version": str(order["version"]),
        **{f"before__bill_{p}": order[f"bill_{p}"] or "" for p in
           ("name", "company", "line1", "line2", "postal_code", "city", "region", "country")},
        **{f"bill_{p}": order[f"bill_{p}"] or "" for p in
           ("name", "company", "line1", "line2", "region")},
        "bill_postal_code": "20000", "bill_city": "Bastia", "bill_country": "FR"})
    assert billing.status_code == 422 and 'id="e-bill_city"' in billing.text
    assert "Le code postal 20000 dessert Ajaccio, Lecci, pas Bastia." in billing.text
    # The same edit with the town of that postcode goes through, however it is written.
    saved = await http.post("/orders/WS-EDIT/addresses/shipping", headers=HX,
                            data=address_form(order, ship_postal_code="69100",
                                              ship_city="villeurbanne"))
    assert saved.status_code == 200, saved.text
    assert (await current("WS-EDIT"))["ship_postal_code"] == "69100"


async def test_the_phone_draft_refuses_a_town_of_another_postcode_in_french(login_as):
    http = await login_as("call_centre", locale="fr")
    await add_product("LAMP", 5)
    url = await new_draft(http)
    await http.post(f"{url}/lines", headers=HX, data={"q": "LAMP", "quantity": "1"})
    refused = await http.post(f"{url}/place", headers=HX, data={
        **DETAILS, "shipping_address.postal_code": "69003",
        "shipping_address.city": "Villeurbanne", "customer.email": "not-an-email"})
    assert refused.status_code == 422
    assert (f'<p class="field-error" id="e-shipping_address.city">{VILLEURBANNE_FR}</p>'
            in refused.text)
    assert 'id="e-customer.email"' in refused.text  # named together with the intake's refusals
    assert await Order.count() == 0
    placed = await http.post(f"{url}/place", headers=HX, data={
        **DETAILS, "shipping_address.postal_code": "69003", "shipping_address.city": "Lyon 3e"})
    assert placed.status_code == 200, placed.text
    assert await Order.count() == 1


async def test_a_web_order_is_not_refused_for_its_town():
    await add_product("LAMP", 5)
    address = AddressDetails(name="Anne Martin", line1=ADDRESS.line1, postal_code="69003",
                             city="Villeurbanne", country="FR")
    placed = await place_order(make_draft(("LAMP", 1), shipping_address=address), actor="shop")
    assert (await Order.select(Order.ship_city).where(Order.number == placed.number).first()) == {
        "ship_city": "Villeurbanne"}
