"""Browser walk while the database is away: the French 503 page, then the same tab works again."""

import pytest

from dashboard.services.staff.auth import create_user
from tests.e2e.conftest import DESKTOP, PASSWORD, open_signed_in, serving
from tests.e2e.e2e_shots import screenshot
from tests.views.test_database_down import outage_switch

pytestmark = pytest.mark.e2e


async def test_a_database_outage_shows_the_french_page_and_passes(browser):
    await create_user("comptoir", "admin", PASSWORD, locale="fr", display_name="Claire Comptoir")
    with outage_switch() as (env, cut, restore), serving(**env) as url:
        context, page = await open_signed_in(browser, url, "comptoir", viewport=DESKTOP)
        try:
            cut()
            try:
                response = await page.goto(url + "/orders")
                assert response.status == 503
                assert response.headers["retry-after"] == "30"
                await page.get_by_role("heading", name="Service temporairement indisponible").wait_for()
                assert await page.locator("html").get_attribute("lang") == "fr"
                await screenshot(page, "database-unavailable")
            finally:
                restore()
            response = await page.goto(url + "/orders")
            assert response.status == 200
        finally:
            await context.close()


async def test_a_lost_connection_says_so_in_french(browser, server_url):
    """The network drops while a dispatcher filters the list: a French toast says so."""
    await create_user("hors-ligne", "dispatch", PASSWORD, locale="fr")
    context, page = await open_signed_in(browser, server_url, "hors-ligne", viewport=DESKTOP)
    try:
        await page.goto(server_url + "/orders")
        await context.set_offline(True)
        await page.fill("#search", "martin")
        toast = page.locator("#toasts").get_by_text(
            "Le serveur est injoignable : vérifiez la connexion et réessayez.")
        await toast.wait_for()
        await screenshot(page, "connection-lost-toast-fr")
    finally:
        await context.set_offline(False)
        await context.close()
