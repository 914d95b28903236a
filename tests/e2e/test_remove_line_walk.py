"""Browser walk in French: a call-centre agent takes a line off a PAID order. The screen
asks first (what the customer will be owed), then removes it; the history offers to put
the line back, which restores it at the price it was sold at."""

import pytest

from tests.e2e.conftest import DESKTOP, PASSWORD, open_signed_in
from tests.e2e.e2e_shots import screenshot
from tests.factories import add_product, make_order

pytestmark = pytest.mark.e2e


async def test_remove_a_paid_line_confirm_then_put_it_back(browser, server_url):
    from dashboard.services.staff.auth import create_user

    await add_product("TASSE-RM", 20, name="Tasse à café")
    await add_product("SOUS-RM", 20, name="Sous-tasse")
    placed = await make_order(name="Hugo Rémy", lines=[("TASSE-RM", 2, 1200), ("SOUS-RM", 2, 600)],
                              payment_method="card", paid=True)
    await create_user("agent-retrait", "call_centre", PASSWORD, locale="fr",
                      display_name="Agent Retrait")
    context, page = await open_signed_in(browser, server_url, "agent-retrait", viewport=DESKTOP)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        await page.goto(f"/orders/{placed['number']}")
        await page.locator("#order-changes summary").click()
        remove = page.locator("#order-changes tr", has_text="Sous-tasse").get_by_role(
            "button", name="Supprimer")
        await remove.click()
        question = page.locator("#order-changes [role=alertdialog]")
        await question.wait_for()
        text = await question.inner_text()
        assert "Supprimer 2 × Sous-tasse ?" in text and "12,00" in text
        await screenshot(page, "remove-paid-line-confirm-fr")
        await question.get_by_role("button", name="Oui, supprimer la ligne").click()
        await page.locator("#order-changes").get_by_text("Ligne supprimée").wait_for()
        await page.wait_for_function(
            "document.querySelector('#payment-badge').textContent.includes('Dû au client')")
        put_back = page.locator("#history").get_by_role("button", name="Remettre la ligne")
        await put_back.wait_for()
        await put_back.click()
        await page.locator("#order-changes").get_by_text("Ligne remise").wait_for()
        await page.wait_for_function(
            "!document.querySelector('#payment-badge').textContent.includes('Dû au client')")
        # The history panel re-reads itself on the order-changed event, on its own request.
        await page.locator("#history").get_by_role(
            "button", name="Remettre la ligne").wait_for(state="detached")
        await page.locator("#history").scroll_into_view_if_needed()
        await screenshot(page, "remove-paid-line-put-back-fr")
        assert errors == []
    finally:
        await context.close()
