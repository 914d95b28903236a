"""The order screen: what it shows, inline edits with the concurrent-edit rule, notes,
and address verification."""

from datetime import datetime, timezone

from dashboard.db.tables import Order, OrderEvent, Shipment
from dashboard.services.payments import money as payments
from tests.factories import add_product, make_order

HX = {"HX-Request": "true"}
SHIP = ("name", "company", "line1", "line2", "postal_code", "city", "region", "country", "phone")


def address_form(order: dict, **changes) -> dict:
    """What the browser sends: every field as shown (before__) and as wanted."""
    data = {"version": str(order["version"])}
    for part in SHIP:
        name = f"ship_{part}"
        data[f"before__{name}"] = order[name] or ""
        data[name] = changes.get(name, order[name] or "")
    return data


async def current(number: str) -> dict:
    return await Order.select().where(Order.number == number).first()


async def test_order_screen_shows_lines_money_payments_shipments_history_and_customer(login_as):
    http = await login_as("call_centre", locale="fr")
    await add_product("TSHIRT-BLUE-M", 100, name="T-shirt bleu M")
    old = await make_order(number="WS-OLD")
    order = await make_order(old["customer"], number="WS-NEW", payment_method="card",
                             lines=[("TSHIRT-BLUE-M", 2, 1990), ("TSHIRT-BLUE-M", 1, 500)])
    await payments.record_payment("WS-NEW", 1000, "EUR", "PSP-8F2K1", method=None,
                                  source="webhook", received_on=None, actor="psp")
    await Shipment.insert(Shipment(order=order["id"], carrier="colissimo",
                                   tracking_number="6A12345678901",
                                   shipped_at=datetime.now(timezone.utc)))
    await OrderEvent.insert(OrderEvent(order=order["id"], kind="order.placed",
                                       summary="Order placed on the web shop"))
    page = await http.get("/orders/WS-NEW")
    assert page.status_code == 200
    for text in ("T-shirt bleu M", "PSP-8F2K1", "6A12345678901", "Order placed on the web shop",
                 "WS-OLD", "12 rue des Lilas", "anne.martin@example.fr"):
        assert text in page.text, text
    assert "34,80" in page.text  # balance: 44,80 - 10,00


async def test_order_screen_shows_a_business_customer_company_and_vat_number(login_as):
    http = await login_as("back_office", locale="fr")
    await make_order(number="WS-B2B", company="Atelier Verne SARL", vat_number="FR40303265045")
    page = await http.get("/orders/WS-B2B")
    assert page.status_code == 200
    for text in ("Société", "Atelier Verne SARL", "N° de TVA intracommunautaire", "FR40303265045"):
        assert text in page.text, text
    plain = await http.get("/orders/" + (await make_order())["number"])
    assert "N° de TVA intracommunautaire" not in plain.text


async def test_unknown_order_number_gives_a_helpful_empty_state(login_as):
    http = await login_as("back_office")
    page = await http.get("/orders/NOPE-42")
    assert page.status_code == 404
    assert "No order NOPE-42" in page.text and 'name="q" value="NOPE-42"' in page.text


async def test_address_edit_saves_inline_and_unverifies_and_is_searchable(login_as):
    http = await login_as("call_centre")
    order = await make_order(number="WS-1", ship_verified_at=datetime.now(timezone.utc))
    form = await http.get("/orders/WS-1/addresses/shipping/edit", headers=HX)
    assert 'name="before__ship_city" value="Lyon"' in form.text and "<html" not in form.text
    response = await http.post("/orders/WS-1/addresses/shipping", headers=HX,
                               data=address_form(order, ship_line1="3 place Bellecour",
                                                 ship_postal_code="69002"))
    assert response.status_code == 200
    assert "3 place Bellecour" in response.text and "ordersChanged" in response.headers["HX-Trigger"]
    row = await current("WS-1")
    assert row["ship_line1"] == "3 place Bellecour" and row["version"] == 2
    assert row["ship_verified_at"] is None
    assert "69002" in row["search_text"]
    event = await OrderEvent.select(OrderEvent.kind, OrderEvent.actor).where(
        OrderEvent.order == order["id"]).order_by(OrderEvent.id, ascending=False).first()
    assert event == {"kind": "order.shipping_address_changed", "actor": "call_centre-user"}


async def test_invalid_address_is_refused_with_errors_in_place_and_nothing_changes(login_as):
    http = await login_as("call_centre")
    order = await make_order(number="WS-1")
    response = await http.post("/orders/WS-1/addresses/shipping", headers=HX,
                               data=address_form(order, ship_city="", ship_country="France"))
    assert response.status_code == 422
    assert 'id="e-ship_city"' in response.text and "two-letter country code" in response.text
    assert (await current("WS-1"))["version"] == 1


async def test_stale_edit_of_the_same_field_is_refused_but_different_fields_both_succeed(login_as):
    http = await login_as("call_centre")
    order = await make_order(number="WS-1")  # both agents loaded this version
    first = await http.post("/orders/WS-1/addresses/shipping", headers=HX,
                            data=address_form(order, ship_line1="1 rue A"))
    assert first.status_code == 200
    # Second agent changed a different field from the same stale form: accepted.
    second = await http.post("/orders/WS-1/addresses/shipping", headers=HX,
                             data=address_form(order, ship_phone="+33400000000"))
    assert second.status_code == 200
    row = await current("WS-1")
    assert (row["ship_line1"], row["ship_phone"], row["version"]) == ("1 rue A", "+33400000000", 3)
    # Third agent changed the same field as the first: refused, told what changed.
    third = await http.post("/orders/WS-1/addresses/shipping", headers=HX,
                            data=address_form(order, ship_line1="9 rue Z"))
    assert third.status_code == 422
    assert "Someone else changed this" in third.text
    assert "12 rue des Lilas" in third.text and "1 rue A" in third.text
    assert 'hx-get="/orders/WS-1/addresses/shipping/edit"' in third.text  # one-click reload
    assert (await current("WS-1"))["ship_line1"] == "1 rue A"
    # Contact details are another group, with the same rule.
    contact = {"before__customer_name": "Anne Martin", "customer_name": "Anne Martin-Roux",
               "before__customer_email": order["customer_email"],
               "customer_email": order["customer_email"],
               "before__customer_phone": order["customer_phone"], "customer_phone": "0612"}
    bad = await http.post("/orders/WS-1/contact", headers=HX, data=contact)
    assert bad.status_code == 422 and "not a phone number" in bad.text
    contact["customer_phone"] = order["customer_phone"]
    ok = await http.post("/orders/WS-1/contact", headers=HX, data=contact)
    assert ok.status_code == 200 and "Anne Martin-Roux" in ok.text
    assert "martin-roux" in (await current("WS-1"))["search_text"]


async def test_notes_add_and_pin_keep_note_count_in_step(login_as):
    http = await login_as("back_office")
    await make_order(number="WS-1")
    empty = await http.post("/orders/WS-1/notes", headers=HX, data={"body": "   "})
    assert empty.status_code == 422 and "Write the note first." in empty.text
    for body in ("Customer called about delivery", "Leave with the neighbour"):
        response = await http.post("/orders/WS-1/notes", headers=HX, data={"body": body})
        assert response.status_code == 200
    assert (await current("WS-1"))["note_count"] == 2
    # Newest first; pinning the older note brings it to the top.
    assert response.text.index("Leave with the neighbour") < response.text.index("Customer called")
    note_id = response.text.split('/notes/')[2].split("/pin")[0]
    pinned = await http.post(f"/orders/WS-1/notes/{note_id}/pin", headers=HX, data={"pinned": "1"})
    assert 'class="pinned"' in pinned.text
    assert pinned.text.index("Customer called") < pinned.text.index("Leave with the neighbour")


async def test_address_verification_shows_problems_normalises_and_marks_verified(login_as):
    http = await login_as("dispatch")
    bad = await make_order(number="WS-BAD", ship_postal_code="6900")
    page = await http.get("/orders/WS-BAD")
    assert "Cannot ship as is" in page.text and "not a valid postcode for FR" in page.text
    refused = await http.post("/orders/WS-BAD/verify-address", headers=HX)
    assert refused.status_code == 422, refused.text
    print(refused.text[:3000])

    order = await make_order(number="WS-OK", city="lyon")
    page = await http.get("/orders/WS-OK")
    assert "“lyon” → <strong>“LYON”</strong>" in page.text
    data = {f"before__ship_{p}": order[f"ship_{p}"] or "" for p in SHIP}
    applied = await http.post("/orders/WS-OK/normalise-address", headers=HX, data=data)
    assert applied.status_code == 200 and "Verified" in applied.text
    row = await current("WS-OK")
    assert row["ship_city"] == "LYON" and row["ship_verified_at"] is not None
    # The list flags unverified addresses and filters on them.
    listing = await http.get("/orders?unverified=1", headers=HX)
    assert "WS-BAD" in listing.text and "WS-OK" not in listing.text
    assert bad["number"] in listing.text and "Unverified" in listing.text


async def test_the_country_is_a_picker_named_in_the_agents_language(login_as):
    http = await login_as("call_centre", locale="fr")
    order = await make_order(number="WS-1")
    form = (await http.get("/orders/WS-1/addresses/shipping/edit", headers=HX)).text
    assert '<select id="f-ship_country" name="ship_country"' in form
    assert '<option value="FR" selected>France</option>' in form
    assert '<option value="DE">Allemagne</option>' in form
    response = await http.post("/orders/WS-1/addresses/shipping", headers=HX,
                               data=address_form(order, ship_country="BE", ship_postal_code="1000",
                                                 ship_city="Bruxelles"))
    assert response.status_code == 200, response.text
    assert (await current("WS-1"))["ship_country"] == "BE" and "Belgique" in response.text
    refused = await http.post("/orders/WS-1/addresses/shipping", headers=HX,
                              data=address_form(await current("WS-1"), ship_country="FR",
                                                ship_postal_code="7501", ship_city="Paris"))
    assert refused.status_code == 422 and 'id="e-ship_postal_code"' in refused.text


async def test_the_history_speaks_the_readers_language(login_as):
    from dashboard.services.fulfilment import holds

    placed = await make_order(number="WS-9", paid=True, shipped=True,
                              lines=[("TSHIRT-BLUE-M", 2, 1990)])
    await holds.hold_order("WS-9", "address_to_check", None, "agent", note="à vérifier")
    http = await login_as("back_office", locale="fr")
    page = (await http.get("/orders/WS-9")).text
    assert "Commande passée (39,80\u00a0€)" in page
    assert "Paiement de 39,80\u00a0€ par " in page and "(PSP-8F2K1)" in page
    assert "Expédié avec La Poste / Colissimo 6A12345678901 : 2 × " in page
    assert "En attente : Adresse à vérifier (à vérifier)" in page
    assert "On hold:" not in page and "unit(s) shipped" not in page
    english = await login_as("back_office", username="bo-en", locale="en")
    assert "Order placed (€39.80)" in (await english.get(f"/orders/{placed['number']}")).text
