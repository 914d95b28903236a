"""A picker on a 390px phone picks a two-order list by typing barcodes into the scan field,
as a handheld scanner would, to completion; mistakes are flagged on the way."""

from __future__ import annotations

from dashboard.db.tables import OrderLine, PickList
from dashboard.services.fulfilment import picking
from tests.e2e.conftest import PASSWORD, PHONE
from tests.e2e.e2e_shots import screenshot
from tests.fulfilment.support import EANS, barcoded_order, set_order


async def _picker_page(browser, server_url):
    from dashboard.services.staff.auth import create_user

    await create_user("picker-e2e", "picker", PASSWORD, locale="en", display_name="Pat Picker")
    context = await browser.new_context(viewport=PHONE, base_url=server_url, locale="en-GB",
                                        has_touch=True, is_mobile=True)
    page = await context.new_page()
    await page.goto("/login")
    await page.fill("input[name=username]", "picker-e2e")
    await page.fill("input[name=password]", PASSWORD)
    await page.click("button[type=submit]")
    await page.wait_for_url("**/picking")
    return context, page


async def _scan(page, code: str, expected: str) -> None:
    await page.keyboard.type(code)  # into whatever has focus: the scan field must have it
    await page.keyboard.press("Enter")
    await page.wait_for_function(
        "r => document.getElementById('picking').dataset.lastResult === r "
        "&& document.getElementById('pending').hidden", arg=expected)
    await page.evaluate("delete document.getElementById('picking').dataset.lastResult")


async def test_pick_two_orders_on_a_phone(browser, server_url):
    first = await barcoded_order()  # 2 shirts, 1 mug
    second = await barcoded_order(lines=[("MUG-RED", 2, 900), ("CAP-GREEN", 1, 1200)])
    for order in (first, second):
        await set_order(order["number"], payment_status="paid")
    context, page = await _picker_page(browser, server_url)
    try:
        await page.click("button.primary")  # new pick list of the oldest paid orders
        await page.wait_for_url("**/picking/PL*")
        assert await page.evaluate("document.activeElement.id") == "scan"
        assert await page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

        await _scan(page, EANS["TSHIRT-BLUE-M"], "counted")
        await _scan(page, "0000000000000", "unknown")
        assert "Unknown barcode" in await page.inner_text("#feedback")
        await _scan(page, "3*" + EANS["TSHIRT-BLUE-M"], "over_pick")
        await screenshot(page, "picking-phone-over-pick")
        await _scan(page, EANS["TSHIRT-BLUE-M"], "counted")
        await _scan(page, "3*" + EANS["MUG-RED"], "counted")
        assert "5 / 6" in await page.inner_text(".progress-text")
        await _scan(page, EANS["CAP-GREEN"], "counted")
        await page.wait_for_selector("#complete")
        await screenshot(page, "picking-phone-complete")
    finally:
        await context.close()

    assert (await PickList.select(PickList.status).first())["status"] == "completed"
    picked = await OrderLine.select(OrderLine.sku, OrderLine.picked, OrderLine.quantity)
    assert all(line["picked"] == line["quantity"] for line in picked)
    assert len(await picking.open_pick_lists()) == 0
