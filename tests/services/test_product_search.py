"""Finding products by SKU, barcode or name, accents and case ignored, and the folded
catalogue kept in memory following the catalogue's changes."""

from dashboard.db.tables import Product
from dashboard.services.stock.product_search import find_products, product_ids_matching
from dashboard.services.stock import inventory
from dashboard.domain.stock.catalogue import ProductSpec
from tests.factories import add_product


async def test_names_match_without_accents_exact_codes_first():
    await add_product("CIRE-JAUNE", 5, name="Ciré jaune", barcode="3760000000024")
    await add_product("CIRE-BLEU", 5, name="Ciré bleu")
    assert [p["sku"] for p in await find_products("cire")] == ["CIRE-BLEU", "CIRE-JAUNE"]
    assert [p["sku"] for p in await find_products("CIRÉ Jaune")] == ["CIRE-JAUNE"]
    assert [p["sku"] for p in await find_products("3760000000024")] == ["CIRE-JAUNE"]
    assert [p["sku"] for p in await find_products("cire-jaune")][0] == "CIRE-JAUNE"
    assert await find_products("") == [] and await find_products("parapluie") == []


async def test_the_folded_catalogue_follows_renames_and_new_products():
    await add_product("VAREUSE", 5, name="Vareuse")
    assert await find_products("marine") == []
    await inventory.upsert_product(ProductSpec(sku="VAREUSE", name="Vareuse marine", price=5900),
                                   actor="test")
    assert [p["sku"] for p in await find_products("marine")] == ["VAREUSE"]
    await add_product("BOB-MARINE", 5, name="Bob marine")
    assert [p["sku"] for p in await find_products("marine")] == ["BOB-MARINE", "VAREUSE"]


async def test_orders_search_wants_three_letters_per_word_and_sees_withdrawn_products():
    await add_product("PULL-ECRU", 5, name="Pull écru")
    await Product.update({Product.active: False}).where(Product.sku == "PULL-ECRU")
    [pull] = await product_ids_matching("ecru", min_word=3)
    assert await product_ids_matching("ecru", min_word=3, active_only=True) == []
    assert await product_ids_matching("pu ecru", min_word=3) == []
    assert await product_ids_matching("PULL-ECRU", min_word=3) == [pull]
