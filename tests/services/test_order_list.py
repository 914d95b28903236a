"""The orders list query: search (accents, case, phone spacing), every filter, sorting,
keyset pages and capped counts, on both engines."""

from datetime import datetime, timezone

from dashboard.db.tables import Order
from dashboard.services.orders import listing as queries
from dashboard.services.orders.listing import OrderFilter, list_orders, status_counts
from tests.factories import add_product, make_order


def view(**params) -> OrderFilter:
    return OrderFilter.from_query(params)


async def numbers(**params) -> list[str]:
    page = await list_orders(view(**params))
    return [row["number"] for row in page.rows]


async def test_search_ignores_accents_and_case_on_name_email_phone_postcode_and_number():
    helene = await make_order(name="Hélène Dupré", postal_code="75011",
                              phone="+33 6 12 34 56 78", number="WS-HELENE")
    other = await make_order(name="Paul Durand", postal_code="13001",
                             phone="+33698765432", email="paul@shop.test")
    assert await numbers(q="helene") == ["WS-HELENE"]
    assert await numbers(q="HÉLÈNE dupre") == ["WS-HELENE"]
    assert await numbers(q="75011") == ["WS-HELENE"]
    assert await numbers(q="06 12 34 56 78") == ["WS-HELENE"]
    assert await numbers(q="paul@shop") == [other["number"]]
    assert await numbers(q="ws-helene") == ["WS-HELENE"]
    assert await numbers(q="du") == [other["number"], helene["number"]]  # short word, no index
    assert await numbers(q="nobody-here") == []
    assert await numbers(q="50%_") == []  # LIKE wildcards are literal text


async def test_search_follows_later_edits_of_search_text():
    order = await make_order(name="Zoé Roux")
    await Order.update({Order.search_text: "renamed"}).where(Order.id == order["id"])
    assert await numbers(q="roux") == []
    assert await numbers(q="renamed") == [order["number"]]


async def test_filters_on_axes_flags_carrier_and_dates():
    a = await make_order(status="on_hold", payment_method="bank_transfer", note_count=2,
                         placed_at=datetime(2026, 5, 31, 22, 30, tzinfo=timezone.utc))  # June 1st in Paris
    b = await make_order(payment_method="card", paid=True, shipped=True,  # with colissimo
                         channel="phone", placed_at=datetime(2026, 5, 2, tzinfo=timezone.utc))
    await add_product("ON-ORDER", backorder=True)  # nothing on the shelf: the line waits
    c = await make_order(payment_method="card", lines=[("ON-ORDER", 3, 1990)],
                         ship_verified_at=datetime.now(timezone.utc),
                         placed_at=datetime(2026, 4, 30, 12, tzinfo=timezone.utc))
    assert c["backordered_quantity"] == 3
    assert await numbers(status="on_hold") == [a["number"]]
    assert await numbers(payment_method="bank_transfer") == [a["number"]]
    assert await numbers(payment_status="paid", fulfilment_status="shipped") == [b["number"]]
    assert await numbers(channel="phone") == [b["number"]]
    assert await numbers(carrier="colissimo") == [b["number"]]
    assert await numbers(has_notes="1") == [a["number"]]
    assert await numbers(backordered="1") == [c["number"]]
    assert await numbers(month="2026-05") == [b["number"]]
    assert await numbers(month="2026-06") == [a["number"]]
    assert await numbers(placed_from="2026-04-30", placed_to="2026-05-02") == [b["number"], c["number"]]
    assert set(await numbers(unverified="1")) == {a["number"], b["number"]}
    # Malformed values are dropped, not errors.
    assert len(await numbers(status="bogus", month="2026-13", placed_from="yesterday")) == 3


async def test_sorts_and_keyset_pages_walk_every_order_once():
    made = [await make_order(lines=[("TSHIRT-BLUE-M", 1, 1000 * (i % 4 + 1))]) for i in range(7)]
    seen, cursor = [], ""
    while True:
        page = await list_orders(view(sort="-total", cursor=cursor), page_size=3)
        seen += [(row["total"], row["number"]) for row in page.rows]
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    assert len(seen) == 7 and len({n for _, n in seen}) == 7
    assert [t for t, _ in seen] == sorted((t for t, _ in seen), reverse=True)
    first = await list_orders(view(), page_size=3)
    second = await list_orders(view(cursor=first.next_cursor), page_size=3)
    assert [r["number"] for r in first.rows + second.rows] == [o["number"] for o in made[::-1][:6]]
    assert await numbers(sort="number") == sorted(o["number"] for o in made)


async def test_counts_per_status_follow_other_filters_and_cap(monkeypatch):
    await make_order(status="on_hold", name="Léa Martin")
    await make_order(name="Léa Martin")
    await make_order(name="Marc Martin")
    counts = await status_counts(view(q="lea", status="open"))
    assert counts[""].value == 2 and counts["open"].value == 1 and counts["on_hold"].value == 1
    assert counts["cancelled"].value == 0
    monkeypatch.setattr(queries, "COUNT_CAP", 2)
    page = await list_orders(view())
    assert page.total.value == 2 and page.total.capped


async def test_the_list_fragment_reads_its_counts_and_page_together():
    await add_product("MARIN-RAY-M", on_hand=10, name="Marinière rayée")
    await make_order(status="on_hold", name="Léa Martin", lines=[("MARIN-RAY-M", 1, 3990)])
    await make_order(name="Léa Martin")
    await make_order(name="Marc Martin", lines=[("MARIN-RAY-M", 1, 3990)])
    for params in ({}, {"q": "lea", "status": "open"}, {"q": "mariniere"}):
        counts, page = await queries.orders_view(view(**params))
        assert counts == await status_counts(view(**params))
        alone = await list_orders(view(**params))
        assert page.rows == alone.rows and page.total == alone.total
        assert page.total == counts[view(**params).status]


async def test_common_searches_page_the_same_through_the_date_index(monkeypatch):
    made = [await make_order(name=f"Léon Martin{i}") for i in range(4)]
    await make_order(name="Paul Durand")
    expected = [o["number"] for o in made[::-1]]
    assert await numbers(q="martin") == expected
    monkeypatch.setattr(queries, "COMMON_SEARCH", 1)  # every search counts as common
    assert await queries.is_common_search("orders", "martin") == queries.is_sqlite()
    first = await list_orders(view(q="martin"), page_size=3)
    second = await list_orders(view(q="martin", cursor=first.next_cursor), page_size=3)
    assert [r["number"] for r in first.rows + second.rows] == expected


async def test_search_finds_the_orders_holding_a_product_by_sku_barcode_or_name():
    await add_product("MARIN-RAY-M", on_hand=10, name="Marinière rayée", barcode="3760000000017")
    await add_product("CAB-JAUNE", on_hand=10, name="Ciré jaune")
    striped = await make_order(name="Léa Petit", lines=[("MARIN-RAY-M", 1, 3990)])
    both = await make_order(name="Marc Blanc",
                            lines=[("CAB-JAUNE", 1, 8900), ("MARIN-RAY-M", 2, 3990)])
    raincoat = await make_order(name="Jeanne Roy", lines=[("CAB-JAUNE", 1, 8900)])
    wearers = {striped["number"], both["number"]}
    assert set(await numbers(q="marin-ray-m")) == wearers  # SKU, case ignored
    assert set(await numbers(q="3760000000017")) == wearers  # EAN barcode
    assert set(await numbers(q="mariniere")) == wearers  # name, accents ignored
    assert set(await numbers(q="Marinière rayée")) == wearers
    assert set(await numbers(q="cire jaune")) == {both["number"], raincoat["number"]}
    assert await numbers(q="marinière verte") == []  # every word must be in the name
    # A product hit adds to the text matches; a short word names no product.
    assert await numbers(q="lea") == [striped["number"]]
    counts = await status_counts(view(q="mariniere"))
    assert counts[""].value == 2


async def test_a_product_code_lists_only_the_orders_holding_it_unless_short_digits():
    """An exact SKU or barcode is a product search alone (no text scan: one index); digits
    shorter than a barcode still find numbers, phones and postcodes too."""
    await add_product("CIRE-NAVY", on_hand=10, name="Ciré marine")
    await add_product("75011", on_hand=10, name="Bougie Bastille")
    holder = await make_order(name="Léa Petit", lines=[("CIRE-NAVY", 1, 8900)])
    texted = await make_order(name="Cire Navy", email="cire-navy@example.fr")
    assert await numbers(q="cire-navy") == [holder["number"]]
    assert set(await numbers(q="cire")) == {holder["number"], texted["number"]}  # a word
    candle = await make_order(name="Paul Roy", lines=[("75011", 1, 1500)])
    parisian = await make_order(name="Anne Nuit", postal_code="75011")
    assert set(await numbers(q="75011")) == {candle["number"], parisian["number"]}


async def test_digits_name_a_product_only_by_its_exact_code_not_by_its_name():
    await add_product("TEE-BIO", on_hand=10, name="T-shirt 100 % coton")
    await add_product("1001", on_hand=10, name="Bougie")
    tee = await make_order(name="Léa Petit", number="WS-TEE", lines=[("TEE-BIO", 1, 1990)])
    candle = await make_order(name="Paul Roy", number="WS-CANDLE", lines=[("1001", 1, 1500)])
    assert tee["number"] not in await numbers(q="100")  # not "the T-shirt 100 % coton"
    assert tee["number"] in await numbers(q="coton 100")
    assert await numbers(q="1001") == [candle["number"]]
    assert (await queries.matching_products("100")).ids == ()


async def test_a_common_product_pages_the_same_through_the_date_index(monkeypatch):
    await add_product("TOTE-BAG", on_hand=20, name="Sac cabas")
    made = [await make_order(name=f"Client {i}", lines=[("TOTE-BAG", 1, 1200)])
            for i in range(4)]
    await make_order(name="Paul Durand")
    expected = [o["number"] for o in made[::-1]]
    assert await numbers(q="TOTE-BAG") == expected
    monkeypatch.setattr(queries, "COMMON_SEARCH", 1)  # every product counts as common
    products = await queries.matching_products("TOTE-BAG")
    assert products.by_code
    assert await queries.is_common_search("orders", "TOTE-BAG", products) == queries.is_sqlite()
    first = await list_orders(view(q="TOTE-BAG"), page_size=3)
    second = await list_orders(view(q="TOTE-BAG", cursor=first.next_cursor), page_size=3)
    assert [r["number"] for r in first.rows + second.rows] == expected
    assert first.total.value == 4


async def test_digits_list_orders_numbered_so_first_then_phones_and_postcodes():
    # Taken in another order than numbered (imported orders, say): number order wins.
    second = await make_order(number="710002", placed_at=datetime(2026, 1, 5, tzinfo=timezone.utc))
    first = await make_order(number="710001", placed_at=datetime(2026, 1, 1, tzinfo=timezone.utc))
    postcode = await make_order(number="200001", postal_code="71000", city="Mâcon",
                                placed_at=datetime(2026, 3, 1, tzinfo=timezone.utc))
    phone = await make_order(number="200002", phone="+33 6 71 00 12 34")  # newest
    await make_order(number="300003", postal_code="75011")
    listed = await numbers(q="7100")
    # Numbered 7100... first, in number order, then the other matches newest first.
    assert listed == [first["number"], second["number"], phone["number"], postcode["number"]]
    assert await numbers(q="7100", sort="-number") == sorted(listed, reverse=True)


async def test_numbers_first_pages_walk_both_parts_once():
    made = [await make_order(number=str(710104 - i)) for i in range(5)][::-1]
    others = [await make_order(number=str(900000 + i), postal_code="71010") for i in range(4)]
    for size in (1, 2, 3, 5, 9, 20):
        seen, cursor = [], ""
        while True:
            page = await list_orders(view(q="7101", cursor=cursor), page_size=size)
            seen += [row["number"] for row in page.rows]
            if not page.next_cursor:
                break
            cursor = page.next_cursor
        assert seen[:5] == [o["number"] for o in made], size
        assert sorted(seen[5:]) == sorted(o["number"] for o in others), size
        assert len(seen) == 9, size


async def test_a_whole_order_number_is_found_exactly():
    order = await make_order(number="123456")
    assert await queries.order_numbered("123456") == order["number"]
    assert await queries.order_numbered(" 123456 ") == order["number"]
    assert await queries.order_numbered("12345") is None
    assert await queries.order_numbered("654321") is None
    assert await queries.order_numbered("12a456") is None


async def test_exact_counts_count_every_match_under_the_other_filters(monkeypatch):
    monkeypatch.setattr(queries, "COUNT_CAP", 2)
    for _ in range(3):
        await make_order(name="Léa Martin")
    await make_order(status="on_hold", name="Léa Martin")
    await make_order(status="on_hold", name="Marc Durand")
    capped = await status_counts(view())
    assert capped[""].capped and capped[""].value == 2
    exact = await queries.exact_counts(view(status="on_hold"))
    assert exact[""].value == 5 and not exact[""].capped
    assert exact["open"].value == 3 and exact["on_hold"].value == 2 and exact["closed"].value == 0
    assert (await queries.exact_counts(view(q="lea")))["on_hold"].value == 1
