"""Outgoing order webhooks end to end: endpoints from the setting, an order event queued by
a real use-case, signed delivery to a local listener that fails first (retry recorded),
the delivery log screen and its replay button, and who may open it."""

import base64
from datetime import datetime, timedelta, timezone

import pytest
from standardwebhooks.webhooks import Webhook

from dashboard.db.tables import OutboxWebhook, WebhookEndpoint
from dashboard.domain.integrations.webhook_endpoints import EndpointConfigError
from dashboard.services.payments import money as payments
from dashboard.services.integrations.webhook_endpoints import sync_from_settings
from dashboard.worker.webhooks import WebhookDeliverer
from tests.factories import make_order
from tests.worker.test_webhook_delivery import Listener

SECRET = "whsec_" + base64.b64encode(b"erp-endpoint-secret-0123456789ab").decode()
OTHER = "whsec_" + base64.b64encode(b"bi-endpoint-secret-0123456789abc").decode()


async def _endpoints():
    return {row["url"]: row for row in await WebhookEndpoint.select()}


async def test_endpoints_follow_the_setting(configure):
    configure(DASHBOARD_WEBHOOK_ENDPOINTS=f"https://erp.example/hook|{SECRET}|order.paid;"
                                          f"https://bi.example/in|{OTHER}")
    assert await sync_from_settings() == {"created": 2, "updated": 0, "deactivated": 0}
    rows = await _endpoints()
    assert rows["https://erp.example/hook"]["events"] in (["order.paid"], '["order.paid"]')
    configure(DASHBOARD_WEBHOOK_ENDPOINTS=f"https://erp.example/hook|{OTHER}|*")
    assert await sync_from_settings() == {"created": 0, "updated": 1, "deactivated": 1}
    rows = await _endpoints()
    assert rows["https://erp.example/hook"]["secret"] == OTHER
    assert rows["https://erp.example/hook"]["active"] and not rows["https://bi.example/in"]["active"]


async def test_a_bad_setting_stops_the_start_with_its_reason(configure):
    configure(DASHBOARD_WEBHOOK_ENDPOINTS="https://erp.example/hook|not-a-secret")
    with pytest.raises(EndpointConfigError, match="whsec_"):
        await sync_from_settings()
    assert await WebhookEndpoint.count() == 0


async def _paid_order_delivered_after_a_failure(configure, listener):
    configure(DASHBOARD_WEBHOOK_ENDPOINTS=f"{listener.url}|{SECRET}|order.paid")
    await sync_from_settings()
    placed = await make_order(payment_method="card")
    await payments.record_payment(placed["number"], placed["total"], "EUR", "PSP-1",
                                  method="card", source="webhook", received_on=None,
                                  actor="test", send_receipt=False)
    deliverer = WebhookDeliverer()
    now = datetime.now(timezone.utc)
    await deliverer.run_once(now)
    await deliverer.run_once(now + timedelta(minutes=5))
    await deliverer.close()
    return placed


async def test_order_paid_reaches_the_endpoint_signed_after_a_retry(configure):
    async with Listener([503, 200]) as listener:
        placed = await _paid_order_delivered_after_a_failure(configure, listener)
    row = await OutboxWebhook.select().first()
    assert (row["event_type"], row["status"], row["attempts"]) == ("order.paid", "delivered", 2)
    assert len(listener.requests) == 2
    for headers, body in listener.requests:
        event = Webhook(SECRET).verify(body, headers)
        assert event["type"] == "order.paid"
        assert event["data"]["number"] == placed["number"]
        assert event["data"]["payment_status"] == "paid"


async def test_delivery_log_and_replay(configure, login_as):
    async with Listener([500, 200]) as listener:
        await _paid_order_delivered_after_a_failure(configure, listener)
        client = await login_as("admin")
        endpoint = (await WebhookEndpoint.select().first())["id"]
        overview = await client.get("/settings/webhooks")
        assert overview.status_code == 200 and listener.url in overview.text
        log = await client.get(f"/settings/webhooks/{endpoint}")
        assert log.status_code == 200
        row = await OutboxWebhook.select().first()
        assert row["message_id"] in log.text and "order.paid" in log.text
        fragment = await client.get(f"/settings/webhooks/{endpoint}",
                                    params={"status": "failed"}, headers={"HX-Request": "true"})
        assert "<html" not in fragment.text and row["message_id"] not in fragment.text

        replayed = await client.post(f"/settings/webhooks/deliveries/{row['id']}/replay",
                                     headers={"HX-Request": "true"})
        assert replayed.status_code == 200 and f'id="delivery-{row["id"]}"' in replayed.text
        again = await OutboxWebhook.select().first()
        assert again["status"] == "pending" and again["payload"] == row["payload"]
        refused = await client.post(f"/settings/webhooks/deliveries/{row['id']}/replay",
                                    headers={"HX-Request": "true"})
        assert refused.status_code == 422 and "already waiting" in refused.text

        await WebhookDeliverer().run_once(datetime.now(timezone.utc) + timedelta(seconds=1))
    final = await OutboxWebhook.select().first()
    assert (final["status"], final["attempts"]) == ("delivered", 3)
    assert len(listener.requests) == 3
    assert listener.requests[2][0]["webhook-id"] == row["message_id"]  # same message again
    Webhook(SECRET).verify(listener.requests[2][1], listener.requests[2][0])


async def test_replay_without_htmx_goes_back_to_the_log(configure, login_as):
    async with Listener([200]) as listener:
        await _paid_order_delivered_after_a_failure(configure, listener)
    client = await login_as("admin")
    row = await OutboxWebhook.select().first()
    response = await client.post(f"/settings/webhooks/deliveries/{row['id']}/replay")
    assert response.status_code == 303
    assert response.headers["location"] == f"/settings/webhooks/{row['endpoint']}"
    assert (await client.post("/settings/webhooks/deliveries/999999/replay")).status_code == 404


@pytest.mark.parametrize("role", ["back_office", "dispatch", "picker", "call_centre"])
async def test_only_admins_open_settings(login_as, role):
    client = await login_as(role)
    for path in ("/settings", "/settings/webhooks"):
        assert (await client.get(path)).status_code == 403


async def test_admins_see_settings_in_the_navigation(login_as):
    client = await login_as("admin")
    page = await client.get("/settings")
    assert page.status_code == 200
    assert 'href="/settings"' in page.text and "/settings/webhooks" in page.text
    assert "/orders/export.csv" in page.text
