"""The stock screen: whole page or fragment, search and sort, and receiving goods."""

from __future__ import annotations

from dashboard.services.orders import intake as order_service
from dashboard.services.stock import inventory as stock
from tests.factories import add_product, make_draft

HX = {"HX-Request": "true"}


async def _shop() -> str:
    await add_product("MUG-RED", 5, name="Red mug", barcode="3760000000017")
    await add_product("BOOK", 0, name="Cookbook", backorder=True)
    placed = await order_service.place_order(make_draft(("BOOK", 3)), actor="t")
    return placed.number


async def test_the_stock_page_lists_levels_and_the_fragment_only_the_results(login_as):
    client = await login_as("back_office")
    await _shop()
    page = await client.get("/stock")
    assert page.status_code == 200 and "<html" in page.text
    assert 'href="/stock"' in page.text  # the navigation shows the area
    assert "MUG-RED" in page.text and "Cookbook" in page.text
    fragment = await client.get("/stock", params={"q": "3760000000017"}, headers=HX)
    assert fragment.status_code == 200 and "<html" not in fragment.text
    assert "MUG-RED" in fragment.text and "Cookbook" not in fragment.text
    waiting = await client.get("/stock", params={"only": "waiting"}, headers=HX)
    assert "BOOK" in waiting.text and "MUG-RED" not in waiting.text


async def test_columns_sort_both_ways(login_as):
    client = await login_as("dispatch")
    await _shop()
    ascending = (await client.get("/stock", params={"sort": "available"}, headers=HX)).text
    descending = (await client.get("/stock", params={"sort": "available", "desc": "1"},
                                   headers=HX)).text
    assert ascending.index("BOOK") < ascending.index("MUG-RED")
    assert descending.index("MUG-RED") < descending.index("BOOK")
    assert 'aria-sort="descending"' in descending
    assert "/stock?sort=available&amp;desc=1" in ascending  # the next click reverses


async def test_a_product_shows_the_orders_waiting_for_it(login_as):
    client = await login_as("back_office")
    number = await _shop()
    page = await client.get("/stock/BOOK")
    assert page.status_code == 200 and "<html" in page.text and number in page.text
    fragment = await client.get("/stock/BOOK", headers=HX)
    assert "<html" not in fragment.text and number in fragment.text
    assert (await client.get("/stock/NOPE")).status_code == 404


async def test_receiving_stock_serves_backorders_and_refreshes_the_list(login_as):
    client = await login_as("back_office")
    await _shop()
    response = await client.post("/stock/BOOK/receive", data={"quantity": "2", "note": "DHL"},
                                 headers=HX)
    assert response.status_code == 200 and response.headers["hx-trigger"] == "stockChanged"
    assert "<html" not in response.text and "2 received." in response.text
    level = await stock.stock_level("BOOK")
    assert (level.on_hand, level.reserved, level.backordered) == (2, 2, 1)


async def test_a_bad_quantity_is_shown_in_place_with_422(login_as):
    client = await login_as("back_office")
    await _shop()
    for quantity in ("0", "-2", "abc", ""):
        response = await client.post("/stock/BOOK/receive", data={"quantity": quantity},
                                     headers=HX)
        assert response.status_code == 422 and 'aria-invalid="true"' in response.text
        assert "<html" not in response.text
    assert (await stock.stock_level("BOOK")).on_hand == 0


async def test_without_htmx_receiving_redirects_to_the_product(login_as):
    client = await login_as("admin")
    await _shop()
    response = await client.post("/stock/MUG-RED/receive", data={"quantity": "4"})
    assert response.status_code == 303 and response.headers["location"] == "/stock/MUG-RED"
    bad = await client.post("/stock/MUG-RED/receive", data={"quantity": "x"})
    assert bad.status_code == 422 and "<html" in bad.text
    assert (await stock.stock_level("MUG-RED")).on_hand == 9


async def test_roles_without_the_stock_area_are_refused(login_as):
    for role in ("picker", "call_centre"):
        client = await login_as(role, username=f"{role}-stock")
        assert (await client.get("/stock")).status_code == 403
        client.cookies.clear()
        client.headers.pop("x-csrftoken", None)
