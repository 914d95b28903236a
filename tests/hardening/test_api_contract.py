"""The API keeps its own contract: schemathesis, every check, over /schema/openapi.json.

The served app (``dashboard serve`` on the test database) is fuzzed from its published
schema with a fixed seed and a bounded number of cases per operation: answers must be
documented (status, content type, headers, body), what the schema calls valid must be
accepted and what it calls invalid refused, 405s must name the allowed methods, and a call
without its credentials must be refused. Every operation is called with its credentials:
the API key, the webhooks' Standard Webhooks signatures (made by the hooks with the secrets
the server runs with), ShipStation's Basic username and password.

Some inputs are valid only against the data (a SKU of the catalogue, VAT and GTIN check
digits, a postal code of the address's country, a cursor the API gave, the order a webhook
is about, a date range that runs forwards): the hooks in ``schemathesis_hooks`` give those
fields real values; the rest is generated from the schema.
"""

from __future__ import annotations

import asyncio
import base64
import os
import re
import subprocess
import sys
from pathlib import Path

from dashboard.db.tables import Order, Payment, Product, ReceivedWebhook
from tests.e2e.conftest import serving
from tests.factories import add_product, make_order
from tests.hardening.schemathesis_hooks import ORDER_NUMBER, SIGN_HERE, SKU

SEED = 20261207
MAX_EXAMPLES = 75  # per operation and phase: ~40 s here on SQLite and on PostgreSQL

# The key goes through the schema's security scheme, not a fixed header: the checks that
# call without credentials (ignored_auth, missing_required_header) can then leave it out.
CONFIG = """
[generation]
allow-x00 = false

[auth.openapi.apiKey]
bearer = "{api_key}"

[auth.openapi.paymentWebhook]
api_key = "{sign_here}"

[auth.openapi.carrierWebhook]
api_key = "{sign_here}"

[auth.openapi.shipStation]
username = "{shipstation[0]}"
password = "{shipstation[1]}"
"""
SHIPSTATION = ("shipstation", "contract-pass")
# The server and the hooks read the same variables: the hooks sign with what the server checks.
SECRETS = {f"DASHBOARD_{name.upper()}_WEBHOOK_SECRET":
           "whsec_" + base64.b64encode(f"contract {name} secret!".encode() * 2).decode()
           for name in ("payment", "carrier")}
SERVER_ENV = {**SECRETS, "DASHBOARD_SHIPSTATION_USERNAME": SHIPSTATION[0],
              "DASHBOARD_SHIPSTATION_PASSWORD": SHIPSTATION[1]}


async def test_the_api_conforms_to_its_openapi_schema(api_key, tmp_path: Path):
    await add_product(SKU, 50, backorder=True)
    order = await make_order(lines=[(SKU, 1, 1990)], payment_method="card")  # the webhooks' one
    config = tmp_path / "schemathesis.toml"
    config.write_text(CONFIG.format(api_key=api_key, sign_here=SIGN_HERE,
                                    shipstation=SHIPSTATION))
    env = {**os.environ, **SECRETS, "SCHEMATHESIS_HOOKS": "tests.hardening.schemathesis_hooks",
           ORDER_NUMBER: order["number"], "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    with serving(**SERVER_ENV) as url:
        result = await asyncio.to_thread(subprocess.run, [
            str(Path(sys.executable).parent / "schemathesis"), "--config-file", str(config),
            "run", f"{url}/schema/openapi.json", "--checks", "all", "--seed", str(SEED),
            "--max-examples", str(MAX_EXAMPLES), "--workers", "1", "--no-color",
            "--generation-database", "none"],
            # In tmp_path: schemathesis keeps a cache of past failures in its working folder.
            capture_output=True, text=True, timeout=240, env=env, cwd=tmp_path)
    if os.environ.get("SCHEMATHESIS_LOG"):
        Path(os.environ["SCHEMATHESIS_LOG"]).write_text(result.stdout + result.stderr)
    assert result.returncode == 0, result.stdout[-25000:] + result.stderr[-3000:]
    # No operation answered only 401/403: each one's credentials were accepted.
    assert "Authentication failed" not in result.stdout, result.stdout[-5000:]
    # The run went past the API key: generated products and orders were accepted.
    assert await Product.count() > 1 and await Order.count() > 0, result.stdout[-5000:]
    # And past the signatures: webhooks of both sources were applied, payments of the order.
    for source in ("payments", "carriers"):
        assert await ReceivedWebhook.exists().where(ReceivedWebhook.source == source), source
    assert await Payment.exists().where(Payment.order == order["id"])


# What the contract run found, pinned one by one (each answer a request can get).

async def test_options_lists_every_method_and_405_names_them(client):
    response = await client.options("/api/v1/products/NOPE/stock")
    assert response.status_code == 204 and response.headers["allow"] == "GET, OPTIONS, PUT"
    assert (await client.options("/orders")).status_code == 204  # a staff page: no 500
    response = await client.request("TRACE", "/api/v1/orders")
    assert response.status_code == 405
    assert set(response.headers["allow"].split(", ")) == {"GET", "OPTIONS", "POST"}


async def test_the_order_feed_refuses_unknown_and_empty_parameters(client, api_key):
    client.headers["Authorization"] = f"Bearer {api_key}"
    response = await client.get("/api/v1/orders", params={"page": "2"})
    assert response.status_code == 422 and response.json()["errors"] == {
        "page": "unknown parameter"}
    for name in ("status", "updated_since"):
        response = await client.get("/api/v1/orders", params={name: ""})
        assert response.status_code == 422 and list(response.json()["errors"]) == [name]


async def test_integral_json_numbers_are_integers_and_bounds_hold(client, api_key):
    client.headers["Authorization"] = f"Bearer {api_key}"
    product = {"sku": "MUG-1", "name": "Mug", "price": 1290.0}
    response = await client.post("/api/v1/products", json=product)
    assert response.status_code == 201 and response.json()["price"] == 1290
    response = await client.post("/api/v1/products", json={**product, "price": 12.5})
    assert response.status_code == 422 and list(response.json()["errors"]) == ["price"]
    response = await client.post("/api/v1/products", json={
        **product, "price": 100_000_001, "weight_grams": 10_000_001})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"price", "weight_grams"}


async def test_a_refused_header_is_named_like_any_other_field(client, api_key):
    client.headers["Authorization"] = f"Bearer {api_key}"
    response = await client.post("/api/v1/orders", json={}, headers={"Idempotency-Key": "k" * 151})
    body = response.json()
    assert response.status_code == 422 and body["code"] == "validation_failed"
    assert isinstance(body["errors"], dict) and body["errors"]


async def test_vat_rate_is_read_in_the_spelling_its_schema_publishes(client, api_key):
    client.headers["Authorization"] = f"Bearer {api_key}"
    schema = (await client.get("/schema/openapi.json")).json()
    body = schema["paths"]["/api/v1/products"]["post"]["requestBody"]["content"]
    pattern = re.compile(body["application/json"]["schema"]["properties"]["vat_rate"]["pattern"])
    product = {"sku": "MUG-1", "name": "Mug", "price": 1290}
    for rate in ("20", "5.5", "100.00", "20%", " 20", "+20", "1e1", "5,5", "20."):
        response = await client.post("/api/v1/products", json={**product, "vat_rate": rate})
        if pattern.fullmatch(rate):
            assert response.status_code in (200, 201), (rate, response.text)
        else:
            assert response.status_code == 422, rate
            assert list(response.json()["errors"]) == ["vat_rate"]
