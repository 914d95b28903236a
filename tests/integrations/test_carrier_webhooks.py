"""``POST /webhooks/carriers``: signed tracking updates land on the parcel and the order's
timeline once; bad signatures, stale timestamps and bad data are refused and change nothing."""

import base64
import json
from datetime import datetime, timedelta, timezone

import pytest
from standardwebhooks.webhooks import Webhook

from dashboard.db.tables import OrderEvent, OutboxWebhook, ReceivedWebhook, Shipment
from dashboard.services.fulfilment.shipping import ship_order
from tests.factories import make_order, order, mark_picked

SECRET = "whsec_" + base64.b64encode(b"c" * 32).decode()
TRACKING = "6A12345678901"


@pytest.fixture
def carrier(configure, client):
    configure(DASHBOARD_CARRIER_WEBHOOK_SECRET=SECRET)

    async def send(data, *, event_type="tracking.updated", webhook_id="msg_c1", secret=SECRET,
                   sent_at=None):
        body = json.dumps({"type": event_type, "data": data})
        sent_at = sent_at or datetime.now(timezone.utc)
        headers = {"webhook-id": webhook_id,
                   "webhook-signature": Webhook(secret).sign(webhook_id, sent_at, body),
                   "webhook-timestamp": str(int(sent_at.timestamp())),
                   "content-type": "application/json"}
        return await client.post("/webhooks/carriers", content=body, headers=headers)

    return send


async def _shipped():
    placed = await make_order()
    await mark_picked(placed["number"])
    await ship_order(placed["number"], carrier="colissimo", tracking_number=TRACKING,
                     actor="dispatch")
    return placed


def _update(number, status="in_transit", tracking=TRACKING):
    return {"order_number": number, "carrier": "colissimo", "tracking_number": tracking,
            "status": status, "occurred_at": "2026-07-15T08:00:00Z"}


async def _tracking_events():
    return await OrderEvent.count().where(OrderEvent.kind == "shipment.tracking")


async def test_updates_reach_the_parcel_and_the_timeline(carrier, login_as):
    placed = await _shipped()
    response = await carrier(_update(placed["number"]))
    assert response.status_code == 200 and response.json() == {"status": "processed"}
    assert (await Shipment.select(Shipment.status).first())["status"] == "in_transit"
    assert await _tracking_events() == 1
    delivered = await carrier(_update(placed["number"], "delivered"), webhook_id="msg_c2")
    assert delivered.status_code == 200
    assert (await order(placed["number"]))["fulfilment_status"] == "delivered"
    assert await OutboxWebhook.count() == 0  # no endpoint configured: nothing to send
    event = await OrderEvent.select().where(OrderEvent.kind == "shipment.tracking").order_by(
        OrderEvent.id, ascending=False).first()
    assert event["actor"] == "carrier webhook"
    screen = await (await login_as("back_office")).get(f"/orders/{placed['number']}")
    assert screen.status_code == 200
    # On the order's timeline, the carrier by name and the status by its label.
    assert f"Parcel La Poste / Colissimo {TRACKING}: In transit" in screen.text
    assert f"Parcel La Poste / Colissimo {TRACKING}: Delivered" in screen.text


async def test_a_replayed_webhook_id_is_acknowledged_and_ignored(carrier):
    placed = await _shipped()
    await carrier(_update(placed["number"]))
    again = await carrier(_update(placed["number"]))
    assert again.status_code == 200 and again.json() == {"status": "duplicate"}
    assert await _tracking_events() == 1


async def _unchanged():
    assert (await Shipment.select(Shipment.status).first())["status"] == "shipped"
    assert await _tracking_events() == 0
    assert await ReceivedWebhook.count().where(ReceivedWebhook.source == "carriers") == 0


async def test_bad_signature_is_refused(carrier):
    placed = await _shipped()
    wrong = "whsec_" + base64.b64encode(b"w" * 32).decode()
    assert (await carrier(_update(placed["number"]), secret=wrong)).status_code == 401
    await _unchanged()


async def test_stale_timestamp_is_refused(carrier):
    placed = await _shipped()
    old = datetime.now(timezone.utc) - timedelta(minutes=6)
    response = await carrier(_update(placed["number"]), sent_at=old)
    assert response.status_code == 401 and "old" in response.json()["detail"]
    await _unchanged()


async def test_no_secret_configured_refuses_all(carrier, configure):
    configure(DASHBOARD_CARRIER_WEBHOOK_SECRET=None)
    placed = await _shipped()
    response = await carrier(_update(placed["number"]))
    assert response.status_code == 401 and "no webhook secret" in response.json()["detail"]
    await _unchanged()


@pytest.mark.parametrize("data, status", [
    ({"order_number": "1"}, 422),
    ("not an object", 422),
])
async def test_bad_data_is_422_with_fields(carrier, data, status):
    await _shipped()
    response = await carrier(data)
    assert response.status_code == status and response.json()["errors"]
    await _unchanged()


async def test_unknown_parcel_or_order_is_404(carrier):
    placed = await _shipped()
    assert (await carrier(_update(placed["number"], tracking="6A99999999999"))).status_code == 404
    assert (await carrier(_update("424242"), webhook_id="msg_c3")).status_code == 404
    await _unchanged()


async def test_other_event_types_are_ignored(carrier):
    placed = await _shipped()
    response = await carrier(_update(placed["number"]), event_type="label.created")
    assert response.json() == {"status": "ignored"}
    assert (await Shipment.select(Shipment.status).first())["status"] == "shipped"
