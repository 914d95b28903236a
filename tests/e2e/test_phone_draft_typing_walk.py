"""In a real browser, in French: a call-centre agent takes a new caller's order, types the
name and address, THEN adds a product: nothing typed is lost, the draft says "saved" only
once the server has it, and a reload (the call dropped) shows everything again."""

import re

import pytest

from dashboard.services.staff.auth import create_user
from tests.e2e.conftest import DESKTOP, PASSWORD, open_signed_in
from tests.e2e.e2e_shots import screenshot
from tests.factories import add_product

pytestmark = pytest.mark.e2e


def field(page, name: str):
    return page.locator(f'[id="f-{name}"]')


async def test_typing_survives_adding_products_and_a_dropped_call(browser, server_url):
    await add_product("BOL-TYPE", 8, price=1450, name="Bol en grès")
    await create_user("drafts-fr", "call_centre", PASSWORD, locale="fr", display_name="Léa Appel")
    context, page = await open_signed_in(browser, server_url, "drafts-fr", viewport=DESKTOP)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        await page.goto(f"{server_url}/orders/new")
        await page.get_by_role("button", name="Nouveau client").click()
        await page.wait_for_url(re.compile(r".*/orders/new/\d+$"))
        await field(page, "customer.first_name").fill("Margaux")
        await field(page, "customer.last_name").fill("Tapefort")
        await field(page, "shipping_address.line1").fill("8 rue des Tanneurs")
        await field(page, "shipping_address.postal_code").fill("67000")
        # Each keystroke says "not saved yet" at once (checked in one synchronous step: an
        # autosave answer may land any time after).
        assert await page.evaluate("""() => {
            const field = document.getElementById('f-customer.last_name');
            field.dispatchEvent(new Event('input', {bubbles: true}));
            return document.getElementById('draft-save-state').textContent; }""") == \
            "Pas encore enregistré…"
        # Straight on to the product, before the autosave had time to run.
        await page.fill("#draft-q", "bol")
        await page.locator("#draft-hits").get_by_text("Bol en grès").wait_for()
        await page.press("#draft-q", "Enter")
        await page.locator("#draft-lines tbody").get_by_text("Bol en grès").wait_for()
        assert await field(page, "customer.first_name").input_value() == "Margaux"
        assert await field(page, "shipping_address.line1").input_value() == "8 rue des Tanneurs"
        await page.wait_for_load_state("networkidle")  # the line's own saves are answered
        async with page.expect_response(lambda r: "/autosave" in r.url
                                        and "Strasbourg" in (r.request.post_data or "")):
            await field(page, "shipping_address.city").fill("Strasbourg")
        await page.wait_for_function(  # saved, city included
            "document.getElementById('draft-save-state').textContent.startsWith('Brouillon enregistré à')")
        await screenshot(page, "phone-draft-saved-desktop")
        await page.reload()  # the call dropped; the agent opens the draft again
        assert await field(page, "customer.last_name").input_value() == "Tapefort"
        assert await field(page, "shipping_address.city").input_value() == "Strasbourg"
        assert await page.locator("#draft-lines tbody").get_by_text("Bol en grès").count() == 1
        assert errors == []
    finally:
        await context.close()


async def test_a_save_answered_while_the_agent_types_does_not_drop_the_next_save(
        browser, server_url):
    """The first autosave is answered (slowly) while the agent is typing the next field:
    that answer must neither swallow the next save nor claim the new typing is saved."""
    await create_user("drafts-race", "call_centre", PASSWORD, locale="fr")
    context, page = await open_signed_in(browser, server_url, "drafts-race", viewport=DESKTOP)
    try:
        await page.goto(f"{server_url}/orders/new")
        await page.get_by_role("button", name="Nouveau client").click()
        await page.wait_for_url(re.compile(r".*/orders/new/\d+$"))
        held = []

        async def slow_first_save(route):
            if not held:
                held.append(route.request.post_data or "")
                await page.wait_for_timeout(400)  # answered during the next field's debounce
            await route.continue_()

        await page.route("**/autosave", slow_first_save)
        async with page.expect_request(lambda r: "/autosave" in r.url):
            await field(page, "customer.first_name").fill("Margaux")
        await page.wait_for_timeout(100)
        await field(page, "shipping_address.city").fill("Strasbourg")
        # The first answer lands while "Strasbourg" waits for its own save: it says "not saved".
        await page.wait_for_timeout(500)
        assert await page.locator("#draft-save-state").text_content() == "Pas encore enregistré…"
        await page.wait_for_function(
            "document.getElementById('draft-save-state').textContent.startsWith('Brouillon enregistré à')")
        await page.reload()
        assert await field(page, "shipping_address.city").input_value() == "Strasbourg"
        assert "Strasbourg" not in held[0]
    finally:
        await context.close()
