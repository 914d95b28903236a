"""Phones stored in E.164 (issue 18): one caller, one customer, found by any spelling;
the old rows rewritten by the migration on both engines."""

import importlib

from dashboard.db.tables import Address, Customer, Order
from dashboard.db.transaction import engine, write_transaction
from dashboard.domain.orders.intake import CustomerDetails
from dashboard.services.orders import phone as phone_orders
from dashboard.services.orders.customers import edit_customer, search_customers
from dashboard.services.orders.edits import edit_order_fields
from dashboard.services.orders.intake import place_order
from dashboard.services.orders.listing import OrderFilter, list_orders
from tests.factories import add_product, make_draft

AGENT = "agent:claire"
SPELLINGS = ("+33 6 12 34 56 78", "06 12 34 56 78", "0033 6 12 34 56 78", "0612345678",
             "+33612345678", "06 12 34")


def typed_as(phone: str, email: str = "anne@example.fr"):
    draft = make_draft(("LAMP", 1), email=email)
    return draft.__class__(**{**draft.__dict__, "customer": CustomerDetails(
        email=email, first_name="Anne", last_name="Martin", phone=phone)})


async def test_a_phone_typed_the_national_way_is_stored_in_e164_and_found_by_any_spelling():
    await add_product("LAMP", 10)
    placed = await place_order(typed_as("06 12 34 56 78"), actor=AGENT)
    order = await Order.select().where(Order.number == placed.number).first()
    assert order["customer_phone"] == "+33612345678"
    customer = await Customer.select().where(Customer.id == order["customer"]).first()
    assert customer["phone"] == "+33612345678"
    for q in SPELLINGS:
        assert [c["id"] for c in await phone_orders.find_callers(q)] == [customer["id"]], q
        page = await list_orders(OrderFilter(q=q))
        assert [r["number"] for r in page.rows] == [placed.number], q


async def test_the_same_number_from_the_shop_and_from_the_phone_is_one_value():
    await add_product("LAMP", 10)
    first = await place_order(typed_as("+33 6 12 34 56 78"), actor="shop")
    second = await place_order(typed_as("06.12.34.56.78"), actor=AGENT)
    phones = {r["customer_phone"] for r in await Order.select(Order.customer_phone).where(
        Order.number.is_in([first.number, second.number]))}
    assert phones == {"+33612345678"}


async def test_edits_store_e164_and_retyping_the_same_number_changes_nothing():
    await add_product("LAMP", 10)
    placed = await place_order(typed_as("+33612345678"), actor=AGENT)
    order = await Order.select().where(Order.number == placed.number).first()
    contact = {"customer_name": "Anne Martin", "customer_email": "anne@example.fr",
               "customer_phone": "+33612345678"}
    same = await edit_order_fields(placed.number, "contact", contact,
                                   {**contact, "customer_phone": "06 12 34 56 78"}, actor=AGENT)
    assert same["version"] == order["version"]  # the same number: no change, no history
    changed = await edit_order_fields(placed.number, "contact", contact,
                                      {**contact, "customer_phone": "07 00 00 00 01"}, actor=AGENT)
    assert changed["customer_phone"] == "+33700000001"
    customer = await Customer.select().where(Customer.id == order["customer"]).first()
    account = {f: customer[f] for f in ("first_name", "last_name", "email", "phone", "company")}
    after = await edit_customer(customer["id"], account, {**account, "phone": "07 11 22 33 44"},
                                actor=AGENT)
    assert after["phone"] == "+33711223344"
    assert [c["id"] for c in await search_customers("07 11 22 33 44")] == [customer["id"]]


async def test_a_new_caller_with_a_known_phone_or_email_is_offered_the_existing_customer():
    await add_product("LAMP", 10)
    placed = await place_order(typed_as("+33612345678"), actor="shop")
    known = (await Order.select(Order.customer).where(Order.number == placed.number).first())[
        "customer"]
    draft_id = await phone_orders.start_draft(None, actor=AGENT)
    await phone_orders.add_line(draft_id, "LAMP", 1, actor=AGENT)
    assert (await phone_orders.draft_view(draft_id)).same_customers == []
    await phone_orders.save_details(draft_id, {
        "customer.first_name": "Anne", "customer.last_name": "Martin-Durand",
        "customer.email": "anne.durand@example.fr", "customer.phone": "06 12 34 56 78",
        "shipping_address.country": "FR", "same_billing": "1"}, actor=AGENT)
    offered = (await phone_orders.draft_view(draft_id)).same_customers
    assert [(c["id"], c["same"]) for c in offered] == [(known, ["phone"])]
    # Same email, other phone: offered too.
    await phone_orders.save_details(draft_id, {
        "customer.email": "ANNE@example.fr", "customer.phone": "07 99 99 99 99",
        "shipping_address.country": "FR", "same_billing": "1"}, actor=AGENT)
    assert [(c["id"], c["same"]) for c in (await phone_orders.draft_view(draft_id)).same_customers] \
        == [(known, ["email"])]
    # The agent takes it: the draft is hers, lines kept, her address fills the empty one.
    await phone_orders.use_customer(draft_id, known, None, actor=AGENT)
    view = await phone_orders.draft_view(draft_id)
    assert view.draft["customer"] == known and view.same_customers == []
    assert view.draft["data"]["customer"]["email"] == "anne@example.fr"
    assert view.draft["data"]["shipping_address"]["city"] == "Lyon"
    assert [line["sku"] for line in view.lines] == ["LAMP"]
    again = await phone_orders.place(draft_id, actor=AGENT)
    assert (await Order.select(Order.customer).where(Order.number == again.number).first())[
        "customer"] == known
    assert await Customer.count() == 1


async def test_the_migration_rewrites_old_phones_on_this_engine():
    migration = importlib.import_module(
        "dashboard.db.migrations.dashboard_2026_12_07t00_10_00_000000")
    await add_product("LAMP", 10)
    placed = await place_order(typed_as("+33612345678"), actor="shop")
    order = await Order.select().where(Order.number == placed.number).first()
    async with write_transaction():  # rows as the desk stored them before: as typed
        await Order.update({Order.customer_phone: "06 12 34 56 78", Order.ship_phone: "06-12-34-56-78",
                            Order.search_text: "old"}).where(Order.id == order["id"])
        await Customer.update({Customer.phone: "06 12 34 56 78", Customer.search_text: "old"}).where(
            Customer.id == order["customer"])
        await Address.update({Address.phone: "0612345678"}).where(
            Address.customer == order["customer"])
        belgian = (await Customer.insert(Customer(email="b@example.be", last_name="Peeters",
                                                  phone="0470 12 34 56")).returning(Customer.id))[0]["id"]
        await Address.insert(Address(customer=belgian, name="Jan Peeters", line1="Rue 1",
                                     postal_code="1000", city="Bruxelles", country="BE",
                                     phone="0470 12 34 56", is_default="both"))
        await Customer.insert(Customer(email="x@example.fr", last_name="Unreadable", phone="12"))
        changed = await migration.normalise_phones(engine(), "FR")
    assert changed == {"customer": 2, "address": 2, "orders": 1}
    row = await Order.select().where(Order.id == order["id"]).first()
    assert (row["customer_phone"], row["ship_phone"]) == ("+33612345678", "+33612345678")
    assert {c["phone"] for c in await Customer.select(Customer.phone)} == {
        "+33612345678", "+32470123456", "12"}
    assert {a["phone"] for a in await Address.select(Address.phone)} == {
        "+33612345678", "+32470123456"}
    for q in ("+33 6 12 34 56 78", "06 12 34 56 78"):
        assert [r["number"] for r in (await list_orders(OrderFilter(q=q))).rows] == [placed.number]
        assert [c["id"] for c in await search_customers(q)] == [order["customer"]]
    assert [c["id"] for c in await search_customers("+32 470 12 34 56")] == [belgian]
    async with write_transaction():  # a second run finds nothing left to do
        assert await migration.normalise_phones(engine(), "FR") == {
            "customer": 0, "address": 0, "orders": 0}
