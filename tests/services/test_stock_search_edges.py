"""What a product search hands back (fields, levels, order of exact codes), the Enter key's
first hit, the folded catalogue's cache and the stock screen's query string
(services/stock), which mutants changed unseen."""

from __future__ import annotations

from dashboard.db.tables import Order, Product, Stock
from dashboard.services.orders import intake as order_service
from dashboard.services.stock import inventory as stock
from dashboard.services.stock import product_search
from tests.factories import add_product, make_draft


async def test_a_hit_carries_its_fields_and_levels_and_withdrawn_products_are_left_out():
    await add_product("MUG", 5, name="Mug", barcode="3760000000017", price=1250)
    await add_product("BOOK", 0, name="Cookbook mug", backorder=True)
    await order_service.place_order(make_draft(("MUG", 2), ("BOOK", 3)), actor="t")
    await add_product("OLD-MUG", 5, name="Old mug")
    await Product.update({Product.active: False}).where(Product.sku == "OLD-MUG")
    hits = await product_search.find_products("mug")
    assert [(h["sku"], h["name"], h["barcode"], h["price"], h["currency"], h["backorder"],
             h["available"], h["backordered"]) for h in hits] == [
        ("MUG", "Mug", "3760000000017", 1250, "EUR", False, 3, 0),
        ("BOOK", "Cookbook mug", None, 1990, "EUR", True, 0, 3)]
    assert await product_search.find_products("old") == []


async def test_a_product_without_a_stock_row_has_nothing_available():
    await add_product("LAMP", 0, name="Lamp")
    await Stock.delete().where(Stock.product.sku == "LAMP")
    [hit] = await product_search.find_products("lamp")
    assert (hit["available"], hit["backordered"]) == (0, 0)


async def test_an_exact_sku_typed_in_lower_case_comes_before_the_name_matches():
    await add_product("ALPHA-MUG", 5, name="Alpha mug")
    await add_product("MUG", 5, name="Mug")
    assert [h["sku"] for h in await product_search.find_products("mug")] == ["MUG", "ALPHA-MUG"]
    assert [h["sku"] for h in await product_search.find_products("  MUG ")] == [
        "MUG", "ALPHA-MUG"]


async def test_one_letter_words_match_names_by_default_and_no_query_finds_nothing():
    a = await add_product("XXXX", 5, name="Bag a")
    assert await product_search.product_ids_matching("a") == [a["id"]]
    assert await product_search.product_ids_matching(None) == []
    assert await product_search.product_ids_matching("   ") == []


async def test_enter_adds_the_code_typed_or_the_first_hit_or_leaves_the_text():
    await add_product("MUG-RED", 5, name="Red mug", barcode="3760000000017")
    await add_product("MUG-BLUE", 5, name="Blue mug")
    assert await product_search.first_hit(" MUG-RED ") == "MUG-RED"
    assert await product_search.first_hit("3760000000017") == "3760000000017"
    assert await product_search.first_hit("mug") == "MUG-BLUE"
    assert await product_search.first_hit("red") == "MUG-RED"
    assert await product_search.first_hit("parapluie") == "parapluie"
    assert await product_search.first_hit("") == "" and await product_search.first_hit(None) == ""


async def test_the_folded_catalogue_is_read_once_while_the_catalogue_is_unchanged():
    await add_product("MUG", 5, name="Mug")
    first = await product_search._folded_catalogue()
    assert await product_search._folded_catalogue() is first
    assert [(sku, active) for _, sku, _, active in first] == [("MUG", True)]
    await add_product("LAMP", 5, name="Lamp")
    again = await product_search._folded_catalogue()
    assert again is not first and len(again) == 2


def test_the_stock_screen_state_round_trips_without_its_defaults():
    assert stock.StockFilter().query_items() == {}
    assert stock.StockFilter(sort="sku").query_items() == {}
    assert stock.StockFilter(q="mug", sort="name", desc=True, only="low").query_items() == {
        "q": "mug", "sort": "name", "desc": "1", "only": "low"}
    assert stock.StockFilter(only="waiting").query_items() == {"only": "waiting"}


async def test_the_stock_list_matches_names_counts_what_it_filters_and_sorts_safely():
    mug = await add_product("MUG-RED", 5, name="Red mug")
    await add_product("LAMP", 2, name="Anglepoise lamp", bin_location="C-1")
    await add_product("BOOK", 0, name="Cookbook", backorder=True, bin_location="A-1")
    order = await order_service.place_order(make_draft(("LAMP", 1), ("BOOK", 1)), actor="t")
    page = await stock.list_stock(stock.StockFilter(q="anglepoise"))
    assert [r["sku"] for r in page.rows] == ["LAMP"] and page.total == 1
    page = await stock.list_stock(stock.StockFilter(q="mug"))
    assert [(r["product_id"], r["sku"]) for r in page.rows] == [(mug["id"], "MUG-RED")]
    page = await stock.list_stock(stock.StockFilter(only="low"))
    assert page.total == 1
    page = await stock.list_stock(stock.StockFilter(sort="name"))
    assert [(r["sku"], r["available"]) for r in page.rows] == [
        ("LAMP", 1), ("BOOK", 0), ("MUG-RED", 5)]
    page = await stock.list_stock(stock.StockFilter(sort="name", desc=True))
    assert [r["sku"] for r in page.rows] == ["MUG-RED", "BOOK", "LAMP"]
    page = await stock.list_stock(stock.StockFilter(sort="bin_location", desc=True))
    assert [r["sku"] for r in page.rows][:2] == ["LAMP", "BOOK"]
    page = await stock.list_stock(stock.StockFilter(sort="reserved", desc=True))
    assert [r["sku"] for r in page.rows][0] == "LAMP"
    placed = await Order.select(Order.payment_status).where(Order.id == order.id).first()
    [waiting] = await stock.orders_for_product("LAMP")
    assert (waiting["number"], waiting["status"], waiting["payment_status"],
            waiting["customer_name"], waiting["shipped"], waiting["reserved"]) == (
        order.number, "open", placed["payment_status"], "Anne Martin", 0, 1)
    page = await stock.list_stock(stock.StockFilter(sort="price; drop table", desc=True))
    assert [r["sku"] for r in page.rows] == ["MUG-RED", "LAMP", "BOOK"] and page.total == 3
