"""Browser walk in French: a call-centre agent puts an order on hold from its screen with
a reason (a refusal first, shown next to the field), then releases it."""

import pytest

from dashboard.db.tables import Order
from tests.e2e.conftest import DESKTOP, PASSWORD, open_signed_in
from tests.e2e.e2e_shots import screenshot
from tests.factories import make_order

pytestmark = pytest.mark.e2e


async def test_hold_and_release_from_the_order_screen(browser, server_url):
    from dashboard.services.staff.auth import create_user

    placed = await make_order(name="Julie Morel")
    number = placed["number"]
    await create_user("agent-attente", "call_centre", PASSWORD, locale="fr",
                      display_name="Agent Attente")
    context, page = await open_signed_in(browser, server_url, "agent-attente", viewport=DESKTOP)
    try:
        await page.goto(f"/orders/{number}")
        await page.click("#put-on-hold")
        await page.wait_for_selector("#hold-panel .error")
        assert "Choisissez un motif de mise en attente." in \
            await page.locator("#hold-panel").inner_text()
        await page.select_option("#hold-reason", "address_to_check")
        await page.fill("#hold-note", "La cliente déménage la semaine prochaine")
        await page.click("#put-on-hold")
        await page.wait_for_selector("#release-hold")
        assert "Adresse à vérifier" in await page.locator("#hold-panel").inner_text()
        await page.locator("#hold-panel").scroll_into_view_if_needed()
        await screenshot(page, "order-hold-panel-fr")
        held = await Order.select(Order.status).where(Order.number == number).first()
        assert held["status"] == "on_hold"
        await page.fill("#release-note", "Adresse confirmée au téléphone")
        await page.click("#release-hold")
        await page.wait_for_selector("#put-on-hold")
    finally:
        await context.close()
    released = await Order.select(Order.status).where(Order.number == number).first()
    assert released["status"] == "open"
