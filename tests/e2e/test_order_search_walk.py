"""Browser walk of the call-centre search, in French: a product name finds the orders that
hold it, digits list the orders numbered so first, Enter on a whole number opens it."""

import pytest

from tests.e2e.conftest import DESKTOP, PASSWORD, open_signed_in
from tests.e2e.e2e_shots import screenshot
from tests.factories import add_product, make_order

pytestmark = pytest.mark.e2e


async def test_find_orders_by_product_and_number_then_jump(browser, server_url):
    from dashboard.services.staff.auth import create_user

    await add_product("MARIN-RAY-M", 50, name="Marinière rayée M", barcode="3760000000017")
    await add_product("CIRE-JAUNE", 50, name="Ciré jaune")
    striped = await make_order(name="Léa Petit", number="100123",
                               lines=[("MARIN-RAY-M", 1, 3990)])
    await make_order(name="Marc Blanc", number="100124", lines=[("CIRE-JAUNE", 1, 8900)])
    await make_order(name="Zoé Roux", number="200777", postal_code="10012",
                     lines=[("MARIN-RAY-M", 2, 3990)])
    await create_user("agent-search", "call_centre", PASSWORD, locale="fr",
                      display_name="Agent Recherche")
    context, page = await open_signed_in(browser, server_url, "agent-search", viewport=DESKTOP)
    try:
        await _walk(page, striped["number"])
    finally:
        await context.close()


async def _walk(page, number: str) -> None:
    await page.fill("#search", "mariniere")
    await page.wait_for_function(
        "document.querySelectorAll('#orders-table tbody tr').length === 2")
    listed = await page.locator("#orders-table tbody td.number a").all_inner_texts()
    assert sorted(listed) == ["100123", "200777"]
    assert "2 commandes" in await page.locator(".results-head .count").inner_text()
    await screenshot(page, "orders-search-by-product-fr")

    # Digits: 1001... numbers first, then the postcode 10012.
    await page.fill("#search", "1001")
    await page.wait_for_function(
        "document.querySelectorAll('#orders-table tbody tr').length === 3")
    listed = await page.locator("#orders-table tbody td.number a").all_inner_texts()
    assert listed == ["100123", "100124", "200777"]
    await screenshot(page, "orders-search-numbers-first-fr")

    # Enter on a whole number opens the order; typing it only filtered the list.
    await page.fill("#search", number)
    await page.wait_for_function(
        "document.querySelectorAll('#orders-table tbody tr').length === 1")
    assert page.url.split("?")[0].endswith("/orders")
    await page.press("#search", "Enter")
    await page.wait_for_url(f"**/orders/{number}")
    assert number in await page.locator("h1").inner_text()
