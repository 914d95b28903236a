"""In a real browser: select orders, choose "Mark shipped", paste tracking numbers, read the
per-order report; the orders are shipped and the one without a number is skipped."""

import pytest

from dashboard.db.tables import Order
from tests.e2e.e2e_shots import screenshot
from tests.factories import make_order, mark_picked

pytestmark = pytest.mark.e2e


async def test_bulk_mark_shipped_with_pasted_tracking_numbers(staff_page):
    orders = [await make_order(email=f"eva{i}@shipper.example", name=f"Eva Shipper{i}",
                               lines=[("E2E-SHIP", 1, 1500)]) for i in range(3)]
    for placed in orders:
        await mark_picked(placed["number"])
    page = await staff_page("dispatch")
    await page.fill("#search", "shipper")
    # The list already shows these 3 orders: wait for the search's own answer (pushed URL),
    # else its late swap would clear the selection made below.
    await page.wait_for_url("**q=shipper**")
    await page.wait_for_load_state("networkidle")
    await page.wait_for_function("document.querySelectorAll('#orders-table tbody tr').length === 3")
    await page.check("#select-page")
    await page.select_option("#bulk select[name=action]", "mark_shipped")
    await page.select_option("#bulk select[name=carrier]", "colissimo")
    await page.fill("#bulk textarea[name=tracking]",
                    f"{orders[0]['number']}, 6A12345678901\n{orders[1]['number']}, 6A12345678902")
    await page.click("#bulk button[type=submit]")
    await page.wait_for_selector(".bulk-report")
    report = await page.locator(".bulk-report").inner_text()
    assert "2 orders changed" in report and "no tracking number given" in report
    await screenshot(page, "orders-bulk-ship-report-desktop")
    statuses = {r["number"]: r["fulfilment_status"] for r in await Order.select(
        Order.number, Order.fulfilment_status).where(Order.number.is_in([o["number"] for o in orders]))}
    assert statuses == {orders[0]["number"]: "shipped", orders[1]["number"]: "shipped",
                        orders[2]["number"]: "unfulfilled"}
