"""Browser walk in French: dispatch cannot ship an order nobody picked (ship form and
scan-to-ship both say which lines are missing); back office ships it anyway with a reason,
and the history says so."""

import pytest

from dashboard.db.tables import Order, OrderEvent
from tests.e2e.conftest import DESKTOP, PASSWORD, open_signed_in
from tests.e2e.e2e_shots import screenshot
from tests.factories import add_product, make_order

pytestmark = pytest.mark.e2e


async def test_dispatch_is_refused_then_back_office_ships_without_picking(browser, server_url):
    from dashboard.services.staff.auth import create_user

    await add_product("VAREUSE-M", 20, name="Vareuse marine M")
    order = await make_order(name="Inès Caron", lines=[("VAREUSE-M", 2, 5900)])
    number = order["number"]
    await create_user("quai-fr", "dispatch", PASSWORD, locale="fr", display_name="Quai Expé")
    await create_user("adv-fr", "back_office", PASSWORD, locale="fr", display_name="ADV")

    context, page = await open_signed_in(browser, server_url, "quai-fr", viewport=DESKTOP)
    try:
        await page.goto(f"/orders/{number}")
        await page.click("#ship-order")
        await page.wait_for_url(f"**/dispatch/orders/{number}/ship")
        warning = await page.locator("#unpicked").inner_text()
        assert "Préparation incomplète" in warning and "2 × Vareuse marine M (VAREUSE-M)" in warning
        assert await page.locator("#ship-form button.primary").is_disabled()
        assert await page.locator("input[name=without_picking]").count() == 0
        await screenshot(page, "ship-form-unpicked-dispatch-fr")
        await page.goto("/dispatch/scan")
        await page.fill("#code", number)
        await page.press("#code", "Enter")
        await page.wait_for_selector(".alert-error")
        refusal = await page.locator(".alert-error").inner_text()
        assert f"La commande {number} n’est pas entièrement préparée" in refusal
        await screenshot(page, "scan-to-ship-unpicked-fr")
    finally:
        await context.close()

    context, page = await open_signed_in(browser, server_url, "adv-fr", viewport=DESKTOP)
    try:
        await page.goto(f"/dispatch/orders/{number}/ship")
        await page.check("input[name=without_picking]")
        await page.fill("#tracking_number", "6A12345678901")
        await page.select_option("#carrier", "colissimo")
        await page.click("#ship-form button.primary")
        await page.wait_for_selector("#ship-form .error")
        assert "Indiquez pourquoi elle part sans préparation" in \
            await page.locator("#ship-form").inner_text()
        await page.check("input[name=without_picking]")
        await page.fill("#unpicked_reason", "Cliente au comptoir, colis fait devant elle")
        await screenshot(page, "ship-form-without-picking-back-office-fr")
        await page.click("#ship-form button.primary")
        await page.wait_for_selector("#ship-form .alert-ok")
    finally:
        await context.close()
    shipped = await Order.select(Order.fulfilment_status).where(Order.number == number).first()
    assert shipped["fulfilment_status"] == "shipped"
    assert await OrderEvent.exists().where((OrderEvent.order == order["id"])
                                           & (OrderEvent.kind == "shipment.unpicked"))
