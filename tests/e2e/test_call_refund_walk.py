"""Browser walk of a call, in French: the agent finds the caller's order by her phone
typed another way, takes a line off the paid order (asked first), and refunds what is
now owed by bank transfer; the back office then records the transfer from the payment
queue, and the order owes nothing any more. (Taking a new phone order without losing
typing is walked in test_phone_draft_typing_walk.)"""

import pytest

from tests.e2e.conftest import DESKTOP, PASSWORD, open_signed_in
from tests.e2e.e2e_shots import screenshot
from tests.factories import add_product, make_order

pytestmark = pytest.mark.e2e


async def test_find_the_caller_edit_the_order_refund_the_difference(browser, server_url):
    from dashboard.services.staff.auth import create_user

    await add_product("BOL-REMB", 20, name="Bol à soupe")
    await add_product("PLAT-REMB", 20, name="Plat à tarte")
    placed = await make_order(name="Inès Carré", phone="+33 6 98 76 54 32",
                              email="ines@example.fr", payment_method="card", paid=True,
                              lines=[("BOL-REMB", 2, 1500), ("PLAT-REMB", 1, 2400)])
    number = placed["number"]
    await create_user("agent-remb", "call_centre", PASSWORD, locale="fr",
                      display_name="Agent Remboursement")
    await create_user("compta-remb", "back_office", PASSWORD, locale="fr",
                      display_name="Compta")
    context, page = await open_signed_in(browser, server_url, "agent-remb", viewport=DESKTOP)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        # The caller reads her number as she writes it.
        await page.fill("#search", "06 98 76 54 32")
        await page.wait_for_function(
            "document.querySelectorAll('#orders-table tbody tr').length === 1")
        await page.locator("#orders-table tbody td.number a").click()
        await page.wait_for_url(f"**/orders/{number}")
        assert await page.locator("#refunds").is_hidden()  # nothing owed yet

        await page.locator("#order-changes summary").click()
        await page.locator("#order-changes tr", has_text="Plat à tarte").get_by_role(
            "button", name="Supprimer").click()
        question = page.locator("#order-changes [role=alertdialog]")
        await question.wait_for()
        await question.get_by_role("button", name="Oui, supprimer la ligne").click()
        refunds = page.locator("#refunds")
        await refunds.get_by_text("Dû au client : 24,00").wait_for()
        assert await page.locator("#refund-amount").input_value() == "24"
        await refunds.scroll_into_view_if_needed()
        await screenshot(page, "call-refund-form-fr")
        await refunds.get_by_label("Par virement bancaire").check()
        await page.fill("#refund-iban", "FR00 0000")
        await page.click("#refund-submit")
        await refunds.get_by_text("Cet IBAN n’est pas valide").wait_for()
        await page.fill("#refund-iban", "FR76 3000 6000 0112 3456 7890 189")
        await page.fill("#refund-reason", "Plat cassé au stock")
        await page.click("#refund-submit")
        await refunds.get_by_role("cell", name="À faire à la main").wait_for()
        assert await page.locator("#refund-form").count() == 0
        await page.locator("#history").get_by_text(
            "Remboursement de 24,00\u00a0€ à effectuer (Par virement bancaire)").wait_for()
        await refunds.scroll_into_view_if_needed()
        await screenshot(page, "call-refund-asked-fr")
        assert errors == []
    finally:
        await context.close()

    context, page = await open_signed_in(browser, server_url, "compta-remb", viewport=DESKTOP)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        await page.goto(f"{server_url}/payments")
        queue = page.locator("#refunds-to-make")
        row = queue.locator("tr", has_text=number)
        await row.wait_for()
        assert "FR7630006000011234567890189" in await row.inner_text()
        await row.get_by_placeholder("Référence du virement").fill("VIR-2026-1207")
        await screenshot(page, "payments-refunds-to-make-fr")
        await row.get_by_role("button", name="Marquer comme fait").click()
        await queue.get_by_text("Remboursement enregistré.").wait_for()
        await queue.get_by_text("Aucun remboursement à effectuer.").wait_for()
        await page.goto(f"{server_url}/orders/{number}")
        badge = await page.locator("#payment-badge").inner_text()
        assert "Dû au client" not in badge
        assert await page.locator("#refunds").is_hidden()
        assert "VIR-2026-1207" in await page.locator("#payments").inner_text()
        assert errors == []
    finally:
        await context.close()
