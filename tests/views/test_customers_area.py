"""Customers: search ignoring accents, the customer page, account edits, who may enter."""

from dashboard.db.tables import Address, Customer
from dashboard.services.orders.customers import customer_search_text
from tests.factories import make_customer, make_order

HX = {"HX-Request": "true"}


async def test_customer_search_by_name_email_or_phone_ignores_accents(login_as):
    http = await login_as("call_centre")
    zoe = await make_customer("Zoé", "Lefèvre", phone="+33 6 11 22 33 44")
    await make_customer("Marc", "Dubois", email="marc@dubois.test")
    await make_order(zoe, number="WS-Z1")
    for q in ("zoe lefevre", "LEFÈVRE", "zoe.lefevre@", "06 11 22 33 44"):
        page = await http.get("/customers", params={"q": q}, headers=HX)
        assert page.status_code == 200 and "<html" not in page.text
        assert "Lefèvre" in page.text and "Dubois" not in page.text, q
    full = await http.get("/customers?q=dubois")
    assert "<html" in full.text and "marc@dubois.test" in full.text and "Lefèvre" not in full.text
    assert "No customer matches" in (await http.get("/customers?q=nobody", headers=HX)).text


async def test_customer_page_lists_orders_and_addresses_and_edits_account(login_as):
    http = await login_as("back_office")
    customer_id = await make_customer("Anne", "Martin")
    await Address.insert(Address(customer=customer_id, name="Anne Martin", line1="5 quai Saint-Antoine",
                                 postal_code="69002", city="Lyon"))
    await make_order(customer_id, number="WS-A1")
    page = await http.get(f"/customers/{customer_id}")
    assert page.status_code == 200
    assert "WS-A1" in page.text and "5 quai Saint-Antoine" in page.text
    customer = await Customer.select().where(Customer.id == customer_id).first()
    form = {f"before__{f}": customer[f] for f in ("first_name", "last_name", "email", "phone", "company")}
    bad = await http.post(f"/customers/{customer_id}/account", headers=HX,
                          data={**{k[8:]: v for k, v in form.items()}, **form, "email": "not-an-email"})
    assert bad.status_code == 422 and "not an email address" in bad.text
    ok = await http.post(f"/customers/{customer_id}/account", headers=HX,
                         data={**{k[8:]: v for k, v in form.items()}, **form, "last_name": "Martin-Roux"})
    assert ok.status_code == 200 and "Martin-Roux" in ok.text
    row = await Customer.select().where(Customer.id == customer_id).first()
    assert row["version"] == 2 and "martin-roux" in row["search_text"] and "69002" in row["search_text"]
    stale = await http.post(f"/customers/{customer_id}/account", headers=HX,
                            data={**{k[8:]: v for k, v in form.items()}, **form, "last_name": "Roux"})
    assert stale.status_code == 422 and "Someone else changed this" in stale.text
    assert (await http.get("/customers/999999")).status_code == 404


def test_customer_search_text_keeps_phone_digits_and_postcodes():
    text = customer_search_text({"first_name": "Éloïse", "phone": "+33 6 12"}, ["75011"])
    assert text == "eloise +33 6 12 33612 75011"


async def test_roles_without_the_customers_area_are_refused(login_as):
    http = await login_as("dispatch")
    assert (await http.get("/customers")).status_code == 403
    nav = (await http.get("/orders")).text
    assert 'href="/customers"' not in nav
