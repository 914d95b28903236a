"""Odd input answers a 4xx with a message, never a 500 or a dropped connection."""

import pytest

from dashboard.db.tables import Order, OrderNote
from tests.factories import make_order

HX = {"HX-Request": "true"}


@pytest.mark.parametrize("url", ["/orders?q=a%00b", "/customers?q=%00", "/stock?q=x%00",
                                 "/orders/new?q=%00", "/orders?status=%00open"])
async def test_a_nul_byte_in_the_query_is_refused(url, login_as, client):
    await login_as("admin", locale="fr")
    for headers in ({}, HX):
        response = await client.get(url, headers=headers)
        assert response.status_code == 400, url
        assert "caractère nul" in response.text


async def test_a_nul_byte_in_a_text_field_is_refused_and_nothing_written(login_as, client):
    await login_as("admin", locale="fr")
    placed = await make_order()
    response = await client.post(f"/orders/{placed['number']}/notes",
                                 data={"body": "appel du client\x00"}, headers=HX)
    assert response.status_code == 400 and "caractère nul" in response.text
    assert await OrderNote.count() == 0
    ok = await client.post(f"/orders/{placed['number']}/notes", data={"body": "appel"},
                           headers=HX)
    assert ok.status_code == 200 and await OrderNote.count() == 1


async def test_a_nul_byte_in_a_json_body_is_refused(client, api_key):
    response = await client.post("/api/v1/products", headers={
        "Authorization": f"Bearer {api_key}", "Content-Type": "application/json"},
        content=b'{"sku": "A\\u0000B", "name": "x", "price": 100, "currency": "EUR"}')
    assert response.status_code == 422
    assert "NUL" in response.json()["detail"]


@pytest.mark.parametrize("url", ["/print/pick-list/x.pdf", "/print/pick-list/x.html",
                                 "/print/pick-list/pick-list.pdf?orders=%2C%2C",
                                 "/print/pick-list/pick-list.html?orders=NOPE-1"])
async def test_a_pick_list_of_no_orders_is_a_4xx_with_a_message(url, login_as, client):
    await login_as("picker", locale="fr")
    response = await client.get(url)
    assert 400 <= response.status_code < 500, response.status_code
    assert "<html" in response.text and "commande" in response.text.lower()


HOSTILE_NEXT = ["/orders\r\nSet-Cookie: stolen=1", "/orders\nX-Evil: 1", "//evil.example",
                "https://evil.example/", "/\\evil.example", "/\t/evil.example",
                "http:/evil.example", "/%0d%0aSet-Cookie:x=1", " //evil.example",
                "/orders\x00"]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
async def test_the_sign_in_page_refuses_a_hostile_next(target, client):
    response = await client.get("/login", params={"next": target},
                                headers={"Accept-Language": "fr"})
    assert response.status_code == 400
    # A NUL is refused by the guard of every request, before the sign-in page.
    assert "adresse de retour" in response.text or "caractère nul" in response.text
    assert 'name="username"' in response.text or "\x00" in target  # the form is still there, without the next
    assert "evil" not in response.text.split("<form", 1)[-1]


@pytest.mark.parametrize("target", HOSTILE_NEXT)
async def test_signing_in_with_a_hostile_next_never_redirects_there(target, client):
    from dashboard.services.staff.auth import create_user
    from tests.conftest import PASSWORD, csrf_token

    await create_user("anne", "back_office", PASSWORD)
    token = await csrf_token(client)
    response = await client.post("/login", data={
        "username": "anne", "password": PASSWORD, "next": target, "_csrf_token": token})
    assert response.status_code == 400
    assert "location" not in response.headers
    assert "dashboard_session" not in response.cookies


async def test_a_safe_next_still_brings_the_user_back(client):
    from dashboard.services.staff.auth import create_user
    from tests.conftest import PASSWORD, csrf_token

    await create_user("anne", "back_office", PASSWORD)
    page = await client.get("/login", params={"next": "/orders?q=martin&status=open"})
    assert page.status_code == 200
    token = await csrf_token(client)
    response = await client.post("/login", data={
        "username": "anne", "password": PASSWORD, "next": "/orders?q=martin&status=open",
        "_csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"] == "/orders?q=martin&status=open"


@pytest.mark.parametrize("url, data", [
    ("contact", {"customer_name": "Anne Martin"}),
    ("contact", {"customer_email": "not-an-email"}),
    ("addresses/shipping", {"ship_name": "Anne"}),
    ("addresses/billing", {"bill_city": "Lyon"}),
])
async def test_a_partial_contact_or_address_form_is_refused_with_a_message(url, data, login_as,
                                                                          client):
    await login_as("call_centre", locale="fr")
    placed = await make_order()
    response = await client.post(f"/orders/{placed['number']}/{url}", data=data, headers=HX)
    assert response.status_code == 422
    assert "Champ absent du formulaire" in response.text
    after = await Order.select().where(Order.id == placed["id"]).first()
    assert after["version"] == placed["version"]


async def test_a_partial_customer_account_form_is_refused(login_as, client):
    await login_as("call_centre", locale="fr")
    placed = await make_order()
    response = await client.post(f"/customers/{placed['customer']}/account",
                                 data={"first_name": "Anne"}, headers=HX)
    assert response.status_code == 422 and "Champ absent du formulaire" in response.text
