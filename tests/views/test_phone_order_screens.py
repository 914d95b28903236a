"""Phone order screens: caller search fragment, draft pages with and without htmx, errors
and short lines shown in place, placement, resume, and "Repeat order" from the order screen."""

import re

from dashboard.db.tables import Order, PhoneDraft, Product
from dashboard.services.orders.intake import place_order
from tests.factories import add_product, make_draft

HX = {"HX-Request": "true"}
DETAILS = {
    "customer.email": "bob@example.fr", "customer.first_name": "Bob",
    "customer.last_name": "Durand", "customer.phone": "+33611223344",
    "shipping_address.name": "Bob Durand", "shipping_address.line1": "3 place Bellecour",
    "shipping_address.postal_code": "69002", "shipping_address.city": "Lyon",
    "shipping_address.country": "FR", "same_billing": "1", "payment_method": "card",
    "shipping_method": "carrier",
}


async def new_draft(http, customer_id: str = "") -> str:
    started = await http.post("/orders/new", data={"customer_id": customer_id},
                              follow_redirects=False)
    assert started.status_code == 303
    return started.headers["location"]


async def test_orders_list_links_to_phone_orders_and_callers_search_as_you_type(login_as):
    http = await login_as("call_centre")
    await add_product("LAMP", 5)
    placed = await place_order(make_draft(("LAMP", 1)), actor="shop")
    assert 'href="/orders/new"' in (await http.get("/orders")).text
    page = await http.get("/orders/new", params={"q": "martin"})
    assert page.status_code == 200 and "<html" in page.text and "anne@example.fr" in page.text
    fragment = await http.get("/orders/new/callers", params={"q": placed.number}, headers=HX)
    assert "<html" not in fragment.text and "anne@example.fr" in fragment.text
    assert "Start order" in fragment.text
    none = await http.get("/orders/new/callers", params={"q": "zzz"}, headers=HX)
    assert "Nobody matches" in none.text


async def test_phone_order_from_search_to_placed_with_htmx(login_as):
    http = await login_as("call_centre")
    await add_product("LAMP-BRASS", 5, price=4500, name="Brass lamp")
    url = await new_draft(http)
    page = await http.get(url)
    assert page.status_code == 200 and 'id="phone-draft"' in page.text
    hits = await http.get(f"{url}/products", params={"q": "brass"}, headers=HX)
    assert 'value="LAMP-BRASS"' in hits.text and "5 available" in hits.text
    added = await http.post(f"{url}/lines", headers=HX,
                            data={"q": "brass", "code": "LAMP-BRASS", "quantity": "2"})
    assert added.status_code == 200 and "Brass lamp" in added.text
    assert "90.00" in added.text or "90,00" in added.text  # 2 x 45.00
    changed = await http.post(f"{url}/lines/0", headers=HX, data={"quantity": "3"})
    assert changed.status_code == 200
    placed = await http.post(f"{url}/place", headers=HX, data=DETAILS)
    assert placed.status_code == 200, placed.text
    number = placed.headers["HX-Redirect"].rsplit("/", 1)[1]
    order = await Order.select().where(Order.number == number).first()
    assert (order["channel"], order["total"], order["customer_email"]) == (
        "phone", 3 * 4500 + 590, "bob@example.fr")
    assert (await http.get(url, follow_redirects=False)).headers["location"] == f"/orders/{number}"


async def test_field_errors_and_short_lines_come_back_in_place(login_as):
    http = await login_as("call_centre")
    await add_product("LAMP", 1)
    url = await new_draft(http)
    await http.post(f"{url}/lines", headers=HX, data={"q": "LAMP", "quantity": "2"})
    invalid = await http.post(f"{url}/place", headers=HX,
                              data={**DETAILS, "customer.email": "not-an-email",
                                    "shipping_address.postal_code": "ABC"})
    assert invalid.status_code == 422
    assert 'id="e-customer.email"' in invalid.text and "not an email address" in invalid.text
    assert 'id="e-shipping_address.postal_code"' in invalid.text
    assert 'value="not-an-email"' in invalid.text  # what the agent typed is kept
    short = await http.post(f"{url}/place", headers=HX, data=DETAILS)
    assert short.status_code == 422 and "Only 1 available" in short.text
    assert await Order.count() == 0
    unknown = await http.post(f"{url}/lines", data={"q": "NOPE", "quantity": "1"})
    assert unknown.status_code == 422 and "<html" in unknown.text


async def test_without_htmx_every_step_redirects_and_the_draft_is_resumable(login_as):
    http = await login_as("call_centre")
    await add_product("LAMP", 3)
    url = await new_draft(http)
    added = await http.post(f"{url}/lines", data={"q": "LAMP", "quantity": "1"},
                            follow_redirects=False)
    assert added.status_code == 303 and added.headers["location"] == url
    saved = await http.post(f"{url}/details", data=DETAILS, follow_redirects=False)
    assert saved.status_code == 303
    listing = await http.get("/orders/new")
    assert "Bob Durand" in listing.text and f'href="{url}"' in listing.text
    placed = await http.post(f"{url}/place", data=DETAILS, follow_redirects=False)
    assert placed.status_code == 303 and re.match(r"^/orders/\S+$", placed.headers["location"])


async def test_repeat_order_button_creates_a_flagged_draft(login_as):
    http = await login_as("call_centre")
    await add_product("LAMP", 5, price=4500)
    await add_product("MUG", 5, price=1200)
    placed = await place_order(make_draft(("LAMP", 1), ("MUG", 1)), actor="shop")
    await Product.update({Product.price: 4900}).where(Product.sku == "LAMP")
    await Product.update({Product.active: False}).where(Product.sku == "MUG")
    screen = await http.get(f"/orders/{placed.number}")
    assert f'action="/orders/new/repeat/{placed.number}"' in screen.text
    repeat = await http.post(f"/orders/new/repeat/{placed.number}", follow_redirects=False)
    draft = await http.get(repeat.headers["location"])
    assert "No longer sold" in draft.text and "Price changed: was" in draft.text
    assert f"Repeat of order {placed.number}" in draft.text
    assert await PhoneDraft.count() == 1


async def test_enter_in_the_search_box_adds_the_first_hit(login_as):
    http = await login_as("call_centre")
    await add_product("LAMP-BRASS", 5, name="Brass lamp")
    await add_product("LAMP-IRON", 5, name="Iron lamp")
    url = await new_draft(http)
    added = await http.post(f"{url}/lines", headers=HX, data={"q": "iron", "quantity": "2"})
    assert added.status_code == 200 and "Iron lamp" in added.text
    assert "Brass lamp" not in added.text


async def test_a_second_click_while_the_first_is_still_placing_is_refused_in_place(login_as):
    """The first click's request is still inside its transaction (its key is in flight in
    this process): the second is told so on the draft, in French, and places nothing."""
    from dashboard.services.orders import intake

    http = await login_as("call_centre", locale="fr")
    await add_product("LAMP", 3)
    url = await new_draft(http)
    await http.post(f"{url}/lines", headers=HX, data={"q": "LAMP", "quantity": "1"})
    key = f"call_centre-user:phone-draft-{url.rsplit('/', 1)[1]}"
    intake._IN_FLIGHT.add(key)
    try:
        second = await http.post(f"{url}/place", headers=HX, data=DETAILS)
    finally:
        intake._IN_FLIGHT.discard(key)
    assert second.status_code == 422
    assert "Cette commande téléphonique est déjà en cours d'enregistrement." in second.text
    assert await Order.count() == 0
    placed = await http.post(f"{url}/place", headers=HX, data=DETAILS)
    assert placed.status_code == 200 and await Order.count() == 1


async def test_a_new_caller_with_a_known_phone_is_offered_the_existing_customer_in_french(login_as):
    http = await login_as("call_centre", locale="fr")
    await add_product("LAMP", 5)
    await place_order(make_draft(("LAMP", 1)), actor="shop")  # Anne, +33612345678
    url = await new_draft(http)
    page = await http.post(f"{url}/details", headers=HX, data={
        **DETAILS, "customer.email": "anne.m@example.fr", "customer.phone": "06 12 34 56 78"})
    assert "C’est peut-être le même client" in page.text and "même téléphone" in page.text
    assert "+33 6 12 34 56 78" in page.text
    customer_id = re.search(r'/customer/(\d+)"', page.text).group(1)
    taken = await http.post(f"{url}/customer/{customer_id}", headers=HX, data=DETAILS)
    assert taken.status_code == 200 and "La commande est maintenant celle de ce client" in taken.text
    assert 'value="anne@example.fr"' in taken.text
    assert "peut-être le même client" not in taken.text
    draft = await PhoneDraft.select().where(PhoneDraft.id == int(url.rsplit("/", 1)[1])).first()
    assert draft["customer"] == int(customer_id)
    missing = await http.post(f"{url}/customer/999999", headers=HX, data=DETAILS)
    assert missing.status_code == 404


async def test_adding_a_product_keeps_what_the_agent_typed_even_when_refused(login_as):
    """The add-line and quantity forms carry the details form (hx-include): nothing typed
    is lost, also when the product is unknown or the quantity refused."""
    http = await login_as("call_centre", locale="fr")
    await add_product("MUG-TYPED", 5, price=1200, name="Mug tapé")
    url = await new_draft(http)
    typed = DETAILS | {"details_form": "1", "shipping_address.line1": "12 rue des Lilas"}
    added = await http.post(f"{url}/lines", headers=HX,
                            data=typed | {"code": "MUG-TYPED", "quantity": "1"})
    assert added.status_code == 200 and "Mug tapé" in added.text
    assert 'value="12 rue des Lilas"' in added.text and 'value="bob@example.fr"' in added.text
    unknown = await http.post(f"{url}/lines", headers=HX, data=typed | {
        "shipping_address.city": "Lyon 2e", "code": "NOPE-404", "quantity": "1"})
    assert unknown.status_code == 422
    assert 'value="Lyon 2e"' in unknown.text  # typed before the refusal, kept
    refused = await http.post(f"{url}/lines/0", headers=HX, data=typed | {
        "customer.first_name": "Roberte", "quantity": "abc"})
    assert refused.status_code == 422 and 'value="Roberte"' in refused.text
    draft = await PhoneDraft.select(PhoneDraft.data).where(
        PhoneDraft.id == int(url.rsplit("/", 1)[1])).first()
    data = draft["data"] if isinstance(draft["data"], dict) else __import__("json").loads(draft["data"])
    assert data["customer"]["first_name"] == "Roberte"
    assert [line["sku"] for line in data["lines"]] == ["MUG-TYPED"]
    assert data["lines"][0]["quantity"] == 1  # the refused quantity changed nothing


async def test_autosave_says_saved_only_once_it_is(login_as):
    http = await login_as("call_centre", locale="fr")
    await add_product("LAMP-AUTO", 5)
    url = await new_draft(http)
    page = await http.get(url)
    assert 'id="draft-save-state"' in page.text and f'hx-post="{url}/autosave"' in page.text
    assert 'data-unsaved="Pas encore enregistré…"' in page.text
    saved = await http.post(f"{url}/autosave", headers=HX,
                            data=DETAILS | {"details_form": "1", "customer.last_name": "Autosave"})
    assert saved.status_code == 200 and "Brouillon enregistré à " in saved.text
    assert "<html" not in saved.text
    draft_page = await http.get(url)
    assert 'value="Autosave"' in draft_page.text
    await http.post(f"{url}/lines", headers=HX, data={"code": "LAMP-AUTO", "quantity": "1"})
    placed = await http.post(f"{url}/place", headers=HX, data=DETAILS)
    assert placed.status_code == 200
    late = await http.post(f"{url}/autosave", headers=HX, data=DETAILS | {"details_form": "1"})
    assert late.status_code == 409 and "déjà été passée" in late.text

    picker = await login_as("picker")
    assert (await picker.post(f"{url}/autosave", data=DETAILS)).status_code == 403
