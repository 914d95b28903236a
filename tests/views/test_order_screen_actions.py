"""Back-office actions on the order screen: email the receipt again, mark delivered; each
shown and allowed only to the roles whose area it belongs to."""

import pytest

from dashboard.db.tables import OrderEvent, OutboxEmail
from tests.factories import make_order, order


@pytest.mark.parametrize("role, shown", [("back_office", True), ("admin", True),
                                         ("call_centre", False), ("dispatch", False)])
async def test_email_the_receipt_again_from_the_order_screen(login_as, role, shown):
    placed = await make_order(paid=True)
    http = await login_as(role)
    page = (await http.get(f"/orders/{placed['number']}")).text
    assert ('id="send-receipt"' in page) is shown
    sent = await http.post(f"/payments/orders/{placed['number']}/receipt")
    if not shown:
        assert sent.status_code == 403
        assert not await OutboxEmail.exists().where(OutboxEmail.template == "receipt")
        return
    assert sent.status_code == 303 and sent.headers["location"] == f"/orders/{placed['number']}"
    assert await OutboxEmail.count().where(OutboxEmail.template == "receipt") == 1
    assert await OrderEvent.exists().where(OrderEvent.kind == "receipt.queued")


async def test_no_receipt_for_an_unpaid_order_said_in_french(login_as):
    placed = await make_order()
    http = await login_as("back_office", locale="fr")
    assert 'id="send-receipt"' not in (await http.get(f"/orders/{placed['number']}")).text
    refused = await http.post(f"/payments/orders/{placed['number']}/receipt")
    assert refused.status_code in (409, 422)
    assert f"La commande {placed['number']} n’a aucun paiement dont donner un reçu." in refused.text


@pytest.mark.parametrize("role, allowed", [("dispatch", True), ("back_office", True),
                                           ("call_centre", False)])
async def test_mark_delivered_from_the_order_screen(login_as, role, allowed):
    placed = await make_order(paid=True, shipped=True)
    http = await login_as(role)
    page = (await http.get(f"/orders/{placed['number']}")).text
    assert ('id="mark-delivered"' in page) is allowed
    answer = await http.post(f"/dispatch/orders/{placed['number']}/delivered")
    if allowed:
        assert answer.status_code == 303
        assert (await order(placed["number"]))["fulfilment_status"] == "delivered"
    else:
        assert answer.status_code == 403
        assert (await order(placed["number"]))["fulfilment_status"] == "shipped"


async def test_mark_delivered_refuses_an_order_with_no_parcel_in_french(login_as):
    placed = await make_order()
    http = await login_as("dispatch", locale="fr")
    refused = await http.post(f"/dispatch/orders/{placed['number']}/delivered")
    assert refused.status_code in (409, 422)
    assert f"La commande {placed['number']} n’a aucun colis en route." in refused.text
