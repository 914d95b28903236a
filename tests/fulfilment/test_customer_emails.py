"""Customer emails of fulfilment, received by a real SMTP server (aiosmtpd): the shipping
notification with its tracking link, in the customer's language; click-and-collect."""

import json
from email.header import decode_header, make_header

import pytest

from dashboard.domain.fulfilment.rules import NotAllowed
from dashboard.services.fulfilment import shipping as fulfilment
from dashboard.services.fulfilment import pickup
from dashboard.worker.smtp import EmailDeliverer
from tests.factories import mark_picked
from tests.fulfilment.support import barcoded_order, lines_of, set_order, stock_of

FROM = "shop@example.fr"


def _text(message) -> str:
    return next(part.get_payload(decode=True).decode() for part in message.walk()
                if part.get_content_type() == "text/plain")


async def test_shipping_notification_reaches_the_customer_with_the_tracking_link(smtp_server):  # noqa: F811
    order = await barcoded_order(email="bob@example.com", name="Bob Smith", locale="en")
    shirt = (await lines_of(order["number"]))["TSHIRT-BLUE-M"]["id"]
    await mark_picked(order["number"])
    await fulfilment.ship_order(order["number"], carrier="colissimo",
                                tracking_number="6A12345678901", lines={shirt: 1},
                                notify_customer=True, actor="staff:dispatch")
    assert await EmailDeliverer(smtp_server.url, FROM).run_once() == 1
    [message] = smtp_server.inbox.messages
    assert message["To"] == "bob@example.com"
    assert message["Subject"] == f"Part of your order {order['number']} is on its way"
    body = _text(message)
    assert "https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901" in body
    assert "1 x Tshirt-Blue-M" in body and "La Poste / Colissimo" in body


async def test_click_and_collect_ready_then_collected(smtp_server):  # noqa: F811
    order = await barcoded_order(email="cc@example.com", locale="en")
    await set_order(order["number"], shipping_method="click_and_collect")
    with pytest.raises(NotAllowed, match="collected in store"):
        await fulfilment.ship_order(order["number"], carrier="other", tracking_number="ABC-1",
                                    actor="staff:dispatch")
    with pytest.raises(Exception):
        await pickup.collected(order["number"], "staff:shop")  # not ready yet
    await pickup.ready_for_pickup(order["number"], "staff:shop")
    assert await EmailDeliverer(smtp_server.url, FROM).run_once() == 1
    [message] = smtp_server.inbox.messages
    assert "ready for pickup" in message["Subject"]
    body = _text(message)
    assert "identity document" in body and "still to pay" in body
    assert "18 rue de la République" in body and "Opening hours: Du mardi au samedi" in body
    from dashboard.db.tables import OutboxWebhook, WebhookEndpoint

    await WebhookEndpoint.insert(WebhookEndpoint(url="http://127.0.0.1:9/hook",
                                                 secret="whsec_dGVzdHNlY3JldA=="))
    await pickup.collected(order["number"], "staff:shop")
    [delivered] = await OutboxWebhook.select().where(OutboxWebhook.event_type == "order.delivered")
    payload = delivered["payload"]
    data = (payload if isinstance(payload, dict) else json.loads(payload))["data"]
    assert data["number"] == order["number"] and data["collected_in_store"] is True
    lines = await lines_of(order["number"])
    assert all(ln["shipped"] == ln["quantity"] and ln["reserved"] == 0 for ln in lines.values())
    assert await stock_of("TSHIRT-BLUE-M") == (98, 0)


async def test_a_carrier_order_is_not_collected():
    order = await barcoded_order()
    with pytest.raises(NotAllowed, match="shipped by carrier"):
        await pickup.ready_for_pickup(order["number"], "staff:shop")


async def test_undoing_a_shipment_already_announced_sends_the_customer_a_correction(smtp_server):  # noqa: F811
    order = await barcoded_order(email="lea@example.fr", name="Léa Martin", locale="fr")
    await mark_picked(order["number"])
    shipped = await fulfilment.ship_order(order["number"], carrier="colissimo",
                                          tracking_number="6A12345678901",
                                          notify_customer=True, actor="staff:dispatch")
    assert await EmailDeliverer(smtp_server.url, FROM).run_once() == 1
    await fulfilment.undo_shipment(shipped.shipment_id, actor="staff:dispatch")
    assert await EmailDeliverer(smtp_server.url, FROM).run_once() == 1
    announced, correction = smtp_server.inbox.messages
    assert correction["To"] == "lea@example.fr"
    subject = str(make_header(decode_header(correction["Subject"]))).replace("\n ", " ")
    assert subject == f"Rectificatif : votre commande {order['number']} n’est pas encore partie"
    assert "6A12345678901" in _text(correction) and "par erreur" in _text(correction)


async def test_undoing_before_the_email_left_withdraws_it_and_sends_nothing(smtp_server):  # noqa: F811
    order = await barcoded_order(email="tom@example.fr", name="Tom Roux", locale="fr")
    await mark_picked(order["number"])
    shipped = await fulfilment.ship_order(order["number"], carrier="colissimo",
                                          tracking_number="6A12345678901",
                                          notify_customer=True, actor="staff:dispatch")
    await fulfilment.undo_shipment(shipped.shipment_id, actor="staff:dispatch")
    assert await EmailDeliverer(smtp_server.url, FROM).run_once() == 0
    assert smtp_server.inbox.messages == []
