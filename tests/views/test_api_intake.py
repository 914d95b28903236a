"""JSON API v1: catalogue, stock and order intake, answered as CONTRACT.md fixes them."""

from __future__ import annotations

import pytest

from dashboard.db.tables import Customer, Order
from dashboard.services import order_feed

ORDER = {
    "customer": {"email": "a@example.fr", "first_name": "Anne", "last_name": "Martin",
                 "phone": "+33612345678"},
    "shipping_address": {"name": "Anne Martin", "line1": "12 rue des Lilas", "line2": "",
                         "postal_code": "69003", "city": "Lyon", "country": "FR"},
    "billing_address": None,
    "lines": [{"sku": "TSHIRT-BLUE-M", "quantity": 2, "unit_price": 1990}],
    "currency": "EUR",
    "payment_method": "card",
    "shipping_method": "carrier",
    "locale": "fr",
}
PRODUCT = {"sku": "TSHIRT-BLUE-M", "name": "T-shirt bleu M", "barcode": "3760000000017",
           "price": 1990, "currency": "EUR", "vat_rate": "20.0", "bin_location": "A-03-2",
           "backorder": False}


@pytest.fixture
async def api(client, api_key):
    client.headers["Authorization"] = f"Bearer {api_key}"
    return client


async def _stocked(api, on_hand: int = 10, **changes) -> None:
    assert (await api.post("/api/v1/products", json={**PRODUCT, **changes})).status_code == 201
    response = await api.put("/api/v1/products/TSHIRT-BLUE-M/stock",
                             json={"on_hand": on_hand, "reason": "inventory count"})
    assert response.status_code == 200, response.text


async def test_without_a_valid_key_the_api_answers_401(client, api_key):
    assert (await client.get("/api/v1/orders")).status_code == 401
    client.headers["Authorization"] = "Bearer wrong"
    response = await client.post("/api/v1/orders", json=ORDER)
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"


async def test_products_are_created_then_updated_and_their_stock_counted(api):
    created = await api.post("/api/v1/products", json=PRODUCT)
    assert created.status_code == 201
    assert created.json() == {**PRODUCT, "weight_grams": 0}
    updated = await api.post("/api/v1/products", json={**PRODUCT, "price": 2490,
                                                       "vat_rate": "5.5"})
    assert updated.status_code == 200 and updated.json()["vat_rate"] == "5.5"
    counted = await api.put("/api/v1/products/TSHIRT-BLUE-M/stock",
                            json={"on_hand": 25, "reason": "inventory count"})
    assert counted.json() == {"sku": "TSHIRT-BLUE-M", "on_hand": 25, "reserved": 0,
                              "available": 25, "backordered": 0}
    assert (await api.get("/api/v1/products/TSHIRT-BLUE-M/stock")).json()["on_hand"] == 25
    assert (await api.get("/api/v1/products/NOPE/stock")).status_code == 404
    bad = await api.put("/api/v1/products/TSHIRT-BLUE-M/stock", json={"on_hand": -3,
                                                                       "reason": ""})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"on_hand", "reason"}
    bad = await api.post("/api/v1/products", json={**PRODUCT, "barcode": "123", "price": -1})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"barcode", "price"}


async def test_an_order_is_placed_with_its_reservation(api):
    await _stocked(api)
    response = await api.post("/api/v1/orders", json=ORDER)
    assert response.status_code == 201, response.text
    order = response.json()
    assert response.headers["location"] == f"/api/v1/orders/{order['number']}"
    assert (order["status"], order["payment_status"], order["fulfilment_status"]) == (
        "open", "unpaid", "unfulfilled")
    assert order["total"] == order["balance_due"] == 3980 and order["currency"] == "EUR"
    assert order["payment_method"] == "card" and order["placed_at"]
    assert order["lines"] == [{"sku": "TSHIRT-BLUE-M", "name": "T-shirt bleu M", "quantity": 2,
                               "unit_price": 1990, "line_total": 3980, "reserved": 2,
                               "backordered": 0, "picked": 0, "shipped": 0, "returned": 0}]
    again = await api.get(f"/api/v1/orders/{order['number']}")
    assert again.status_code == 200 and again.json() == order
    assert (await api.get("/api/v1/orders/999")).status_code == 404
    stock = (await api.get("/api/v1/products/TSHIRT-BLUE-M/stock")).json()
    assert (stock["reserved"], stock["available"]) == (2, 8)


async def test_a_business_order_keeps_its_company_and_vat_number(api):
    await _stocked(api)
    body = {**ORDER, "customer": {**ORDER["customer"], "company": "Atelier Verne SARL",
                                  "vat_number": "fr 40 303 265 045"},
            "billing_address": {**ORDER["shipping_address"], "company": "Atelier Verne (compta)"}}
    response = await api.post("/api/v1/orders", json=body)
    assert response.status_code == 201, response.text
    order = await Order.select().where(Order.number == response.json()["number"]).first()
    assert (order["customer_company"], order["customer_vat_number"], order["bill_company"]) == (
        "Atelier Verne SARL", "FR40303265045", "Atelier Verne (compta)")
    customer = await Customer.select().where(Customer.id == order["customer"]).first()
    assert (customer["company"], customer["vat_number"]) == ("Atelier Verne SARL",
                                                             "FR40303265045")


async def test_a_short_order_is_refused_with_409_naming_the_short_lines(api):
    await _stocked(api, on_hand=1)
    response = await api.post("/api/v1/orders", json=ORDER)
    assert response.status_code == 409
    assert response.json()["short"] == [{"sku": "TSHIRT-BLUE-M", "requested": 2,
                                         "available": 1}]
    stock = (await api.get("/api/v1/products/TSHIRT-BLUE-M/stock")).json()
    assert (stock["on_hand"], stock["reserved"]) == (1, 0) and await Order.count() == 0


async def test_backorders_are_accepted_when_the_product_allows_them(api):
    await _stocked(api, on_hand=1, backorder=True)
    response = await api.post("/api/v1/orders", json=ORDER)
    assert response.status_code == 201
    assert response.json()["lines"][0]["reserved"] == 1
    assert response.json()["lines"][0]["backordered"] == 1


@pytest.mark.parametrize("body, field, message", [
    (b'{"customer": ', "body", "malformed JSON"),
    (b"null", "body", "Expected `object`, got `null`"),
    (b'{"customer": {}}', "customer.email", "required"),
    ("lines.0.quantity=2", "lines[0].quantity", "Expected `int`, got `str`"),
    ("lines.0.quantity=0", "lines[0].quantity", "a whole number greater than 0"),
    ("lines.0.sku=NOPE", "lines[0].sku", "unknown SKU NOPE"),
    ("payment_method=bitcoin", "payment_method", "one of"),
    ("shipping_address.country=France", "shipping_address.country", "ISO 3166"),
    ("shipping_address.postal_code=ABC", "shipping_address.postal_code", "not a postal code"),
    ("customer.vat_number=FR41303265045", "customer.vat_number", "wrong check digits"),
    ("customer.vat_number=US12345", "customer.vat_number", "not an EU VAT number"),
    ("customer.company=" + "x" * 201, "customer.company", "at most 200 characters"),
])
async def test_bad_input_is_422_field_by_field_and_writes_nothing(api, body, field, message):
    await _stocked(api)
    if isinstance(body, str):  # "path=value" changes one field of the good order
        import copy
        import json

        path, value = body.split("=")
        data = copy.deepcopy(ORDER)
        *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        target = data
        for parent in parents:
            target = target[parent]
        target[last] = "2" if value == "2" else (int(value) if value.isdigit() else value)
        body = json.dumps(data).encode()
    response = await api.post("/api/v1/orders", content=body,
                              headers={"content-type": "application/json"})
    assert response.status_code == 422, response.text
    assert message in response.json()["errors"][field]
    assert await Order.count() == 0


async def test_an_oversized_body_is_refused(api):
    response = await api.post("/api/v1/orders", content=b"x" * 300_000,
                              headers={"content-type": "application/json"})
    assert response.status_code == 413


async def test_a_retry_with_the_same_idempotency_key_answers_the_first_order(api):
    await _stocked(api)
    first = await api.post("/api/v1/orders", json=ORDER, headers={"Idempotency-Key": "abc"})
    retry = await api.post("/api/v1/orders", json=ORDER, headers={"Idempotency-Key": "abc"})
    assert first.status_code == retry.status_code == 201
    assert retry.json()["number"] == first.json()["number"]
    assert retry.headers["idempotent-replayed"] == "true"
    assert await Order.count() == 1


async def test_orders_are_listed_by_change_and_cursor_paged(api, monkeypatch):
    monkeypatch.setattr(order_feed, "FEED_PAGE_SIZE", 2)
    await _stocked(api)
    numbers = [(await api.post("/api/v1/orders", json={**ORDER, "lines": [
        {"sku": "TSHIRT-BLUE-M", "quantity": 1}]})).json()["number"] for _ in range(3)]
    page = (await api.get("/api/v1/orders")).json()
    assert [o["number"] for o in page["orders"]] == numbers[:2] and page["next_cursor"]
    rest = (await api.get("/api/v1/orders", params={"cursor": page["next_cursor"]})).json()
    assert [o["number"] for o in rest["orders"]] == numbers[2:] and rest["next_cursor"] is None
    assert rest["orders"][0]["lines"][0]["reserved"] == 1
    assert (await api.get("/api/v1/orders", params={"status": "cancelled"})).json() == {
        "orders": [], "next_cursor": None}
    later = (await api.get("/api/v1/orders", params={
        "updated_since": "2999-01-01T00:00:00Z"})).json()
    assert later["orders"] == []
    for params in ({"status": "lost"}, {"cursor": "zz"}, {"updated_since": "yesterday"}):
        response = await api.get("/api/v1/orders", params=params)
        assert response.status_code == 422 and list(params) == list(response.json()["errors"])


async def test_the_api_is_documented_in_the_openapi_schema(client):
    schema = (await client.get("/schema/openapi.json")).json()
    post = schema["paths"]["/api/v1/orders"]["post"]
    body = post["requestBody"]["content"]["application/json"]["schema"]
    assert {"customer", "shipping_address", "lines", "payment_method"} <= set(body["properties"])
    assert {"201", "409", "422"} <= set(post["responses"])
    assert "/api/v1/products/{sku}/stock" in schema["paths"]
