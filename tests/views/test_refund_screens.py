"""The refunds panel of the order screen and the payment queue's refunds to make: French
refusals next to their field, who may refund, and the whole way from "Dû au client" to
a recorded refund."""

import pytest

from dashboard.db.tables import OrderLine, Payment, Refund
from dashboard.services.orders import changes as order_changes
from tests.factories import make_order, order

HX = {"HX-Request": "true"}


async def owing_order() -> dict:
    o = await make_order(lines=[("TSHIRT", 2, 1990), ("MUG", 1, 1000)], paid=True,
                         payment_method="card", email="anne@example.fr")
    mug = await OrderLine.select().where(
        (OrderLine.order == o["id"]) & (OrderLine.sku == "MUG")).first()
    await order_changes.remove_line(o["number"], mug["id"], 1, actor="agent")
    return await order(o["number"])


async def test_an_agent_refunds_what_is_owed_and_the_back_office_records_the_transfer(login_as):
    o = await owing_order()
    number = o["number"]
    agent = await login_as("call_centre", locale="fr")
    page = (await agent.get(f"/orders/{number}")).text
    assert 'id="refund-form"' in page and "Dû au client : 10,00\u00a0€" in page
    assert 'value="10"' in page  # what is owed, ready to send
    answer = await agent.post(f"/orders/{number}/refunds", headers=HX, data={
        "amount": "10,00", "route": "bank_transfer", "iban": "FR76 3000 6000 0112 3456 7890 189",
        "reason": "Mug en rupture", "send_email": "on"})
    assert answer.status_code == 200 and "orderChanged" in answer.headers["hx-trigger"]
    assert "À faire à la main" in answer.text and "FR7630006000011234567890189" in answer.text
    assert 'id="refund-form"' not in answer.text  # the whole amount is on its way
    history = (await agent.get(f"/orders/{number}/panels/history")).text
    assert "Remboursement de 10,00\u00a0€ à effectuer (Par virement bancaire)" in history

    office = await login_as("back_office", locale="fr")
    queue = (await office.get("/payments")).text
    assert "Remboursements à effectuer" in queue and number in queue
    (refund,) = await Refund.select(Refund.id)
    refused = await office.post(f"/payments/refunds/{refund['id']}/done", headers=HX,
                                data={"reference": "  "})
    assert refused.status_code == 422
    assert "Saisissez la référence du virement" in refused.text
    done = await office.post(f"/payments/refunds/{refund['id']}/done", headers=HX,
                             data={"reference": "VIR-118"})
    assert done.status_code == 200 and "Remboursement enregistré." in done.text
    assert "Aucun remboursement à effectuer." in done.text
    after = await order(number)
    assert (after["balance_due"], after["refunded_total"]) == (0, 1000)
    page = (await office.get(f"/orders/{number}")).text
    assert 'id="refund-form"' not in page and "VIR-118" in page


@pytest.mark.parametrize("data, message", [
    ({"amount": "", "route": "bank_transfer"}, "Obligatoire."),
    ({"amount": "dix", "route": "bank_transfer"}, "Saisissez un montant"),
    ({"amount": "10,001", "route": "bank_transfer"}, "2 décimales au plus."),
    ({"amount": "-5", "route": "bank_transfer"}, "Le montant ne peut pas être négatif."),
    ({"amount": "10,01", "route": "bank_transfer"}, "Au plus 10,00\u00a0€ est dû au client."),
    ({"amount": "5,00", "route": ""}, "Choisissez comment l’argent est rendu."),
    ({"amount": "5,00", "route": "bank_transfer", "iban": "FR00 1234"},
     "Cet IBAN n’est pas valide : vérifiez-le avec le client."),
])
async def test_refusals_come_back_in_french_next_to_the_field(login_as, data, message):
    o = await owing_order()
    agent = await login_as("call_centre", locale="fr")
    refused = await agent.post(f"/orders/{o['number']}/refunds", headers=HX, data=data)
    assert refused.status_code == 422
    assert message in refused.text and 'id="refund-form"' in refused.text
    assert data["amount"] in refused.text  # what was typed is kept
    assert await Refund.count() == 0


async def test_refunding_an_order_that_owes_nothing_says_so(login_as):
    o = await make_order(lines=[("MUG", 1, 1000)], paid=True, payment_method="card")
    agent = await login_as("call_centre", locale="fr")
    refused = await agent.post(f"/orders/{o['number']}/refunds", headers=HX,
                               data={"amount": "5,00", "route": "card"})
    assert refused.status_code == 422
    assert "Rien n’est dû au client sur cette commande." in refused.text
    assert await Refund.count() == 0


async def test_dispatch_sees_what_is_owed_but_may_not_refund(login_as):
    o = await owing_order()
    dispatch = await login_as("dispatch")
    page = (await dispatch.get(f"/orders/{o['number']}")).text
    assert 'id="refunds"' in page and 'id="refund-form"' not in page
    refused = await dispatch.post(f"/orders/{o['number']}/refunds", headers=HX,
                                  data={"amount": "10.00", "route": "card"})
    assert refused.status_code == 403
    assert await Refund.count() == 0


async def test_only_payments_staff_record_a_refund_as_made(login_as):
    o = await owing_order()
    agent = await login_as("call_centre")
    await agent.post(f"/orders/{o['number']}/refunds", headers=HX,
                     data={"amount": "10.00", "route": "bank_transfer"})
    (refund,) = await Refund.select(Refund.id)
    for action in ("done", "retry", "by-hand"):
        refused = await agent.post(f"/payments/refunds/{refund['id']}/{action}", headers=HX,
                                   data={"reference": "VIR-1"})
        assert refused.status_code == 403, action
    assert await Payment.count().where(Payment.kind == "refund") == 0
    picker = await login_as("picker")
    assert (await picker.get(f"/orders/{o['number']}/refunds")).status_code == 403


async def test_cancel_a_refund_asked_by_mistake(login_as):
    o = await owing_order()
    agent = await login_as("call_centre", locale="fr")
    await agent.post(f"/orders/{o['number']}/refunds", headers=HX,
                     data={"amount": "4,00", "route": "card"})
    (refund,) = await Refund.select(Refund.id)
    page = (await agent.get(f"/orders/{o['number']}/refunds")).text
    assert 'value="6"' in page  # the rest may still be refunded
    other = await make_order(lines=[("MUG", 1, 1000)])
    wrong = await agent.post(f"/orders/{other['number']}/refunds/{refund['id']}/cancel",
                             headers=HX)
    assert wrong.status_code == 404
    cancelled = await agent.post(f"/orders/{o['number']}/refunds/{refund['id']}/cancel",
                                 headers=HX)
    assert cancelled.status_code == 200 and 'value="10"' in cancelled.text
    assert (await Refund.select(Refund.status).first())["status"] == "cancelled"
