"""POST /api/v1/orders with an Idempotency-Key, as the IETF draft "The Idempotency-Key
HTTP Header Field" asks (issue 14): replay, 422 for another body, 409 while in flight."""

from __future__ import annotations

import asyncio
import json

import pytest

from dashboard.db.tables import Order
from tests.views.test_api_intake import ORDER, PRODUCT

DRAFT_URL = "https://datatracker.ietf.org/doc/draft-ietf-httpapi-idempotency-key-header/"


@pytest.fixture
async def api(client, api_key):
    client.headers["Authorization"] = f"Bearer {api_key}"
    assert (await client.post("/api/v1/products", json=PRODUCT)).status_code == 201
    response = await client.put("/api/v1/products/TSHIRT-BLUE-M/stock",
                                json={"on_hand": 10, "reason": "inventory count"})
    assert response.status_code == 200, response.text
    return client


async def _reserved(api) -> int:
    return (await api.get("/api/v1/products/TSHIRT-BLUE-M/stock")).json()["reserved"]


async def test_the_same_key_with_another_body_is_a_422_problem(api):
    first = await api.post("/api/v1/orders", json=ORDER, headers={"Idempotency-Key": "k-1"})
    other = {**ORDER, "lines": [{"sku": "TSHIRT-BLUE-M", "quantity": 5, "unit_price": 1990}]}
    reused = await api.post("/api/v1/orders", json=other, headers={"Idempotency-Key": "k-1"})
    assert first.status_code == 201 and reused.status_code == 422, reused.text
    assert reused.headers["content-type"].startswith("application/problem+json")
    problem = reused.json()
    assert problem["type"] == DRAFT_URL and problem["status"] == 422
    assert problem["title"] == "Idempotency-Key is already used"
    assert problem["code"] == "idempotency_key_reused" and "Idempotency-Key" in problem["errors"]
    assert "number" not in problem  # the first order is not handed out for another body
    assert await Order.count() == 1 and await _reserved(api) == 2


async def test_the_same_order_written_differently_is_replayed(api):
    first = await api.post("/api/v1/orders", json=ORDER, headers={"Idempotency-Key": "k-2"})
    # Other key order, no whitespace, a default spelled out: the same request.
    body = json.dumps({"channel": "web", **dict(reversed(list(ORDER.items())))},
                      separators=(",", ":"))
    retry = await api.post("/api/v1/orders", content=body, headers={
        "Idempotency-Key": "k-2", "content-type": "application/json"})
    assert retry.status_code == 201 and retry.headers["idempotent-replayed"] == "true"
    assert retry.json()["number"] == first.json()["number"]
    assert await Order.count() == 1


async def test_two_simultaneous_requests_with_one_key_make_one_order(api):
    answers = await asyncio.gather(*(api.post("/api/v1/orders", json=ORDER, headers={
        "Idempotency-Key": "k-3"}) for _ in range(2)))
    assert await Order.count() == 1 and await _reserved(api) == 2
    placed = [a for a in answers if a.status_code == 201]
    others = [a for a in answers if a.status_code != 201]
    assert placed and len({a.json()["number"] for a in placed}) == 1
    assert sum("idempotent-replayed" not in a.headers for a in placed) == 1
    for answer in others:
        assert answer.status_code == 409, answer.text
        assert answer.headers["content-type"].startswith("application/problem+json")
        problem = answer.json()
        assert (problem["status"], problem["code"]) == (409, "idempotency_key_in_flight")
        assert problem["type"] == DRAFT_URL and problem["short"] == []
    # Once the first has answered, the same request is replayed.
    retry = await api.post("/api/v1/orders", json=ORDER, headers={"Idempotency-Key": "k-3"})
    assert retry.status_code == 201 and retry.json()["number"] == placed[0].json()["number"]
