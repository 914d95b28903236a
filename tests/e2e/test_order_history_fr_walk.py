"""Browser walk in French: a back-office agent opens an order that has been through a lot
(lines edited, shipping method changed, paid by card, a failed attempt, shipped with DPD,
in transit, held and released, contact edited) and reads its history, payments and
shipments in French, with product names and carrier names: no English, no codes."""

import pytest

from tests.components.test_history_text_fr import CODES, ENGLISH
from tests.e2e.conftest import DESKTOP, PASSWORD, open_signed_in
from tests.e2e.e2e_shots import screenshot
from tests.factories import add_product, make_order, mark_picked

pytestmark = pytest.mark.e2e
WHO = "staff:agent-fr"


async def _lived_order() -> str:
    from dashboard.db.tables import Order, OrderLine
    from dashboard.services.fulfilment import holds
    from dashboard.services.fulfilment import shipping as fulfilment
    from dashboard.services.orders import changes, edits
    from dashboard.services.payments import money as payments

    await add_product("MUG-HAVRE", 50, price=1200, name="Mug Le Havre")
    await add_product("THE-SENCHA", 50, price=850, name="Thé vert Sencha")
    placed = await make_order(name="Julie Morel", lines=[("MUG-HAVRE", 1, 1200)],
                              payment_method="card")
    number = placed["number"]
    mug = await OrderLine.select().where(OrderLine.order == placed["id"]).first()
    await changes.add_line(number, "THE-SENCHA", 2, actor=WHO)
    await changes.change_line_quantity(number, mug["id"], 1, 2, actor=WHO)
    await changes.change_shipping(number, seen_method="carrier", seen_price=0,
                                  method="click_and_collect", actor=WHO)
    await changes.change_shipping(number, seen_method="click_and_collect", seen_price=0,
                                  method="carrier", actor=WHO)
    await payments.record_failure(number, 4100, "EUR", "PSP-FAIL1", source="webhook", actor=WHO)
    total = (await Order.select(Order.total).where(Order.number == number).first())["total"]
    await payments.record_payment(number, total, "EUR", "PSP-OK1", method="card",
                                  source="webhook", received_on=None, actor=WHO,
                                  send_receipt=False)
    await mark_picked(number)
    await fulfilment.ship_order(number, carrier="dpd", tracking_number="09876543210123",
                                actor=WHO)
    await fulfilment.record_tracking_event(number, "dpd", "09876543210123", "in_transit", None,
                                           actor=WHO)
    await holds.hold_order(number, "address_to_check", None, WHO, note="")
    await holds.release_hold(number, WHO)
    order = await Order.select().where(Order.number == number).first()
    before = {f: order[f] or "" for f in ("customer_name", "customer_email", "customer_phone")}
    await edits.edit_order_fields(number, "contact", before,
                                  {**before, "customer_email": "julie.morel@exemple.fr"}, WHO)
    return number


async def test_a_lived_order_reads_in_french(browser, server_url):
    from dashboard.services.staff.auth import create_user

    number = await _lived_order()
    await create_user("bo-historique", "back_office", PASSWORD, locale="fr",
                      display_name="Agent Historique")
    context, page = await open_signed_in(browser, server_url, "bo-historique", viewport=DESKTOP)
    try:
        await page.goto(f"/orders/{number}")
        history = await page.locator("#history").inner_text()
        payments = await page.locator("#payments").inner_text()
        shipments = await page.locator("#shipments").inner_text()
        await page.locator("#shipments").scroll_into_view_if_needed()
        await screenshot(page, "order-payments-shipments-fr")
        await page.locator("#history").scroll_into_view_if_needed()
        await screenshot(page, "order-history-fr")
    finally:
        await context.close()
    for text in (history, payments, shipments):
        without_who = text.replace(WHO, "")
        assert not ENGLISH.search(without_who), ENGLISH.search(without_who)
        assert not CODES.search(without_who), CODES.search(without_who)
    for told in ("Thé vert Sencha ajouté (2)", "Mug Le Havre : quantité 1 → 2",
                 "Mode de livraison : Transporteur → Retrait en magasin",
                 "Paiement de ", "par Carte (PSP-OK1)", "Expédié avec DPD 09876543210123",
                 "Colis DPD 09876543210123 : En cours d’acheminement",
                 "Coordonnées du client modifiées : E-mail"):
        assert told in history.replace("\u202f", " ").replace("\xa0", " "), told
    assert "Réussi" in payments and "Carte" in payments
    assert "DPD" in shipments and "Mug Le Havre" in shipments
