"""In a real browser, in French: tick the page, then "select all N matching this filter",
put every matching order on hold; the orders beyond the first page are held too, the
orders outside the filter are not, and the page raised no JavaScript error."""

import pytest

from dashboard.db.tables import Order
from dashboard.services.staff.auth import create_user
from tests.e2e.conftest import DESKTOP, PASSWORD, open_signed_in
from tests.e2e.e2e_shots import screenshot
from tests.factories import make_order

pytestmark = pytest.mark.e2e

MATCHING = 53  # more than one page of 50


async def test_select_all_matching_then_hold_them_all(browser, server_url):
    matching = [(await make_order(email=f"zoe{i}@toutsel.example", name=f"Zoé Toutsel{i}",
                                  lines=[("E2E-ALL", 1, 1200)]))["number"]
                for i in range(MATCHING)]
    others = [(await make_order(email=f"autre{i}@ailleurs.example", name=f"Paul Ailleurs{i}",
                                lines=[("E2E-ALL", 1, 1200)]))["number"] for i in range(2)]
    await create_user("bulk-all-fr", "back_office", PASSWORD, locale="fr",
                      display_name="Camille Bureau")
    context, page = await open_signed_in(browser, server_url, "bulk-all-fr", viewport=DESKTOP)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        await page.fill("#search", "toutsel")
        await page.wait_for_url("**q=toutsel**")
        await page.wait_for_load_state("networkidle")
        await page.wait_for_function(
            "document.querySelectorAll('#orders-table tbody tr').length === 50")
        await page.check("#select-page")
        more = page.locator("#select-matching")
        await more.wait_for(state="visible")
        # The button reads as a sentence with the count, not as escaped markup.
        assert await more.inner_text() == f"Sélectionner les {MATCHING} commandes de ce filtre"
        assert await page.locator("#selection-count").inner_text() == "50"
        await more.click()
        assert await page.locator("#selection-count").inner_text() == str(MATCHING)
        assert await more.is_hidden()
        await page.select_option("#bulk select[name=action]", "hold")
        await page.fill("#bulk input[name=reason]", "contrôle")
        # Only the chosen action's fields show ("email the customers" is mark_shipped's).
        assert await page.locator("#bulk label[data-for-action=mark_shipped]").is_hidden()
        await screenshot(page, "orders-select-all-matching-desktop")
        await page.click("#bulk button[type=submit]")
        await page.wait_for_selector(".bulk-report")
        report = await page.locator(".bulk-report").inner_text()
        assert f"{MATCHING} commandes modifiées" in report, report
        rows = await Order.select(Order.number, Order.status, Order.hold_reason).where(
            Order.number.is_in(matching + others))
        status = {row["number"]: (row["status"], row["hold_reason"]) for row in rows}
        assert {n: status[n] for n in matching} == {n: ("on_hold", "contrôle") for n in matching}
        assert {status[n][0] for n in others} == {"open"}
        assert errors == []
    finally:
        await context.close()
