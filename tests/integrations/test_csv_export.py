"""``GET /orders/export.csv``: orders and lines for accounting, filtered like the list,
streamed in batches, French-friendly, and only for staff who may see orders."""

import csv
import io

import pytest

from dashboard.db.tables import Order
from dashboard.db.transaction import write_transaction
from dashboard.services.integrations.accounting_export import HEADER, csv_chunks
from dashboard.services.orders.listing import OrderFilter
from tests.factories import add_legacy_product, make_order


def _parse(response, separator=","):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:]), delimiter=separator))


async def test_one_row_per_line_with_amounts_in_euros(login_as):
    client = await login_as("back_office")
    placed = await make_order(lines=[("TSHIRT-BLUE-M", 2, 1990), ("MUG-RED", 1, 1250)],
                              name="=HYPERLINK(evil)", shipping_total=490)
    response = await client.get("/orders/export.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    header, *rows = _parse(response)
    assert header == list(HEADER)
    assert len(rows) == 2
    row = dict(zip(header, rows[0]))
    assert row["order_number"] == placed["number"]
    assert row["customer_name"] == "'=HYPERLINK(evil)"  # never run as a formula
    assert (row["order_total"], row["order_shipping"], row["currency"]) == ("57.20", "4.90", "EUR")
    assert (row["sku"], row["quantity"], row["unit_price"], row["line_total"], row["vat_rate"]) == (
        "TSHIRT-BLUE-M", "2", "19.90", "39.80", "20.00")
    assert dict(zip(header, rows[1]))["sku"] == "MUG-RED"


async def test_french_flavour_uses_semicolons_and_decimal_commas(login_as):
    client = await login_as("admin")
    await add_legacy_product("CAFÉ-CRÈME", 10, price=1250)
    await make_order(lines=[("CAFÉ-CRÈME", 1, 1250)], name="Élodie Bérard")
    response = await client.get("/orders/export.csv", params={"sep": "semicolon"})
    header, row = _parse(response, ";")
    values = dict(zip(header, row))
    assert values["unit_price"] == "12,50" and values["customer_name"] == "Élodie Bérard"
    assert values["sku"] == "CAFÉ-CRÈME"


async def test_the_list_filters_select_the_orders(login_as):
    client = await login_as("back_office")
    paid = await make_order(name="Paul Paid")
    await make_order(name="Uma Unpaid")
    async with write_transaction():
        await Order.update({Order.payment_status: "paid"}).where(Order.id == paid["id"])
    _, *rows = _parse(await client.get("/orders/export.csv",
                                       params={"payment_status": "paid"}))
    assert [row[0] for row in rows] == [paid["number"]]
    _, *rows = _parse(await client.get("/orders/export.csv", params={"q": "uma"}))
    assert [row[6] for row in rows] == ["Uma Unpaid"]


async def test_the_export_streams_in_batches():
    numbers = [(await make_order())["number"] for _ in range(7)]
    chunks = [chunk async for chunk in csv_chunks(OrderFilter(), french=False,
                                                  tz="Europe/Paris", batch_size=3)]
    assert len(chunks) == 1 + 3  # the header, then batches of 3, 3 and 1 orders
    rows = list(csv.reader(io.StringIO("".join(chunks)[1:])))
    assert [row[0] for row in rows[1:]] == numbers


@pytest.mark.parametrize("role, status", [("picker", 403), ("call_centre", 200)])
async def test_who_may_export(login_as, role, status):
    client = await login_as(role)
    assert (await client.get("/orders/export.csv")).status_code == status


async def test_anonymous_callers_are_sent_to_sign_in(client):
    answer = await client.get("/orders/export.csv")
    assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    assert "customer" not in answer.text.lower()  # no data leaks in the redirect
