"""Browser walk in French: a call-centre agent opens a paid order and raises a quantity;
without a reload the payment badge, the totals and the returns panel's balance follow
(the ``orderChanged`` event), then lowering it says what is owed to the customer."""

import pytest

from tests.e2e.conftest import DESKTOP, PASSWORD, open_signed_in
from tests.e2e.e2e_shots import screenshot
from tests.factories import add_product, make_order

pytestmark = pytest.mark.e2e


def plain(text: str) -> str:
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


async def test_an_edit_refreshes_badge_totals_and_returns_without_reload(browser, server_url):
    from dashboard.services.staff.auth import create_user

    await add_product("BOL-GRES", 50, name="Bol en grès")
    placed = await make_order(name="Claire Fabre", lines=[("BOL-GRES", 2, 4990)],
                              payment_method="card", paid=True)
    number = placed["number"]
    await create_user("agent-chiffres", "call_centre", PASSWORD, locale="fr",
                      display_name="Agent Chiffres")
    context, page = await open_signed_in(browser, server_url, "agent-chiffres", viewport=DESKTOP)
    try:
        await page.goto(f"/orders/{number}")
        await page.wait_for_selector("#returns-panel #returns-money")  # loaded itself
        assert plain(await page.locator("#payment-badge").inner_text()) == "Payée"
        # A marker on the window: gone if the page were reloaded.
        await page.evaluate("window.__noReload = true")

        await page.locator("#order-changes summary").click()
        await page.fill("#order-changes input[name=quantity]", "3")
        await page.locator("#order-changes form.inline button[type=submit]").first.click()
        await page.wait_for_function(
            "document.querySelector('#payment-badge').textContent.includes('reste dû')")
        assert plain(await page.locator("#payment-badge").inner_text()) == \
            "Partiellement payée, reste dû 49,90 €"
        await page.wait_for_function(
            "document.querySelector('#returns-money [data-balance]').dataset.balance === '4990'")
        assert "49,90 €" in plain(await page.locator("#returns-money").inner_text())
        # Each panel re-reads itself on its own request: wait for the lines' one too.
        await page.wait_for_function(
            "document.querySelector('#lines .totals').textContent.includes('149,70')")
        assert "149,70 €" in plain(await page.locator("#lines .totals").inner_text())
        assert await page.evaluate("window.__noReload === true")
        await page.locator("#order-head").scroll_into_view_if_needed()
        shot = await screenshot(page, "order-figures-after-edit-fr")
        assert shot.exists()

        # The panel came back open (view restart): lower the quantity below the paid one.
        await page.fill("#order-changes input[name=quantity]", "1")
        await page.locator("#order-changes form.inline button[type=submit]").first.click()
        await page.wait_for_function(
            "document.querySelector('#payment-badge').textContent.includes('Dû au client')")
        assert plain(await page.locator("#payment-badge").inner_text()) == \
            "Dû au client : 49,90 €"
        await page.wait_for_function(
            "document.querySelector('#returns-money [data-balance]').dataset.balance === '-4990'")
        assert "Dû au client" in await page.locator("#returns-money").text_content()
        assert await page.evaluate("window.__noReload === true")
        await page.locator("#returns-panel").scroll_into_view_if_needed()
        await screenshot(page, "order-figures-owed-returns-fr")
    finally:
        await context.close()
