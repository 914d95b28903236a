"""In a real browser, in French: the sign-in page offers the shop's account; a back-office
agent signs in at the provider (``oidc-provider-mock`` in its own process) and lands on the
orders; someone whose shop account has no staff role gets a page saying why. Both pages
pass axe-core; screenshots of each."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.e2e.accessibility import serious_violations, small_targets
from tests.e2e.conftest import DESKTOP, serving
from tests.e2e.e2e_shots import screenshot
from tests.oidc_provider import ProviderProcess, set_user

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def provider():
    with ProviderProcess() as url:
        yield url


@pytest.fixture(scope="module")
def sso_server(provider):
    with serving(DASHBOARD_OIDC_ISSUER=provider, DASHBOARD_OIDC_CLIENT_ID="order-desk",
                 DASHBOARD_OIDC_CLIENT_SECRET="walk-secret") as url:
        yield url


async def _context(browser, base_url):
    context = await browser.new_context(viewport=DESKTOP, base_url=base_url, locale="fr-FR")

    async def loopback_only(route):  # the provider's page links a CDN stylesheet: not here
        if urlsplit(route.request.url).hostname in ("127.0.0.1", "localhost"):
            await route.continue_()
        else:
            await route.abort()

    await context.route("**/*", loopback_only)
    return context


async def _sign_in_at_provider(page, sub: str) -> None:
    await page.get_by_role("link", name="Se connecter avec le compte de la boutique").click()
    await page.wait_for_selector("input[name=sub]")
    await page.fill("input[name=sub]", sub)
    await page.get_by_role("button", name="Authorize").click()


async def test_sign_in_with_the_shop_account_in_a_browser(browser, sso_server, provider):
    set_user(provider, "emp-42", {"preferred_username": "claire", "name": "Claire Dubois",
                                  "roles": ["employees", "back_office"]})
    context = await _context(browser, sso_server)
    try:
        page = await context.new_page()
        await page.goto("/login")
        problems = await serious_violations(page) + await small_targets(page)
        assert not problems, "\n".join(problems)
        await screenshot(page, "login-with-shop-account")

        await _sign_in_at_provider(page, "emp-42")
        await page.wait_for_url(f"{sso_server}/orders")
        assert "Claire Dubois" in await page.inner_text(".topbar")
        # The same session as a password sign-in: signing out ends it.
        await page.get_by_role("button", name="Déconnexion").click()
        await page.wait_for_url(f"{sso_server}/login")
        await page.goto("/orders")
        assert "/login" in page.url
    finally:
        await context.close()


async def test_no_staff_role_is_refused_with_a_clear_french_page(browser, sso_server,
                                                                provider):
    set_user(provider, "cust-7", {"preferred_username": "client7", "roles": ["customer"]})
    context = await _context(browser, sso_server)
    try:
        page = await context.new_page()
        await page.goto("/login")
        await _sign_in_at_provider(page, "cust-7")
        await page.wait_for_url("**/login/oidc/callback**")
        assert await page.inner_text("h1") == "Connexion refusée"
        message = await page.inner_text("[role=alert]")
        assert "aucun rôle dans le back-office" in message and "(picker)" in message
        problems = await serious_violations(page) + await small_targets(page)
        assert not problems, "\n".join(problems)
        await screenshot(page, "sign-in-refused-no-role")
        await page.get_by_role("link", name="Retour à la page de connexion").click()
        await page.wait_for_url(f"{sso_server}/login")
    finally:
        await context.close()
