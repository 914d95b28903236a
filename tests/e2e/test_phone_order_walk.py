"""Browser walk of a phone order: from the orders list, find the caller, start an order,
add products with the keyboard (search, Enter), change a quantity inline, place it."""

import re

import pytest

from dashboard.db.tables import Order
from dashboard.services.orders.intake import place_order
from tests.e2e.e2e_shots import screenshot
from tests.factories import add_product, make_draft

pytestmark = pytest.mark.e2e


async def test_phone_order_from_first_search_to_placed(staff_page):
    await add_product("LAMP-BRASS", 6, price=4500, name="Brass table lamp", barcode="3760000000017")
    await add_product("MUG-STONE", 20, price=1200, name="Stoneware mug")
    await add_product("VASE-BLUE", 0, price=3200, name="Blue glass vase", backorder=True)
    await place_order(make_draft(("MUG-STONE", 2)), actor="shop")  # Anne Martin, known caller

    page = await staff_page("call_centre")
    await page.click("#new-phone-order")
    await page.wait_for_url("**/orders/new")
    await page.fill("#caller-q", "martin")
    await page.locator("#callers").get_by_text("anne@example.fr").wait_for()
    await page.locator("#callers").get_by_role("button", name="Start order").click()
    await page.wait_for_url(re.compile(r".*/orders/new/\d+$"))
    assert await page.input_value("#f-shipping_address\\.city") == "Lyon"  # from her addresses

    # Keyboard first: type, wait for the live hits, Enter adds the first one.
    await page.fill("#draft-q", "brass")
    await page.locator("#draft-hits").get_by_text("6 available").wait_for()
    await page.press("#draft-q", "Enter")
    await page.locator("#draft-lines tbody").get_by_text("Brass table lamp").wait_for()
    # Let every swap the Enter started finish, or a late one replaces the field being typed in.
    await page.wait_for_load_state("networkidle")
    quantity = page.get_by_label("Quantity of LAMP-BRASS")
    await quantity.fill("2")
    await quantity.press("Enter")
    await page.locator("#draft-lines .totals").get_by_text("95.90").wait_for()  # 90 + 5.90
    await page.wait_for_load_state("networkidle")
    await page.fill("#draft-q", "VASE-BLUE")
    await page.press("#draft-q", "Enter")
    await page.locator("#draft-lines tbody").get_by_text("Blue glass vase").wait_for()
    await page.select_option("#f-payment_method", "bank_transfer")
    await screenshot(page, "phone-order-desktop")

    await page.get_by_role("button", name="Place the order").click()
    await page.wait_for_url(re.compile(r".*/orders/(?!new)[^/]+$"))
    number = page.url.rsplit("/", 1)[1]
    order = await Order.select().where(Order.number == number).first()
    assert (order["channel"], order["payment_method"], order["total"]) == (
        "phone", "bank_transfer", 2 * 4500 + 3200 + 590)
    assert order["backordered_quantity"] == 1
    await page.get_by_role("heading", name=f"Order {number}").wait_for()

    # The order screen: change a quantity inline; lines, totals and balance follow in place.
    await page.get_by_text("Change the order").click()
    await page.wait_for_load_state("networkidle")
    quantity = page.locator("#order-changes").get_by_label("Quantity of LAMP-BRASS")
    await quantity.fill("3")
    await quantity.press("Enter")
    await page.locator("#order-changes").get_by_text("Quantity changed").wait_for()
    await page.locator("#lines .totals .owed").get_by_text("172.90").wait_for()  # 135+32+5.90
    await page.locator("#history").get_by_text("Brass table lamp: quantity 2 → 3").wait_for()
    await screenshot(page, "order-changes-desktop")
