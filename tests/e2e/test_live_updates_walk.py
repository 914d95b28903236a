"""In a real browser: an order placed by someone else appears in an open list by itself."""

import pytest

from tests.factories import make_order

pytestmark = pytest.mark.e2e


async def test_a_new_order_appears_in_the_open_list_without_a_reload(staff_page):
    page = await staff_page("back_office")
    await page.wait_for_selector("#results")
    assert await page.locator("text=LIVE-0001").count() == 0
    await page.evaluate("window.__marker = 1")  # survives only if the page is not reloaded
    await make_order(name="Lou Vivant", number="LIVE-0001")
    await page.wait_for_selector("text=LIVE-0001", timeout=20_000)
    assert await page.evaluate("window.__marker") == 1
