"""The demo shop obeys the rules the application checks, on both engines.

300 orders are enough for every scenario to appear (the loader gives each story to the
first order old enough to tell it) and load in a fraction of a second.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from tests.components.test_history_text_fr import ENGLISH
from tests.components.test_shipping_history_text import french, spaces  # noqa: F401 - fixture
from tests.conftest import truncate_all

from dashboard.components.history_text import RETELLINGS, Context
from dashboard.db.tables import (
    Address,
    CreditNote,
    Customer,
    DocumentSequence,
    Invoice,
    Order,
    OrderEvent,
    OrderLine,
    OrderNote,
    Payment,
    PickList,
    Product,
    ReturnLine,
    ReturnRequest,
    Shipment,
    ShipmentLine,
    Stock,
)
from dashboard.domain.stock.barcodes import is_valid_ean13

from dashboard.domain.pricing import balance_due, line_amounts, order_totals
from dashboard.domain.search import order_search_text
from dashboard.domain.statuses import (
    FulfilmentStatus, OrderStatus, PaymentMethod, PaymentStatus, payment_status_for,
)
from dashboard.services.demo.shop import load_demo_data
from dashboard.services.fulfilment import picking
from dashboard.services.printing.sequences import last_order_value

NOW = datetime(2026, 3, 16, 10, tzinfo=timezone.utc)
PARIS = ZoneInfo("Europe/Paris")
ORDERS = 300


async def load(seed: int = 7, orders: int = ORDERS) -> str:
    return await load_demo_data(orders=orders, seed=seed, now=NOW, chunk=120)


def by_order(rows: list[dict], key: str = "order") -> dict[int, list[dict]]:
    grouped: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        grouped[row[key]].append(row)
    return grouped


async def test_summary_names_what_was_loaded():
    summary = await load()
    assert "300 orders" in summary and "204 products" in summary
    assert await Order.count() == ORDERS


async def test_every_order_adds_up():
    await load()
    orders = await Order.select()
    lines = by_order(await OrderLine.select())
    payments = by_order(await Payment.select())
    credits = by_order(await CreditNote.select())
    surcharges_ok = 0
    for order in orders:
        order_lines = lines[order["id"]]
        assert order_lines, order["number"]
        for line in order_lines:
            amounts = line_amounts(line["unit_price"], line["quantity"], line["vat_rate_bp"])
            assert (line["line_total"], line["tax_amount"]) == (amounts.line_total, amounts.tax_amount)
        totals = order_totals([line_amounts(ln["unit_price"], ln["quantity"], ln["vat_rate_bp"])
                               for ln in order_lines], order["shipping_total"])
        assert order["subtotal"] == sum(ln["line_total"] for ln in order_lines)
        assert order["total"] == order["subtotal"] + order["shipping_total"] == totals.total
        assert order["tax_total"] == totals.tax_total
        succeeded = [p for p in payments[order["id"]] if p["status"] == "succeeded"]
        assert order["paid_total"] == sum(p["amount"] for p in succeeded if p["kind"] == "payment")
        assert order["refunded_total"] == sum(p["amount"] for p in succeeded if p["kind"] == "refund")
        assert order["credited_total"] == sum(c["amount"] for c in credits[order["id"]])
        assert order["balance_due"] == balance_due(order["total"], order["surcharge_total"], order["paid_total"],
                                                   order["refunded_total"], order["credited_total"],
                                                   cancelled=order["status"] == "cancelled")
        assert order["payment_status"] == payment_status_for(order["total"], order["paid_total"],
                                                             order["refunded_total"])
        assert order["backordered_quantity"] == sum(ln["backordered"] for ln in order_lines)
        if order["status"] != "cancelled" and order["payment_status"] in ("paid", "partially_refunded", "refunded"):
            assert order["paid_at"] is not None
        surcharges_ok += order["surcharge_total"] > 0
    assert any(o["balance_due"] < 0 for o in orders), "a credit not yet refunded shows a negative balance"


async def test_fulfilment_agrees_with_line_quantities():
    await load()
    orders = await Order.select()
    lines = by_order(await OrderLine.select())
    shipments = by_order(await Shipment.select())
    shipped_per_line = Counter()
    for row in await ShipmentLine.select(ShipmentLine.order_line, ShipmentLine.quantity):
        shipped_per_line[row["order_line"]] += row["quantity"]
    returned_per_line = Counter()
    received = {r["id"] for r in await ReturnRequest.select() if r["status"] in ("received", "closed")}
    for row in await ReturnLine.select():
        if row["return_request"] in received:
            returned_per_line[row["order_line"]] += row["quantity"]
    for order in orders:
        order_lines = lines[order["id"]]
        quantity = sum(ln["quantity"] for ln in order_lines)
        shipped = sum(ln["shipped"] for ln in order_lines)
        returned = sum(ln["returned"] for ln in order_lines)
        for line in order_lines:
            assert shipped_per_line[line["id"]] == line["shipped"]
            assert returned_per_line[line["id"]] == line["returned"]
            assert line["picked"] <= line["quantity"]
            if order["status"] in ("open", "on_hold"):
                assert line["reserved"] + line["backordered"] + line["shipped"] == line["quantity"]
            else:
                assert line["reserved"] == line["backordered"] == 0
        status = order["fulfilment_status"]
        if status == "returned":
            assert returned == shipped == quantity
        elif status == "partially_returned":
            assert 0 < returned < quantity
        elif status in ("shipped", "delivered", "collected"):
            assert shipped == quantity and returned == 0
            parcels = shipments[order["id"]]
            if status == "delivered":
                assert all(s["status"] == "delivered" for s in parcels)
            if status == "shipped":
                assert any(s["status"] == "in_transit" for s in parcels)
            assert (status == "collected") == (order["shipping_method"] == "click_and_collect")
        elif status == "partially_shipped":
            assert 0 < shipped < quantity and returned == 0
        else:
            assert shipped == 0, order["number"]
            if status == "ready_for_pickup":
                assert order["shipping_method"] == "click_and_collect"
                assert all(ln["picked"] == ln["quantity"] for ln in order_lines)
        if order["status"] == "cancelled":
            assert order["cancel_reason"] and order["cancelled_at"]
        if order["status"] == "on_hold":
            assert order["hold_reason"]
        if order["last_carrier"]:
            assert order["last_carrier"] in {s["carrier"] for s in shipments[order["id"]]}


async def test_stock_matches_the_open_orders():
    await load()
    open_ids = {o["id"] for o in await Order.select(Order.id).where(Order.status.is_in(["open", "on_hold"]))}
    reserved, backordered = Counter(), Counter()
    for line in await OrderLine.select():
        if line["order"] in open_ids:
            reserved[line["product"]] += line["reserved"]
            backordered[line["product"]] += line["backordered"]
    products = {p["id"]: p for p in await Product.select()}
    stock = await Stock.select()
    assert len(stock) == len(products)
    for row in stock:
        assert row["reserved"] == reserved[row["product"]]
        assert row["backordered"] == backordered[row["product"]]
        assert 0 <= row["reserved"] <= row["on_hand"]
        if row["backordered"]:
            assert products[row["product"]]["backorder"]
    assert sum(backordered.values()) > 0 and sum(reserved.values()) > 0


async def test_catalogue_looks_like_a_real_shop():
    await load()
    products = await Product.select()
    assert 180 <= len(products) <= 220
    assert all(is_valid_ean13(p["barcode"]) for p in products)
    assert len({p["barcode"] for p in products}) == len({p["sku"] for p in products}) == len(products)
    assert len({p["bin_location"] for p in products}) == len(products)
    assert all(re.fullmatch(r"[A-H]-\d{2}-[1-4]", p["bin_location"]) for p in products)
    vat = Counter(p["vat_rate_bp"] for p in products)
    assert set(vat) == {2000, 1000, 550} and vat[2000] > len(products) * 0.7
    assert any(p["backorder"] for p in products) and not all(p["backorder"] for p in products)
    assert all(p["price"] > 0 and p["currency"] == "EUR" for p in products)


async def test_customers_have_european_addresses_and_phones():
    await load()
    customers = await Customer.select()
    addresses = by_order(await Address.select(), key="customer")
    assert len(customers) >= 30
    countries = Counter()
    for customer in customers:
        assert "@" in customer["email"] and re.fullmatch(r"\+\d{10,13}", customer["phone"])
        own = addresses[customer["id"]]
        assert [a["is_default"] for a in own].count("both") == 1
        countries[own[0]["country"]] += 1
        assert all(a["line1"] and a["postal_code"] and a["city"] for a in own)
    assert countries.most_common(1)[0][0] == "FR" and len(countries) >= 3
    assert len({c["email"] for c in customers}) == len(customers)
    for order in await Order.select():
        assert order["search_text"] == order_search_text(order["number"], order["customer_name"],
                                                         order["customer_email"], order["customer_phone"],
                                                         order["ship_postal_code"])


async def test_every_state_and_story_appears():
    await load()
    orders = await Order.select()
    for column, values in (("status", OrderStatus), ("payment_status", PaymentStatus),
                           ("fulfilment_status", FulfilmentStatus), ("payment_method", PaymentMethod)):
        assert {o[column] for o in orders} == {v.value for v in values}, column
    assert {o["channel"] for o in orders} == {"web", "phone"}
    assert {o["shipping_method"] for o in orders} == {"carrier", "click_and_collect"}
    parcels = Counter(s["order"] for s in await Shipment.select(Shipment.order))
    partial = {o["id"] for o in orders if o["fulfilment_status"] == "partially_shipped"}
    assert any(parcels[i] >= 2 for i in partial) or any(n >= 2 for n in parcels.values())
    payments = await Payment.select()
    assert any(p["status"] == "failed" for p in payments)
    assert {p["method"] for p in payments if p["kind"] == "payment"} == {v.value for v in PaymentMethod}
    assert all(p["transaction_ref"].startswith("PSP-") for p in payments if p["method"] == "card")
    assert {r["status"] for r in await ReturnRequest.select()} >= {"authorised", "received", "closed"}
    assert min(o["placed_at"] for o in orders) < datetime(2024, 10, 1, tzinfo=timezone.utc)
    assert max(o["placed_at"] for o in orders) <= NOW


async def test_history_notes_and_numbers():
    await load()
    orders = await Order.select()
    events = by_order(await OrderEvent.select().order_by(OrderEvent.occurred_at, OrderEvent.id))
    notes = Counter(n["order"] for n in await OrderNote.select(OrderNote.order))
    for order in orders:
        history = events[order["id"]]
        assert history[0]["kind"] == "order.placed" and history[0]["occurred_at"] == order["placed_at"]
        assert order["updated_at"] == max(e["occurred_at"] for e in history)
        assert order["note_count"] == notes[order["id"]]
        kinds = {e["kind"] for e in history}
        if order["paid_total"]:
            assert "payment.recorded" in kinds
        if order["last_carrier"] and order["last_carrier"] != "pickup":
            assert "shipment.created" in kinds
        if order["status"] == "cancelled":
            assert "order.cancelled" in kinds
    assert sum(notes.values()) > 0

    numbers = sorted(int(o["number"]) for o in orders)
    assert numbers == list(range(100001, 100001 + ORDERS))
    by_date = sorted(orders, key=lambda o: (o["placed_at"], o["id"]))
    assert [o["number"] for o in by_date] == [str(n) for n in numbers]
    sequences = {(s["kind"], s["year"]): s["last_value"] for s in await DocumentSequence.select()}
    assert await last_order_value() == 100000 + ORDERS
    per_year: dict[int, list[int]] = defaultdict(list)
    for note in await CreditNote.select():
        prefix, year, value = re.fullmatch(r"([FA])(\d{4})-(\d{5,})", note["number"]).groups()
        year, value = int(year), int(value)
        assert prefix == "A"  # credit notes: A2026-00042
        per_year[year].append(value)
        lines = json.loads(note["lines"]) if isinstance(note["lines"], str) else note["lines"]
        assert sum(ln["unit_price"] * ln["quantity"] for ln in lines) == note["amount"], note["number"]
    assert per_year
    for year, values in per_year.items():
        assert sorted(values) == list(range(1, sequences[("credit_note", year)] + 1)), year
    # Invoices: issued through printing's issue path for every settled order, dated at
    # payment, one gap-free series per year in the order of those dates.
    settled = {o["id"]: o for o in orders if o["status"] != "cancelled"
               and o["payment_status"] in ("paid", "partially_refunded", "refunded")}
    invoices = await Invoice.select().order_by(Invoice.issued_at, Invoice.id)
    assert {i["order"] for i in invoices} == set(settled) and len(invoices) == len(settled)
    series: dict[int, list[int]] = defaultdict(list)
    for invoice in invoices:
        assert invoice["issued_at"] == settled[invoice["order"]]["paid_at"]
        prefix, year, value = re.fullmatch(r"([FA])(\d{4})-(\d{5,})", invoice["number"]).groups()
        assert prefix == "F" and int(year) == invoice["issued_at"].astimezone(PARIS).year
        series[int(year)].append(int(value))
    for year, values in series.items():
        assert values == list(range(1, sequences[("invoice", year)] + 1)), year


async def test_the_history_of_demo_orders_reads_in_french(french):
    """Demo events carry the kinds and data the use-cases write, so the order screen retells
    every one of them (none falls back to its stored English summary)."""
    await load()
    lines = by_order(await OrderLine.select(OrderLine.id, OrderLine.order, OrderLine.sku,
                                            OrderLine.name))
    shipments = by_order(await Shipment.select())
    kinds = Counter()
    for event in await OrderEvent.select():
        assert event["kind"] in RETELLINGS, event["kind"]
        data = json.loads(event["data"]) if isinstance(event["data"], str) else event["data"]
        context = Context.of("EUR", lines[event["order"]], shipments[event["order"]])
        text = spaces(RETELLINGS[event["kind"]](data, context))  # raises where data is missing
        assert text != event["summary"] and not ENGLISH.search(text), (event["kind"], text)
        kinds[event["kind"]] += 1
    assert {"payment.refunded", "shipment.tracking", "picking.started", "return.received",
            "note.added", "order.held", "surcharge.added"} <= set(kinds), kinds


async def test_orders_being_picked_are_on_a_pick_list_the_picker_can_open():
    await load()
    picking_ids = {e["order"] for e in await OrderEvent.select(OrderEvent.order).where(
        OrderEvent.kind == "picking.started")}
    assert picking_ids
    lists = await PickList.select()
    assert {"open", "completed"} >= {p["status"] for p in lists} and lists
    for pick_list in lists:
        view = await picking.pick_list_view(pick_list["number"])
        assert view["lines"], pick_list["number"]
        assert (pick_list["status"] == "completed") == all(
            ln["picked"] == ln["quantity"] for ln in view["lines"])
    sequences = {(s["kind"], s["year"]): s["last_value"] for s in await DocumentSequence.select()}
    assert sequences[("pick_list", 0)] == len(lists)


async def _fingerprint() -> list:
    orders = await Order.select(Order.number, Order.customer_email, Order.placed_at, Order.total,
                                Order.status, Order.payment_status, Order.fulfilment_status,
                                Order.balance_due).order_by(Order.number)
    lines = await OrderLine.select(OrderLine.sku, OrderLine.quantity, OrderLine.shipped).order_by(OrderLine.id)
    refs = await Payment.select(Payment.transaction_ref, Payment.amount).order_by(Payment.id)
    stock = await Stock.select(Stock.on_hand, Stock.reserved).order_by(Stock.id)
    return [orders, lines, refs, stock]


async def test_same_seed_same_shop_and_a_second_run_changes_nothing():
    await load(seed=3)
    first = await _fingerprint()
    summary = await load(seed=3)
    assert "not loaded" in summary and "300 order(s)" in summary
    assert await Order.count() == ORDERS and await Product.count() == 204
    await truncate_all()
    await load(seed=3)
    assert await _fingerprint() == first
    await truncate_all()
    await load(seed=4)
    assert await _fingerprint() != first


async def test_later_inserts_continue_after_the_demo_ids():
    await load(orders=20)
    last = await Order.select(Order.id).order_by(Order.id, ascending=False).first()
    customer = await Customer.select(Customer.id).first()
    rows = await Order.insert(Order(number="999999", customer=customer["id"], payment_method="card")).returning(
        Order.id)
    assert rows[0]["id"] == last["id"] + 1


async def _index_names() -> set[str]:
    if Order._meta.db.engine_type == "postgres":
        rows = await Order.raw("SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema()")
    else:
        rows = await Order.raw("SELECT name FROM sqlite_master WHERE type = 'index'")
    return {r["name"] for r in rows}


async def test_a_big_load_rebuilds_the_indexes_it_dropped(monkeypatch):
    from dashboard.services.demo import shop as demo_data

    monkeypatch.setattr(demo_data, "REBUILD_INDEXES_FROM", 1)
    before = await _index_names()
    assert "orders_placed_at_id" in before
    await load(orders=40)
    assert await _index_names() == before
    assert await Order.count() == 40


async def test_a_big_load_leaves_every_order_findable_by_search(monkeypatch):
    """On SQLite the search mirror (FTS5) is fed in one pass after a big load, and its
    triggers are back for the orders placed afterwards."""
    from dashboard.services.demo import shop as demo_data
    from dashboard.domain.orders.listing import OrderFilter
    from dashboard.services.orders.listing import list_orders
    from tests.factories import make_order

    monkeypatch.setattr(demo_data, "REBUILD_INDEXES_FROM", 1)
    await load(orders=40)
    last = await Order.select(Order.number, Order.customer_name).order_by(
        Order.id, ascending=False).first()
    surname = last["customer_name"].split()[-1]
    page = await list_orders(OrderFilter(q=surname))
    assert last["number"] in {row["number"] for row in page.rows}
    placed = await make_order(name="Zébulon Quartz")
    page = await list_orders(OrderFilter(q="quartz"))
    assert [row["number"] for row in page.rows] == [placed["number"]]


async def test_a_big_load_adds_back_the_foreign_keys_it_dropped(monkeypatch):
    from dashboard.services.demo import shop as demo_data

    monkeypatch.setattr(demo_data, "REBUILD_INDEXES_FROM", 1)
    await load(orders=40)
    first = await OrderLine.select(OrderLine.id).first()
    try:
        async with Order._meta.db.transaction():
            await OrderLine.raw(f'UPDATE "order_line" SET "order" = 999999 WHERE "id" = {first["id"]}')
    except Exception as exc:  # noqa: BLE001 - each driver names it differently
        assert "foreign key" in str(exc).lower()
    else:
        raise AssertionError("the order_line -> orders foreign key is gone")


async def test_credit_note_shipping_lines_are_named_in_the_customer_s_language():
    from dashboard.db.json_columns import json_value
    from dashboard.domain.pricing import SHIPPING_VAT_BP

    await load()
    locales = {o["id"]: o["locale"] for o in await Order.select(Order.id, Order.locale)}
    names = {(locales[n["order"]], line["name"], line["vat_rate_bp"])
             for n in await CreditNote.select()
             for line in json_value(n["lines"]) if line["sku"] == "SHIPPING"}
    assert ("fr", "Livraison", SHIPPING_VAT_BP) in names
    assert {name for locale, name, _ in names if locale == "fr"} == {"Livraison"}
